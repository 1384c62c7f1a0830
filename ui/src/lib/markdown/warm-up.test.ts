import { describe, expect, it } from "vitest";
import { clearFormulaCache, formulaStats } from "./formulas";
import { clearBlockCache } from "./renderer";
import { warmUpMarkdown } from "./warm-up";

describe("warmUpMarkdown", () => {
  it("renders its sample once the page is idle, lays it out hidden, and leaves nothing behind", async () => {
    clearFormulaCache();
    clearBlockCache();
    const before = formulaStats.rendered;
    const children = document.body.childElementCount;
    await warmUpMarkdown(document, 0);
    // KaTeX and the rest ran (its formulas, code and table went through the pipeline)…
    expect(formulaStats.rendered - before).toBeGreaterThanOrEqual(3);
    // …and the hidden copy is gone again.
    expect(document.body.childElementCount).toBe(children);
  });
});
