import { afterEach, describe, expect, it } from "vitest";
import { clearMocks } from "@tauri-apps/api/mocks";
import { deliver, mockBackend } from "../test/backend";
import { ipc, toIpcError } from "./ipc";
import type { RunUpdate, SendInput } from "./ipc";

afterEach(() => clearMocks());

const input: SendInput = {
  conversationId: null,
  parentId: null,
  text: "hi",
  attachments: [],
  model: "gpt-test",
  webSearch: false,
  codeInterpreter: false,
  imageGeneration: false,
  imageOptions: { size: "auto", quality: "auto", background: "auto" },
  reasoningEffort: null,
  store: true,
  mcpServers: [],
  verbosity: null,
  assistantId: null,
  instructions: null,
};

describe("ipc", () => {
  it("passes the backend's {code, message} error through unchanged", async () => {
    mockBackend({
      app_info: () => {
        throw { code: "not_found", message: "gone" };
      },
    });
    // The UI switches on `code`, so it must survive the invoke boundary intact.
    await expect(ipc.appInfo()).rejects.toEqual({ code: "not_found", message: "gone" });
  });

  it("wraps anything else as an internal error instead of crashing", () => {
    // A string thrown by a plugin must still render as an error banner.
    expect(toIpcError("boom")).toEqual({ code: "internal", message: "boom" });
  });

  it("sends the input under the command's argument names and delivers Channel updates in order", async () => {
    const updates: RunUpdate[] = [];
    const backend = mockBackend({
      send_message: () => ({
        runId: "r1",
        conversationId: "c1",
        userMessageId: "u1",
        assistantMessageId: "a1",
      }),
    });
    const started = await ipc.send(input, (u) => updates.push(u));
    expect(started.runId).toBe("r1");
    // The Rust command reads `input` and `onUpdate`; a renamed key would fail there.
    expect(backend.calls[0]?.args.input).toEqual(input);
    deliver(backend.channelId!, [
      { kind: "textDelta", text: "he" },
      { kind: "textDelta", text: "llo" },
      { kind: "finished", status: "complete", error: null, responseId: "resp_1" },
    ]);
    await new Promise((r) => setTimeout(r, 0));
    expect(updates.map((u) => u.kind)).toEqual(["textDelta", "textDelta", "finished"]);
  });
});
