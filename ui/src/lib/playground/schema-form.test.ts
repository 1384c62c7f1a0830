import { describe, expect, it } from "vitest";
import { argumentsOf, fieldsOf, parseArguments } from "./schema-form";

const schema = {
  type: "object",
  properties: {
    tail: { type: "number", description: "Last N lines" },
    path: { type: "string" },
    recursive: { type: "boolean" },
    mode: { enum: ["fast", "slow"] },
    filter: { type: "object" },
    count: { type: ["integer", "null"] },
  },
  required: ["path"],
};

describe("a form from an MCP tool's input schema", () => {
  it("has one field per property, required ones first, typed by the schema", () => {
    const fields = fieldsOf(schema);
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ["path", "string", true],
      ["tail", "number", false],
      ["recursive", "boolean", false],
      ["mode", "enum", false],
      ["filter", "json", false],
      ["count", "integer", false],
    ]);
    expect(fields[3]?.options).toEqual(['"fast"', '"slow"']);
    expect(fields[1]?.description).toBe("Last N lines");
  });

  it("turns the typed values into the arguments, leaving empty optional fields out", () => {
    const fields = fieldsOf(schema);
    expect(
      argumentsOf(fields, {
        path: "/tmp/a.txt",
        tail: "3",
        recursive: true,
        mode: '"slow"',
        filter: '{"x": 1}',
        count: "",
      }),
    ).toEqual({
      ok: true,
      value: { path: "/tmp/a.txt", tail: 3, recursive: true, mode: "slow", filter: { x: 1 } },
    });
    expect(argumentsOf(fields, {})).toEqual({ ok: true, value: { path: "" } });
  });

  it("says which field is wrong instead of sending something else", () => {
    const fields = fieldsOf(schema);
    const bad = argumentsOf(fields, { path: "p", count: "1.5" });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.field).toBe("count");
    expect(argumentsOf(fields, { path: "p", filter: "{" }).ok).toBe(false);
  });

  it("reads raw JSON arguments only as an object", () => {
    expect(parseArguments('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseArguments("")).toEqual({ ok: true, value: {} });
    expect(parseArguments("[1]").ok).toBe(false);
    expect(parseArguments("{").ok).toBe(false);
  });

  it("has no fields for a schema without properties", () => {
    expect(fieldsOf({ type: "object" })).toEqual([]);
    expect(fieldsOf(null)).toEqual([]);
  });
});
