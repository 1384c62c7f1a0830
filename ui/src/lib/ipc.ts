// The one module that talks to the Rust side. Every command the UI calls is
// wrapped here, typed by the generated `Commands` map (bindings/commands.ts),
// so a drift shows up at compile time. Components do not import the wrappers
// (eslint forbids it): they call a state module, which calls these.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { BenchMark } from "./bindings/BenchMark";
import type { IpcError } from "./bindings/IpcError";
import type { KnowledgeEvent } from "./bindings/KnowledgeEvent";
import type { KnowledgeInput } from "./bindings/KnowledgeInput";
import type { Commands } from "./bindings/commands";
import type { ProbeEvent } from "./bindings/ProbeEvent";
import type { ProviderInput } from "./bindings/ProviderInput";
import type { RunUpdate } from "./bindings/RunUpdate";
import type { AppEvent } from "./bindings/AppEvent";
import type { SendInput } from "./bindings/SendInput";
import type { AssistantInput } from "./bindings/AssistantInput";
import type { ComposerChanges } from "./bindings/ComposerChanges";
import type { RegenerateInput } from "./bindings/RegenerateInput";
import type { Settings } from "./bindings/Settings";
import type { UpdateProgress } from "./bindings/UpdateProgress";
import type { FileUploadProgress } from "./bindings/FileUploadProgress";
import type { UploadPurpose } from "./bindings/UploadPurpose";
import type { ExportAllFormat } from "./bindings/ExportAllFormat";
import type { ImportSource } from "./bindings/ImportSource";
import type { RestoreMode } from "./bindings/RestoreMode";
import type { RestoreSource } from "./bindings/RestoreSource";

export type * from "./bindings/index";

/** Whether a thrown value is the backend's `{code, message}` error. */
export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Normalizes anything thrown by `invoke` into an IpcError (unknown codes kept as is). */
export function toIpcError(value: unknown): IpcError {
  if (isIpcError(value)) return value;
  return { code: "internal", message: String(value) } as IpcError;
}

type Command = keyof Commands;
type ArgsOf<C extends Command> = Commands[C]["args"];
/** No second argument for a command that takes none. */
type CallArgs<C extends Command> = ArgsOf<C> extends Record<string, never> ? [] : [args: ArgsOf<C>];

/**
 * Invokes `command`. Its name, arguments and answer come from the generated
 * `Commands` map, so a command or argument renamed in Rust fails to compile here.
 */
async function call<C extends Command>(
  command: C,
  ...args: CallArgs<C>
): Promise<Commands[C]["returns"]> {
  try {
    return await invoke<Commands[C]["returns"]>(command, args[0]);
  } catch (error) {
    throw toIpcError(error);
  }
}

function channel(onUpdate: (update: RunUpdate) => void): Channel<RunUpdate> {
  const ch = new Channel<RunUpdate>();
  ch.onmessage = onUpdate;
  return ch;
}

export type ExportFormat = "markdown" | "json";

export const ipc = {
  /** Why the history could not be opened at start-up; null when it opened. */
  startupProblem: () => call("startup_problem"),
  startupOpenDataFolder: () => call("startup_open_data_folder"),
  /** Keeps the damaged file aside (renamed, never deleted); resolves with its new path. */
  startupStartFresh: () => call("startup_start_fresh"),
  startupRestoreBackup: (name: string) => call("startup_restore_backup", { name }),
  appInfo: () => call("app_info"),
  /** Opens an http(s)/mailto link in the system browser (the backend re-checks the scheme). */
  openUrl: (url: string) => call("open_url", { url }),
  getSettings: () => call("get_settings"),
  saveSettings: (settings: Settings) => call("save_settings", { settings }),

  // Providers and keys. The key goes to the backend once and never comes back.
  keyringStatus: () => call("keyring_status"),
  listProviders: () => call("list_providers"),
  saveProvider: (input: ProviderInput) => call("save_provider", { input }),
  deleteProvider: (id: string) => call("delete_provider", { id }),
  setActiveProvider: (id: string) => call("set_active_provider", { id }),
  /** What is known of a provider, for every model (learned by the probe and by turns). */
  providerCapabilities: (providerId: string) => call("provider_capabilities", { providerId }),
  /** Runs the capability probe for `model` (about twenty small requests) and keeps what it found. */
  probeProvider: (providerId: string, model: string) =>
    call("probe_provider", { providerId, model }),
  /** Every probe's start and end (also the ones the backend starts by itself). */
  watchCapabilities: (onEvent: (event: ProbeEvent) => void) => {
    const ch = new Channel<ProbeEvent>();
    ch.onmessage = onEvent;
    return call("watch_capabilities", { onEvent: ch });
  },
  /** Checks the address and key (and `model`, where the server lists no models). */
  testProvider: (id: string, model: string) => call("test_provider", { id, model }),
  envKeyOffers: () => call("env_key_offers"),
  importEnvKey: (variable: string) => call("import_env_key", { variable }),
  listModels: (refresh: boolean) => call("list_models", { refresh }),

  // Conversations.
  listConversations: () => call("list_conversations"),
  usageReport: () => call("usage_report"),
  getConversation: (id: string) => call("get_conversation", { id }),
  renameConversation: (id: string, title: string) => call("rename_conversation", { id, title }),
  pinConversation: (id: string, pinned: boolean) => call("pin_conversation", { id, pinned }),
  deleteConversation: (id: string) => call("delete_conversation", { id }),
  undoDeleteConversation: (id: string) => call("undo_delete_conversation", { id }),
  setCurrentLeaf: (conversationId: string, leafId: string) =>
    call("set_current_leaf", { conversationId, leafId }),
  /** `cut` says the query was longer than the backend searches (see search.cut). */
  search: (query: string) => call("search_messages", { query }),
  exportConversation: (id: string, format: ExportFormat) =>
    call("export_conversation", { id, format }),
  attachmentData: (id: string) => call("attachment_data", { id }),

  // Your data: a backup of everything, restore (replace or merge), import
  // (ChatGPT, Halley JSON) and the export of every conversation.
  backupNow: () => call("data_backup_now"),
  listBackups: () => call("data_list_backups"),
  restore: (source: RestoreSource, mode: RestoreMode) => call("data_restore", { source, mode }),
  importData: (source: ImportSource, text: string) => call("data_import", { source, text }),
  exportAll: (format: ExportAllFormat) => call("data_export_all", { format }),

  // A conversation's knowledge (files searched by file_search) and the
  // files answers made.
  listKnowledge: (conversationId: string) => call("list_knowledge", { conversationId }),
  addKnowledge: (input: KnowledgeInput) => call("add_knowledge", { input }),
  removeKnowledge: (id: string) => call("remove_knowledge", { id }),
  forgetKnowledge: (conversationId: string) => call("forget_knowledge", { conversationId }),
  watchKnowledge: (onEvent: (event: KnowledgeEvent) => void) => {
    const ch = new Channel<KnowledgeEvent>();
    ch.onmessage = onEvent;
    return call("watch_knowledge", { onEvent: ch });
  },
  messageFileData: (id: string) => call("message_file_data", { id }),
  /** Saves a kept file into the export folder; resolves with its path. */
  saveMessageFile: (id: string) => call("save_message_file", { id }),
  /** A remote image from model output, fetched by the backend (https, size-capped, type-checked). */
  fetchImage: (url: string) => call("fetch_image", { url }),

  // Runs: the command resolves once the user's message is saved and the run
  // started; updates keep arriving on the channel until `finished`.
  send: (input: SendInput, onUpdate: (update: RunUpdate) => void) =>
    call("send_message", { input, onUpdate: channel(onUpdate) }),
  regenerate: (input: RegenerateInput, onUpdate: (u: RunUpdate) => void) =>
    call("regenerate", { input, onUpdate: channel(onUpdate) }),
  stop: (runId: string) => call("stop_run", { runId }),
  /**
   * Follows a background answer picked up after a restart (its first update
   * says what arrived so far); false when it is not running any more.
   */
  watchTurn: (messageId: string, onUpdate: (u: RunUpdate) => void) =>
    call("watch_turn", { messageId, onUpdate: channel(onUpdate) }),

  // Desktop habits: the tray and the quick-ask window ask the main window
  // to start a chat or open a conversation.
  watchApp: (onEvent: (event: AppEvent) => void) => {
    const ch = new Channel<AppEvent>();
    ch.onmessage = onEvent;
    return call("watch_app", { onEvent: ch });
  },
  openQuickAsk: () => call("open_quick_ask"),
  closeQuickAsk: () => call("close_quick_ask"),
  /** Hands the quick-ask window's conversation to the main window (and closes the quick one). */
  showConversation: (conversationId: string) => call("show_conversation", { conversationId }),
};

// ---- Playground ------------------------------------------------------------
import type { PlaygroundEvent } from "./bindings/PlaygroundEvent";
import type { RecordedEvent } from "./bindings/RecordedEvent";

export const playgroundIpc = {
  /** Sends `requestJson` as it is (plus `stream: true`); resolves with the run id for `ipc.stop`. */
  run: (requestJson: string, onEvent: (event: PlaygroundEvent) => void) => {
    const ch = new Channel<PlaygroundEvent>();
    ch.onmessage = onEvent;
    return call("playground_run", { requestJson, onEvent: ch });
  },
  /** Every violation of `schema` by `instance` (both JSON text). */
  /** Stores a secret MCP header in the keyring, bound to the origin of `serverUrl`; returns the placeholder to keep instead. */
  setMcpSecret: (serverUrl: string, serverLabel: string, header: string, value: string) =>
    call("playground_set_mcp_secret", { serverUrl, serverLabel, header, value }),
  validateJson: (schema: string, instance: string) => call("validate_json", { schema, instance }),
  /** Saves raw stream events as a `.sse` recording (Downloads / HALLEY_EXPORT_DIR); resolves with the path. */
  saveRecording: (name: string, openedMs: number | null, events: RecordedEvent[]) =>
    call("playground_save_recording", { name, openedMs, events }),
  /** Saves a generated image (base64) in the export folder; resolves with the path. */
  saveImage: (name: string, extension: string, dataBase64: string) =>
    call("playground_save_image", { name, extension, dataBase64 }),
  /** Folds a recording's text into a run's events, ending with `finished`. */
  foldRecording: (text: string) => call("playground_fold_recording", { text }),
  /** Streams a background response again after `startingAfter` (the stored bookmark when null). */
  resume: (
    responseId: string,
    startingAfter: number | null,
    onEvent: (event: PlaygroundEvent) => void,
  ) => {
    const ch = new Channel<PlaygroundEvent>();
    ch.onmessage = onEvent;
    return call("playground_resume", { responseId, startingAfter, onEvent: ch });
  },
  backgroundRuns: () => call("playground_background_runs"),
  forgetRun: (responseId: string) => call("playground_forget_run", { responseId }),
  cancel: (responseId: string) => call("playground_cancel", { responseId }),
  retrieve: (responseId: string) => call("playground_retrieve", { responseId }),
  inputItems: (responseId: string) => call("playground_input_items", { responseId }),
  deleteResponse: (responseId: string) => call("playground_delete", { responseId }),
  /** Input tokens of the request; null when the provider has no counting endpoint. */
  inputTokens: (requestJson: string) => call("playground_input_tokens", { requestJson }),
};

/** The provider's files and vector stores (the Playground's pickers). */
export const providerFilesIpc = {
  /** Uploads bytes read from a picked file; `stop(uploadId)` cancels it. */
  upload: (
    uploadId: string,
    filename: string,
    mime: string,
    dataBase64: string,
    purpose: UploadPurpose,
    onProgress: (progress: FileUploadProgress) => void,
  ) => {
    const ch = new Channel<FileUploadProgress>();
    ch.onmessage = onProgress;
    return call("provider_file_upload", {
      uploadId,
      filename,
      mime,
      dataBase64,
      purpose,
      onProgress: ch,
    });
  },
  listFiles: () => call("provider_files_list"),
  deleteFile: (fileId: string) => call("provider_file_delete", { fileId }),
  listStores: () => call("vector_stores_list"),
  /** A store holding `fileIds`; indexing goes on at the provider (follow it with `storeFiles`). */
  createStore: (name: string, fileIds: string[]) => call("vector_store_create", { name, fileIds }),
  deleteStore: (storeId: string) => call("vector_store_delete", { storeId }),
  storeFiles: (storeId: string) => call("vector_store_files", { storeId }),
  /** A code interpreter container's file as bytes. */
  containerFile: (containerId: string, fileId: string) =>
    call("container_file_data", { containerId, fileId }),
  /** Saves a container's file in the export folder; resolves with the path. */
  saveContainerFile: (containerId: string, fileId: string, filename: string) =>
    call("container_file_save", { containerId, fileId, filename }),
};

export const assistantIpc = {
  list: () => call("assistant_list"),
  /** Creates (`input.id` null) or replaces an assistant. */
  save: (input: AssistantInput) => call("assistant_save", { input }),
  duplicate: (assistantId: string, suffix: string) =>
    call("assistant_duplicate", { assistantId, suffix }),
  remove: (assistantId: string) => call("assistant_delete", { assistantId }),
  /** From the next turn; recorded after the conversation's last message. */
  setForConversation: (conversationId: string, assistantId: string | null) =>
    call("conversation_set_assistant", { conversationId, assistantId }),
  setInstructions: (conversationId: string, instructions: string) =>
    call("conversation_set_instructions", { conversationId, instructions }),
  /** What the user changed in the composer for the conversation, over its assistant's. */
  setComposer: (conversationId: string, changes: ComposerChanges) =>
    call("conversation_set_composer", { conversationId, changes }),
};

export const presetIpc = {
  save: (name: string, formJson: string) => call("preset_save", { name, formJson }),
  list: () => call("preset_list"),
  versions: (presetId: string) => call("preset_versions", { presetId }),
  remove: (presetId: string) => call("preset_delete", { presetId }),
  exportJson: (presetId: string) => call("preset_export", { presetId }),
  importJson: (document: string) => call("preset_import", { document }),
};

export const updateIpc = {
  /** `force` is the user's "Check for updates"; without it the backend checks at most once a day. */
  check: (force: boolean) => call("update_check", { force }),
  /** Downloads the update the last check found and verifies its signature; installs nothing. */
  download: (onProgress: (progress: UpdateProgress) => void) => {
    const ch = new Channel<UpdateProgress>();
    ch.onmessage = onProgress;
    return call("update_download", { onProgress: ch });
  },
  install: () => call("update_install"),
  restart: () => call("app_restart"),
};

export const instanceIpc = {
  /** Set when this process did not open its data folder (another Halley holds it). */
  instanceProblem: () => call("instance_problem"),
  quit: () => call("app_quit"),
};

// ---- MCP servers -----------------------------------------------------------
import type { McpSecretInput } from "./bindings/McpSecretInput";
import type { McpServerConfig } from "./bindings/McpServerConfig";
import type { McpServerEvent } from "./bindings/McpServerEvent";
import type { ApprovalAnswer } from "./bindings/ApprovalAnswer";
import type { McpToolPolicy } from "./bindings/McpToolPolicy";

export const mcpIpc = {
  list: () => call("mcp_list_servers"),
  /** Secret values go to the keyring once and never come back (views say which are stored). */
  save: (server: McpServerConfig, secrets: McpSecretInput[]) =>
    call("mcp_save_server", { server, secrets }),
  setEnabled: (id: string, enabled: boolean) => call("mcp_set_server_enabled", { id, enabled }),
  remove: (id: string) => call("mcp_delete_server", { id }),
  importServers: (text: string) => call("mcp_import_servers", { text }),
  catalog: (id: string) => call("mcp_server_catalog", { id }),
  restart: (id: string) => call("mcp_restart_server", { id }),
  stop: (id: string) => call("mcp_stop_server", { id }),
  callTool: (callId: string, serverId: string, tool: string, args: Record<string, unknown>) =>
    call("mcp_call_tool", { callId, serverId, tool, arguments: args }),
  cancelCall: (callId: string) => call("mcp_cancel_call", { callId }),
  /** The user's answer on a chat tool call's approval card; false when no card waits. */
  answerApproval: (runId: string, callId: string, answer: ApprovalAnswer) =>
    call("mcp_answer_approval", { runId, callId, answer }),
  toolPolicies: () => call("mcp_tool_policies"),
  setToolPolicy: (serverId: string, tool: string, policy: McpToolPolicy) =>
    call("mcp_set_tool_policy", { serverId, tool, policy }),
  /** The chosen servers' tools as function tools (the Playground's request). */
  offeredTools: (serverIds: string[]) => call("mcp_offered_tools", { serverIds }),
  /** Every server's state changes, for as long as the window lives. */
  watch: (onEvent: (event: McpServerEvent) => void) => {
    const ch = new Channel<McpServerEvent>();
    ch.onmessage = onEvent;
    return call("mcp_watch_servers", { onEvent: ch });
  },
};

/** The `./x bench` hooks; called only through lib/bench.ts, and only when it is on. */
export const benchIpc = {
  mark: (mark: BenchMark) => call("bench_mark", { mark }),
  echo: (deltas: number) => call("bench_echo", { deltas }),
};

// ---- Evaluations -------------------------------------------------------------
import type { DatasetFormat } from "./bindings/DatasetFormat";
import type { EvalRunProgress } from "./bindings/EvalRunProgress";
import type { EvalRunRequest } from "./bindings/EvalRunRequest";
import type { HumanGrade } from "./bindings/HumanGrade";

/** Datasets, runs (progress over a Channel), results, aggregates and human grades. */
export const evalIpc = {
  preview: (format: DatasetFormat, dataBase64: string) =>
    call("eval_preview_dataset", { format, dataBase64 }),
  importDataset: (
    name: string,
    format: DatasetFormat,
    dataBase64: string,
    expectedColumn: string | null,
  ) => call("eval_import_dataset", { name, format, dataBase64, expectedColumn }),
  datasets: () => call("eval_list_datasets"),
  versions: (datasetId: string) => call("eval_dataset_versions", { datasetId }),
  rows: (datasetId: string, version: number, offset: number, limit: number) =>
    call("eval_dataset_rows", { datasetId, version, offset, limit }),
  exportDataset: (datasetId: string, version: number, format: DatasetFormat) =>
    call("eval_export_dataset", { datasetId, version, format }),
  deleteDataset: (datasetId: string) => call("eval_delete_dataset", { datasetId }),
  /** Starts a run; resolves with its id, `onProgress` told after every stored row. */
  start: (request: EvalRunRequest, onProgress: (p: EvalRunProgress) => void) => {
    const ch = new Channel<EvalRunProgress>();
    ch.onmessage = onProgress;
    return call("eval_start_run", { request, onProgress: ch });
  },
  resume: (runId: string, onProgress: (p: EvalRunProgress) => void) => {
    const ch = new Channel<EvalRunProgress>();
    ch.onmessage = onProgress;
    return call("eval_resume_run", { runId, onProgress: ch });
  },
  pause: (runId: string) => call("eval_pause_run", { runId }),
  cancel: (runId: string) => call("eval_cancel_run", { runId }),
  runs: () => call("eval_list_runs"),
  aggregates: (runId: string) => call("eval_run_aggregates", { runId }),
  results: (runId: string, offset: number, limit: number) =>
    call("eval_results", { runId, variant: null, offset, limit, withExchange: false }),
  /** Writes text (CSV, JSON) to the export folder; resolves with the path. */
  saveFile: (name: string, extension: string, dataBase64: string) =>
    call("playground_save_image", { name, extension, dataBase64 }),
  setHumanGrade: (runId: string, variant: number, position: number, grade: HumanGrade | null) =>
    call("eval_set_human_grade", { runId, variant, position, grade }),
};
