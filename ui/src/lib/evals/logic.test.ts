import { describe, expect, it } from "vitest";
import type { RowResult } from "../bindings/RowResult";
import {
  buildTable,
  filterTable,
  formatEta,
  percent,
  problemMessage,
  reasonMessage,
  resultsCsv,
  resumable,
  formatOf,
  toBase64,
  toggledGrade,
} from "./logic";

function result(variant: number, position: number, passed: boolean, output = "ok"): RowResult {
  return {
    variant,
    position,
    status: "answered",
    passed,
    output,
    request: null,
    response: null,
    error: null,
    latencyMs: 120,
    model: "echo",
    usage: { inputTokens: 10, cachedTokens: 0, outputTokens: 4, reasoningTokens: 0 },
    costUsd: null,
    grades: [
      { grader: "regex", passed, score: null, note: null, error: false },
      { grader: "judge", passed, score: passed ? 1 : 0.25, note: null, error: false },
    ],
    graderRequests: 1,
    graderCostUsd: null,
    humanGrade: null,
    finishedAt: 0,
  };
}

describe("results table", () => {
  const results = [result(1, 2, false), result(0, 1, true), result(1, 1, true), result(0, 2, true)];
  const rows = buildTable(results, 2);

  it("puts each result under its row and variant, rows in order", () => {
    expect(rows.map((r) => r.position)).toEqual([1, 2]);
    expect(rows[1]!.cells.map((c) => c?.passed)).toEqual([true, false]);
  });

  it("holds 10,000 rows of two variants, every row once", () => {
    const many: RowResult[] = [];
    for (let v = 0; v < 2; v++)
      for (let p = 1; p <= 10_000; p++) many.push(result(v, p, v === 0 || p % 3 !== 0));
    const table = buildTable(many, 2);
    expect(table).toHaveLength(10_000);
    expect(table[9_999]!.position).toBe(10_000);
    expect(filterTable(table, { failedOnly: false, disagree: true })).toHaveLength(3_333);
  });

  it("leaves a cell empty until its variant has a result", () => {
    const partial = buildTable([result(1, 3, true)], 2);
    expect(partial[0]!.cells[0]).toBeUndefined();
  });

  it("filters failed rows and rows where the variants disagree", () => {
    const third = buildTable([...results, result(0, 3, false), result(1, 3, false)], 2);
    expect(
      filterTable(third, { failedOnly: true, disagree: false }).map((r) => r.position),
    ).toEqual([2, 3]);
    // Row 3 failed on both: they agree.
    expect(
      filterTable(third, { failedOnly: false, disagree: true }).map((r) => r.position),
    ).toEqual([2]);
    expect(filterTable(third, { failedOnly: false, disagree: false })).toHaveLength(3);
  });
});

describe("progress", () => {
  it("says the time left in seconds, minutes or hours", () => {
    expect(formatEta(null)).toBeNull();
    expect(formatEta(44_600)).toBe("45 s");
    expect(formatEta(200_000)).toBe("3 min 20 s");
    expect(formatEta(3_900_000)).toBe("1 h 05 min");
  });

  it("is a percentage that never passes 100 and survives an empty run", () => {
    expect(percent(5, 20)).toBe(25);
    expect(percent(3, 0)).toBe(0);
    expect(percent(30, 20)).toBe(100);
  });

  it("offers resume for a paused run and an interrupted one, not a live one", () => {
    expect(resumable("paused", false)).toBe(true);
    expect(resumable("running", false)).toBe(true);
    expect(resumable("running", true)).toBe(false);
    expect(resumable("completed", false)).toBe(false);
    expect(resumable("cancelled", false)).toBe(false);
  });
});

describe("results as CSV", () => {
  it("has a line per row and variant with every grader, quoting what needs it", () => {
    const r = result(0, 1, true, 'say "hi", then\nbye');
    const csv = resultsCsv([result(1, 1, false, "=1+1"), r], ["A", "B"]);
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(
      "row,variant,status,passed,output,error,latency_ms,input_tokens,output_tokens,cost_usd,regex passed,regex score,judge passed,judge score,human",
    );
    expect(lines[1]).toBe('1,A,answered,true,"say ""hi"", then\nbye",,120,10,4,,true,,true,1,');
    // A formula-looking output cannot run in a spreadsheet.
    expect(lines[2]).toContain(",'=1+1,");
    expect(lines[2]!.startsWith("1,B,answered,false")).toBe(true);
  });

  it("writes the human grade", () => {
    const r = { ...result(0, 1, true), humanGrade: { kind: "thumb" as const, value: false } };
    expect(resultsCsv([r], ["A"]).trim().endsWith(",down")).toBe(true);
    const starred = { ...result(0, 1, true), humanGrade: { kind: "stars" as const, value: 4 } };
    expect(resultsCsv([starred], ["A"]).trim().endsWith(",4 stars")).toBe(true);
  });
});

describe("human grades", () => {
  it("sets, changes, and clears on picking the same grade again", () => {
    const three = { kind: "stars" as const, value: 3 };
    expect(toggledGrade(null, three)).toEqual(three);
    expect(toggledGrade({ kind: "stars", value: 5 }, three)).toEqual(three);
    expect(toggledGrade(three, { kind: "stars", value: 3 })).toBeNull();
    expect(toggledGrade({ kind: "thumb", value: true }, three)).toEqual(three);
    expect(toggledGrade({ kind: "thumb", value: true }, { kind: "thumb", value: true })).toBeNull();
  });
});

describe("import", () => {
  it("names the row and line of a malformed file", () => {
    const m = problemMessage({ code: "malformed", row: 3, line: 5, reason: "x" });
    expect(m).toEqual({ key: "ev.problem.malformed", params: { row: 3, line: 5 } });
    expect(reasonMessage("it has 1 field where the header has 2")).toEqual({
      key: "ev.reason.fields",
      params: { got: "1", want: "2" },
    });
    expect(reasonMessage("something new").key).toBeNull();
  });

  it("tells JSONL from CSV by the name and encodes bytes as base64", () => {
    expect(formatOf("a.JSONL")).toBe("jsonl");
    expect(formatOf("a.csv")).toBe("csv");
    expect(toBase64(new TextEncoder().encode("héllo"))).toBe(btoa("h\u00c3\u00a9llo"));
  });
});
