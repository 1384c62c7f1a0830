// Quotes and lists are lexed recursively: each level lexes its content again,
// so "> " repeated thousands of times costs depth × length and then overflows
// the stack. Past MAX_NESTING levels a ">" or a list marker is plain text.
import { Tokenizer, type MarkedExtension, type Tokens } from "marked";

export const MAX_NESTING = 32;

let depth = 0;

function nested<T>(lex: () => T): T | undefined {
  if (depth >= MAX_NESTING) return undefined;
  depth++;
  try {
    return lex();
  } finally {
    depth--;
  }
}

// Returning undefined means "not a quote / list here": marked goes on to a paragraph.
export const nestingLimit: MarkedExtension = {
  tokenizer: {
    blockquote(this: Tokenizer, src: string): Tokens.Blockquote | undefined {
      return nested(() => Tokenizer.prototype.blockquote.call(this, src));
    },
    list(this: Tokenizer, src: string): Tokens.List | undefined {
      return nested(() => Tokenizer.prototype.list.call(this, src));
    },
  },
};
