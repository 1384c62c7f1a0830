import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { ipc, toIpcError } from "./ipc";
import type { RunUpdate } from "./ipc";

afterEach(() => clearMocks());

describe("ipc", () => {
  it("passes the backend's {code, message} error through unchanged", async () => {
    mockIPC(() => {
      throw { code: "not_found", message: "gone" };
    });
    // The UI switches on `code`, so it must survive the invoke boundary intact.
    await expect(ipc.appInfo()).rejects.toEqual({ code: "not_found", message: "gone" });
  });

  it("wraps anything else as an internal error instead of crashing", () => {
    // A string thrown by a plugin must still render as an error banner.
    expect(toIpcError("boom")).toEqual({ code: "internal", message: "boom" });
  });

  it("delivers Channel updates to the callback in order", async () => {
    const updates: RunUpdate[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "stream_demo") throw new Error(`unexpected ${cmd}`);
      const channel = (args as { onUpdate: { id: number } }).onUpdate;
      const send = (index: number, message: RunUpdate) =>
        (
          window as unknown as {
            __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void };
          }
        ).__TAURI_INTERNALS__.runCallback(channel.id, { index, message });
      send(0, { kind: "started", runId: "demo" });
      send(1, { kind: "textDelta", text: "hi" });
      send(2, { kind: "done" });
      return null;
    });
    await ipc.streamDemo("hi", (u) => updates.push(u));
    // Channel messages can arrive after the promise; wait for the last one.
    await new Promise((r) => setTimeout(r, 0));
    expect(updates.map((u) => u.kind)).toEqual(["started", "textDelta", "done"]);
  });
});
