import { describe, expect, it } from "vitest";
import { firstChoice } from "./chat.svelte";

describe("the first model choice", () => {
  it("keeps the built-in default where the provider serves it, and any model the user chose", () => {
    expect(firstChoice(["gpt-5-mini", "gpt-5"], "gpt-5-mini")).toBe("gpt-5-mini");
    expect(firstChoice(["claude-x"], "my-own-pick")).toBe("my-own-pick");
    expect(firstChoice([], "gpt-5-mini")).toBe("gpt-5-mini");
  });
  it("moves off a default the provider does not list, to a chat model it does", () => {
    expect(firstChoice(["text-embedding-3-small", "gpt-4o-mini", "gpt-5"], "gpt-5-mini")).toBe(
      "gpt-5",
    );
    expect(
      firstChoice(["text-embedding-3-small", "whisper-1", "llama-3.1-70b"], "gpt-5-mini"),
    ).toBe("llama-3.1-70b");
  });
});
