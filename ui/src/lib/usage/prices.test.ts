import { describe, expect, it } from "vitest";
import { fromRows, parseDollars, toRows, type PriceRow } from "./prices";

describe("prices", () => {
  it("reads dollars as the user writes them, in micro-dollars", () => {
    expect(parseDollars("1.25")).toBe(1_250_000);
    expect(parseDollars("1,25")).toBe(1_250_000);
    expect(parseDollars(" $0.075 ")).toBe(75_000);
    expect(parseDollars("0.005")).toBe(5_000);
    expect(parseDollars("1.2.3")).toBeNull();
    expect(parseDollars("abc")).toBeNull();
    expect(parseDollars("-1")).toBeNull();
    expect(parseDollars("")).toBeNull();
  });

  it("round-trips a table and names the row of a typo", () => {
    const rows: PriceRow[] = [
      { providerId: "p", model: "gpt-5", input: "1.25", cachedInput: "", output: "10" },
    ];
    const read = fromRows(rows);
    expect(read).toEqual({
      ok: true,
      prices: [
        {
          providerId: "p",
          model: "gpt-5",
          input: 1_250_000,
          cachedInput: null,
          output: 10_000_000,
        },
      ],
    });
    if (read.ok) expect(toRows(read.prices)).toEqual(rows);
    expect(fromRows([...rows, { ...rows[0]!, model: "m", output: "1o" }])).toEqual({
      ok: false,
      problem: { row: 2, kind: "price", text: "1o" },
    });
    expect(fromRows([{ ...rows[0]!, model: " " }])).toEqual({
      ok: false,
      problem: { row: 1, kind: "model" },
    });
  });
});
