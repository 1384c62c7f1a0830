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
