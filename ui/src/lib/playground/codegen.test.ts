import { describe, expect, it } from "vitest";
import { CODE_LANGUAGES, exportCode, pythonLiteral } from "./codegen";

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
