import { describe, expect, it } from "vitest";
import { graderSpec, newGrader, problemText } from "./evals.svelte";
import { setLanguage } from "../i18n/index.svelte";

describe("evaluation state", () => {
  it("turns the form's graders into the backend's specs", () => {
    expect(graderSpec({ ...newGrader("regex"), pattern: "^a" })).toEqual({
      kind: "regex",
      pattern: "^a",
    });
    expect(graderSpec({ ...newGrader("contains"), column: "gold", ignoreCase: true })).toEqual({
      kind: "contains",
      reference: { from: "column", name: "gold" },
      ignoreCase: true,
    });
    expect(graderSpec(newGrader("exact"))).toMatchObject({ reference: { from: "expected" } });
    expect(graderSpec({ ...newGrader("json_schema"), schema: "  " })).toEqual({
      kind: "json_schema",
      schema: null,
    });
    expect(graderSpec(newGrader("model"))).toMatchObject({
      kind: "model",
      model: "judge",
      min: 1,
      max: 5,
      passAt: 4,
    });
  });

  it("says a malformed file's problem with its row, in English and Vietnamese", () => {
    const problem = {
      code: "malformed" as const,
      row: 4,
      line: 5,
      reason: "it has 1 field where the header has 2",
    };
    expect(problemText(problem)).toBe(
      "Row 4 (line 5) cannot be read: it has 1 field where the header has 2",
    );
    setLanguage("vi");
    expect(problemText(problem)).toBe(
      "Không đọc được hàng 4 (dòng 5): hàng có 1 trường trong khi tiêu đề có 2",
    );
    setLanguage("en");
  });
});
