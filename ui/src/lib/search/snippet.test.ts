import { describe, expect, it } from "vitest";
import { plainSnippet, splitSnippet } from "./snippet";

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

describe("plainSnippet", () => {
  it("shows a message's words, not its markdown", () => {
    expect(plainSnippet("## Setup\n**Install** the `cli` with [the guide](https://x.y/z).")).toBe(
      "Setup\nInstall the cli with the guide.",
    );
    expect(plainSnippet("> quoted _emphasis_ and *more*\n- item\n1. first")).toBe(
      "quoted emphasis and more\nitem\nfirst",
    );
    expect(plainSnippet("![a chart](c.png) ~~old~~ <b>as typed</b>")).toBe(
      "a chart old <b>as typed</b>",
    );
  });

  it("keeps the match marks and words with underscores", () => {
    expect(plainSnippet("the \u0002**launch**\u0003 of snake_case")).toBe(
      "the \u0002launch\u0003 of snake_case",
    );
    expect(splitSnippet(plainSnippet("**\u0002May\u0003**"))).toEqual([
      { text: "May", match: true },
    ]);
  });
});
