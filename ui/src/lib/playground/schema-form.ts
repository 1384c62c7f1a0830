// A form for an MCP tool's arguments, made from its input schema: one field
// per top-level property (text, number, checkbox, a choice for an enum, JSON
// for objects and arrays). What a form cannot say well is typed as JSON.

export type FieldKind = "string" | "number" | "integer" | "boolean" | "enum" | "json";

export interface SchemaField {
  name: string;
  kind: FieldKind;
  required: boolean;
  description: string;
  /** The enum's values, as JSON text (an enum may mix types). */
  options: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kindOf(property: Record<string, unknown>): FieldKind {
  if (Array.isArray(property.enum)) return "enum";
  const type = Array.isArray(property.type)
    ? property.type.find((t) => t !== "null")
    : property.type;
  switch (type) {
    case "string":
      return "string";
    case "number":
      return "number";
    case "integer":
      return "integer";
    case "boolean":
      return "boolean";
    default:
      return "json";
  }
}

/** The fields of `schema`'s top-level properties, required ones first. */
export function fieldsOf(schema: unknown): SchemaField[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === "string") : [],
  );
  const fields = Object.entries(schema.properties).map(([name, raw]): SchemaField => {
    const property = isObject(raw) ? raw : {};
    return {
      name,
      kind: kindOf(property),
      required: required.has(name),
      description: typeof property.description === "string" ? property.description : "",
      options: Array.isArray(property.enum) ? property.enum.map((v) => JSON.stringify(v)) : [],
    };
  });
  return [...fields.filter((f) => f.required), ...fields.filter((f) => !f.required)];
}

export type FormValues = Record<string, string | boolean>;

export type Arguments =
  { ok: true; value: Record<string, unknown> } | { ok: false; field: string; message: string };

/**
 * The arguments object from the typed values. An empty optional field is
 * left out; an empty required one is sent empty, so the server says what it
 * wants (the inspector is for seeing what a server does).
 */
export function argumentsOf(fields: readonly SchemaField[], values: FormValues): Arguments {
  const value: Record<string, unknown> = {};
  for (const field of fields) {
    const typed = values[field.name];
    if (field.kind === "boolean") {
      if (typed === true || field.required) value[field.name] = typed === true;
      continue;
    }
    const text = typeof typed === "string" ? typed : "";
    if (text.trim() === "" && !field.required) continue;
    switch (field.kind) {
      case "string":
        value[field.name] = text;
        break;
      case "number":
      case "integer": {
        const n = Number(text);
        if (
          text.trim() === "" ||
          !Number.isFinite(n) ||
          (field.kind === "integer" && !Number.isInteger(n))
        ) {
          return { ok: false, field: field.name, message: `${field.name}: not a ${field.kind}` };
        }
        value[field.name] = n;
        break;
      }
      case "enum":
      case "json":
        try {
          value[field.name] = JSON.parse(text);
        } catch (error) {
          return { ok: false, field: field.name, message: `${field.name}: ${String(error)}` };
        }
        break;
    }
  }
  return { ok: true, value };
}

/** Parses raw JSON arguments: an object, or an error to show. */
export function parseArguments(text: string): Arguments {
  try {
    const value: unknown = text.trim() === "" ? {} : JSON.parse(text);
    if (!isObject(value)) return { ok: false, field: "", message: "not an object" };
    return { ok: true, value };
  } catch (error) {
    return { ok: false, field: "", message: String(error) };
  }
}
