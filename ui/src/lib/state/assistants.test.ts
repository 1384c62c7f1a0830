import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clearMocks } from "@tauri-apps/api/mocks";
import type { Assistant, ConversationView } from "../ipc";
import { mockBackend } from "../../test/backend";
import {
  assistants,
  carryNewChat,
  chatWith,
  composerChoice,
  changedOf,
  changesOf,
  composerValue,
  openInPlayground,
  setComposerValue,
  switchAssistant,
} from "./assistants.svelte";
import { chat, sendMessage } from "./chat.svelte";
import { preferences } from "./preferences.svelte";
import { appMode } from "./mode.svelte";
import { playground } from "../playground/run.svelte";
import { localMcp } from "../playground/local-mcp.svelte";

const tutor: Assistant = {
  id: "a1",
  name: "Tutor",
  emoji: "🦉",
  instructions: "Teach.",
  model: "gpt-5.2",
  reasoningEffort: "xhigh",
  verbosity: "low",
  tools: { webSearch: true, codeInterpreter: false, imageGeneration: false, mcpServers: ["s1"] },
  starterPrompts: ["Quiz me"],
  createdAt: 0,
  updatedAt: 0,
};

const view = (assistant: Assistant | null): ConversationView => ({
  id: "c1",
  title: "T",
  pinned: false,
  messages: [],
  currentLeafId: null,
  usage: { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 },
  mcpServers: [],
  assistant,
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

beforeEach(() => {
  chat.current = null;
  chat.run = null;
  assistants.forNewChat = null;
  assistants.changed = {};
  assistants.newChatInstructions = "";
  Object.assign(preferences, {
    model: "gpt-5-mini",
    webSearch: false,
    reasoningEffort: "minimal",
    codeInterpreter: false,
    imageGeneration: false,
  });
});
afterEach(() => clearMocks());

describe("the composer with an assistant", () => {
  it("without one, the composer is the preferences; with one, its settings", () => {
    expect(composerChoice()).toMatchObject({
      model: "gpt-5-mini",
      reasoningEffort: "minimal",
      verbosity: null,
    });
    chatWith(tutor);
    expect(composerChoice()).toMatchObject({
      model: "gpt-5.2",
      webSearch: true,
      reasoningEffort: "xhigh",
      verbosity: "low",
    });
    expect(chat.mcpServers).toEqual(["s1"]);
  });

  it("a change in the composer wins for this conversation only, and never touches the preferences", () => {
    chatWith(tutor);
    setComposerValue("webSearch", false);
    setComposerValue("model", "gpt-4o");
    expect(composerValue("webSearch")).toBe(false);
    // gpt-4o takes neither the effort nor verbosity: they are not sent.
    expect(composerChoice()).toMatchObject({
      model: "gpt-4o",
      reasoningEffort: null,
      verbosity: null,
    });
    expect(preferences.webSearch).toBe(false);
    expect(preferences.model).toBe("gpt-5-mini");
    // The new chat's changes go with the conversation its first message made.
    carryNewChat("c1");
    chat.current = view(tutor);
    expect(composerValue("model")).toBe("gpt-4o");
    // Another conversation with the same assistant starts from its settings.
    chat.current = { ...view(tutor), id: "c2" };
    expect(composerValue("model")).toBe("gpt-5.2");
  });

  it("a new chat sends its assistant and own instructions; a switch is recorded and resets the changes", async () => {
    const backend = mockBackend({
      send_message: () => ({
        runId: "r1",
        conversationId: "c1",
        userMessageId: "u1",
        assistantMessageId: "m1",
      }),
      conversation_set_assistant: () => null,
      conversation_set_composer: () => null,
      get_conversation: () => view(null),
      list_conversations: () => [],
    });
    chatWith(tutor);
    assistants.newChatInstructions = "Answer in French.";
    expect(await sendMessage("Quiz me", [])).toBe(true);
    const sent = backend.calls.find((c) => c.cmd === "send_message")?.args.input as Record<
      string,
      unknown
    >;
    expect(sent).toMatchObject({
      assistantId: "a1",
      instructions: "Answer in French.",
      model: "gpt-5.2",
      reasoningEffort: "xhigh",
      verbosity: "low",
      webSearch: true,
    });
    expect(assistants.forNewChat).toBeNull();

    chat.run = null;
    chat.current = view(tutor);
    setComposerValue("model", "gpt-4o");
    // Kept on the conversation, so it holds after a restart.
    await vi.waitFor(() =>
      expect(backend.calls.find((c) => c.cmd === "conversation_set_composer")?.args).toEqual({
        conversationId: "c1",
        changes: {
          model: "gpt-4o",
          webSearch: null,
          codeInterpreter: null,
          imageGeneration: null,
          reasoningEffort: null,
        },
      }),
    );
    await switchAssistant(null);
    const switched = backend.calls.find((c) => c.cmd === "conversation_set_assistant");
    expect(switched?.args).toEqual({ conversationId: "c1", assistantId: null });
    expect(assistants.changed.c1).toEqual({});
  });
});

describe("an assistant opened in the Playground", () => {
  it("fills the form and chooses its MCP servers as the Playground's own", async () => {
    const backend = mockBackend({ mcp_offered_tools: () => ({ tools: [], failures: [] }) });
    openInPlayground(tutor);
    expect(appMode.current).toBe("playground");
    expect(playground.form.instructions).toBe("Teach.");
    expect(playground.form.reasoningEffort).toBe("xhigh");
    expect(localMcp.chosen).toEqual(["s1"]);
    await vi.waitFor(() =>
      expect(backend.calls.find((c) => c.cmd === "mcp_offered_tools")?.args).toEqual({
        serverIds: ["s1"],
      }),
    );
    appMode.current = "chat";
  });
});

describe("composer changes as a conversation keeps them", () => {
  it("a change back to the default effort is a change, and comes back as one", () => {
    const kept = changesOf({ reasoningEffort: null, webSearch: false });
    expect(kept.reasoningEffort).toEqual({ effort: null });
    expect(kept.model).toBeNull();
    expect(changedOf(kept)).toEqual({ reasoningEffort: null, webSearch: false });
    expect(changedOf(changesOf({}))).toEqual({});
  });
});
