import { describe, expect, it } from "vitest";
import type { MessageView } from "../ipc";
import { deepestLeaf, indexMessages, pathToLeaf, siblingIds } from "./tree";

function msg(id: string, parentId: string | null, children: string[]): MessageView {
  return {
    id,
    parentId,
    role: parentId === null || id.startsWith("u") ? "user" : "assistant",
    status: "complete",
    text: id,
    reasoning: "",
    citations: [],
    notes: [],
    toolSteps: [],
    fileCitations: [],
    toolOutputs: [],
    files: [],
    attachments: [],
    model: null,
    usage: null,
    costUsd: null,
    thoughtMs: null,
    askedFor: [],
    error: null,
    damaged: false,
    createdAt: 0,
    children,
  };
}

// u1 → a1 → u2 → a2
//    ↘ a1b → u3 → a3
//              ↘ a3b
const messages = [
  msg("u1", null, ["a1", "a1b"]),
  msg("a1", "u1", ["u2"]),
  msg("u2", "a1", ["a2"]),
  msg("a2", "u2", []),
  msg("a1b", "u1", ["u3"]),
  msg("u3", "a1b", ["a3", "a3b"]),
  msg("a3", "u3", []),
  msg("a3b", "u3", []),
];
const index = indexMessages(messages);

describe("conversation tree", () => {
  it("walks from the root to the current leaf", () => {
    // The screen shows exactly this path, oldest first.
    expect(pathToLeaf(index, "a3b").map((m) => m.id)).toEqual(["u1", "a1b", "u3", "a3b"]);
  });

  it("lists siblings as the parent's children", () => {
    // "2/2" on a1b: it is the second answer to u1.
    expect(siblingIds(index, messages, index.get("a1b")!)).toEqual(["a1", "a1b"]);
  });

  it("switching to a sibling shows its deepest leaf following first children", () => {
    // From a1b the path continues u3 → a3 (first child), not a3b.
    expect(deepestLeaf(index, "a1b")).toBe("a3");
    expect(deepestLeaf(index, "a1")).toBe("a2");
    expect(deepestLeaf(index, "a2")).toBe("a2");
  });

  it("stops on a parent loop instead of hanging", () => {
    const loop = indexMessages([msg("x", "y", ["y"]), msg("y", "x", ["x"])]);
    // Corrupt data must degrade, not freeze the window.
    expect(pathToLeaf(loop, "x").length).toBe(2);
    expect(deepestLeaf(loop, "x")).toBe("y");
  });
});
