// Splits markdown into top-level blocks (paragraphs, lists, code fences, …)
// so each can be rendered and cached on its own. While a message streams,
// only the last block can still change, so re-lexing starts there: the cost
// of a delta stays flat however long the message already is.
import type { Marked } from "marked";

function lexBlocks(marked: Marked, text: string): string[] {
  const blocks: string[] = [];
  for (const token of marked.lexer(text)) {
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

export class BlockSplitter {
  private text = "";
  private blocks: string[] = [];

  constructor(private readonly marked: Marked) {}

  split(text: string): string[] {
    const previous = this.blocks;
    let blocks: string[] | null = null;
    if (previous.length > 1 && text.startsWith(this.text)) {
      const stable = previous.slice(0, -1);
      const offset = stable.reduce((n, b) => n + b.length, 0);
      // The lexer normalizes some input (CRLF, tabs); only reuse blocks that match the text exactly.
      if (text.slice(0, offset) === stable.join("")) {
        blocks = stable.concat(lexBlocks(this.marked, text.slice(offset)));
      }
    }
    this.text = text;
    this.blocks = blocks ?? lexBlocks(this.marked, text);
    return this.blocks;
  }
}
