// Splits markdown into top-level blocks (paragraphs, lists, code fences, …)
// with marked's block lexer only: the inline pass (emphasis, links, math) is
// what costs, and it runs once, when a block is rendered. The renderer lexes
// at most LEX_WINDOW characters at a time (see renderer.ts), so no call here
// grows with the message.
import { Lexer, type Marked } from "marked";

/** The blocks of `text`; their sources concatenated give `text` back. */
export function lexBlocks(marked: Marked, text: string): string[] {
  let tokens;
  try {
    tokens = new Lexer(marked.defaults).blockTokens(text);
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
  const merged = mergeOpenMath(blocks);
  // Offsets into the message are sums of these lengths: if the lexer ever
  // dropped or changed a character, one block of the exact text is safer.
  return merged.join("") === text ? merged : [text];
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

/** A line that opens (or closes) a code fence; group 1 is the marker. */
export const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const BLANK = /^[ \t]*$/;

/** The opening fence line at the start of `text`: its length (with the newline), marker and language; or null. */
export function openingFence(
  text: string,
): { length: number; marker: string; language: string } | null {
  const newline = text.indexOf("\n");
  const line = newline < 0 ? text : text.slice(0, newline);
  const marker = FENCE.exec(line)?.[1];
  if (marker === undefined) return null;
  const info = line.slice(line.indexOf(marker) + marker.length).trim();
  const language = /^[\w+#-]+/.exec(info)?.[0] ?? "";
  return { length: newline < 0 ? text.length : newline + 1, marker, language };
}

/** Whether `line` closes a fence opened with `marker`. */
function closes(line: string, marker: string): boolean {
  const found = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line)?.[1];
  return found !== undefined && found[0] === marker[0] && found.length >= marker.length;
}

/** `text` (the end of a fenced block) without its closing fence line and the blank lines after it. */
export function stripClosingFence(text: string): string {
  const trimmed = text.replace(/\n[ \t\n]*$/, "");
  const lineStart = trimmed.lastIndexOf("\n") + 1;
  return /^ {0,3}(`{3,}|~{3,})[ \t]*$/.test(trimmed.slice(lineStart))
    ? trimmed.slice(0, lineStart)
    : text;
}

/**
 * The code of the fenced block whose opening fence starts at `start` in
 * `text`: the lines up to its closing fence (or the end). One linear scan,
 * done when the user copies it.
 */
export function fencedCode(text: string, start: number): string {
  const lineEnd = text.indexOf("\n", start);
  const opening = openingFence(text.slice(start, lineEnd < 0 ? text.length : lineEnd + 1));
  if (opening === null) return "";
  const from = start + opening.length;
  for (let at = from; at < text.length;) {
    const newline = text.indexOf("\n", at);
    const end = newline < 0 ? text.length : newline;
    if (closes(text.slice(at, end), opening.marker)) return text.slice(from, at).replace(/\n$/, "");
    at = end + 1;
  }
  return text.slice(from).replace(/\n$/, "");
}

/**
 * Finds where a block too large to parse ends, without parsing it: after
 * the closing fence if it opens a code fence, otherwise at the first line
 * that follows a blank line and starts in the first column (nothing after a
 * blank line continues a paragraph, and a list item or quote would be
 * indented or marked). Resumable: a streaming message is scanned once, as it
 * arrives. Rendering starts again where it ends, as if a new document began.
 */
export class BlockEndScanner {
  /** Where the next unscanned line starts. */
  private at: number;
  private fence: string | null = null;
  private first = true;
  private blank = false;
  /** Where the block ends, once found. */
  end: number | null = null;

  constructor(readonly start: number) {
    this.at = start;
  }

  /** Whether the block is a code fence (shown as code, not as a paragraph). */
  code = false;

  /** Scans the complete lines of `text` not scanned yet; `finished` ends the block at the text's end. */
  scan(text: string, finished: boolean): number | null {
    while (this.end === null) {
      const newline = text.indexOf("\n", this.at);
      if (newline < 0) break;
      const line = text.slice(this.at, newline);
      this.line(line, this.at);
      this.at = newline + 1;
    }
    if (this.end === null && finished) {
      // The last line has no newline: it can still start the next block.
      if (this.at < text.length) this.line(text.slice(this.at), this.at);
      this.end ??= text.length;
    }
    return this.end;
  }

  private line(line: string, at: number): void {
    if (this.first) {
      this.first = false;
      this.fence = FENCE.exec(line)?.[1] ?? null;
      this.code = this.fence !== null;
      return;
    }
    if (this.fence !== null) {
      if (closes(line, this.fence)) {
        // The code block ends with its closing fence; the next line starts the next block.
        this.fence = null;
        this.blank = true;
      }
      return;
    }
    if (this.blank && line !== "" && !/^[ \t]/.test(line)) {
      this.end = at;
      return;
    }
    this.blank = BLANK.test(line);
  }
}
