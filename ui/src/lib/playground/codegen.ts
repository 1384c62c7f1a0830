// The current request as code to run elsewhere: curl, Python and JavaScript
// (the official `openai` SDKs) and Rust (reqwest). The key is always read
// from OPENAI_API_KEY; the code never contains it.

import type { Json, JsonObject } from "./request";
import type { MadeStore, UploadedFile } from "./state";

/** What the form made at the provider, so exported code can make it again. */
export interface Provenance {
  uploads: readonly UploadedFile[];
  stores: readonly MadeStore[];
}

/** The uploads and stores `body` uses, in the order code must make them. */
interface Needed {
  files: { ref: UploadedFile; name: string }[];
  stores: { ref: MadeStore; name: string }[];
}

function stringsIn(value: Json, out: Set<string>): Set<string> {
  if (typeof value === "string") out.add(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value !== null && typeof value === "object")
    for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

function needed(body: JsonObject, provenance: Provenance): Needed {
  const used = stringsIn(body, new Set());
  const stores = provenance.stores.filter((s) => used.has(s.storeId));
  const fileIds = new Set([...used, ...stores.flatMap((s) => s.fileIds)]);
  const files = provenance.uploads.filter((u) => fileIds.has(u.fileId));
  return {
    files: files.map((ref, i) => ({ ref, name: `file_${i + 1}` })),
    stores: stores.map((ref, i) => ({ ref, name: `store_${i + 1}` })),
  };
}

/** `text` with each quoted id in `refs` replaced by its expression (`"file-1"` → `file_1.id`). */
function substitute(text: string, refs: Map<string, string>): string {
  let out = text;
  for (const [id, expression] of refs) out = out.split(JSON.stringify(id)).join(expression);
  return out;
}

/** A string as a single-quoted shell word. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

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

function curl(body: JsonObject, baseUrl: string, need: Needed): string {
  const base = trimBase(baseUrl);
  if (need.files.length > 0 || need.stores.length > 0) return curlWithUploads(body, base, need);
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

function curlWithUploads(body: JsonObject, base: string, need: Needed): string {
  const auth = `-H "Authorization: Bearer $${KEY_VARIABLE}"`;
  const variable = (name: string) => name.toUpperCase();
  const lines = ["set -e", `BASE=${shellQuote(base)}`];
  for (const { ref, name } of need.files) {
    lines.push(
      `# Your copy of ${ref.filename}, next to this script.`,
      `${variable(name)}=$(curl -s "$BASE/files" ${auth} -F purpose=${ref.purpose} -F file=@${shellQuote(ref.filename)} | jq -r .id)`,
    );
  }
  const fileVar = new Map(need.files.map((f) => [f.ref.fileId, variable(f.name)]));
  for (const { ref, name } of need.stores) {
    const v = variable(name);
    const ids = ref.fileIds.map((id) => `\\"$${fileVar.get(id) ?? "MISSING"}\\"`).join(", ");
    lines.push(
      `${v}=$(curl -s "$BASE/vector_stores" ${auth} -H "Content-Type: application/json" -d ${shellQuote(JSON.stringify({ name: ref.name }))} | jq -r .id)`,
      `BATCH=$(curl -s "$BASE/vector_stores/$${v}/file_batches" ${auth} -H "Content-Type: application/json" -d "{\\"file_ids\\": [${ids}]}" | jq -r .id)`,
      `until curl -s "$BASE/vector_stores/$${v}/file_batches/$BATCH" ${auth} | jq -e '.status != "in_progress"' >/dev/null; do sleep 1; done`,
    );
  }
  // An unquoted heredoc, so the ids above are filled in: the JSON's own
  // backslashes, dollars and backticks are escaped first.
  const json = JSON.stringify(body, null, 2).replace(/[\\$`]/g, (c) => `\\${c}`);
  const refs = new Map<string, string>();
  for (const f of need.files) refs.set(f.ref.fileId, `"$${variable(f.name)}"`);
  for (const st of need.stores) refs.set(st.ref.storeId, `"$${variable(st.name)}"`);
  return [
    ...lines,
    `curl "$BASE/responses" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  ${auth} \\`,
    `  --data @- <<HALLEY_JSON`,
    substitute(json, refs),
    "HALLEY_JSON",
  ].join("\n");
}

function python(body: JsonObject, baseUrl: string, need: Needed): string {
  const refs = new Map<string, string>();
  const setup: string[] = [];
  for (const { ref, name } of need.files) {
    refs.set(ref.fileId, `${name}.id`);
    setup.push(
      `# Your copy of ${ref.filename}, next to this script.`,
      `${name} = client.files.create(file=open(${JSON.stringify(ref.filename)}, "rb"), purpose=${JSON.stringify(ref.purpose)})`,
    );
  }
  for (const { ref, name } of need.stores) {
    refs.set(ref.storeId, `${name}.id`);
    const ids = ref.fileIds.map((id) => refs.get(id) ?? JSON.stringify(id)).join(", ");
    setup.push(
      `${name} = client.vector_stores.create(name=${JSON.stringify(ref.name)})`,
      `client.vector_stores.file_batches.create_and_poll(vector_store_id=${name}.id, file_ids=[${ids}])`,
    );
  }
  if (setup.length > 0) setup.push("");
  const args = Object.entries(body)
    .map(([k, v]) => `    ${k}=${substitute(pythonLiteral(v, "    "), refs)},`)
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
    ...setup,
    "response = client.responses.create(",
    args,
    ")",
    "print(response.output_text)",
  ].join("\n");
}

function javascript(body: JsonObject, baseUrl: string, need: Needed): string {
  const refs = new Map<string, string>();
  const setup: string[] = [];
  const camel = (name: string) => name.replace(/_(\d)/, "$1");
  for (const { ref, name } of need.files) {
    refs.set(ref.fileId, `${camel(name)}.id`);
    setup.push(
      `// Your copy of ${ref.filename}, next to this script.`,
      `const ${camel(name)} = await client.files.create({ file: fs.createReadStream(${JSON.stringify(ref.filename)}), purpose: ${JSON.stringify(ref.purpose)} });`,
    );
  }
  for (const { ref, name } of need.stores) {
    refs.set(ref.storeId, `${camel(name)}.id`);
    const ids = ref.fileIds.map((id) => refs.get(id) ?? JSON.stringify(id)).join(", ");
    setup.push(
      `const ${camel(name)} = await client.vectorStores.create({ name: ${JSON.stringify(ref.name)} });`,
      `await client.vectorStores.fileBatches.createAndPoll(${camel(name)}.id, { file_ids: [${ids}] });`,
    );
  }
  if (setup.length > 0) setup.push("");
  return [
    ...(need.files.length > 0 ? ['import fs from "node:fs";'] : []),
    'import OpenAI from "openai";',
    "",
    "const client = new OpenAI({",
    `  baseURL: ${JSON.stringify(trimBase(baseUrl))},`,
    `  apiKey: process.env.${KEY_VARIABLE},`,
    "});",
    "",
    ...setup,
    `const response = await client.responses.create(${substitute(indentJson(body, ""), refs)});`,
    "console.log(response.output_text);",
  ].join("\n");
}

function rustSetup(base: string, need: Needed, refs: Map<string, string>): string[] {
  if (need.files.length === 0 && need.stores.length === 0) return [];
  const lines: string[] = [];
  for (const { ref, name } of need.files) {
    refs.set(ref.fileId, name);
    lines.push(
      `    // Your copy of ${ref.filename}, next to the program.`,
      `    let ${name} = upload(&client, &key, ${JSON.stringify(ref.filename)}, ${JSON.stringify(ref.purpose)}).await?;`,
    );
  }
  for (const { ref, name } of need.stores) {
    refs.set(ref.storeId, name);
    const ids = ref.fileIds.map((id) => refs.get(id) ?? JSON.stringify(id)).join(", ");
    lines.push(
      `    let ${name} = store(&client, &key, ${JSON.stringify(ref.name)}, json!([${ids}])).await?;`,
    );
  }
  void base;
  return lines;
}

const RUST_HELPERS = (base: string) => [
  "",
  "async fn upload(client: &reqwest::Client, key: &str, path: &str, purpose: &str) -> Result<String, Box<dyn std::error::Error>> {",
  "    let part = reqwest::multipart::Part::bytes(std::fs::read(path)?).file_name(path.to_owned());",
  '    let form = reqwest::multipart::Form::new().text("purpose", purpose.to_owned()).part("file", part);',
  `    let file: serde_json::Value = client.post(${JSON.stringify(`${base}/files`)}).bearer_auth(key).multipart(form).send().await?.error_for_status()?.json().await?;`,
  '    Ok(file["id"].as_str().unwrap_or_default().to_owned())',
  "}",
  "",
  "async fn store(client: &reqwest::Client, key: &str, name: &str, file_ids: serde_json::Value) -> Result<String, Box<dyn std::error::Error>> {",
  `    let store: serde_json::Value = client.post(${JSON.stringify(`${base}/vector_stores`)}).bearer_auth(key).json(&json!({ "name": name })).send().await?.error_for_status()?.json().await?;`,
  '    let id = store["id"].as_str().unwrap_or_default().to_owned();',
  `    let batches = format!("${base}/vector_stores/{id}/file_batches");`,
  '    let batch: serde_json::Value = client.post(&batches).bearer_auth(key).json(&json!({ "file_ids": file_ids })).send().await?.error_for_status()?.json().await?;',
  '    let mut status = batch["status"].as_str().unwrap_or_default().to_owned();',
  '    while status == "in_progress" {',
  "        tokio::time::sleep(std::time::Duration::from_secs(1)).await;",
  '        let url = format!("{batches}/{}", batch["id"].as_str().unwrap_or_default());',
  "        let now: serde_json::Value = client.get(&url).bearer_auth(key).send().await?.error_for_status()?.json().await?;",
  '        status = now["status"].as_str().unwrap_or_default().to_owned();',
  "    }",
  "    Ok(id)",
  "}",
];

function rust(body: JsonObject, baseUrl: string, need: Needed): string {
  const base = trimBase(baseUrl);
  const refs = new Map<string, string>();
  const setup = rustSetup(base, need, refs);
  const helpers = setup.length > 0;
  return [
    helpers
      ? '// Cargo.toml: reqwest = { version = "0.12", features = ["json", "multipart"] },'
      : '// Cargo.toml: reqwest = { version = "0.12", features = ["json"] },',
    '// serde_json = "1", tokio = { version = "1", features = ["full"] }',
    "use serde_json::json;",
    "",
    "#[tokio::main]",
    "async fn main() -> Result<(), Box<dyn std::error::Error>> {",
    `    let key = std::env::var(${JSON.stringify(KEY_VARIABLE)})?;`,
    ...(helpers ? ["    let client = reqwest::Client::new();", ...setup] : []),
    `    let body = json!(${substitute(indentJson(body, "    "), refs)});`,
    helpers
      ? "    let response: serde_json::Value = client"
      : "    let response: serde_json::Value = reqwest::Client::new()",
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
    ...(helpers ? RUST_HELPERS(base) : []),
  ].join("\n");
}

/**
 * `body` as runnable code in `language`, aimed at `baseUrl`. Files and
 * stores the form made (`provenance`) that the body uses are uploaded and
 * made first, and their new ids put where the body has the old ones.
 */
export function exportCode(
  language: CodeLanguage,
  body: JsonObject,
  baseUrl: string,
  provenance: Provenance = { uploads: [], stores: [] },
): string {
  const need = needed(body, provenance);
  switch (language) {
    case "curl":
      return curl(body, baseUrl, need);
    case "python":
      return python(body, baseUrl, need);
    case "javascript":
      return javascript(body, baseUrl, need);
    case "rust":
      return rust(body, baseUrl, need);
  }
}
