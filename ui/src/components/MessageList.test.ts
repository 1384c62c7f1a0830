import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { deliver, message, mockBackend } from "../test/backend";
import type { ConversationView, MessageView } from "../lib/ipc";
import { chat, sendMessage } from "../lib/state/chat.svelte";
import MessageList from "./MessageList.svelte";

const usage = { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 };

function conversation(messages: MessageView[], currentLeafId: string): ConversationView {
  return {
    id: "c1",
    title: "T",
    pinned: false,
    messages,
    currentLeafId,
    usage,
    mcpServers: [],
    assistant: null,
    instructions: "",
    assistantChanges: [],
    composerChanges: {
      model: null,
      webSearch: null,
      codeInterpreter: null,
      imageGeneration: null,
      reasoningEffort: null,
    },
    costUsd: 0,
    unpricedAnswers: 0,
  };
}

beforeEach(() => {
  chat.current = null;
  chat.run = null;
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("MessageList", () => {
  it("shows a switch of assistant after the message it came after", () => {
    const messages = [
      message("u1", null, "user", "hello", ["a1"]),
      message("a1", "u1", "assistant", "hi", ["u2"]),
      message("u2", "a1", "user", "and now?", []),
    ];
    const view = conversation(messages, "u2");
    view.assistantChanges = [
      { afterMessageId: "a1", assistant: { id: "t", name: "Tutor", emoji: "🦉" }, at: 1 },
      { afterMessageId: "elsewhere", assistant: null, at: 2 },
    ];
    render(MessageList, { conversation: view });
    const markers = screen.getAllByTestId("assistant-marker");
    expect(markers.map((m) => m.textContent?.trim())).toEqual(["Now talking to 🦉 Tutor"]);
    // Between the answer it follows and the next question.
    const answer = screen.getAllByTestId("message-assistant")[0]!;
    const question = screen.getAllByTestId("message-user")[1]!;
    expect(
      answer.compareDocumentPosition(markers[0]!) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(
      markers[0]!.compareDocumentPosition(question) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
  });

  it("renders only a window of a 10,000-message conversation", () => {
    const messages: MessageView[] = [];
    for (let i = 0; i < 10_000; i++) {
      const id = `m${i}`;
      messages.push(
        message(id, i === 0 ? null : `m${i - 1}`, i % 2 ? "assistant" : "user", `message ${i}`, [
          `m${i + 1}`,
        ]),
      );
    }
    messages[9_999]!.children = [];
    render(MessageList, { conversation: conversation(messages, "m9999") });
    const rendered =
      screen.queryAllByTestId("message-user").length +
      screen.queryAllByTestId("message-assistant").length;
    // A few screens' worth at most; rendering all 10,000 would freeze the window.
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(40);
  });

  it("switching branches selects the sibling's deepest first-child leaf", async () => {
    // u1 has two answers; the second one continues u2 → a2 (first child) and a2b.
    const messages = [
      message("u1", null, "user", "q", ["a1", "a1b"]),
      message("a1", "u1", "assistant", "first answer"),
      message("a1b", "u1", "assistant", "second answer", ["u2"]),
      message("u2", "a1b", "user", "follow-up", ["a2", "a2b"]),
      message("a2", "u2", "assistant", "deep"),
      message("a2b", "u2", "assistant", "deep b"),
    ];
    const backend = mockBackend({ set_current_leaf: () => null });
    chat.current = conversation(messages, "a1");
    render(MessageList, { conversation: chat.current });
    // The answer under u1 shows 1/2 and offers the next version.
    expect(screen.getByTestId("branch-position").textContent).toBe("1/2");
    await fireEvent.click(screen.getByTestId("branch-next"));
    await waitFor(() =>
      expect(backend.calls.find((c) => c.cmd === "set_current_leaf")?.args).toEqual({
        conversationId: "c1",
        leafId: "a2",
      }),
    );
    expect(chat.current.currentLeafId).toBe("a2");
  });

  it("streams into the assistant message and shows the retry notice and error banner", async () => {
    const backend = mockBackend({
      send_message: () => ({
        runId: "r1",
        conversationId: "c1",
        userMessageId: "u9",
        assistantMessageId: "a9",
      }),
      list_conversations: () => [],
      get_conversation: () => chat.current,
    });
    chat.current = conversation([message("u1", null, "user", "q", [])], "u1");
    render(MessageList, { conversation: chat.current });
    expect(await sendMessage("hello", [])).toBe(true);
    // The new user message hangs under the previous leaf.
    expect(backend.calls.find((c) => c.cmd === "send_message")?.args.input).toMatchObject({
      parentId: "u1",
      conversationId: "c1",
    });
    deliver(backend.channelId!, [{ kind: "retrying", attempt: 2, maxAttempts: 3, delayMs: 500 }]);
    expect((await screen.findByTestId("retrying-notice")).textContent).toContain("2/3");
    deliver(
      backend.channelId!,
      [
        { kind: "textDelta", text: "partial **answer" },
        {
          kind: "finished",
          status: "error",
          error: { code: "http_status", message: "Too many requests", status: 429, apiCode: null },
          responseId: null,
        },
      ],
      1,
    );
    const banner = await screen.findByTestId("error-banner");
    // The banner names the API message and the HTTP status, and offers Retry.
    expect(banner.textContent).toContain("Too many requests");
    expect(banner.textContent).toContain("429");
    expect(screen.getByTestId("retry-button")).toBeTruthy();
  });

  it("explains a stalled connection under the kept partial answer", () => {
    const stalled: MessageView = {
      ...message("a1", "u1", "assistant", "the partial answer"),
      status: "error",
      error: {
        code: "stalled",
        message: "connection stalled: no data from the server for 300 s (after 12 events)",
        status: null,
        apiCode: null,
      },
    };
    chat.current = conversation([message("u1", null, "user", "q", ["a1"]), stalled], "a1");
    render(MessageList, { conversation: chat.current });
    // The backend's message is technical English; the hint is the user's language.
    expect(screen.getByTestId("error-hint").textContent).toContain("stalled");
    expect(screen.getByTestId("message-assistant").textContent).toContain("the partial answer");
  });

  it("says when part of a stored answer could not be read, and still shows its text", () => {
    const damaged: MessageView = {
      ...message("a1", "u1", "assistant", "the kept answer"),
      damaged: true,
    };
    chat.current = conversation([message("u1", null, "user", "q", ["a1"]), damaged], "a1");
    render(MessageList, { conversation: chat.current });
    expect(screen.getByTestId("damaged-notice").textContent).toContain("could not be read");
    expect(screen.getByTestId("message-assistant").textContent).toContain("the kept answer");
  });

  it("shows no such note for an answer read whole", () => {
    chat.current = conversation(
      [message("u1", null, "user", "q", ["a1"]), message("a1", "u1", "assistant", "fine")],
      "a1",
    );
    render(MessageList, { conversation: chat.current });
    expect(screen.queryByTestId("damaged-notice")).toBeNull();
  });

  it("reads a reasoning summary as markdown, and the usage as one figure", () => {
    const answer = {
      ...message("a1", "u1", "assistant", "The answer."),
      reasoning: "**Weighing the options**\n\nFirst one, then the other.",
      usage: { inputTokens: 11, cachedTokens: 0, outputTokens: 58, reasoningTokens: 20 },
    };
    chat.current = conversation([message("u1", null, "user", "q", ["a1"]), answer], "a1");
    render(MessageList, { conversation: chat.current });
    const thinking = screen.getByTestId("message-assistant").querySelector(".thinking-body");
    expect(thinking?.querySelector("strong")?.textContent).toBe("Weighing the options");
    expect(thinking?.textContent).not.toContain("**");
    const usageLine = screen.getByText("69 tokens");
    expect(usageLine.getAttribute("title")).toContain("58");
  });

  it("a refused key points to Settings, and an error-only answer offers nothing to copy", async () => {
    const { dialogs } = await import("../lib/state/dialogs.svelte");
    dialogs.settings = false;
    const answer = {
      ...message("a1", "u1", "assistant", ""),
      status: "error" as const,
      error: {
        code: "http_status" as const,
        message: "Incorrect API key provided",
        status: 401,
        apiCode: "invalid_api_key",
      },
    };
    chat.current = conversation([message("u1", null, "user", "q", ["a1"]), answer], "a1");
    render(MessageList, { conversation: chat.current });
    expect(screen.getByTestId("error-hint").textContent).toContain("refused the API key");
    expect(screen.getByTestId("retry-button")).toBeTruthy();
    const assistant = screen.getByTestId("message-assistant");
    expect(assistant.querySelector('[data-testid="copy-message"]')).toBeNull();
    expect(assistant.querySelector('[data-testid="regenerate"]')).toBeNull();
    await fireEvent.click(screen.getByTestId("fix-key"));
    expect(dialogs.settings).toBe(true);
  });
});
