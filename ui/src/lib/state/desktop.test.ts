import { describe, expect, it } from "vitest";
import { isQuickAskWindow } from "./desktop.svelte";

describe("the quick-ask window", () => {
  it("is the page loaded with view=quick, and no other", () => {
    expect(isQuickAskWindow("?view=quick")).toBe(true);
    expect(isQuickAskWindow("?demo&view=quick")).toBe(true);
    expect(isQuickAskWindow("")).toBe(false);
    expect(isQuickAskWindow("?view=quicker")).toBe(false);
    expect(isQuickAskWindow("?preview=quick")).toBe(false);
  });
});
