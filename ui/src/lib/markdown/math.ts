// Math for marked: $$…$$ and \[…\] as display math, $…$ and \(…\) inline.
//
// KaTeX's HTML is not inserted into marked's output: model HTML is sanitized
// with no `style` at all, while KaTeX needs its inline styles for layout. So
// each formula becomes a placeholder (a private-use character pair around an
// index) and `takeMath` hands the formulas to the sanitizer, which has them
// rendered (formulas.ts: cached, within a deadline), cleans them on their
// own terms and puts them back into text nodes only.
//
// The tokenizers are linear: a formula ends at the first closing delimiter
// and never reaches past the next opening one, so a flood of openers costs one
// scan, not one scan per opener (`$$a ` repeated was quadratic: 32 KB took 6 s).
import type { TokenizerAndRendererExtension, Tokens } from "marked";
import type { Formula } from "./formulas";
import { escapeHtml } from "./highlight";

export const MATH_OPEN = "\uE000";
export const MATH_CLOSE = "\uE001";
/** Longest formula rendered; longer ones stay source text (KaTeX itself is not linear in every construct). */
export const MAX_TEX = 4000;
/**
 * Formulas rendered per block; later ones stay source text. KaTeX writes about
 * 1.5 KB of HTML for a one-letter formula, so "$$a " repeated made a block's
 * HTML hundreds of times its source.
 */
export const MAX_FORMULAS = 256;

let found: Formula[] = [];

/** The formulas met since the last call, indexed as in their placeholders. */
export function takeMath(): Formula[] {
  const out = found;
  found = [];
  return out;
}

function renderMath(token: MathToken, display: boolean): string {
  if (found.length >= MAX_FORMULAS) return escapeHtml(token.raw);
  found.push({ tex: token.tex, display, raw: token.raw.trim() });
  return `${MATH_OPEN}${found.length - 1}${MATH_CLOSE}`;
}

interface MathToken extends Tokens.Generic {
  tex: string;
  display?: boolean;
}

/**
 * The formula between `open` at the start of `src` and the first `close`
 * after it, or null when there is none within MAX_TEX or another `open` comes
 * first (an opener inside a formula is never valid, and stopping there is what
 * keeps a run of openers linear). `\\[` is a TeX line break, not an opener.
 */
function delimited(src: string, open: string, close: string): { tex: string; end: number } | null {
  let window = src.slice(0, Math.min(src.length, open.length + MAX_TEX + close.length));
  if (open !== close) {
    let next = window.indexOf(open, open.length);
    while (next >= 0 && window[next - 1] === "\\") next = window.indexOf(open, next + open.length);
    // The search for the closer stops at the next opener too: searching the
    // whole window for each of a flood of openers cost MAX_TEX per opener.
    if (next >= 0) window = window.slice(0, next);
  }
  const end = window.indexOf(close, open.length);
  if (end < 0 || end === open.length) return null;
  return { tex: window.slice(open.length, end), end: end + close.length };
}

const LINE_END = /^[ \t]*(?:\n|$)/;

function displayMath(src: string): MathToken | undefined {
  const pair = src.startsWith("$$") ? ["$$", "$$"] : src.startsWith("\\[") ? ["\\[", "\\]"] : null;
  if (pair === null) return undefined;
  const found = delimited(src, pair[0] ?? "", pair[1] ?? "");
  if (found === null) return undefined;
  const rest = LINE_END.exec(src.slice(found.end, found.end + 256));
  if (rest === null) return undefined;
  const raw = src.slice(0, found.end + rest[0].length);
  return { type: "blockMath", raw, tex: found.tex.trim() };
}

/**
 * Where the next display formula may start, for marked's paragraph cutting:
 * only at the start of a line, and never past the paragraph's end (a blank
 * line). marked restarts block tokenizing at every cut, and each restart scans
 * the rest of the line, so a cut at every "$$" of one line was quadratic; a
 * search to the end of the text for each paragraph was too. Mid-line "$$…$$"
 * is handled inline.
 */
function nextDisplayStart(src: string): number | undefined {
  const candidates = /\n {0,3}(?:\$\$|\\\[)|\n[ \t]*\n/g;
  for (let match = candidates.exec(src); match !== null; match = candidates.exec(src)) {
    if (match[0].endsWith("\n")) return undefined;
    const start = match.index + match[0].length - 2;
    // Cut only where a formula really starts: each cut restarts marked's block
    // rules, some of which scan to the paragraph's end ("$$a" on every line).
    if (displayMath(src.slice(start)) !== undefined) return start;
  }
  return undefined;
}

/**
 * Likewise for inline text: stop at the next character where marked's own text
 * token would stop anyway, so each text token is scanned once.
 */
function nextInlineStart(src: string): number | undefined {
  const match = /[$\\<![`*_~]/.exec(src);
  return match?.index;
}

const blockMath: TokenizerAndRendererExtension = {
  name: "blockMath",
  level: "block",
  start: nextDisplayStart,
  tokenizer: displayMath,
  renderer: (token) => `<div class="math-display">${renderMath(token as MathToken, true)}</div>`,
};

// $…$ must hug its content and not be followed by a digit, so "$5 and $10" stays text.
// It cannot contain an unescaped $ or a newline, so a scan ends at the next one.
const DOLLAR = new RegExp(`^\\$(?!\\s)((?:\\\\.|[^\\\\$\\n]){1,${MAX_TEX}}?)(?<!\\s)\\$(?!\\d)`);

const inlineMath: TokenizerAndRendererExtension = {
  name: "inlineMath",
  level: "inline",
  start: nextInlineStart,
  tokenizer(src) {
    // Display math in the middle of a line: a display formula all the same.
    // (Not "\\[": mid-line it is far more often an escaped bracket.)
    if (src.startsWith("$$")) {
      const found = delimited(src, "$$", "$$");
      if (found === null) return undefined;
      return {
        type: "inlineMath",
        raw: src.slice(0, found.end),
        tex: found.tex.trim(),
        display: true,
      };
    }
    if (src.startsWith("$")) {
      const dollar = DOLLAR.exec(src);
      return dollar ? { type: "inlineMath", raw: dollar[0], tex: dollar[1] ?? "" } : undefined;
    }
    if (src.startsWith("\\(")) {
      const found = delimited(src, "\\(", "\\)");
      if (found !== null) {
        return { type: "inlineMath", raw: src.slice(0, found.end), tex: found.tex };
      }
    }
    return undefined;
  },
  renderer: (token) => renderMath(token as MathToken, (token as MathToken).display === true),
};

export const mathExtensions = [blockMath, inlineMath];
