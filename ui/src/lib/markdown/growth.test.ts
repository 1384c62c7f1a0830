// Hostile markdown must not freeze the UI (point 12 of the hardening issue).
// Each generator below is a path that was, or could be, super-linear in
// marked, the math tokenizers or the streaming renderer. Machines are noisy,
// so nothing here is an absolute time: the cost for 4n characters must stay
// within a linear factor of the cost for n (quadratic growth gives ~16×).
import { describe, expect, it } from "vitest";
import { MAX_FORMULAS, takeMath } from "./math";
import {
  CHUNK_BLOCKS,
  clearBlockCache,
  LEX_WINDOW,
  MAX_NEW_CHARS,
  MessageRenderer,
  parseMarkdown,
  renderStats,
  type Part,
} from "./renderer";
import { partsToElement } from "./testing/parts";

const labels = () => ({ copy: "Copy", loadImage: (host: string) => `Load ${host}` });

const hostile: Record<string, (n: number) => string> = {
  "display math openers": (n) => "$$a ".repeat(n / 4),
  "display math on many lines": (n) => "$$a\n".repeat(n / 4),
  "bracket math openers": (n) => "\\[a ".repeat(n / 4),
  "inline math openers": (n) => "\\(a ".repeat(n / 4),
  "dollar escapes": (n) => "$a\\$".repeat(n / 4),
  "many paragraphs": (n) => "a\n\n".repeat(n / 3),
  "emphasis closed at the end": (n) => "*a **b ".repeat(n / 7) + "**",
  "nested quotes": (n) => "> ".repeat(n / 2) + "x",
  "nested lists": (n) =>
    Array.from({ length: n / 60 }, (_, i) => "  ".repeat(i % 60) + "- x").join("\n"),
  "long table": (n) => "| a | b |\n|---|---|\n" + "| 1 | 2 |\n".repeat(n / 10),
  "open brackets": (n) => "[".repeat(n),
  "unclosed links": (n) => "[a](".repeat(n / 4),
  "unclosed tags": (n) => "<a ".repeat(n / 3),
  backticks: (n) => "`a ``".repeat(n / 5),
  underscores: (n) => "_a ".repeat(n / 3),
};

/** Lexing + parsing (marked, math tokenizers, KaTeX) of the whole text at once, the best of five. */
function parseMs(text: string): number {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    parseMarkdown(text);
    best = Math.min(best, performance.now() - started);
    takeMath();
  }
  return best;
}

const N = 16 * 1024;
// Linear is 4×; a constant part makes it less, noise (a shared machine) more:
// 8.1× was seen for a linear path under load. Quadratic is 16×.
const MAX_GROWTH = 10;

describe("render cost grows linearly with hostile input", () => {
  for (const [name, make] of Object.entries(hostile)) {
    it(name, { timeout: 120_000 }, () => {
      parseMs(make(N / 4)); // warm the JIT so the first size is not charged for it
      const small = parseMs(make(N));
      const large = parseMs(make(4 * N));
      // 25 ms of slack for a pause of the machine: a linear path takes only a few
      // milliseconds at these sizes, a quadratic one seconds.
      expect(large, `${small.toFixed(1)} ms → ${large.toFixed(1)} ms`).toBeLessThan(
        MAX_GROWTH * small + 25,
      );
    });
  }
});

describe("streaming cost per frame stays flat", () => {
  /** The slowest frame of streaming `text` in deltas of `delta` characters. */
  function slowestFrame(text: string, delta: number): number {
    clearBlockCache();
    const renderer = new MessageRenderer(labels);
    let slowest = 0;
    for (let end = delta; end <= text.length; end += delta) {
      const started = performance.now();
      renderer.render(text.slice(0, end), true);
      slowest = Math.max(slowest, performance.now() - started);
    }
    return slowest;
  }

  it.each([
    ["one long paragraph", (n: number) => "word ".repeat(n / 5)],
    ["one long code block", (n: number) => "```js\n" + "let a = [1, 2];\n".repeat(n / 16)],
    ["hostile emphasis", (n: number) => "*a **b ".repeat(n / 7)],
  ])("%s", { timeout: 120_000 }, (_name, make) => {
    // Only the open block is re-lexed (at most LEX_WINDOW of it) and it is shown as
    // text past 8 KB, so a frame at 128 KB costs about what one at 32 KB does.
    const early = slowestFrame(make(32 * 1024), 2048);
    const late = slowestFrame(make(128 * 1024), 8192);
    expect(late, `${early.toFixed(1)} ms → ${late.toFixed(1)} ms`).toBeLessThan(4 * early + 20);
  });
});

describe("a part is small, whatever the message", () => {
  it("holds at most CHUNK_BLOCKS blocks, and every block is shown", () => {
    clearBlockCache();
    const count = CHUNK_BLOCKS * 20 + 7;
    const parts = new MessageRenderer(labels).render("para\n\n".repeat(count) + "THE END", false);
    // A part is what the component puts in the page or leaves out (Markdown.svelte):
    // 8 KB of one-line paragraphs in one part would be 2,700 elements.
    const sizes = parts.map((part) => partsToElement([part]).querySelectorAll("p").length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(CHUNK_BLOCKS);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(count + 1);
    expect(partsToElement(parts).textContent).toContain("THE END");
  });
});

describe("math output is bounded per block", () => {
  it("renders at most MAX_FORMULAS formulas in one block, the rest as their source", () => {
    clearBlockCache();
    const div = partsToElement(
      new MessageRenderer(labels).render("$a$ ".repeat(MAX_FORMULAS + 50), false),
    );
    // KaTeX writes ~1.5 KB per one-letter formula; unbounded, a block of them was a memory bomb.
    expect(div.querySelectorAll(".katex").length).toBe(MAX_FORMULAS);
    expect(div.textContent).toContain("$a$");
  });
});

describe("no call of the renderer grows with the message", () => {
  const SIZE = 128 * 1024;
  const shapes: Record<string, (n: number) => string> = {
    ...hostile,
    "one paragraph of words": (n) => "word ".repeat(n / 5),
    "one code block": (n) => "```js\n" + "let a = [1, 2];\n".repeat(n / 16) + "```\n",
    "emphasis left open": (n) => "*a **b ".repeat(n / 7),
  };
  // One call adds at most MAX_NEW_CHARS, plus the unit of work that crossed it.
  const MOST_ADDED = MAX_NEW_CHARS + LEX_WINDOW;

  /** The text the last part shows: the end of the message. */
  function lastText(parts: readonly Part[]): string {
    return partsToElement(parts.slice(-1)).textContent ?? "";
  }

  /** Calls `work` as the component does until nothing is pending; the most one call added. */
  function drain(renderer: MessageRenderer, text: string, streaming: boolean): number {
    let most = 0;
    for (;;) {
      renderer.update(text, streaming);
      const before = renderer.renderedLength;
      const view = renderer.work({ deadline: Infinity, maxChars: MAX_NEW_CHARS });
      most = Math.max(most, renderer.renderedLength - before);
      if (!view.pending) return most;
    }
  }

  for (const [name, make] of Object.entries(shapes)) {
    it(
      `${name}: opened and streamed in bounded calls, all of it shown`,
      { timeout: 120_000 },
      () => {
        const text = `${make(SIZE)}\n\nTHE END`;
        clearBlockCache();
        renderStats.largestParsed = 0;
        // Opened from history: the whole text at once.
        const opened = new MessageRenderer(labels);
        expect(drain(opened, text, false)).toBeLessThanOrEqual(MOST_ADDED);
        expect(lastText(opened.render(text, false))).toContain("THE END");
        // Streamed in 4 KB deltas, then finished.
        const streamed = new MessageRenderer(labels);
        let most = 0;
        for (let end = 4096; end < text.length; end += 4096) {
          most = Math.max(most, drain(streamed, text.slice(0, end), true));
        }
        most = Math.max(most, drain(streamed, text, false));
        expect(most).toBeLessThanOrEqual(MOST_ADDED);
        expect(lastText(streamed.render(text, false))).toContain("THE END");
        // Nothing was lexed or parsed in one piece larger than a window.
        expect(renderStats.largestParsed).toBeLessThanOrEqual(LEX_WINDOW);
      },
    );
  }
});
