// The app's state and the one way to do each thing with it: every screen
// reads from `chat` and calls these functions; only this module talks to ipc.
import { t } from "../i18n/index.svelte";
import {
  ipc,
  mcpIpc,
  toIpcError,
  type ApprovalAnswer,
  type AttachmentInput,
  type ConversationSummary,
  type ExportFormat,
  type SearchResults,
  type ConversationView,
  type KeyringStatus,
  type MessageView,
  type ProviderView,
  type RunStarted,
  type RunUpdate,
} from "../ipc";
import { StreamingMessage } from "../stream/stream.svelte";
import { deepestLeaf, indexMessages } from "./tree";
import { DEFAULT_MODEL, preferences, savePreferences } from "./preferences.svelte";
import { loadCapabilities } from "./capabilities.svelte";
import { showToast } from "./toasts.svelte";
import { forgetKnowledgeOf } from "./knowledge.svelte";
import {
  adoptComposerChanges,
  assistants,
  carryNewChat,
  changesOf,
  composerChoice,
  loadAssistants,
} from "./assistants.svelte";

/** The run in flight. A class, so its fields stay reactive without a state proxy. */
export class ActiveRun {
  runId = $state<string | null>(null);
  conversationId = $state<string | null>(null);
  assistantMessageId = $state<string | null>(null);
  readonly stream: StreamingMessage;

  constructor(conversationId: string | null, onFinished: (run: ActiveRun) => void) {
    this.conversationId = conversationId;
    this.stream = new StreamingMessage(() => onFinished(this));
  }
}

class ChatState {
  providers = $state<ProviderView[]>([]);
  keyring = $state<KeyringStatus | null>(null);
  /** False until the first provider list arrived (or failed), so setup doesn't flash. */
  loaded = $state(false);
  conversations = $state<ConversationSummary[]>([]);
  current = $state<ConversationView | null>(null);
  models = $state<string[]>([]);
  run = $state<ActiveRun | null>(null);
  /**
   * The MCP servers whose tools the model may call in this conversation
   * (kept on it by the backend; a new chat starts with the last choice).
   */
  mcpServers = $state<string[]>([]);

  get needsSetup(): boolean {
    return this.loaded && !this.providers.some((p) => p.hasKey);
  }

  get streaming(): boolean {
    return this.run !== null && this.run.stream.state.status === "streaming";
  }
}

export const chat = new ChatState();

function reportError(error: unknown): void {
  const e = toIpcError(error);
  showToast(t("error.generic", { message: e.message }), "error");
}

/** Sidebar order: pinned first, then most recently updated. */
export function sortConversations(list: readonly ConversationSummary[]): ConversationSummary[] {
  return [...list].sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.updatedAt - a.updatedAt);
}

export async function loadApp(): Promise<void> {
  const [keyring, providers, conversations] = await Promise.allSettled([
    ipc.keyringStatus(),
    ipc.listProviders(),
    ipc.listConversations(),
  ]);
  if (keyring.status === "fulfilled") chat.keyring = keyring.value;
  if (providers.status === "fulfilled") chat.providers = providers.value;
  if (conversations.status === "fulfilled") {
    chat.conversations = sortConversations(conversations.value);
  }
  chat.loaded = true;
  const failed = [keyring, providers, conversations].find((r) => r.status === "rejected");
  // Without the backend the layout still renders; one toast explains why it is empty.
  if (failed && failed.status === "rejected") reportError(failed.reason);
  if (!chat.needsSetup) void loadModels(false);
  void loadAssistants();
  void refreshCapabilities();
}

/** Models to try first when the built-in default is not served, best first. */
const PREFERRED = ["gpt-5-mini", "gpt-5", "gpt-4.1-mini", "gpt-4o-mini", "gpt-4.1", "gpt-4o"];
/** Listed models that are not for chat (embeddings, speech, images, moderation). */
const NOT_CHAT = /embed|whisper|tts|dall-e|image|moderation|audio|transcribe|realtime|search-api/i;

/**
 * The model a new user should start with: `current` unless it is the
 * built-in default and the provider lists models without it.
 */
export function firstChoice(listed: readonly string[], current: string): string {
  if (current !== DEFAULT_MODEL || listed.length === 0 || listed.includes(current)) return current;
  return (
    PREFERRED.find((m) => listed.includes(m)) ?? listed.find((m) => !NOT_CHAT.test(m)) ?? current
  );
}

/** Rereads what the active provider is known to do (a turn may have taught something). */
function refreshCapabilities(): Promise<void> {
  const active = chat.providers.find((p) => p.active)?.id ?? null;
  // A failure leaves the controls as they were: nothing is greyed by accident.
  return loadCapabilities(active).catch(() => {});
}

export async function loadModels(refresh: boolean): Promise<void> {
  try {
    chat.models = await ipc.listModels(refresh);
  } catch {
    // The model field accepts free text; an empty list is not worth a toast.
    chat.models = [];
  }
  // The built-in default, never chosen, that this provider does not serve:
  // a model it lists is the better first choice than a certain refusal.
  const pick = firstChoice(chat.models, preferences.model);
  if (pick !== preferences.model) {
    preferences.model = pick;
    savePreferences();
  }
}

export async function refreshConversations(): Promise<void> {
  try {
    chat.conversations = sortConversations(await ipc.listConversations());
  } catch (error) {
    reportError(error);
  }
}

// Bumped by every change of the open conversation: a conversation that
// arrives after the user went elsewhere (New chat, another conversation) is
// not shown. A 1 MB answer takes a while to load, and the reload at the end
// of a run raced a click on New chat.
let opening = 0;

export function newChat(): void {
  opening++;
  chat.current = null;
}

export async function openConversation(id: string): Promise<void> {
  const ticket = ++opening;
  try {
    const view = await ipc.getConversation(id);
    if (ticket === opening) {
      chat.current = view;
      chat.mcpServers = view.mcpServers;
      adoptComposerChanges(view);
      void followPickedUp(view);
    }
  } catch (error) {
    reportError(error);
  }
}

const PICK_UP_CHECKS = 20;
const PICK_UP_PAUSE_MS = 300;

/**
 * A background answer the backend picked up after a restart streams on in
 * its message: the window follows it like a run it started (Stop included).
 */
async function followPickedUp(view: ConversationView): Promise<void> {
  if (chat.run) return;
  const answer = view.messages.find((m) => m.role === "assistant" && m.status === "streaming");
  if (!answer) return;
  const run = new ActiveRun(view.id, (r) => void finishRun(r));
  run.runId = answer.id;
  run.assistantMessageId = answer.id;
  chat.run = run;
  try {
    // Just after start-up the backend may not have picked it up yet: asked
    // again a few times while the stored message still says streaming.
    for (let attempt = 0; attempt < PICK_UP_CHECKS; attempt++) {
      if (await ipc.watchTurn(answer.id, (u) => run.stream.push(u))) return;
      await new Promise((resolve) => setTimeout(resolve, PICK_UP_PAUSE_MS));
      if (chat.run !== run) return;
      const stored = await ipc.getConversation(view.id);
      const still = stored.messages.find((m) => m.id === answer.id)?.status === "streaming";
      if (!still) break;
    }
    // It ended meanwhile (or nothing runs it): the stored message is the answer.
    if (chat.run === run) chat.run = null;
    if (chat.current?.id === view.id) chat.current = await ipc.getConversation(view.id);
  } catch (error) {
    if (chat.run === run) chat.run = null;
    reportError(error);
  }
}

function emptyConversation(id: string, title: string): ConversationView {
  return {
    id,
    title,
    pinned: false,
    messages: [],
    currentLeafId: null,
    mcpServers: chat.mcpServers,
    assistant: assistants.forNewChat,
    instructions: assistants.newChatInstructions,
    assistantChanges: [],
    composerChanges: changesOf(assistants.changed[""] ?? {}),
    costUsd: 0,
    unpricedAnswers: 0,
    usage: { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 },
  };
}

function placeholder(
  id: string,
  parentId: string | null,
  role: MessageView["role"],
  text: string,
): MessageView {
  return {
    id,
    parentId,
    role,
    status: role === "assistant" ? "streaming" : "complete",
    text,
    reasoning: "",
    citations: [],
    notes: [],
    toolSteps: [],
    fileCitations: [],
    toolOutputs: [],
    files: [],
    attachments: [],
    model: role === "assistant" ? composerChoice().model : null,
    usage: null,
    costUsd: null,
    thoughtMs: null,
    askedFor: [],
    error: null,
    damaged: false,
    createdAt: Date.now(),
    children: [],
  };
}

/** Adds a message under its parent and makes it the visible leaf, before the backend reloads. */
function graft(view: ConversationView, message: MessageView): void {
  if (!view.messages.some((m) => m.id === message.id)) {
    view.messages.push(message);
    const parent = view.messages.find((m) => m.id === message.parentId);
    if (parent && !parent.children.includes(message.id)) parent.children.push(message.id);
  }
  view.currentLeafId = message.id;
}

function startRun(): ActiveRun {
  const run = new ActiveRun(chat.current?.id ?? null, (r) => void finishRun(r));
  chat.run = run;
  return run;
}

async function finishRun(run: ActiveRun): Promise<void> {
  // `finished` can beat the send command's answer; onStarted calls back here then.
  if (run.runId === null) return;
  // The stored messages are the truth once a run ends: reload them, then drop the overlay.
  if (run.conversationId && chat.current?.id === run.conversationId) {
    await openConversation(run.conversationId);
  }
  if (chat.run === run) chat.run = null;
  await Promise.all([refreshConversations(), refreshCapabilities()]);
}

function onStarted(run: ActiveRun, started: RunStarted, userText: string | null): void {
  run.runId = started.runId;
  run.conversationId = started.conversationId;
  run.assistantMessageId = started.assistantMessageId;
  if (!chat.current || chat.current.id !== started.conversationId) {
    opening++;
    // Built with the new chat's assistant before its choices move to the conversation.
    const view = emptyConversation(started.conversationId, userText?.slice(0, 60) ?? "");
    carryNewChat(started.conversationId);
    chat.current = view;
  }
  const view = chat.current;
  let parent: string | null = null;
  if (started.userMessageId !== null) {
    const previousLeaf = pendingParent;
    graft(view, placeholder(started.userMessageId, previousLeaf, "user", userText ?? ""));
    parent = started.userMessageId;
  } else {
    parent = pendingParent;
  }
  graft(view, placeholder(started.assistantMessageId, parent, "assistant", ""));
  if (!chat.conversations.some((c) => c.id === started.conversationId)) void refreshConversations();
  if (run.stream.state.status !== "streaming") void finishRun(run);
}

// Parent of the message being sent: read by onStarted, set just before each call.
let pendingParent: string | null = null;

/**
 * Sends a user message after `parentId` (the current leaf by default; an
 * edited message's parent to branch). Returns false when the send failed, so
 * the composer can give the text back.
 */
export async function sendMessage(
  text: string,
  attachments: AttachmentInput[],
  parentId: string | null = chat.current?.currentLeafId ?? null,
): Promise<boolean> {
  if (chat.streaming) return false;
  const run = startRun();
  pendingParent = parentId;
  const push = (u: RunUpdate) => run.stream.push(u);
  const isNew = chat.current === null;
  try {
    const started = await ipc.send(
      {
        conversationId: chat.current?.id ?? null,
        parentId,
        text,
        attachments,
        ...composerChoice(),
        imageOptions: preferences.imageOptions,
        store: preferences.serverSideStorage,
        mcpServers: chat.mcpServers,
        // What a new conversation starts with; one that exists keeps its own.
        assistantId: isNew ? (assistants.forNewChat?.id ?? null) : null,
        instructions:
          isNew && assistants.newChatInstructions ? assistants.newChatInstructions : null,
      },
      push,
    );
    onStarted(run, started, text);
    return true;
  } catch (error) {
    if (chat.run === run) chat.run = null;
    reportError(error);
    return false;
  }
}

/** A new answer to the same user message (also the error banner's Retry). */
export async function regenerate(assistantMessageId: string): Promise<void> {
  if (chat.streaming) return;
  const run = startRun();
  pendingParent = chat.current?.messages.find((m) => m.id === assistantMessageId)?.parentId ?? null;
  try {
    // The composer's current choices, as a send would use them.
    const started = await ipc.regenerate(
      {
        assistantMessageId,
        ...composerChoice(),
        imageOptions: preferences.imageOptions,
        store: preferences.serverSideStorage,
        mcpServers: chat.mcpServers,
      },
      (u) => run.stream.push(u),
    );
    onStarted(run, started, null);
  } catch (error) {
    if (chat.run === run) chat.run = null;
    reportError(error);
  }
}

/** Turns an MCP server's tools on or off for this conversation (from the next message). */
export function toggleMcpServer(id: string): void {
  chat.mcpServers = chat.mcpServers.includes(id)
    ? chat.mcpServers.filter((s) => s !== id)
    : [...chat.mcpServers, id];
}

/** The user's answer on the approval card of the running turn's tool call. */
export async function answerApproval(callId: string, answer: ApprovalAnswer): Promise<void> {
  const runId = chat.run?.runId;
  if (!runId) return;
  try {
    await mcpIpc.answerApproval(runId, callId, answer);
  } catch (error) {
    reportError(error);
  }
}

export async function stopRun(): Promise<void> {
  const runId = chat.run?.runId;
  if (!runId) return;
  try {
    await ipc.stop(runId);
  } catch (error) {
    reportError(error);
  }
}

/** Shows another branch: the chosen sibling and its first-child descendants. */
export async function switchBranch(siblingId: string): Promise<void> {
  const view = chat.current;
  if (!view) return;
  const leaf = deepestLeaf(indexMessages(view.messages), siblingId);
  try {
    await ipc.setCurrentLeaf(view.id, leaf);
    view.currentLeafId = leaf;
  } catch (error) {
    reportError(error);
  }
}

export async function renameConversation(id: string, title: string): Promise<void> {
  try {
    await ipc.renameConversation(id, title);
    const item = chat.conversations.find((c) => c.id === id);
    if (item) item.title = title;
    if (chat.current?.id === id) chat.current.title = title;
  } catch (error) {
    reportError(error);
  }
}

export async function pinConversation(id: string, pinned: boolean): Promise<void> {
  try {
    await ipc.pinConversation(id, pinned);
    chat.conversations = sortConversations(
      chat.conversations.map((c) => (c.id === id ? { ...c, pinned } : c)),
    );
  } catch (error) {
    reportError(error);
  }
}

export async function deleteConversation(id: string): Promise<void> {
  try {
    await ipc.deleteConversation(id);
  } catch (error) {
    reportError(error);
    return;
  }
  chat.conversations = chat.conversations.filter((c) => c.id !== id);
  if (chat.current?.id === id) newChat();
  // Its uploaded files go too (or are kept, as the user chose): told, never silent.
  void forgetKnowledgeOf(id);
  showToast(t("sidebar.deleted"), "info", {
    label: t("toast.undo"),
    run: () => {
      ipc.undoDeleteConversation(id).then(refreshConversations).catch(reportError);
    },
  });
}

// Providers: the key goes to the backend in ProviderInput and never comes back.
export async function refreshProviders(): Promise<void> {
  try {
    chat.providers = await ipc.listProviders();
  } catch (error) {
    reportError(error);
  }
  await refreshCapabilities();
}

export { reportError };

/** Full-text search over every message; `cut` says the backend searched fewer words. */
export function searchMessages(query: string): Promise<SearchResults> {
  return ipc.search(query);
}

/** Writes the conversation to the Downloads folder; resolves with the path written. */
export function exportConversation(id: string, format: ExportFormat): Promise<string> {
  return ipc.exportConversation(id, format);
}
