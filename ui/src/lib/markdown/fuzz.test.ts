// Fuzzing the markdown pipeline (fast-check): arbitrary and adversarial text
// through MessageRenderer, finished and streaming (prefixes as the open block).
// Whatever comes in, what comes out must be inert (testing/inert.ts: no style
// outside KaTeX's re-parsed ones, no handler, no javascript:, nothing remote
// outside a[href]) and each input must render within a time bound.
//
// A short run is part of `npm test`; `FUZZ_RUNS=100000 npm run fuzz` runs long.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clearBlockCache, MessageRenderer, type Part } from "./renderer";
import { partsToElement } from "./testing/parts";
import { findings } from "./testing/inert";

const RUNS = Number(process.env.FUZZ_RUNS ?? "200");
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/**
 * Per input, all its renders together: a fixed part plus a part per character.
 * jsdom walks HTML at roughly 100 KB/s and KaTeX writes ~50 bytes of HTML per
 * character of TeX, so a linear path on 8 KB can take seconds here (the real
 * webview is far faster); a quadratic one takes minutes.
 */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? "2000");
const BUDGET_MS_PER_CHAR = 0.75;

const labels = () => ({ copy: "Copy", loadImage: (host: string) => `Load ${host}` });
const BEACON = "http://127.0.0.1:9/b";

const fragments = [
  // HTML that loads, runs or overlays.
  `<img src="${BEACON}">`,
  `<img src=x onerror=alert(1)>`,
  `<img srcset="${BEACON} 2x" src="data:image/png;base64,iVBORw0KGgo=">`,
  `<a href="javascript:alert(1)">`,
  `<a href="${BEACON}" ping="${BEACON}">`,
  `</a>`,
  `<svg><image href="${BEACON}"/></svg>`,
  `<svg><use xlink:href="${BEACON}#x"/>`,
  `<svg><rect fill="url(${BEACON})"/>`,
  `<svg><style>*{background:url(${BEACON})}</style>`,
  `<math><mglyph src="${BEACON}"/><mi href="${BEACON}">x</mi></math>`,
  `<style>@import "${BEACON}";</style>`,
  `<link rel=stylesheet href="${BEACON}">`,
  `<meta http-equiv=refresh content="0;url=${BEACON}">`,
  `<base href="${BEACON}">`,
  `<iframe src="${BEACON}">`,
  `<video poster="${BEACON}"><source src="${BEACON}">`,
  `<table background="${BEACON}"><tr><td>`,
  `<form action="${BEACON}"><button formaction="${BEACON}">`,
  `<div style="`,
  `<span style='`,
  `background:\\75\\72\\6c(${BEACON})`,
  `b\\61ckground:url(${BEACON})`,
  `position:\\66ixed;inset:0`,
  `pos/**/ition:fixed`,
  `image-set("${BEACON}" 1x)`,
  `">`,
  `'>`,
  `<!--`,
  `-->`,
  `<![CDATA[`,
  `]]>`,
  `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
  `<template><img src=x onerror=alert(1)></template>`,
  `&#106;avascript:`,
  `&lt;script&gt;`,
  `\u202E`,
  `\uE000`,
  `\uE0001\uE001`,
  // Markdown constructs.
  `**`,
  `*`,
  `_`,
  `__`,
  `~~`,
  "`",
  "```",
  "```js\n",
  "~~~",
  "\n",
  "\n\n",
  "> ",
  "- ",
  "1. ",
  "    ",
  "| a | b |\n|---|---|\n",
  "|",
  "# ",
  "---\n",
  `[x](${BEACON})`,
  `![x](${BEACON})`,
  `![x](javascript:alert(1))`,
  `[x](javascript:alert(1))`,
  `[r]: ${BEACON}\n`,
  `![r][r]`,
  `<${BEACON}>`,
  "[",
  "](",
  ")",
  // Math.
  "$",
  "$$",
  "\\(",
  "\\)",
  "\\[",
  "\\]",
  "\\frac{a}{b}",
  "\\color{red}{x}",
  "\\href{javascript:alert(1)}{x}",
  "\\includegraphics{" + BEACON + "}",
  "\\htmlStyle{background:url(" + BEACON + ")}{x}",
  "{",
  "}",
  "^",
];

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...fragments) },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }) },
);
/** A mix of fragments, sometimes one of them repeated a lot (the super-linear paths). */
const hostileText = fc.oneof(
  { weight: 4, arbitrary: fc.array(piece, { maxLength: 80 }).map((parts) => parts.join("")) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(piece, { minLength: 1, maxLength: 4 }), fc.integer({ min: 50, max: 1500 }))
      .map(([parts, times]) => parts.join("").repeat(times).slice(0, 8_000)),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 400 }) },
);

function check(parts: readonly Part[]): string[] {
  return findings(partsToElement(parts));
}

function renderAll(text: string, cuts: number[]): { problems: string[]; ms: number } {
  const started = performance.now();
  const renderer = new MessageRenderer(labels);
  const problems: string[] = [];
  // Streaming: growing prefixes, the last block open; then the finished text.
  for (const cut of [...new Set(cuts.map((c) => Math.floor(c * text.length)))].sort(
    (a, b) => a - b,
  )) {
    problems.push(...check(renderer.render(text.slice(0, cut), true)));
  }
  problems.push(...check(renderer.render(text, false)));
  return { problems, ms: performance.now() - started };
}

describe("markdown pipeline fuzz", () => {
  it(
    "renders any input inert and in bounded time, finished and while streaming",
    () => {
      clearBlockCache();
      fc.assert(
        fc.property(
          hostileText,
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
          (text, cuts) => {
            const { problems, ms } = renderAll(text, cuts);
            expect(problems).toEqual([]);
            const budget = BUDGET_MS + text.length * BUDGET_MS_PER_CHAR;
            expect(ms, `took ${ms.toFixed(0)} ms for ${text.length} chars`).toBeLessThan(budget);
          },
        ),
        { numRuns: RUNS, seed: SEED },
      );
    },
    Math.max(120_000, RUNS * 10 * BUDGET_MS),
  );
});
