import { describe, expect, it } from "vitest";
import { CODE_LANGUAGES, exportCode, pythonLiteral } from "./codegen";
import type { JsonObject } from "./request";

const body = {
  model: "gpt-5",
  input: [{ role: "user", content: [{ type: "input_text", text: 'It\'s "quoted"' }] }],
  store: false,
  metadata: { a: "1" },
  temperature: null,
};
const base = "https://api.example.com/v1/";

describe("exportCode", () => {
  it("never contains a key, only the environment variable", () => {
    for (const language of CODE_LANGUAGES) {
      const code = exportCode(language, body, base);
      expect(code, language).toContain("OPENAI_API_KEY");
      expect(code, language).not.toMatch(/sk-[A-Za-z0-9]/);
    }
  });

  it("curl posts the exact JSON to {base}/responses", () => {
    const code = exportCode("curl", body, base);
    expect(code).toContain("curl https://api.example.com/v1/responses");
    // The heredoc body must parse back to the same request.
    const json = code.split("<<'HALLEY_JSON'\n")[1]?.split("\nHALLEY_JSON")[0] ?? "";
    expect(JSON.parse(json)).toEqual(body);
  });

  it("python uses the SDK with the provider's base_url and Python literals", () => {
    const code = exportCode("python", body, base);
    expect(code).toContain('base_url="https://api.example.com/v1"');
    expect(code).toContain("client.responses.create(");
    expect(code).toContain("    store=False,");
    expect(code).toContain("    temperature=None,");
    expect(code).not.toContain("false");
  });

  it("javascript passes the body as an object literal that equals the request", () => {
    const code = exportCode("javascript", body, base);
    expect(code).toContain('baseURL: "https://api.example.com/v1"');
    const literal = code.split("client.responses.create(")[1]?.split(");\nconsole")[0] ?? "";
    expect(JSON.parse(literal)).toEqual(body);
  });

  it("rust posts the json! body with bearer auth", () => {
    const code = exportCode("rust", body, base);
    expect(code).toContain('.post("https://api.example.com/v1/responses")');
    expect(code).toContain(".bearer_auth(key)");
    const literal = code.split("json!(")[1]?.split(");\n    let response")[0] ?? "";
    expect(JSON.parse(literal)).toEqual(body);
  });
});

describe("pythonLiteral", () => {
  it("writes nested values with Python constants", () => {
    expect(pythonLiteral({ a: [true, null, 1.5], b: {} })).toBe(
      '{\n    "a": [\n        True,\n        None,\n        1.5,\n    ],\n    "b": {},\n}',
    );
  });
});

describe("exportCode with the files the request depends on", () => {
  const provenance = {
    uploads: [
      { fileId: "file-a", filename: "notes.txt", purpose: "assistants" as const },
      { fileId: "file-b", filename: "it's.md", purpose: "assistants" as const },
      { fileId: "file-unused", filename: "other.txt", purpose: "assistants" as const },
      { fileId: "file-pdf", filename: "report.pdf", purpose: "user_data" as const },
    ],
    stores: [
      { storeId: "vs_1", name: "notes", fileIds: ["file-a", "file-b"] },
      { storeId: "vs_unused", name: "x", fileIds: ["file-unused"] },
    ],
  };
  const withFiles: JsonObject = {
    model: "gpt-5",
    input: [
      {
        role: "user",
        content: [
          { type: "input_text", text: "What does file-a say? $HOME `x`" },
          { type: "input_file", file_id: "file-pdf" },
        ],
      },
    ],
    tools: [{ type: "file_search", vector_store_ids: ["vs_1"] }],
  };

  it("python uploads each file, makes the store with a polled batch, and uses their new ids", () => {
    const code = exportCode("python", withFiles, base, provenance);
    expect(code).toContain(
      'file_1 = client.files.create(file=open("notes.txt", "rb"), purpose="assistants")',
    );
    expect(code).toContain(
      'file_3 = client.files.create(file=open("report.pdf", "rb"), purpose="user_data")',
    );
    expect(code).toContain('store_1 = client.vector_stores.create(name="notes")');
    expect(code).toContain(
      "client.vector_stores.file_batches.create_and_poll(vector_store_id=store_1.id, file_ids=[file_1.id, file_2.id])",
    );
    expect(code).toContain("store_1.id,");
    expect(code).toContain('"file_id": file_3.id,');
    expect(code).not.toContain("other.txt");
    expect(code).not.toContain('"vs_1"');
    // Text that merely mentions an id is left alone.
    expect(code).toContain("What does file-a say?");
    expect(code.indexOf("files.create")).toBeLessThan(code.indexOf("responses.create"));
  });

  it("javascript reads the files with fs and awaits the batch before the request", () => {
    const code = exportCode("javascript", withFiles, base, provenance);
    expect(code.startsWith('import fs from "node:fs";')).toBe(true);
    expect(code).toContain(
      'const file1 = await client.files.create({ file: fs.createReadStream("notes.txt"), purpose: "assistants" });',
    );
    expect(code).toContain(
      "await client.vectorStores.fileBatches.createAndPoll(store1.id, { file_ids: [file1.id, file2.id] });",
    );
    expect(code).toContain('"vector_store_ids": [\n        store1.id\n      ]');
  });

  it("curl fills the new ids into the JSON and keeps the JSON's own $ and backticks literal", () => {
    const code = exportCode("curl", withFiles, base, provenance);
    expect(code).toContain("-F file=@'it'\\''s.md'");
    expect(code).toContain('"$STORE_1"');
    expect(code).toContain("\\$HOME \\`x\\`");
    expect(code).toContain("<<HALLEY_JSON");
    expect(code).toContain("jq -e '.status != \"in_progress\"'");
  });

  it("rust uploads with multipart and builds the body from the new ids", () => {
    const code = exportCode("rust", withFiles, base, provenance);
    expect(code).toContain('features = ["json", "multipart"]');
    expect(code).toContain('let file_1 = upload(&client, &key, "notes.txt", "assistants").await?;');
    expect(code).toContain(
      'let store_1 = store(&client, &key, "notes", json!([file_1, file_2])).await?;',
    );
    expect(code).toContain("async fn upload(");
  });

  it("without provenance the code is what it always was", () => {
    expect(exportCode("python", withFiles, base)).toContain('"vs_1"');
    expect(exportCode("python", body, base, provenance)).not.toContain("files.create");
  });
});
