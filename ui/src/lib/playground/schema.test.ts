import { describe, expect, it } from "vitest";
import { parseJson, prettyLines, strictProblems } from "./schema";

describe("strictProblems", () => {
  it("accepts a closed schema with every property required", () => {
    const schema = {
      type: "object",
      properties: {
        a: { type: "string" },
        list: {
          type: "array",
          items: {
            type: "object",
            properties: { x: { type: "number" } },
            required: ["x"],
            additionalProperties: false,
          },
        },
      },
      required: ["a", "list"],
      additionalProperties: false,
    };
    expect(strictProblems(schema)).toEqual([]);
  });

  it("names each object that is open or leaves properties optional, at any depth", () => {
    const schema = {
      type: "object",
      properties: {
        a: { type: "string" },
        b: { type: "object", properties: { c: { type: "string" } } },
      },
      required: ["a"],
      additionalProperties: false,
    };
    // Root misses `b` in required; the nested object is open and misses `c`.
    expect(strictProblems(schema)).toEqual([
      { path: "", kind: "required", missing: ["b"] },
      { path: "/properties/b", kind: "additionalProperties", missing: [] },
      { path: "/properties/b", kind: "required", missing: ["c"] },
    ]);
  });

  it("looks into $defs and anyOf branches", () => {
    const schema = {
      type: "object",
      properties: {},
      required: [],
      additionalProperties: false,
      $defs: { item: { type: "object", properties: {} } },
      anyOf: [{ type: "object", properties: {}, additionalProperties: false }],
    };
    expect(strictProblems(schema).map((p) => p.path)).toEqual(["/$defs/item"]);
  });
});

describe("parseJson", () => {
  it("explains what is wrong instead of throwing", () => {
    const result = parseJson('{"a": }');
    expect(result.ok).toBe(false);
    expect(parseJson("").ok).toBe(false);
    expect(parseJson('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });
});

describe("prettyLines", () => {
  it("prints like JSON.stringify and knows which value each line holds", () => {
    const value = { name: "Ada", tags: ["x", "y"], empty: {} };
    const lines = prettyLines(value);
    // Same text as the standard printer, so copying it gives valid JSON.
    expect(lines.map((l) => l.text).join("\n")).toBe(JSON.stringify(value, null, 2));
    expect(lines.find((l) => l.text.includes('"Ada"'))?.path).toBe("/name");
    expect(lines.find((l) => l.text.includes('"y"'))?.path).toBe("/tags/1");
    expect(lines[0]?.path).toBe("");
  });
});
