// Markdown → sanitized parts, a bounded amount of work at a time.
//
// A message is lexed LEX_STEP characters at a time (LEX_WINDOW for a block that
// fills that) into top-level blocks;
// finished blocks are grouped into parts of up to CHUNK characters and
// CHUNK_BLOCKS blocks, and a part is rendered (parsed, sanitized, cached by
// its source, shared by all messages) once it is wanted: the component asks
// for the parts near the view, so a long message renders what is seen, not
// all of itself. A block too large to parse is shown as its text, in
// PIECE-sized parts. While a message streams, only its open last block is
// re-rendered. `work` stops at a deadline and at MAX_NEW_CHARS of new
// content, whatever the input: the caller shows what is not rendered yet as
// text and calls again after yielding, so no task of the UI grows with the
// message (docs/architecture.md).
import { Marked, type MarkedExtension } from "marked";
import { anchorRules } from "./anchored-rules";
import {
  BlockEndScanner,
  FENCE,
  fencedCode,
  lexBlocks,
  openingFence,
  stripClosingFence,
} from "./blocks";
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
// Before any lexing: marked's "^" rules as sticky copies (quadratic in WebKitGTK otherwise).
anchorRules(marked);
/** For a source with many emphasis delimiters only (see emphasis-limit.ts). */
const markedWithEmphasisLimit = makeMarked(emphasisLimit);

/**
 * What a message shows: sanitized HTML, or text (always set as text nodes,
 * never parsed). `pending` marks the not-yet-rendered rest of the message.
 * `lines` is the source's length in lines of about CHARS_PER_LINE: what a part
 * not yet laid out is assumed to take (the component windows parts by height).
 * `fence` is on the first piece of a code block too large to parse: where the
 * block starts in the message (its code is read from there to copy it) and its
 * language.
 */
export type Part =
  | {
      readonly kind: "html";
      readonly html: string;
      readonly lines: number;
      /**
       * Set when some formulas show their source for now (their render did
       * not fit the budget, see formulas.ts): the source to render again.
       */
      readonly retry?: string;
    }
  | SourcePart
  | {
      readonly kind: "text";
      readonly text: string;
      readonly code: boolean;
      readonly lines: number;
      readonly pending?: true;
      readonly fence?: { readonly start: number; readonly language: string };
    };

/**
 * Finished blocks not rendered yet: `work` renders a part when it is wanted
 * (in or near the view), and until then it is shown as its text.
 */
export interface SourcePart {
  readonly kind: "source";
  readonly source: string;
  readonly lines: number;
}

/** Characters a line of text holds in a message, roughly (for height estimates). */
export const CHARS_PER_LINE = 100;

/** How many lines of about CHARS_PER_LINE `source` takes (every source line at least one). */
export function sourceLines(source: string): number {
  let lines = 0;
  for (let start = 0; ;) {
    const newline = source.indexOf("\n", start);
    const end = newline < 0 ? source.length : newline;
    lines += Math.max(1, Math.ceil((end - start) / CHARS_PER_LINE));
    if (newline < 0) return lines;
    start = newline + 1;
  }
}

/** Most characters lexed at once; a block that fills a whole window is shown as text. */
export const LEX_WINDOW = 16 * 1024;
/** Characters lexed at once unless a block fills them (then LEX_WINDOW). */
export const LEX_STEP = 8 * 1024;
/** Finished blocks are rendered (parsed, sanitized, cached) together up to this size… */
export const CHUNK = 8 * 1024;
/**
 * …and up to this many blocks: a chunk is one part, the unit the component
 * puts in the page or leaves out, so what one part holds must stay small
 * (8 KB of one-line paragraphs would be 2,700 elements).
 */
export const CHUNK_BLOCKS = 16;
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

type TextPart = Extract<Part, { kind: "text" }>;

function textPart(text: string, code = false): TextPart {
  return { kind: "text", text, code, lines: sourceLines(text) };
}

/**
 * `source` rendered. Formulas not in the formula cache by `deadline` (a
 * `performance.now()` time) show their source for now, and the part says to
 * render it again (`retry`).
 */
export function renderBlock(source: string, labels: SanitizeLabels, deadline = Infinity): Part {
  renderStats.blocks++;
  renderStats.largestParsed = Math.max(renderStats.largestParsed, source.length);
  takeMath();
  try {
    const html = parseMarkdown(source);
    const clean = sanitizeHtml(html, labels, takeMath(), deadline);
    const lines = sourceLines(source);
    return clean.complete
      ? { kind: "html", html: clean.html, lines }
      : { kind: "html", html: clean.html, lines, retry: source };
  } catch {
    // Nesting deep enough to overflow the parser's stack (thousands of ">"):
    // the text is still shown, as text.
    takeMath();
    return textPart(source, FENCE.test(source));
  }
}

const CACHE_LIMIT = 4000;
/** Characters of source and HTML the cache holds at most (a chunk of formulas is large HTML). */
const CACHE_CHARS = 16 * 1024 * 1024;
const cache = new Map<string, Part>();
let cachedChars = 0;

const partSize = (key: string, part: Part) =>
  key.length +
  (part.kind === "html" ? part.html.length : part.kind === "text" ? part.text.length : 0);

// The labels are part of the output, so a language switch must not reuse old HTML.
const cacheKey = (source: string, labels: SanitizeLabels) =>
  `${labels.copy}\u0000${labels.loadImage("")}\u0000${source}`;

/** The rendered part for `source` if it is cached (a message shown before). */
function cachedOnly(source: string, labels: SanitizeLabels): Part | undefined {
  const key = cacheKey(source, labels);
  const hit = cache.get(key);
  if (hit !== undefined) {
    // Refresh recency: Map keeps insertion order, so the oldest entry is evicted first.
    cache.delete(key);
    cache.set(key, hit);
  }
  return hit;
}

/** Whether `part` is still to be rendered (or rendered again, see `retry`). */
const unrendered = (part: Part | undefined): part is SourcePart | (Part & { retry: string }) =>
  part?.kind === "source" || (part?.kind === "html" && part.retry !== undefined);

function cachedBlock(source: string, labels: SanitizeLabels, deadline: number): Part {
  const hit = cachedOnly(source, labels);
  if (hit !== undefined) return hit;
  const key = cacheKey(source, labels);
  const part = renderBlock(source, labels, deadline);
  // A part still waiting for formulas is rendered again, not kept.
  if (unrendered(part)) return part;
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

/** A half-open range of part indices, [first, end). */
export type PartRange = readonly [number, number];

export interface WorkLimits {
  /** A `performance.now()` time after which no new unit of work starts. */
  deadline: number;
  /** New content, in source characters, after which no new unit starts. */
  maxChars: number;
  /**
   * Whether the call renders one part and takes one step even past the
   * limits (the default). False for a call later in a frame whose budget an
   * earlier call spent (frame-budget.ts): it then does nothing new.
   */
  atLeastOne?: boolean;
}

/** One per displayed message: keeps what is rendered between deltas and between tasks. */
export class MessageRenderer {
  private text = "";
  private streaming = false;
  private labelsKey = "";
  /** The text last given to `update`, before normalizing. */
  private given: string | null = null;
  /** Whether `update` changed anything since `work` last ran. */
  private changed = true;
  /** What `work` last returned. */
  private last: RenderedMessage | null = null;
  /** Parts of finished blocks, in order; a source part becomes its rendered part, nothing else changes. */
  private settled: Part[] = [];
  /** Where the text the settled parts show ends. */
  private settledTo = 0;
  /** Finished blocks lexed but not made parts yet; they start at settledTo. */
  private queue: string[] = [];
  /** The first block of the queue not taken yet (taking from the front by splice was quadratic). */
  private queueAt = 0;
  /** Where the text not lexed yet starts (after the queue). */
  private lexedTo = 0;
  /** A block too large to parse, being shown as text from settledTo on. */
  private oversized: BlockEndScanner | null = null;
  /** The open last block of a streaming message, re-rendered as it grows. */
  private live: Part[] = [];
  /** The text length the live parts were made for; -1 once the text changed since. */
  private liveFor = -1;
  /** The text [from, to) the live parts show (kept when the text changes, see `work`). */
  private liveSpan: readonly [number, number] = [0, 0];
  /** The current `work` call's deadline, for the open block's formulas. */
  private deadline = Infinity;

  constructor(private readonly labels: () => SanitizeLabels) {}

  /** How much of the text is in parts (rendered, or as final text, or to render when wanted) so far. */
  get renderedLength(): number {
    return this.settledTo;
  }

  /** Sets the message's text; cheap (nothing is parsed here). */
  update(text: string, streaming: boolean): void {
    const labels = this.labels();
    const labelsKey = `${labels.copy}\u0000${labels.loadImage("")}`;
    // The same text again (a render for another reason): nothing to compare,
    // and a 1 MB text is not scanned again on every call.
    if (text === this.given && streaming === this.streaming && labelsKey === this.labelsKey) {
      return;
    }
    this.given = text;
    this.changed = true;
    // The lexer would turn CRLF into LF; offsets into the text must not shift.
    const normalized = text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
    if (!normalized.startsWith(this.text) || labelsKey !== this.labelsKey) this.reset();
    this.labelsKey = labelsKey;
    if (normalized !== this.text || streaming !== this.streaming) this.liveFor = -1;
    this.text = normalized;
    this.streaming = streaming;
  }

  /**
   * Renders the source parts in `wanted` (all parts when not given), then
   * splits more of the text into parts, until `limits` are reached or nothing
   * is left to do now. Each call does at least one new unit (unless
   * `limits.atLeastOne` is false), so a short message is done in one. Parts
   * outside `wanted` stay source parts: a message renders what is near the
   * view, not all of itself.
   */
  work(limits: WorkLimits, wanted: PartRange = [0, Infinity]): RenderedMessage {
    // A call that may do nothing new (its frame's budget is spent) and has
    // nothing new to show gives back the same object: the caller's work
    // over all parts (heights, offsets) is not redone for nothing. It is
    // called several times a frame, and a 1 MB answer has thousands of parts.
    const last = this.last;
    const idle = limits.atLeastOne === false && performance.now() >= limits.deadline;
    if (idle && last !== null && !this.changed) {
      if (last.pending || !this.unrenderedIn(wanted)) return last;
      return (this.last = { parts: last.parts, pending: true });
    }
    this.changed = false;
    return (this.last = this.workNow(limits, wanted));
  }

  /** Whether a part in `wanted` is still to be rendered. */
  private unrenderedIn(wanted: PartRange): boolean {
    const end = Math.min(wanted[1], this.settled.length);
    for (let i = Math.max(0, wanted[0]); i < end; i++) if (unrendered(this.settled[i])) return true;
    return false;
  }

  private workNow(limits: WorkLimits, wanted: PartRange): RenderedMessage {
    // Characters rendered and split into parts by this call. Each of the two
    // does at least one unit per call, so a short message is done in one.
    let rendered = 0;
    let split = 0;
    const over = () => performance.now() >= limits.deadline || rendered + split >= limits.maxChars;
    const first = limits.atLeastOne !== false;
    const labels = this.labels();
    this.deadline = limits.deadline;
    let wantedLeft = false;
    const renderWanted = () => {
      wantedLeft = false;
      const end = Math.min(wanted[1], this.settled.length);
      for (let i = Math.max(0, wanted[0]); i < end; i++) {
        const part = this.settled[i];
        if (!unrendered(part)) continue;
        if ((rendered > 0 || !first) && over()) {
          wantedLeft = true;
          return;
        }
        const source = part.kind === "source" ? part.source : part.retry;
        const next = cachedBlock(source, labels, limits.deadline);
        this.settled[i] = next;
        rendered += source.length;
        if (unrendered(next)) wantedLeft = true;
      }
    };
    // What is in view first, then more of the text, then what of that is in view.
    renderWanted();
    const startChars = this.settledTo;
    while (!((split > 0 || !first) && over()) && this.step()) {
      split = this.settledTo - startChars;
    }
    renderWanted();
    const more = wantedLeft || this.canStep();
    if (!this.canStep()) return { parts: this.settled.concat(this.live), pending: more };
    const stale = this.staleLive();
    if (stale !== null) return { parts: stale, pending: more };
    const rest = this.text.slice(this.settledTo, this.settledTo + PREVIEW);
    return {
      parts: rest ? [...this.settled, { ...textPart(rest), pending: true }] : this.settled.slice(),
      pending: more,
    };
  }

  /**
   * While a message streams and the open block could not be rendered again
   * this time (the frame's budget was spent): the block as last rendered and
   * what arrived since as text, rather than the whole block as text for a
   * frame (it would flicker between the two). Null when that is not the case.
   */
  private staleLive(): Part[] | null {
    const [from, to] = this.liveSpan;
    const onlyTheTail =
      this.queueAt === this.queue.length && this.oversized === null && from === this.lexedTo;
    if (!this.streaming || !onlyTheTail || this.live.length === 0 || to > this.text.length) {
      return null;
    }
    const rest = this.text.slice(to, to + PREVIEW);
    return rest
      ? [...this.settled, ...this.live, { ...textPart(rest), pending: true }]
      : this.settled.concat(this.live);
  }

  /** All of it at once (tests, and callers that do not mind the time). */
  render(text: string, streaming: boolean): readonly Part[] {
    this.update(text, streaming);
    return this.work({ deadline: Infinity, maxChars: Infinity }).parts;
  }

  private reset(): void {
    this.last = null;
    this.settled = [];
    this.settledTo = 0;
    this.queue = [];
    this.queueAt = 0;
    this.lexedTo = 0;
    this.oversized = null;
    this.live = [];
    this.liveFor = -1;
    this.liveSpan = [0, 0];
  }

  /** Whether `step` would do something now. */
  private canStep(): boolean {
    if (this.queueAt < this.queue.length) return true;
    const block = this.oversized;
    if (block !== null) {
      const end = block.scan(this.text, !this.streaming) ?? this.text.length;
      return block.end !== null || end - this.settledTo >= PIECE;
    }
    const rest = this.text.length - this.lexedTo;
    if (rest === 0) return false;
    return !(this.streaming && rest <= LEX_WINDOW && this.liveFor === this.text.length);
  }

  /** One bounded unit of work; false when there is nothing to do until the text changes. */
  private step(): boolean {
    if (this.queueAt < this.queue.length) {
      this.takeChunk();
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

  /** The next finished blocks, up to CHUNK characters and CHUNK_BLOCKS blocks, as one part. */
  private takeChunk(): void {
    let size = 0;
    let count = 0;
    const queued = this.queue.length - this.queueAt;
    while (count < queued && count < CHUNK_BLOCKS) {
      const next = this.queue[this.queueAt + count]?.length ?? 0;
      if (count > 0 && size + next > CHUNK) break;
      size += next;
      count++;
    }
    const source = this.queue.slice(this.queueAt, this.queueAt + count).join("");
    this.queueAt += count;
    if (this.queueAt === this.queue.length) {
      this.queue = [];
      this.queueAt = 0;
    }
    // Rendered when wanted (see `work`), unless it already was (a message shown before).
    this.settled.push(
      cachedOnly(source, this.labels()) ?? { kind: "source", source, lines: sourceLines(source) },
    );
    this.settledTo += source.length;
  }

  /** Lexes the next window; every block but the last is finished. */
  private lexWindow(): void {
    const from = this.lexedTo;
    const rest = this.text.length - from;
    // A LEX_STEP window first; only a block that fills it is given a whole
    // LEX_WINDOW before it counts as too large to parse. 16 KB of one-line
    // paragraphs take 25-50 ms to lex in WebKitGTK: one unit of work.
    for (const size of [LEX_STEP, LEX_WINDOW]) {
      if (rest <= size) {
        // The finished end of the message: every block is final.
        this.queue.push(...lex(this.text.slice(from)));
        this.lexedTo = this.text.length;
        return;
      }
      const newline = lastNewline(this.text, from + size / 2, from + size);
      const cut = newline >= 0 ? newline + 1 : from + size;
      const blocks = lex(this.text.slice(from, cut));
      if (blocks.length > 1) {
        blocks.pop();
        this.queue.push(...blocks);
        this.lexedTo += blocks.reduce((n, b) => n + b.length, 0);
        return;
      }
    }
    this.oversized = new BlockEndScanner(from);
  }

  /** The open block of a streaming message: rendered with its unfinished syntax closed, or as text when large. */
  private stepOpenTail(): boolean {
    if (this.liveFor === this.text.length) return false;
    const blocks = lex(this.text.slice(this.lexedTo));
    const tail = blocks.pop() ?? "";
    this.queue.push(...blocks);
    this.lexedTo += blocks.reduce((n, b) => n + b.length, 0);
    this.liveFor = this.text.length;
    this.liveSpan = [this.lexedTo, this.text.length];
    if (tail.length > OPEN_BLOCK_LIMIT) {
      this.live = [];
      const code = FENCE.test(tail);
      for (let at = 0; at < tail.length;) {
        const end = Math.min(tail.length, pieceEnd(tail, at));
        this.live.push(textPart(tail.slice(at, end), code));
        at = end;
      }
    } else {
      const part = tail ? renderBlock(closeIncomplete(tail), this.labels(), this.deadline) : null;
      this.live = part ? [part] : [];
      // Formulas still to render: render the open block again on the next call.
      if (part !== null && unrendered(part)) this.liveFor = -1;
    }
    return blocks.length > 0;
  }

  /** Shows one more piece of a block too large to parse, as text. */
  private stepOversized(block: BlockEndScanner): boolean {
    const end = block.scan(this.text, !this.streaming) ?? this.text.length;
    const from = this.settledTo;
    if (end - from >= PIECE) {
      const to = pieceEnd(this.text, from);
      this.settled.push(this.piece(block, from, to, block.end === to));
      this.settledTo = this.lexedTo = to;
      this.live = [];
      return true;
    }
    if (block.end !== null) {
      if (end > from) this.settled.push(this.piece(block, from, end, true));
      this.settledTo = this.lexedTo = end;
      this.oversized = null;
      this.live = [];
      return true;
    }
    // Still arriving: the last, partial piece is live until it fills.
    this.live = end > from ? [this.piece(block, from, end, false)] : [];
    return false;
  }

  /**
   * The text [from, to) of a block too large to parse. A code block is shown
   * as code without its fences: its first piece carries the language and a
   * copy button (the whole block's code is read from the message on a click).
   */
  private piece(block: BlockEndScanner, from: number, to: number, last: boolean): Part {
    let text = this.text.slice(from, to);
    if (!block.code) return textPart(text);
    if (last) text = stripClosingFence(text);
    if (from !== block.start) return textPart(text, true);
    const opening = openingFence(text);
    if (opening === null) return textPart(text, true);
    text = text.slice(opening.length);
    return { ...textPart(text, true), fence: { start: from, language: opening.language } };
  }

  /** The code of the fenced block that starts at `start` (see Part's `fence`), for copying. */
  codeAt(start: number): string {
    return fencedCode(this.text, start);
  }
}
