// Math for marked: $$…$$ and \[…\] as display math, $…$ and \(…\) inline.
// KaTeX renders to HTML that the sanitizer later checks like everything else.
import katex from "katex";
import type { TokenizerAndRendererExtension, Tokens } from "marked";

function renderMath(tex: string, displayMode: boolean): string {
  // throwOnError=false: half-streamed or wrong TeX shows as red source, never an exception.
  return katex.renderToString(tex, { displayMode, throwOnError: false, output: "html" });
}

interface MathToken extends Tokens.Generic {
  tex: string;
}

const blockMath: TokenizerAndRendererExtension = {
  name: "blockMath",
  level: "block",
  start: (src) => src.match(/\$\$|\\\[/)?.index,
  tokenizer(src) {
    const match = /^(?:\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\])[ \t]*(?:\n|$)/.exec(src);
    if (!match) return undefined;
    return { type: "blockMath", raw: match[0], tex: (match[1] ?? match[2] ?? "").trim() };
  },
  renderer: (token) =>
    `<div class="math-display">${renderMath((token as MathToken).tex, true)}</div>`,
};

const inlineMath: TokenizerAndRendererExtension = {
  name: "inlineMath",
  level: "inline",
  start: (src) => src.match(/\$|\\\(/)?.index,
  tokenizer(src) {
    // $…$ must hug its content and not be followed by a digit, so "$5 and $10" stays text.
    const dollar = /^\$(?!\s)((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/.exec(src);
    if (dollar) return { type: "inlineMath", raw: dollar[0], tex: dollar[1] ?? "" };
    const paren = /^\\\(([\s\S]+?)\\\)/.exec(src);
    if (paren) return { type: "inlineMath", raw: paren[0], tex: paren[1] ?? "" };
    return undefined;
  },
  renderer: (token) => renderMath((token as MathToken).tex, false),
};

export const mathExtensions = [blockMath, inlineMath];
