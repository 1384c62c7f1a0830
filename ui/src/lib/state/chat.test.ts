import { afterEach, describe, expect, it } from "vitest";
import { clearMocks } from "@tauri-apps/api/mocks";
import { message, mockBackend } from "../../test/backend";
import type { ConversationView } from "../ipc";
import { chat, newChat, openConversation } from "./chat.svelte";

const usage = { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 };
const view = (id: string): ConversationView => ({
  id,
  title: id,
  pinned: false,
  messages: [message(`${id}-m`, null, "user", "hi", [])],
  currentLeafId: `${id}-m`,
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
});

afterEach(() => {
  clearMocks();
  chat.current = null;
});

describe("opening a conversation", () => {
  /** get_conversation answers only when `release(id)` is called, as a large one does. */
  function slowBackend() {
    const waiting = new Map<string, () => void>();
    mockBackend({
      get_conversation: (args) =>
        new Promise((resolve) =>
          waiting.set(String(args.id), () => resolve(view(String(args.id)))),
        ),
    });
    return (id: string) => waiting.get(id)?.();
  }

  it("does not bring back a conversation that loaded after New chat", async () => {
    const release = slowBackend();
    const opened = openConversation("big");
    newChat();
    release("big");
    await opened;
    expect(chat.current).toBeNull();
  });

  it("shows the conversation opened last, whichever answers first", async () => {
    const release = slowBackend();
    const first = openConversation("a");
    const second = openConversation("b");
    release("b");
    await second;
    release("a");
    await first;
    expect(chat.current?.id).toBe("b");
  });
});
