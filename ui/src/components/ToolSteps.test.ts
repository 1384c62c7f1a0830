import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { mockBackend } from "../test/backend";
import type { ToolStep } from "../lib/ipc";
import { ActiveRun, chat } from "../lib/state/chat.svelte";
import ToolSteps from "./ToolSteps.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
  chat.run = null;
});

function step(over: Partial<ToolStep>): ToolStep {
  return {
    callId: "call_1",
    round: 0,
    serverId: "s1",
    serverName: "files",
    tool: "read_text_file",
    arguments: '{"path":"/tmp/notes.txt"}',
    status: "awaiting_approval",
    destructive: false,
    result: null,
    error: null,
    output: null,
    ms: null,
    ...over,
  };
}

describe("ToolSteps", () => {
  it("asks with the server, the tool and the exact arguments, and sends the answer for that call", async () => {
    const backend = mockBackend({ mcp_answer_approval: () => true });
    const run = new ActiveRun("c1", () => {});
    run.runId = "run_1";
    chat.run = run;
    render(ToolSteps, { steps: [step({})], live: true });
    const card = screen.getByTestId("approval-card");
    expect(card.textContent).toContain("files");
    expect(card.textContent).toContain("read_text_file");
    expect(screen.getByTestId("approval-arguments").textContent).toBe(
      JSON.stringify({ path: "/tmp/notes.txt" }, null, 2),
    );
    await fireEvent.click(screen.getByTestId("approve-always"));
    await waitFor(() =>
      expect(backend.calls.find((c) => c.cmd === "mcp_answer_approval")?.args).toEqual({
        runId: "run_1",
        callId: "call_1",
        answer: "always_allow",
      }),
    );
  });

  it("offers no 'always allow' for a destructive tool", () => {
    render(ToolSteps, { steps: [step({ destructive: true })], live: true });
    expect(screen.queryByTestId("approve-always")).toBeNull();
    expect(screen.getByTestId("approve-once")).toBeTruthy();
  });

  it("shows a result's image only from its bytes and a resource link only as text", () => {
    const done = step({
      status: "done",
      ms: 12,
      result: {
        parts: [
          { type: "text", text: "<img src=https://evil.example/x.png>" },
          { type: "image", mimeType: "image/png", data: "iVBORw0KGgo=" },
          { type: "image", mimeType: "image/svg+xml", data: "PHN2Zz4=" },
          {
            type: "resourceLink",
            uri: "https://evil.example/doc",
            name: "doc",
            description: null,
            mimeType: null,
          },
        ],
        structured: { temperature: 21.5 },
        isError: false,
        truncated: false,
      },
    });
    const { container } = render(ToolSteps, { steps: [done], live: false });
    const images = [...container.querySelectorAll("img")];
    expect(images.map((i) => i.getAttribute("src"))).toEqual([
      "data:image/png;base64,iVBORw0KGgo=",
    ]);
    // The server's text is text: no element made of it, no link to follow.
    expect(screen.getByTestId("mcp-result-text").textContent).toBe(
      "<img src=https://evil.example/x.png>",
    );
    expect(container.querySelector("a")).toBeNull();
    expect(screen.getByTestId("mcp-result-structured").textContent).toContain(
      '"temperature": 21.5',
    );
    expect(screen.getByTestId("tool-step-status").textContent).toContain("12 ms");
  });

  it("shows a failed step's error open", () => {
    render(ToolSteps, {
      steps: [step({ status: "failed", error: "the server did not answer within 3 s" })],
      live: false,
    });
    expect(screen.getByTestId("tool-step-error").textContent).toContain("did not answer");
    expect(screen.getByTestId("tool-step").getAttribute("data-status")).toBe("failed");
  });
});
