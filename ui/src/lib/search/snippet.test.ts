import { describe, expect, it } from "vitest";
import { splitSnippet } from "./snippet";

describe("splitSnippet", () => {
  it("marks the text between U+0002 and U+0003", () => {
    // Each marked run becomes its own part so the UI can wrap it in <mark>.
    expect(splitSnippet("a \u0002rust\u0003 b \u0002tauri\u0003")).toEqual([
      { text: "a ", match: false },
      { text: "rust", match: true },
      { text: " b ", match: false },
      { text: "tauri", match: true },
    ]);
  });

  it("keeps HTML in a snippet as plain text", () => {
    // The snippet is message text; an angle bracket must stay a character.
    expect(splitSnippet("<img src=x>\u0002hit\u0003")).toEqual([
      { text: "<img src=x>", match: false },
      { text: "hit", match: true },
    ]);
  });

  it("handles an unterminated marker without losing text", () => {
    // A snippet cut mid-match still shows every character.
    expect(splitSnippet("x \u0002tail")).toEqual([
      { text: "x ", match: false },
      { text: "tail", match: true },
    ]);
  });
});
