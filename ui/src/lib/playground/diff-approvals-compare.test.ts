// Pure parts of presets, MCP approvals and compare.
import { describe, expect, it } from "vitest";
import { lineDiff, prettyState } from "./diff";
import { approvalResponse, pendingApprovals } from "./approvals";
import { newVariant, variantBody, variantLabel } from "./compare";
import { followUpWith } from "./request";

describe("lineDiff", () => {
  it("marks only the changed lines", () => {
    const before = prettyState('{"model":"a","temperature":1}');
    const after = prettyState('{"model":"b","temperature":1}');
    const changed = lineDiff(before, after).filter((l) => l.kind !== "same");
    // One field changed: one line out, one line in; the rest is common.
    expect(changed).toEqual([
      { kind: "removed", text: '  "model": "a",' },
      { kind: "added", text: '  "model": "b",' },
    ]);
  });

  it("handles lines added at the end and identical texts", () => {
    expect(lineDiff("a\nb", "a\nb\nc")).toEqual([
      { kind: "same", text: "a" },
      { kind: "same", text: "b" },
      { kind: "added", text: "c" },
    ]);
    expect(lineDiff("x", "x").every((l) => l.kind === "same")).toBe(true);
  });
});

describe("MCP approvals", () => {
  const response = {
    id: "resp_1",
    output: [
      {
        type: "mcp_approval_request",
        id: "mcpr_1",
        server_label: "docs",
        name: "search",
        arguments: "{}",
      },
      { type: "message", id: "msg_1" },
    ],
  };

  it("finds approval requests with their server and tool", () => {
    expect(pendingApprovals(response)).toEqual([
      { id: "mcpr_1", serverLabel: "docs", name: "search", arguments: "{}" },
    ]);
    expect(pendingApprovals(null)).toEqual([]);
  });

  it("answers one by chaining on the stored response", () => {
    const next = followUpWith({ model: "m", input: "hi" }, response, [
      approvalResponse("mcpr_1", false),
    ]);
    // Stored (the default): chain by previous_response_id and send only the answer.
    expect(next.previous_response_id).toBe("resp_1");
    expect(next.input).toEqual([
      { type: "mcp_approval_response", approval_request_id: "mcpr_1", approve: false },
    ]);
  });
});

describe("compare variants", () => {
  it("override only what they set and never run in the background", () => {
    const base = { model: "a", temperature: 0.2, background: true, stream: true, input: "x" };
    const plain = variantBody(base, newVariant());
    expect(plain).toEqual({ model: "a", temperature: 0.2, input: "x" });
    const changed = variantBody(base, {
      ...newVariant("b"),
      temperature: 1,
      reasoningEffort: "low",
    });
    expect(changed).toMatchObject({ model: "b", temperature: 1, reasoning: { effort: "low" } });
    expect(variantLabel({ ...newVariant(), temperature: 1 }, "a")).toBe("a · T=1");
  });
});
