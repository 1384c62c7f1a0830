import { describe, expect, it } from "vitest";
import { autoReplyOutputs, cannedFor, maxAutoRounds } from "./canned";
import { defaultForm, newFunction, type PlaygroundForm } from "./state";

function form(): PlaygroundForm {
  const f = defaultForm("echo");
  const weather = { ...newFunction(), name: "get_weather", cannedOutputs: ["", "sunny", "rain"] };
  const time = { ...newFunction(), name: "get_time", cannedOutputs: ["noon"] };
  f.functions = [weather, time];
  f.autoReply = true;
  return f;
}

const calls = [
  { callId: "c1", name: "get_weather", arguments: "{}" },
  { callId: "c2", name: "get_time", arguments: "{}" },
];

describe("canned outputs and auto-reply", () => {
  it("offers a function's non-empty canned outputs", () => {
    // An empty row is a row being typed, not an output.
    expect(cannedFor(form(), "get_weather")).toEqual(["sunny", "rain"]);
    expect(cannedFor(form(), "unknown")).toEqual([]);
  });

  it("answers every call with its function's first canned output", () => {
    expect(autoReplyOutputs(form(), calls, 0)).toEqual([
      { callId: "c1", output: "sunny" },
      { callId: "c2", output: "noon" },
    ]);
  });

  it("stops at the round bound, when off, or when a call has nothing canned", () => {
    const f = form();
    // The default bound is 5 automatic rounds.
    expect(maxAutoRounds(f)).toBe(5);
    expect(autoReplyOutputs(f, calls, 4)).not.toBeNull();
    expect(autoReplyOutputs(f, calls, 5)).toBeNull();
    f.autoReplyMaxRounds = 1;
    expect(autoReplyOutputs(f, calls, 1)).toBeNull();
    f.autoReplyMaxRounds = 0;
    // A bound below one still allows one round (0 would make the toggle useless).
    expect(maxAutoRounds(f)).toBe(1);
    const off = { ...form(), autoReply: false };
    expect(autoReplyOutputs(off, calls, 0)).toBeNull();
    const noCanned = form();
    noCanned.functions[1] = { ...noCanned.functions[1]!, cannedOutputs: [] };
    expect(autoReplyOutputs(noCanned, calls, 0)).toBeNull();
  });
});
