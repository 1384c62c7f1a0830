// Checks of JSON schemas typed by the user: parse with a clear message, and
// the rules of OpenAI's strict mode (every object closes its properties with
// `additionalProperties: false` and lists every property in `required`).

export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string };

/** Parses JSON text; the message says where it broke (the engine's words). */
export function parseJson(text: string): JsonParse {
  if (text.trim() === "") return { ok: false, message: "empty" };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface StrictProblem {
  /** JSON pointer of the object schema at fault, `""` for the root. */
  path: string;
  kind: "additionalProperties" | "required";
  /** For `required`: the properties missing from it. */
  missing: string[];
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Every place `schema` breaks strict mode; empty when it is strict-ready. */
export function strictProblems(schema: unknown, path = ""): StrictProblem[] {
  if (!isObject(schema)) return [];
  const problems: StrictProblem[] = [];
  const properties = isObject(schema.properties) ? schema.properties : null;
  const isObjectSchema = schema.type === "object" || properties !== null;
  if (isObjectSchema) {
    if (schema.additionalProperties !== false) {
      problems.push({ path, kind: "additionalProperties", missing: [] });
    }
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = Object.keys(properties ?? {}).filter((key) => !required.includes(key));
    if (missing.length > 0) problems.push({ path, kind: "required", missing });
  }
  for (const [key, sub] of Object.entries(properties ?? {})) {
    problems.push(...strictProblems(sub, `${path}/properties/${escapePointer(key)}`));
  }
  if (schema.items !== undefined) problems.push(...strictProblems(schema.items, `${path}/items`));
  for (const list of ["anyOf", "allOf", "oneOf"] as const) {
    const branches = schema[list];
    if (Array.isArray(branches)) {
      branches.forEach((sub, i) => problems.push(...strictProblems(sub, `${path}/${list}/${i}`)));
    }
  }
  for (const defs of ["$defs", "definitions"] as const) {
    const table = schema[defs];
    if (isObject(table)) {
      for (const [key, sub] of Object.entries(table)) {
        problems.push(...strictProblems(sub, `${path}/${defs}/${escapePointer(key)}`));
      }
    }
  }
  return problems;
}

export interface PrettyLine {
  text: string;
  /** JSON pointer of the value that starts on this line. */
  path: string;
}

/**
 * Pretty-prints JSON (2 spaces, like JSON.stringify) and says which value
 * each line belongs to, so validation errors can be marked on their lines.
 */
export function prettyLines(value: unknown): PrettyLine[] {
  const lines: PrettyLine[] = [];
  const walk = (v: unknown, path: string, indent: string, prefix: string, suffix: string) => {
    if (Array.isArray(v) && v.length > 0) {
      lines.push({ text: `${indent}${prefix}[`, path });
      v.forEach((item, i) =>
        walk(item, `${path}/${i}`, indent + "  ", "", i < v.length - 1 ? "," : ""),
      );
      lines.push({ text: `${indent}]${suffix}`, path });
    } else if (isObject(v) && Object.keys(v).length > 0) {
      lines.push({ text: `${indent}${prefix}{`, path });
      const entries = Object.entries(v);
      entries.forEach(([key, item], i) =>
        walk(
          item,
          `${path}/${escapePointer(key)}`,
          indent + "  ",
          `${JSON.stringify(key)}: `,
          i < entries.length - 1 ? "," : "",
        ),
      );
      lines.push({ text: `${indent}}${suffix}`, path });
    } else {
      lines.push({ text: `${indent}${prefix}${JSON.stringify(v)}${suffix}`, path });
    }
  };
  walk(value, "", "", "", "");
  return lines;
}
