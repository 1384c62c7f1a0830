import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { mockBackend } from "../test/backend";
import { chat } from "../lib/state/chat.svelte";
import { toasts } from "../lib/state/toasts.svelte";
import Composer from "./Composer.svelte";

beforeEach(() => {
  chat.current = null;
  chat.run = null;
  toasts.splice(0);
});
afterEach(() => {
  cleanup();
  clearMocks();
});

const started = () => ({
  runId: "r1",
  conversationId: "c1",
  userMessageId: "u1",
  assistantMessageId: "a1",
});

describe("Composer", () => {
  it("sends on Enter and keeps Shift+Enter as a newline", async () => {
    const backend = mockBackend({ send_message: started, list_conversations: () => [] });
    render(Composer);
    const input = screen.getByTestId("composer-input") as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: "line one" } });

    const shiftEnter = await fireEvent.keyDown(input, { key: "Enter", shiftKey: true });
    // Shift+Enter must reach the textarea (not prevented) and must not send.
    expect(shiftEnter).toBe(true);
    expect(backend.calls.filter((c) => c.cmd === "send_message")).toHaveLength(0);

    const enter = await fireEvent.keyDown(input, { key: "Enter" });
    expect(enter).toBe(false);
    await waitFor(() =>
      expect(backend.calls.find((c) => c.cmd === "send_message")?.args.input).toMatchObject({
        text: "line one",
        conversationId: null,
        parentId: null,
      }),
    );
    // A sent message leaves the box empty for the next one.
    expect(input.value).toBe("");
  });

  it("gives the text back when the send fails", async () => {
    mockBackend({
      send_message: () => {
        throw { code: "network", message: "offline" };
      },
    });
    render(Composer);
    const input = screen.getByTestId("composer-input") as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: "do not lose me" } });
    await fireEvent.click(screen.getByTestId("send-button"));
    // Losing a long prompt to a network error is the worst outcome of a failed send.
    await waitFor(() => expect(input.value).toBe("do not lose me"));
    expect(toasts.some((t) => t.kind === "error" && t.text.includes("offline"))).toBe(true);
  });

  it("turns Send into Stop while an answer streams", async () => {
    const backend = mockBackend({
      send_message: started,
      stop_run: () => null,
      list_conversations: () => [],
    });
    render(Composer);
    const input = screen.getByTestId("composer-input") as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: "hi" } });
    await fireEvent.keyDown(input, { key: "Enter" });
    const stop = await screen.findByTestId("stop-button");
    // The run id from the send answer is what the backend needs to cancel.
    await fireEvent.keyDown(input, { key: "Escape" });
    await waitFor(() =>
      expect(backend.calls.find((c) => c.cmd === "stop_run")?.args).toEqual({ runId: "r1" }),
    );
    expect(stop).toBeTruthy();
  });

  it("offers the enabled MCP servers in its tools menu and sends the chosen ones", async () => {
    const server = (id: string, name: string, enabled: boolean) => ({
      config: {
        id,
        name,
        enabled,
        transport: { kind: "stdio" as const, command: "srv", args: [], env: [], cwd: null },
      },
      status: { id, name, enabled, pid: null, state: "stopped" as const },
      storedSecrets: [],
    });
    const backend = mockBackend({
      mcp_list_servers: () => ({
        servers: [server("s1", "files", true), server("s2", "off", false)],
        damaged: false,
      }),
      mcp_watch_servers: () => null,
      send_message: started,
      list_conversations: () => [],
    });
    chat.mcpServers = [];
    render(Composer);
    await fireEvent.click(screen.getByTestId("tools-menu-button"));
    const choices = await screen.findAllByTestId("composer-mcp-server");
    // A server that is off is not offered.
    expect(choices.map((c) => c.getAttribute("data-name"))).toEqual(["files"]);
    await fireEvent.click(choices[0]!);
    expect(screen.getByTestId("tools-menu-button").textContent).toContain("1");
    const input = screen.getByTestId("composer-input") as HTMLTextAreaElement;
    await fireEvent.input(input, { target: { value: "read my notes" } });
    await fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() =>
      expect(backend.calls.find((c) => c.cmd === "send_message")?.args.input).toMatchObject({
        mcpServers: ["s1"],
      }),
    );
    chat.mcpServers = [];
  });

  it("refuses files that are neither images nor PDFs", async () => {
    mockBackend({});
    const { container } = render(Composer);
    const fileInput = container.querySelector('input[type="file"]') as HTMLInputElement;
    const file = new File(["x"], "notes.docx", { type: "application/msword" });
    await fireEvent.change(fileInput, { target: { files: [file] } });
    // The user must learn why nothing was attached.
    await waitFor(() => expect(toasts.some((t) => t.text.includes("notes.docx"))).toBe(true));
    expect(container.querySelectorAll(".chip")).toHaveLength(0);
  });
});
