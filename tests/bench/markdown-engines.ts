// marked's block lexer and parser on hostile markdown, in whichever engine
// runs this file: JavaScriptCore (jsc, the engine of WebKitGTK) or V8
// (node). Each shape is timed with marked's rules as shipped, then with the
// anchored rules made sticky (ui/src/lib/markdown/anchored-rules.ts), in the
// same run. Built and run by markdown-engines.sh; see docs/performance.md,
// "Hostile markdown".
import { Lexer, Marked } from "../../ui/node_modules/marked/lib/marked.esm.js";
import { anchorRules } from "../../ui/src/lib/markdown/anchored-rules";

declare const print: ((...args: unknown[]) => void) | undefined;
const say = typeof print === "function" ? print : console.log;

const repeat = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const shapes: Record<string, string> = {
  "16 KB of one-line paragraphs (lex)": repeat("a\n\n", 16 * 1024),
  "8 KB of [a]( (parse)": repeat("[a](", 8 * 1024),
  "8 KB of <a  (parse)": repeat("<a ", 8 * 1024),
  "8 KB of _a  (parse)": repeat("_a ", 8 * 1024),
  "8 KB of words (parse)": repeat("word ", 8 * 1024),
};

const marked = new Marked({ gfm: true });

/** The median of 5 runs of `fn`, in ms. */
function median(fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = Date.now();
    fn();
    times.push(Date.now() - start);
  }
  return times.sort((a, b) => a - b)[2] ?? 0;
}

function run(name: string, text: string): number {
  return name.endsWith("(lex)")
    ? median(() => new Lexer(marked.defaults).blockTokens(text))
    : median(() => marked.parse(text));
}

const shipped = Object.entries(shapes).map(([name, text]) => run(name, text));
anchorRules(marked);
say("shape | rules as shipped | sticky rules (ms, median of 5)");
Object.entries(shapes).forEach(([name, text], i) => {
  say(`${name} | ${shipped[i]} | ${run(name, text)}`);
});
