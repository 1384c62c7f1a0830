import { beforeEach, describe, expect, it } from "vitest";
import {
  clearFormulaCache,
  FORMULA_CACHE_ENTRIES,
  formulaNodes,
  formulaStats,
  LruCache,
  type Formula,
} from "./formulas";
import { MAX_FORMULAS } from "./math";
import { clearBlockCache, MessageRenderer, renderBlock } from "./renderer";
import { findings } from "./testing/inert";
import { partsToElement } from "./testing/parts";

const labels = () => ({ copy: "Copy", loadImage: (host: string) => `Load image from ${host}` });

beforeEach(() => {
  clearFormulaCache();
  clearBlockCache();
});

/** Stands in for the sanitizer: one span per formula. */
function clean(html: readonly string[]): Node[] {
  const box = document.createElement("div");
  box.innerHTML = html.map((h) => `<span>${h}</span>`).join("");
  return [...box.childNodes];
}

const formula = (tex: string, display = false): Formula => ({ tex, display, raw: `$${tex}$` });

describe("LruCache", () => {
  it("holds at most its number of entries, dropping the least recently used", () => {
    const cache = new LruCache<number>(3, Infinity);
    for (const key of ["a", "b", "c"]) cache.set(key, 1, 1);
    cache.get("a"); // used: "b" is now the oldest
    cache.set("d", 1, 1);
    expect(cache.size).toBe(3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
  });

  it("holds at most its total size", () => {
    const cache = new LruCache<string>(100, 10);
    cache.set("a", "x", 6);
    cache.set("b", "y", 6);
    expect(cache.totalSize).toBe(6);
    expect(cache.get("a")).toBeUndefined();
    cache.set("b", "z", 2);
    expect(cache.totalSize).toBe(2);
  });

  it("holds more formulas than a block may have, so a block can always complete", () => {
    expect(FORMULA_CACHE_ENTRIES).toBeGreaterThan(MAX_FORMULAS);
  });
});

describe("formulaNodes", () => {
  it("renders a formula once per TeX and mode, and copies it for each use", () => {
    const before = formulaStats.rendered;
    const first = formulaNodes(document, [formula("x^2"), formula("x^2")], clean, (s) => s);
    const second = formulaNodes(document, [formula("x^2"), formula("x^2", true)], clean, (s) => s);
    expect(formulaStats.rendered - before).toBe(2); // "x^2" inline, then display
    expect(first.complete && second.complete).toBe(true);
    const [a, b] = first.nodes as Node[];
    expect(a).not.toBe(b);
    expect((a as Element).outerHTML).toBe((b as Element).outerHTML);
    expect((second.nodes[0] as Element).outerHTML).toBe((a as Element).outerHTML);
  });

  it("past the deadline renders one missing formula and shows the others' source as text", () => {
    const formulas = ["a", "b", "c"].map((tex) => formula(tex));
    const early = formulaNodes(document, formulas, clean, (s) => s, -Infinity);
    expect(early.complete).toBe(false);
    expect(early.nodes.map((n) => (n as Element).className)).toEqual([
      "",
      "math-pending",
      "math-pending",
    ]);
    expect(early.nodes[1]?.textContent).toBe("$b$");
    // Each call renders one more, so the block completes.
    expect(formulaNodes(document, formulas, clean, (s) => s, -Infinity).complete).toBe(false);
    const done = formulaNodes(document, formulas, clean, (s) => s, -Infinity);
    expect(done.complete).toBe(true);
    expect(done.nodes.every((n) => (n as Element).querySelector(".katex"))).toBe(true);
  });

  it("renders a block whole when its formulas do not fit in the cache together", () => {
    // A cache that holds less than two formulas' HTML: rendering one at a
    // time would evict the one before and never complete.
    const tiny = new LruCache<Node>(1024, 250); // a one-letter formula is ~200 characters
    expect(formulaNodes(document, [formula("z")], clean, (s) => s, Infinity, tiny).complete).toBe(
      true,
    );
    expect(tiny.totalSize).toBeGreaterThan(125);
    const formulas = ["a", "b", "c"].map((tex) => formula(tex));
    formulaNodes(document, formulas, clean, (s) => s, -Infinity, tiny);
    const next = formulaNodes(document, formulas, clean, (s) => s, -Infinity, tiny);
    expect(next.complete).toBe(true);
    expect(next.nodes.every((n) => (n as Element).querySelector(".katex"))).toBe(true);
  });

  it("shows a pending formula's source as text only, cleaned", () => {
    const hostile: Formula = {
      tex: "x",
      display: false,
      raw: '$<img src=x onerror="alert(1)">\u202Ex$',
    };
    const pending = formulaNodes(
      document,
      // Past the deadline "z" is the one formula rendered; the hostile one waits.
      [formula("z"), hostile],
      clean,
      (s) => s.replace(/\u202E/g, ""),
      -Infinity,
    ).nodes[1] as Element;
    expect(pending.className).toBe("math-pending");
    expect(pending.children).toHaveLength(0);
    expect(pending.textContent).toBe('$<img src=x onerror="alert(1)">x$');
  });
});

describe("a block's formulas within the deadline", () => {
  const source = Array.from({ length: 12 }, (_, i) => `$x_{${i}}$`).join(" and ");

  it("marks a block whose formulas did not all fit, and completes it when rendered again", () => {
    const part = renderBlock(source, labels(), -Infinity);
    expect(part.kind).toBe("html");
    if (part.kind !== "html") return;
    expect(part.retry).toBe(source);
    const shown = partsToElement([part]);
    expect(shown.querySelectorAll(".katex")).toHaveLength(1);
    expect(shown.querySelectorAll(".math-pending")).toHaveLength(11);
    expect(shown.textContent).toContain("$x_{5}$");
    expect(findings(shown)).toEqual([]);
  });

  it("replaces the placeholders with the rendered formulas in later calls of work", () => {
    const renderer = new MessageRenderer(labels);
    renderer.update(source, false);
    const first = renderer.work({ deadline: -Infinity, maxChars: Infinity });
    expect(first.pending).toBe(true);
    let view = first;
    let calls = 1;
    while (view.pending && calls < 100) {
      view = renderer.work({ deadline: -Infinity, maxChars: Infinity });
      calls++;
    }
    // One formula a call at worst: no more calls than formulas.
    expect(calls).toBeLessThanOrEqual(12);
    const shown = partsToElement(view.parts);
    expect(shown.querySelectorAll(".katex")).toHaveLength(12);
    expect(shown.querySelector(".math-pending")).toBeNull();
    expect(findings(shown)).toEqual([]);
    // The same as rendering it at once.
    clearFormulaCache();
    clearBlockCache();
    const whole = partsToElement(new MessageRenderer(labels).render(source, false));
    expect(shown.innerHTML).toBe(whole.innerHTML);
  });

  it("does nothing new in a call whose frame budget is spent", () => {
    const renderer = new MessageRenderer(labels);
    renderer.update(source, false);
    const view = renderer.work({ deadline: -Infinity, maxChars: Infinity, atLeastOne: false });
    expect(view.pending).toBe(true);
    expect(view.parts.every((part) => part.kind !== "html")).toBe(true);
    // Again with nothing new: the very same object, so the caller redoes nothing.
    const again = renderer.work({ deadline: -Infinity, maxChars: Infinity, atLeastOne: false });
    expect(again).toBe(view);
    // New text is not hidden behind it.
    renderer.update(source + " more", false);
    expect(renderer.work({ deadline: -Infinity, maxChars: Infinity, atLeastOne: false })).not.toBe(
      view,
    );
  });

  it("keeps a streaming open block as last rendered when it cannot render it again now", () => {
    const renderer = new MessageRenderer(labels);
    renderer.update("Some $x^2$ and **bold", true);
    const first = renderer.work({ deadline: Infinity, maxChars: Infinity });
    expect(first.parts.map((p) => p.kind)).toEqual(["html"]);
    renderer.update("Some $x^2$ and **bold text", true);
    const later = renderer.work({ deadline: -Infinity, maxChars: Infinity, atLeastOne: false });
    expect(later.pending).toBe(true);
    expect(later.parts[0]).toBe(first.parts[0]);
    expect(later.parts[1]).toMatchObject({ kind: "text", text: " text", pending: true });
  });
});
