// The current request as code to run elsewhere: curl, Python and JavaScript
// (the official `openai` SDKs) and Rust (reqwest). The key is always read
// from OPENAI_API_KEY; the code never contains it.

import type { Json, JsonObject } from "./request";

export type CodeLanguage = "curl" | "python" | "javascript" | "rust";
export const CODE_LANGUAGES: CodeLanguage[] = ["curl", "python", "javascript", "rust"];

export const KEY_VARIABLE = "OPENAI_API_KEY";

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "");
}

/** A JSON value as a Python literal (True/False/None), indented like json.dumps. */
export function pythonLiteral(value: Json, indent = ""): string {
  const inner = indent + "    ";
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number" || typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + pythonLiteral(v, inner)).join(",\n")},\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  return `{\n${entries
    .map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pythonLiteral(v, inner)}`)
    .join(",\n")},\n${indent}}`;
}

function indentJson(body: JsonObject, indent: string): string {
  return JSON.stringify(body, null, 2).replace(/\n/g, `\n${indent}`);
}

function curl(body: JsonObject, baseUrl: string): string {
  // A quoted heredoc passes the JSON through untouched: no shell escaping.
  return [
    `curl ${trimBase(baseUrl)}/responses \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -H "Authorization: Bearer $${KEY_VARIABLE}" \\`,
    `  --data @- <<'HALLEY_JSON'`,
    JSON.stringify(body, null, 2),
    "HALLEY_JSON",
  ].join("\n");
}

function python(body: JsonObject, baseUrl: string): string {
  const args = Object.entries(body)
    .map(([k, v]) => `    ${k}=${pythonLiteral(v, "    ")},`)
    .join("\n");
  return [
    "import os",
    "",
    "from openai import OpenAI",
    "",
    "client = OpenAI(",
    `    base_url=${JSON.stringify(trimBase(baseUrl))},`,
    `    api_key=os.environ[${JSON.stringify(KEY_VARIABLE)}],`,
    ")",
    "",
    "response = client.responses.create(",
    args,
    ")",
    "print(response.output_text)",
  ].join("\n");
}

function javascript(body: JsonObject, baseUrl: string): string {
  return [
    'import OpenAI from "openai";',
    "",
    "const client = new OpenAI({",
    `  baseURL: ${JSON.stringify(trimBase(baseUrl))},`,
    `  apiKey: process.env.${KEY_VARIABLE},`,
    "});",
    "",
    `const response = await client.responses.create(${indentJson(body, "")});`,
    "console.log(response.output_text);",
  ].join("\n");
}

function rust(body: JsonObject, baseUrl: string): string {
  return [
    '// Cargo.toml: reqwest = { version = "0.12", features = ["json"] },',
    '// serde_json = "1", tokio = { version = "1", features = ["full"] }',
    "use serde_json::json;",
    "",
    "#[tokio::main]",
    "async fn main() -> Result<(), Box<dyn std::error::Error>> {",
    `    let key = std::env::var(${JSON.stringify(KEY_VARIABLE)})?;`,
    `    let body = json!(${indentJson(body, "    ")});`,
    "    let response: serde_json::Value = reqwest::Client::new()",
    `        .post(${JSON.stringify(`${trimBase(baseUrl)}/responses`)})`,
    "        .bearer_auth(key)",
    "        .json(&body)",
    "        .send()",
    "        .await?",
    "        .error_for_status()?",
    "        .json()",
    "        .await?;",
    '    println!("{}", serde_json::to_string_pretty(&response)?);',
    "    Ok(())",
    "}",
  ].join("\n");
}

/** `body` as runnable code in `language`, aimed at `baseUrl`. */
export function exportCode(language: CodeLanguage, body: JsonObject, baseUrl: string): string {
  switch (language) {
    case "curl":
      return curl(body, baseUrl);
    case "python":
      return python(body, baseUrl);
    case "javascript":
      return javascript(body, baseUrl);
    case "rust":
      return rust(body, baseUrl);
  }
}
