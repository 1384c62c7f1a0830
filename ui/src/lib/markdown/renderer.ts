// Markdown → sanitized parts, a bounded amount of work at a time.
//
// A message is lexed LEX_WINDOW characters at a time into top-level blocks;
// finished blocks are rendered in chunks of up to CHUNK characters, each
// chunk once (cached by its source, shared by all messages). A block too
// large to parse in one go is shown as its text, in PIECE-sized parts. While
// a message streams, only its open last block is re-rendered. `work` stops at
// a deadline and at MAX_NEW_CHARS of new content, whatever the input: the
// caller shows the not-yet-rendered rest as text and calls again after
// yielding, so no task of the UI grows with the message (docs/architecture.md).
import { Marked, type MarkedExtension } from "marked";
import { BlockEndScanner, lexBlocks } from "./blocks";
import { emphasisLimit, tooManyDelimiterRuns } from "./emphasis-limit";
import { escapeHtml, highlightCode } from "./highlight";
import { closeIncomplete } from "./incomplete";
import { MATH_CLOSE, MATH_OPEN, mathExtensions, takeMath } from "./math";
import { nestingLimit } from "./nesting-limit";
import { sanitizeHtml, type SanitizeLabels } from "./sanitize";

function makeMarked(...extra: MarkedExtension[]): Marked {
  return new Marked(
    {
      gfm: true,
      breaks: false,
      extensions: mathExtensions,
      renderer: {
        code({ text, lang }) {
          const language = /^[\w+#-]+$/.exec((lang ?? "").trim().split(/\s+/)[0] ?? "")?.[0] ?? "";
          const cls = language ? ` class="hljs language-${escapeHtml(language)}"` : ` class="hljs"`;
          return `<pre><code${cls}>${highlightCode(text.replace(/\n$/, ""), language)}</code></pre>\n`;
        },
      },
    },
    nestingLimit,
    ...extra,
  );
}

export const marked = makeMarked();
/** For a source with many emphasis delimiters only (see emphasis-limit.ts). */
const markedWithEmphasisLimit = makeMarked(emphasisLimit);

/**
 * What a message shows: sanitized HTML, or text (always set as text nodes,
 * never parsed). `pending` marks the not-yet-rendered rest of the message.
 */
export type Part =
  | { readonly kind: "html"; readonly html: string }
  | {
      readonly kind: "text";
      readonly text: string;
      readonly code: boolean;
      readonly pending?: true;
    };

/** Most characters lexed at once; a block that fills a whole window is shown as text. */
export const LEX_WINDOW = 16 * 1024;
/** Finished blocks are rendered (parsed, sanitized, cached) together up to this size. */
export const CHUNK = 8 * 1024;
/**
 * The open block of a streaming message is re-rendered on every frame; past
 * this size it is shown as text until it is finished.
 */
export const OPEN_BLOCK_LIMIT = 8 * 1024;
/** A block shown as text is split into parts of about this size, added a few per task. */
export const PIECE = 8 * 1024;
/** How much of the not-yet-rendered rest is shown (as text) while rendering catches up. */
export const PREVIEW = 8 * 1024;
/** New content (in source characters) one call of `work` adds at most: the DOM and layout cost of a task. */
export const MAX_NEW_CHARS = 32 * 1024;

/**
 * Elements (counted as tags in the sanitized HTML) one message shows as
 * rendered markdown; past them the rest of the message is shown as text.
 * Each element costs style, layout and memory however the work is spread: a
 * 1 MB answer of small rich blocks made hundreds of thousands, and the
 * webview took minutes. Tens of pages of ordinary markdown fit.
 */
export const MAX_ELEMENTS = 30_000;

/** How many blocks went through parse + sanitize, and the longest text lexed or parsed at once (tests read them). */
export const renderStats = { blocks: 0, largestParsed: 0 };

function lex(text: string): string[] {
  renderStats.largestParsed = Math.max(renderStats.largestParsed, text.length);
  return lexBlocks(marked, text);
}

// Our placeholders for formulas (math.ts); the model's own copies are dropped so
// it cannot point at a formula.
const MATH_MARKS = new RegExp(`[${MATH_OPEN}${MATH_CLOSE}]`, "g");

/** marked's HTML for `source`, before sanitizing (formulas as placeholders, see math.ts). */
export function parseMarkdown(source: string): string {
  const parser = tooManyDelimiterRuns(source) ? markedWithEmphasisLimit : marked;
  return parser.parse(source.replace(MATH_MARKS, ""), { async: false });
}

function textPart(text: string, code = false): Part {
  return { kind: "text", text, code };
}

export function renderBlock(source: string, labels: SanitizeLabels): Part {
  renderStats.blocks++;
  renderStats.largestParsed = Math.max(renderStats.largestParsed, source.length);
  takeMath();
  try {
    const html = parseMarkdown(source);
    return { kind: "html", html: sanitizeHtml(html, labels, takeMath()) };
  } catch {
    // Nesting deep enough to overflow the parser's stack (thousands of ">"):
    // the text is still shown, as text.
    takeMath();
    return textPart(source, /^ {0,3}(?:`{3,}|~{3,})/.test(source));
  }
}

const CACHE_LIMIT = 4000;
/** Characters of source and HTML the cache holds at most (a chunk of formulas is large HTML). */
const CACHE_CHARS = 16 * 1024 * 1024;
const cache = new Map<string, Part>();
let cachedChars = 0;

const partSize = (key: string, part: Part) =>
  key.length + (part.kind === "html" ? part.html.length : part.text.length);

function cachedBlock(source: string, labels: SanitizeLabels): Part {
  // The labels are part of the output, so a language switch must not reuse old HTML.
  const key = `${labels.copy}\u0000${labels.loadImage("")}\u0000${source}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    // Refresh recency: Map keeps insertion order, so the oldest entry is evicted first.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const part = renderBlock(source, labels);
  cache.set(key, part);
  cachedChars += partSize(key, part);
  while (cache.size > CACHE_LIMIT || (cachedChars > CACHE_CHARS && cache.size > 1)) {
    const oldest = cache.entries().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest[0]);
    cachedChars -= partSize(oldest[0], oldest[1]);
  }
  return part;
}

export function clearBlockCache(): void {
  cache.clear();
  cachedChars = 0;
}

function countTags(html: string): number {
  let tags = 0;
  for (let at = html.indexOf("<"); at >= 0; at = html.indexOf("<", at + 1)) {
    if (html[at + 1] !== "/") tags++;
  }
  return tags;
}

/** The last "\n" in text[from, to), or -1; never scans outside that range. */
function lastNewline(text: string, from: number, to: number): number {
  const at = text.slice(from, to).lastIndexOf("\n");
  return at < 0 ? -1 : from + at;
}

/** Where to end a text part that starts at `from`: at a line end when one is near, never inside a surrogate pair. */
function pieceEnd(text: string, from: number): number {
  let end = from + PIECE;
  const newline = lastNewline(text, from + PIECE / 2, end);
  if (newline >= 0) end = newline + 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return end;
}

export interface RenderedMessage {
  readonly parts: readonly Part[];
  /** More work is left: call `work` again after yielding to the event loop. */
  readonly pending: boolean;
}

export interface WorkLimits {
  /** A `performance.now()` time after which no new unit of work starts. */
  deadline: number;
  /** New content, in source characters, after which no new unit starts. */
  maxChars: number;
}

/** One per displayed message: keeps what is rendered between deltas and between tasks. */
export class MessageRenderer {
  private text = "";
  private streaming = false;
  private labelsKey = "";
  /** Parts of finished blocks, in order; they never change. */
  private settled: Part[] = [];
  /** Where the text the settled parts show ends. */
  private settledTo = 0;
  /** Finished blocks lexed but not rendered yet; they start at settledTo. */
  private queue: string[] = [];
  /** Where the text not lexed yet starts (after the queue). */
  private lexedTo = 0;
  /** A block too large to parse, being shown as text from settledTo on. */
  private oversized: BlockEndScanner | null = null;
  /** The open last block of a streaming message, re-rendered as it grows. */
  private live: Part[] = [];
  /** The text length the live parts were made for. */
  private liveFor = -1;
  /** Tags in the settled HTML parts (see MAX_ELEMENTS). */
  private elements = 0;

  constructor(private readonly labels: () => SanitizeLabels) {}

  /** How much of the text is shown rendered (or as final text) so far. */
  get renderedLength(): number {
    return this.settledTo;
  }

  /** Sets the message's text; cheap (nothing is parsed here). */
  update(text: string, streaming: boolean): void {
    // The lexer would turn CRLF into LF; offsets into the text must not shift.
    const normalized = text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
    const labels = this.labels();
    const labelsKey = `${labels.copy}\u0000${labels.loadImage("")}`;
    if (!normalized.startsWith(this.text) || labelsKey !== this.labelsKey) this.reset();
    this.labelsKey = labelsKey;
    if (normalized !== this.text || streaming !== this.streaming) this.liveFor = -1;
    this.text = normalized;
    this.streaming = streaming;
  }

  /**
   * Renders until `limits` are reached or nothing is left to do now. Each
   * call shows at least one new unit, so a short message is done in one.
   */
  work(limits: WorkLimits): RenderedMessage {
    const startChars = this.settledTo;
    while (this.step()) {
      const progressed = this.settledTo > startChars;
      const over =
        performance.now() >= limits.deadline || this.settledTo - startChars >= limits.maxChars;
      if (progressed && over) break;
    }
    if (!this.canStep()) return { parts: this.settled.concat(this.live), pending: false };
    const rest = this.text.slice(this.settledTo, this.settledTo + PREVIEW);
    return {
      parts: rest ? [...this.settled, textPart(rest)] : this.settled.slice(),
      pending: true,
    };
  }

  /** All of it at once (tests, and callers that do not mind the time). */
  render(text: string, streaming: boolean): readonly Part[] {
    this.update(text, streaming);
    return this.work({ deadline: Infinity, maxChars: Infinity }).parts;
  }

  private reset(): void {
    this.settled = [];
    this.settledTo = 0;
    this.queue = [];
    this.lexedTo = 0;
    this.oversized = null;
    this.live = [];
    this.liveFor = -1;
    this.elements = 0;
  }

  /** Whether `step` would do something now. */
  private canStep(): boolean {
    if (this.queue.length > 0 || this.capReached()) return true;
    const block = this.oversized;
    if (block !== null) {
      const end = block.scan(this.text, !this.streaming) ?? this.text.length;
      return block.end !== null || end - this.settledTo >= PIECE;
    }
    const rest = this.text.length - this.lexedTo;
    if (rest === 0) return false;
    return !(this.streaming && rest <= LEX_WINDOW && this.liveFor === this.text.length);
  }

  /** Whether MAX_ELEMENTS are shown and the rest is not yet being shown as text. */
  private capReached(): boolean {
    return (
      this.elements >= MAX_ELEMENTS && this.oversized === null && this.settledTo < this.text.length
    );
  }

  /** One bounded unit of work; false when there is nothing to do until the text changes. */
  private step(): boolean {
    if (this.capReached()) {
      // Enough is rendered: the rest of the message, lexed or not, is shown as its text.
      this.queue = [];
      this.lexedTo = this.settledTo;
      this.oversized = new BlockEndScanner(this.settledTo, true);
    }
    if (this.queue.length > 0) {
      this.renderChunk();
      return true;
    }
    if (this.oversized !== null) return this.stepOversized(this.oversized);
    const rest = this.text.length - this.lexedTo;
    if (rest === 0) {
      this.live = [];
      return false;
    }
    if (this.streaming && rest <= LEX_WINDOW) return this.stepOpenTail();
    this.live = [];
    this.lexWindow();
    return true;
  }

  private renderChunk(): void {
    let size = 0;
    let count = 0;
    while (count < this.queue.length) {
      const next = this.queue[count]?.length ?? 0;
      if (count > 0 && size + next > CHUNK) break;
      size += next;
      count++;
    }
    const source = this.queue.splice(0, count).join("");
    const part = cachedBlock(source, this.labels());
    this.settled.push(part);
    this.settledTo += source.length;
    if (part.kind === "html") this.elements += countTags(part.html);
  }

  /** Lexes the next window; every block but the last is finished. */
  private lexWindow(): void {
    const from = this.lexedTo;
    if (this.text.length - from <= LEX_WINDOW) {
      // The finished end of the message: every block is final.
      this.queue.push(...lex(this.text.slice(from)));
      this.lexedTo = this.text.length;
      return;
    }
    const newline = lastNewline(this.text, from + LEX_WINDOW / 2, from + LEX_WINDOW);
    const cut = newline >= 0 ? newline + 1 : from + LEX_WINDOW;
    const blocks = lex(this.text.slice(from, cut));
    if (blocks.length > 1) {
      blocks.pop();
      this.queue.push(...blocks);
      this.lexedTo += blocks.reduce((n, b) => n + b.length, 0);
    } else {
      this.oversized = new BlockEndScanner(from);
    }
  }

  /** The open block of a streaming message: rendered with its unfinished syntax closed, or as text when large. */
  private stepOpenTail(): boolean {
    if (this.liveFor === this.text.length) return false;
    const blocks = lex(this.text.slice(this.lexedTo));
    const tail = blocks.pop() ?? "";
    this.queue.push(...blocks);
    this.lexedTo += blocks.reduce((n, b) => n + b.length, 0);
    this.liveFor = this.text.length;
    if (tail.length > OPEN_BLOCK_LIMIT) {
      this.live = [];
      for (let at = 0; at < tail.length;) {
        const end = Math.min(tail.length, pieceEnd(tail, at));
        this.live.push(textPart(tail.slice(at, end)));
        at = end;
      }
    } else {
      this.live = tail ? [renderBlock(closeIncomplete(tail), this.labels())] : [];
    }
    return blocks.length > 0;
  }

  /** Shows one more piece of a block too large to parse, as text. */
  private stepOversized(block: BlockEndScanner): boolean {
    const end = block.scan(this.text, !this.streaming) ?? this.text.length;
    const from = this.settledTo;
    if (end - from >= PIECE) {
      const to = pieceEnd(this.text, from);
      this.settled.push(textPart(this.text.slice(from, to), block.code));
      this.settledTo = this.lexedTo = to;
      this.live = [];
      return true;
    }
    if (block.end !== null) {
      if (end > from) this.settled.push(textPart(this.text.slice(from, end), block.code));
      this.settledTo = this.lexedTo = end;
      this.oversized = null;
      this.live = [];
      return true;
    }
    // Still arriving: the last, partial piece is live until it fills.
    this.live = end > from ? [textPart(this.text.slice(from, end), block.code)] : [];
    return false;
  }
}
