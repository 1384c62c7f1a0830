import { describe, expect, it } from "vitest";
import { answerText, cardsFromResponse } from "./output";
import { newMessage, withAnswer } from "./state";

describe("adding the answer to the input", () => {
  const response = {
    output: [
      { type: "reasoning", summary: [{ type: "summary_text", text: "**Plan**" }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Paris." }] },
      { type: "function_call", name: "f", call_id: "c1", arguments: "{}" },
      {
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "Also Lyon." }],
      },
    ],
  };

  it("takes the message items' text only, in order", () => {
    expect(answerText(cardsFromResponse(response))).toBe("Paris.\n\nAlso Lyon.");
    expect(answerText(cardsFromResponse({ output: [] }))).toBe("");
  });

  it("appends the answer as the assistant's and a new user message after it", () => {
    const before = [newMessage("user", "Capital of France?")];
    const after = withAnswer(before, "Paris.");
    expect(after.map((m) => [m.role, m.parts])).toEqual([
      ["user", ["Capital of France?"]],
      ["assistant", ["Paris."]],
      ["user", [""]],
    ]);
    expect(new Set(after.map((m) => m.id)).size).toBe(3);
    expect(before).toHaveLength(1);
  });

  it("adds nothing for an answer without text", () => {
    const before = [newMessage("user", "call f")];
    expect(withAnswer(before, "  ")).toBe(before);
  });
});
