// Assistants in the chat, and the one way the composer's choices are read.
//
// Precedence (docs/architecture.md, "Assistants"):
// - `instructions` are the backend's: the conversation's assistant's (its
//   kept copy), then the conversation's own. The UI never sends them on
//   a turn, only when they change.
// - model, reasoning effort, web search, code and image come from the
//   assistant the open conversation (or the new chat) talks to, unless the
//   user changed one in the composer for this conversation: that change
//   wins for this conversation until another assistant is picked. Without
//   an assistant they are the user's preferences, as before. Verbosity has
//   no composer control: the assistant's, sent only to models that take it.
// - MCP servers: picking an assistant turns on its servers for the
//   conversation; the composer's toggles change them from there (kept on
//   the conversation by the backend, as before).
// What the user changed is kept on the conversation (`composerChanges`), so
// it holds after a restart; a new chat's go with it on its first message.
import { t } from "../i18n/index.svelte";
import {
  assistantIpc,
  toIpcError,
  type Assistant,
  type AssistantInput,
  type ComposerChanges,
  type ConversationView,
  type ReasoningEffort,
  type Verbosity,
} from "../ipc";
import { effortFor, takesVerbosity } from "../models";
import {
  blankDraft,
  draftFromPreset,
  draftOf,
  formFromAssistant,
  type AssistantDraft,
} from "../assistants";
import type { PlaygroundForm } from "../playground/state";
import { chat, openConversation, newChat } from "./chat.svelte";
import { preferences, savePreferences } from "./preferences.svelte";
import { showToast } from "./toasts.svelte";
import { appMode } from "./mode.svelte";
import { playground } from "../playground/run.svelte";
import { chooseLocalServers } from "../playground/local-mcp.svelte";

/** What the composer decides for a turn. */
export interface ComposerChoice {
  model: string;
  webSearch: boolean;
  codeInterpreter: boolean;
  imageGeneration: boolean;
  reasoningEffort: ReasoningEffort | null;
}
type Field = keyof ComposerChoice;

/** The editor dialog: a draft, and (from a preset) what it could not carry. */
export interface EditorState {
  draft: AssistantDraft;
  notMapped: string[];
  fromPreset: { name: string; version: number } | null;
}

class AssistantsState {
  list = $state.raw<Assistant[]>([]);
  /** The assistant the next new chat talks to. */
  forNewChat = $state<Assistant | null>(null);
  /** A new chat's own instructions, kept until its first message. */
  newChatInstructions = $state("");
  editor = $state<EditorState | null>(null);
  /** The "change the assistant" and "instructions" dialogs. */
  picking = $state(false);
  editingInstructions = $state(false);
  /** Per conversation ("" for the new chat): composer changes over its assistant. */
  changed = $state<Record<string, Partial<ComposerChoice>>>({});
}

export const assistants = new AssistantsState();

function reportError(error: unknown): void {
  showToast(t("error.generic", { message: toIpcError(error).message }), "error");
}

/** The assistant of the open conversation, or of the new chat. */
export function currentAssistant(): Assistant | null {
  return chat.current ? chat.current.assistant : assistants.forNewChat;
}

function key(): string {
  return chat.current?.id ?? "";
}

/** The composer's value of `field`: a change for this conversation, its assistant's, or the preference. */
export function composerValue<F extends Field>(field: F): ComposerChoice[F] {
  const changed = assistants.changed[key()];
  if (changed && field in changed) return changed[field] as ComposerChoice[F];
  const assistant = currentAssistant();
  if (!assistant) return preferences[field];
  const fromAssistant: ComposerChoice = {
    model: assistant.model || preferences.model,
    webSearch: assistant.tools.webSearch,
    codeInterpreter: assistant.tools.codeInterpreter,
    imageGeneration: assistant.tools.imageGeneration,
    reasoningEffort: assistant.reasoningEffort,
  };
  return fromAssistant[field];
}

/** The stored shape of composer changes (null: the assistant's setting). */
export function changesOf(changed: Partial<ComposerChoice>): ComposerChanges {
  return {
    model: changed.model ?? null,
    webSearch: changed.webSearch ?? null,
    codeInterpreter: changed.codeInterpreter ?? null,
    imageGeneration: changed.imageGeneration ?? null,
    reasoningEffort:
      "reasoningEffort" in changed ? { effort: changed.reasoningEffort ?? null } : null,
  };
}

/** The composer changes a stored conversation keeps. */
export function changedOf(changes: ComposerChanges): Partial<ComposerChoice> {
  const changed: Partial<ComposerChoice> = {};
  if (changes.model !== null) changed.model = changes.model;
  if (changes.webSearch !== null) changed.webSearch = changes.webSearch;
  if (changes.codeInterpreter !== null) changed.codeInterpreter = changes.codeInterpreter;
  if (changes.imageGeneration !== null) changed.imageGeneration = changes.imageGeneration;
  if (changes.reasoningEffort !== null) changed.reasoningEffort = changes.reasoningEffort.effort;
  return changed;
}

/** An opened conversation's kept changes become the composer's. */
export function adoptComposerChanges(view: ConversationView): void {
  assistants.changed[view.id] = changedOf(view.composerChanges);
}

function keepChanges(conversationId: string): void {
  const changed = assistants.changed[conversationId] ?? {};
  assistantIpc.setComposer(conversationId, changesOf(changed)).catch(reportError);
}

/** The user changes a composer control: the conversation's when it has an assistant, else the preference. */
export function setComposerValue<F extends Field>(field: F, value: ComposerChoice[F]): void {
  if (currentAssistant()) {
    assistants.changed[key()] = { ...assistants.changed[key()], [field]: value };
    if (chat.current) keepChanges(chat.current.id);
    return;
  }
  preferences[field] = value as never;
  savePreferences();
}

/** Everything a send or regenerate takes from the composer, as the model takes it. */
export function composerChoice(): ComposerChoice & { verbosity: Verbosity | null } {
  const model = composerValue("model");
  const verbosity = currentAssistant()?.verbosity ?? null;
  return {
    model,
    webSearch: composerValue("webSearch"),
    codeInterpreter: composerValue("codeInterpreter"),
    imageGeneration: composerValue("imageGeneration"),
    reasoningEffort: effortFor(model, composerValue("reasoningEffort")),
    verbosity: takesVerbosity(model) ? verbosity : null,
  };
}

/** A new chat's first message created `conversationId`: its choices go with it. */
export function carryNewChat(conversationId: string): void {
  const pending = assistants.changed[""];
  if (pending) {
    assistants.changed[conversationId] = pending;
    delete assistants.changed[""];
    if (Object.keys(pending).length > 0) keepChanges(conversationId);
  }
  assistants.forNewChat = null;
  assistants.newChatInstructions = "";
}

export async function loadAssistants(): Promise<void> {
  try {
    assistants.list = await assistantIpc.list();
  } catch (error) {
    reportError(error);
  }
}

/** A new chat with `assistant` (null: none): its starter prompts show, its tools turn on. */
export function chatWith(assistant: Assistant | null): void {
  newChat();
  assistants.forNewChat = assistant;
  assistants.changed[""] = {};
  if (assistant) chat.mcpServers = [...assistant.tools.mcpServers];
}

export function openEditor(assistant: Assistant | null): void {
  assistants.editor = {
    draft: assistant ? draftOf(assistant) : blankDraft(),
    notMapped: [],
    fromPreset: null,
  };
}

/** "Make an assistant" from a preset version's form. */
export function openEditorFromPreset(name: string, version: number, form: PlaygroundForm): void {
  const { draft, notMapped } = draftFromPreset(name, form);
  assistants.editor = { draft, notMapped, fromPreset: { name, version } };
  appMode.current = "chat";
}

/** Saves the editor's draft; resolves with the saved assistant (null when refused). */
export async function saveAssistant(input: AssistantInput): Promise<Assistant | null> {
  try {
    const saved = await assistantIpc.save(input);
    await loadAssistants();
    if (assistants.forNewChat?.id === saved.id) assistants.forNewChat = saved;
    return saved;
  } catch (error) {
    reportError(error);
    return null;
  }
}

export async function duplicateAssistant(assistant: Assistant): Promise<void> {
  try {
    await assistantIpc.duplicate(assistant.id, t("assistants.copySuffix"));
    await loadAssistants();
  } catch (error) {
    reportError(error);
  }
}

/** After the user confirmed. Conversations with it keep their copy. */
export async function deleteAssistant(assistant: Assistant): Promise<void> {
  try {
    await assistantIpc.remove(assistant.id);
  } catch (error) {
    reportError(error);
    return;
  }
  if (assistants.forNewChat?.id === assistant.id) assistants.forNewChat = null;
  await loadAssistants();
  showToast(t("assistants.deleted"), "info");
}

/**
 * The open conversation talks to `assistant` (null: none) from its next
 * message: recorded in the history (the marker), its settings replace any
 * composer changes, its MCP servers turn on. A new chat just changes what
 * it will start with.
 */
export async function switchAssistant(assistant: Assistant | null): Promise<void> {
  const view = chat.current;
  if (!view) {
    chatWith(assistant);
    return;
  }
  try {
    await assistantIpc.setForConversation(view.id, assistant?.id ?? null);
  } catch (error) {
    reportError(error);
    return;
  }
  assistants.changed[view.id] = {};
  if (assistant) chat.mcpServers = [...assistant.tools.mcpServers];
  // The marker in the list says it (no toast on top).
  await openConversation(view.id);
}

/** The conversation's own instructions (a new chat keeps them for its first message). */
export async function setOwnInstructions(text: string): Promise<boolean> {
  const view = chat.current;
  if (!view) {
    assistants.newChatInstructions = text.trim();
    return true;
  }
  try {
    await assistantIpc.setInstructions(view.id, text);
  } catch (error) {
    reportError(error);
    return false;
  }
  view.instructions = text.trim();
  return true;
}

/**
 * "Open in Playground": the form filled as a chat with the assistant would
 * send, and its MCP servers as the Playground's own servers.
 */
export function openInPlayground(assistant: Assistant): void {
  playground.loadForm(formFromAssistant(assistant, preferences.model));
  void chooseLocalServers(assistant.tools.mcpServers);
  appMode.current = "playground";
}
