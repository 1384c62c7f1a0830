// Splits markdown into top-level blocks (paragraphs, lists, code fences, …)
// so each can be rendered and cached on its own. While a message streams,
// only the last block can still change, so re-lexing starts there: the cost
// of a delta stays flat however long the message already is.
import type { Marked } from "marked";

function lexBlocks(marked: Marked, text: string): string[] {
  let tokens;
  try {
    tokens = marked.lexer(text);
  } catch {
    // Nesting deep enough to overflow the lexer's stack: one block, which
    // renderBlock then shows as text.
    return [text];
  }
  const blocks: string[] = [];
  for (const token of tokens) {
    // Blank lines belong to the block before them; a leading one starts the first.
    if (token.type === "space" && blocks.length > 0) {
      blocks[blocks.length - 1] += token.raw;
    } else {
      blocks.push(token.raw);
    }
  }
  return mergeOpenMath(blocks);
}

/** Display math with blank lines inside is one block, not several paragraphs. */
function mergeOpenMath(blocks: string[]): string[] {
  const merged: string[] = [];
  let open = false;
  for (const block of blocks) {
    if (open) merged[merged.length - 1] += block;
    else merged.push(block);
    if ((block.match(/\$\$/g) ?? []).length % 2 === 1) open = !open;
  }
  return merged;
}

/**
 * While streaming, an open block longer than this is re-lexed only after it
 * grew by a quarter (in between, the new text joins it unlexed): lexing a
 * huge open block on every frame was the per-frame cost of a long paragraph.
 */
export const RELEX_AFTER = 8 * 1024;

export class BlockSplitter {
  private text = "";
  private blocks: string[] = [];
  /** Length of the open (last) block when it was last lexed. */
  private lexedTail = 0;

  constructor(private readonly marked: Marked) {}

  split(text: string, streaming = false): string[] {
    const previous = this.blocks;
    let blocks: string[] | null = null;
    if (previous.length > 0 && text.startsWith(this.text)) {
      const stable = previous.slice(0, -1);
      const offset = stable.reduce((n, b) => n + b.length, 0);
      // The lexer normalizes some input (CRLF, tabs); only reuse blocks that match the text exactly.
      if (text.slice(0, offset) === stable.join("")) {
        const tail = text.slice(offset);
        if (streaming && this.lexedTail > RELEX_AFTER && tail.length < this.lexedTail * 1.25) {
          this.text = text;
          this.blocks = stable.concat(tail);
          return this.blocks;
        }
        blocks = stable.concat(lexBlocks(this.marked, tail));
      }
    }
    this.text = text;
    this.blocks = blocks ?? lexBlocks(this.marked, text);
    this.lexedTail = this.blocks.at(-1)?.length ?? 0;
    return this.blocks;
  }
}
