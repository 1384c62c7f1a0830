// The one module that talks to the Rust side. Every command the UI calls is
// wrapped here with the generated types, so a drift shows up at compile time.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { AttachmentData } from "./bindings/AttachmentData";
import type { ConversationSummary } from "./bindings/ConversationSummary";
import type { ConversationView } from "./bindings/ConversationView";
import type { EnvKeyOffer } from "./bindings/EnvKeyOffer";
import type { IpcError } from "./bindings/IpcError";
import type { KeyringStatus } from "./bindings/KeyringStatus";
import type { ProviderInput } from "./bindings/ProviderInput";
import type { ProviderTest } from "./bindings/ProviderTest";
import type { ProviderView } from "./bindings/ProviderView";
import type { RunStarted } from "./bindings/RunStarted";
import type { RunUpdate } from "./bindings/RunUpdate";
import type { SearchResults } from "./bindings/SearchResults";
import type { SendInput } from "./bindings/SendInput";
import type { RegenerateInput } from "./bindings/RegenerateInput";
import type { Settings } from "./bindings/Settings";
import type { StartupProblemView } from "./bindings/StartupProblemView";
import type { InstanceProblem } from "./bindings/InstanceProblem";
import type { UpdateCheck } from "./bindings/UpdateCheck";
import type { UpdateProgress } from "./bindings/UpdateProgress";

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

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
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
  startupProblem: () => call<StartupProblemView | null>("startup_problem"),
  startupOpenDataFolder: () => call<null>("startup_open_data_folder"),
  /** Keeps the damaged file aside (renamed, never deleted); resolves with its new path. */
  startupStartFresh: () => call<string>("startup_start_fresh"),
  startupRestoreBackup: (name: string) => call<string>("startup_restore_backup", { name }),
  appInfo: () => call<AppInfo>("app_info"),
  /** Opens an http(s)/mailto link in the system browser (the backend re-checks the scheme). */
  openUrl: (url: string) => call<null>("open_url", { url }),
  getSettings: () => call<Settings>("get_settings"),
  saveSettings: (settings: Settings) => call<null>("save_settings", { settings }),

  // Providers and keys. The key goes to the backend once and never comes back.
  keyringStatus: () => call<KeyringStatus>("keyring_status"),
  listProviders: () => call<ProviderView[]>("list_providers"),
  saveProvider: (input: ProviderInput) => call<ProviderView>("save_provider", { input }),
  deleteProvider: (id: string) => call<null>("delete_provider", { id }),
  setActiveProvider: (id: string) => call<null>("set_active_provider", { id }),
  testProvider: (id: string) => call<ProviderTest>("test_provider", { id }),
  envKeyOffers: () => call<EnvKeyOffer[]>("env_key_offers"),
  importEnvKey: (variable: string) => call<ProviderView>("import_env_key", { variable }),
  listModels: (refresh: boolean) => call<string[]>("list_models", { refresh }),

  // Conversations.
  listConversations: () => call<ConversationSummary[]>("list_conversations"),
  getConversation: (id: string) => call<ConversationView>("get_conversation", { id }),
  renameConversation: (id: string, title: string) =>
    call<null>("rename_conversation", { id, title }),
  pinConversation: (id: string, pinned: boolean) => call<null>("pin_conversation", { id, pinned }),
  deleteConversation: (id: string) => call<null>("delete_conversation", { id }),
  undoDeleteConversation: (id: string) => call<null>("undo_delete_conversation", { id }),
  setCurrentLeaf: (conversationId: string, leafId: string) =>
    call<null>("set_current_leaf", { conversationId, leafId }),
  /** `cut` says the query was longer than the backend searches (see search.cut). */
  search: (query: string) => call<SearchResults>("search_messages", { query }),
  exportConversation: (id: string, format: ExportFormat) =>
    call<string>("export_conversation", { id, format }),
  importConversation: (json: string) => call<ConversationSummary>("import_conversation", { json }),
  attachmentData: (id: string) => call<AttachmentData>("attachment_data", { id }),
  /** A remote image from model output, fetched by the backend (https, size-capped, type-checked). */
  fetchImage: (url: string) => call<ArrayBuffer>("fetch_image", { url }),

  // Runs: the command resolves once the user's message is saved and the run
  // started; updates keep arriving on the channel until `finished`.
  send: (input: SendInput, onUpdate: (update: RunUpdate) => void) =>
    call<RunStarted>("send_message", { input, onUpdate: channel(onUpdate) }),
  regenerate: (input: RegenerateInput, onUpdate: (u: RunUpdate) => void) =>
    call<RunStarted>("regenerate", { input, onUpdate: channel(onUpdate) }),
  stop: (runId: string) => call<null>("stop_run", { runId }),
};

// ---- Playground ------------------------------------------------------------
import type { PlaygroundEvent } from "./bindings/PlaygroundEvent";
import type { RecordedEvent } from "./bindings/RecordedEvent";
import type { Violation } from "./bindings/Violation";
import type { BackgroundRun } from "./bindings/BackgroundRun";
import type { PresetSummary } from "./bindings/PresetSummary";
import type { PresetVersion } from "./bindings/PresetVersion";

export const playgroundIpc = {
  /** Sends `requestJson` as it is (plus `stream: true`); resolves with the run id for `ipc.stop`. */
  run: (requestJson: string, onEvent: (event: PlaygroundEvent) => void) => {
    const ch = new Channel<PlaygroundEvent>();
    ch.onmessage = onEvent;
    return call<string>("playground_run", { requestJson, onEvent: ch });
  },
  /** Every violation of `schema` by `instance` (both JSON text). */
  /** Stores a secret MCP header in the keyring, bound to the origin of `serverUrl`; returns the placeholder to keep instead. */
  setMcpSecret: (serverUrl: string, serverLabel: string, header: string, value: string) =>
    call<string>("playground_set_mcp_secret", { serverUrl, serverLabel, header, value }),
  validateJson: (schema: string, instance: string) =>
    call<Violation[]>("validate_json", { schema, instance }),
  /** Saves raw stream events as a `.sse` recording (Downloads / HALLEY_EXPORT_DIR); resolves with the path. */
  saveRecording: (name: string, openedMs: number | null, events: RecordedEvent[]) =>
    call<string>("playground_save_recording", { name, openedMs, events }),
  /** Folds a recording's text into a run's events, ending with `finished`. */
  foldRecording: (text: string) => call<PlaygroundEvent[]>("playground_fold_recording", { text }),
  /** Streams a background response again after `startingAfter` (the stored bookmark when null). */
  resume: (
    responseId: string,
    startingAfter: number | null,
    onEvent: (event: PlaygroundEvent) => void,
  ) => {
    const ch = new Channel<PlaygroundEvent>();
    ch.onmessage = onEvent;
    return call<string>("playground_resume", { responseId, startingAfter, onEvent: ch });
  },
  backgroundRuns: () => call<BackgroundRun[]>("playground_background_runs"),
  forgetRun: (responseId: string) => call<null>("playground_forget_run", { responseId }),
  cancel: (responseId: string) =>
    call<Record<string, unknown>>("playground_cancel", { responseId }),
  retrieve: (responseId: string) =>
    call<Record<string, unknown>>("playground_retrieve", { responseId }),
  inputItems: (responseId: string) =>
    call<Record<string, unknown>>("playground_input_items", { responseId }),
  deleteResponse: (responseId: string) =>
    call<Record<string, unknown>>("playground_delete", { responseId }),
  /** Input tokens of the request; null when the provider has no counting endpoint. */
  inputTokens: (requestJson: string) =>
    call<number | null>("playground_input_tokens", { requestJson }),
};

export const presetIpc = {
  save: (name: string, formJson: string) => call<PresetSummary>("preset_save", { name, formJson }),
  list: () => call<PresetSummary[]>("preset_list"),
  versions: (presetId: string) => call<PresetVersion[]>("preset_versions", { presetId }),
  remove: (presetId: string) => call<null>("preset_delete", { presetId }),
  exportJson: (presetId: string) => call<string>("preset_export", { presetId }),
  importJson: (document: string) => call<PresetSummary>("preset_import", { document }),
};

export const updateIpc = {
  /** `force` is the user's "Check for updates"; without it the backend checks at most once a day. */
  check: (force: boolean) => call<UpdateCheck>("update_check", { force }),
  /** Downloads the update the last check found and verifies its signature; installs nothing. */
  download: (onProgress: (progress: UpdateProgress) => void) => {
    const ch = new Channel<UpdateProgress>();
    ch.onmessage = onProgress;
    return call<null>("update_download", { onProgress: ch });
  },
  install: () => call<null>("update_install"),
  restart: () => call<null>("app_restart"),
};

export const instanceIpc = {
  /** Set when this process did not open its data folder (another Halley holds it). */
  instanceProblem: () => call<InstanceProblem | null>("instance_problem"),
  quit: () => call<null>("app_quit"),
};

/** What the page reports to `./x bench` (src-tauri/src/bench.rs: BenchMark). */
export type BenchMark = "first-paint" | "composer-ready";

/** The `./x bench` hooks; called only through lib/bench.ts, and only when it is on. */
export const benchIpc = {
  mark: (mark: BenchMark) => call<null>("bench_mark", { mark }),
  echo: (deltas: number) => call<null>("bench_echo", { deltas }),
};
