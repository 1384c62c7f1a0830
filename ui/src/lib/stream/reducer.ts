// A pure reducer from the backend's RunUpdates to the state of the assistant
// message being streamed. No framework here: the Svelte adapter only feeds it.
import type {
  Citation,
  FileCitation,
  GeneratedFile,
  MessageStatus,
  RunUpdate,
  ToolItemType,
  ToolOutput,
  ToolStep,
  ToolProgress,
  TurnError,
  TurnNote,
  Usage,
  AskedFor,
} from "../ipc";

export interface ToolActivity {
  itemType: ToolItemType;
  status: ToolProgress;
}

export interface RetryNotice {
  attempt: number;
  maxAttempts: number;
  delayMs: number;
}

/** A PDF on its way to the provider's file storage before the request goes. */
export interface UploadNotice {
  filename: string;
  sentBytes: number;
  totalBytes: number;
}

export interface StreamState {
  text: string;
  reasoning: string;
  citations: Citation[];
  /** What the turn did differently from what was asked (a refused setting left out). */
  notes: TurnNote[];
  /** Latest status of each tool item type (web_search_call, ...), in first-seen order. */
  tools: ToolActivity[];
  /** The turn's MCP tool calls, in order, each in its latest state. */
  toolSteps: ToolStep[];
  /** Passages of the conversation's files the answer cites. */
  fileCitations: FileCitation[];
  /** Finished hosted-tool items (code runs, image generations, file searches). */
  toolOutputs: ToolOutput[];
  /** The latest coarse image of each image generation still under way (base64 PNG). */
  partialImages: Record<string, string>;
  /** Images and files the turn kept. */
  files: GeneratedFile[];
  usage: Usage | null;
  /** `streaming` until the `finished` update arrives. */
  status: MessageStatus;
  error: TurnError | null;
  responseId: string | null;
  /** Set while the backend waits to retry; cleared as soon as content flows again. */
  retrying: RetryNotice | null;
  /** Set while a large PDF uploads; cleared when the answer starts. */
  uploading: UploadNotice | null;
  /**
   * Set while a background answer's broken stream is picked up again (the
   * attempt); cleared as soon as content flows again.
   */
  reconnecting: number | null;
}

export function initialStreamState(): StreamState {
  return {
    text: "",
    reasoning: "",
    citations: [],
    notes: [],
    tools: [],
    toolSteps: [],
    fileCitations: [],
    toolOutputs: [],
    partialImages: {},
    files: [],
    usage: null,
    status: "streaming",
    error: null,
    responseId: null,
    retrying: null,
    uploading: null,
    reconnecting: null,
  };
}

/** Applies one update; returns a new state (the input is never mutated). */
export function reduceStream(state: StreamState, update: RunUpdate): StreamState {
  // Anything after `finished` is a backend bug; ignoring it keeps the final state stable.
  if (state.status !== "streaming") return state;
  // Whatever follows the uploads means they are done.
  if (state.uploading && update.kind !== "uploading") state = { ...state, uploading: null };
  // Whatever follows a reconnect attempt means the stream is back.
  if (state.reconnecting !== null && update.kind !== "reconnecting") {
    state = { ...state, reconnecting: null };
  }
  switch (update.kind) {
    case "retrying":
      return {
        ...state,
        retrying: {
          attempt: update.attempt,
          maxAttempts: update.maxAttempts,
          delayMs: update.delayMs,
        },
      };
    case "uploading":
      return {
        ...state,
        uploading: {
          filename: update.filename,
          sentBytes: update.sentBytes,
          totalBytes: update.totalBytes,
        },
      };
    case "reconnecting":
      return { ...state, reconnecting: update.attempt };
    case "resumed":
      // What a background answer picked up after a restart already had.
      return { ...state, text: update.text, reasoning: update.reasoning, retrying: null };
    case "textDelta":
      return { ...state, text: state.text + update.text, retrying: null };
    case "textReplaced":
      // The whole answer arrived only in a `.done` event; it replaces the deltas.
      return { ...state, text: update.text, retrying: null };
    case "reasoningDelta":
      return { ...state, reasoning: state.reasoning + update.text, retrying: null };
    case "citation":
      // The API repeats a source for every sentence citing it; list each page once.
      if (state.citations.some((c) => c.url === update.citation.url)) return state;
      return { ...state, citations: [...state.citations, update.citation] };
    case "tool": {
      const index = state.tools.findIndex((t) => t.itemType === update.itemType);
      const activity = { itemType: update.itemType, status: update.status };
      const tools =
        index === -1
          ? [...state.tools, activity]
          : state.tools.map((t, i) => (i === index ? activity : t));
      return { ...state, tools, retrying: null };
    }
    case "toolStep": {
      const { step } = update;
      const index = state.toolSteps.findIndex((s) => s.callId === step.callId);
      const toolSteps =
        index === -1
          ? [...state.toolSteps, step]
          : state.toolSteps.map((s, i) => (i === index ? step : s));
      return { ...state, toolSteps, retrying: null };
    }
    case "fileCitation":
      if (state.fileCitations.some((c) => c.fileId === update.citation.fileId)) return state;
      return { ...state, fileCitations: [...state.fileCitations, update.citation] };
    case "toolOutput":
      return { ...state, toolOutputs: [...state.toolOutputs, update.output], retrying: null };
    case "partialImage":
      return {
        ...state,
        partialImages: { ...state.partialImages, [update.itemId]: update.imageB64 },
        retrying: null,
      };
    case "file":
      return { ...state, files: [...state.files, update.file] };
    case "usage":
      return { ...state, usage: update.usage };
    case "note":
      return { ...state, notes: [...state.notes, update.note] };
    case "finished":
      return {
        ...state,
        status: update.status,
        error: update.error,
        responseId: update.responseId,
        retrying: null,
      };
    default:
      // A newer backend may send kinds this UI does not know: ignore them.
      return state;
  }
}

/** Folds a batch of updates, as the adapter does once per animation frame. */
export function reduceAll(state: StreamState, updates: readonly RunUpdate[]): StreamState {
  return updates.reduce(reduceStream, state);
}

/** What an assistant turn shows, from the stored message or from the live stream. */
export interface AssistantTurn {
  id: string;
  text: string;
  reasoning: string;
  citations: readonly Citation[];
  notes: readonly TurnNote[];
  status: MessageStatus;
  error: TurnError | null;
  usage: Usage | null;
  /** What the answer cost (stored answers whose model has a price). */
  costUsd: number | null;
  /** How long a reasoning model thought before it answered (stored answers). */
  thoughtMs: number | null;
  /** Calls the model made that nothing answered (stored answers). */
  askedFor: readonly AskedFor[];
  model: string | null;
  tools: readonly ToolActivity[];
  toolSteps: readonly ToolStep[];
  fileCitations: readonly FileCitation[];
  toolOutputs: readonly ToolOutput[];
  /** Only while streaming: coarse images of generations under way, by item id. */
  partialImages: Readonly<Record<string, string>>;
  files: readonly GeneratedFile[];
  retrying: RetryNotice | null;
  uploading: UploadNotice | null;
  /** A background answer's stream being picked up again (the attempt). */
  reconnecting: number | null;
  /** Part of the stored message (its sources or error) could not be read. */
  damaged: boolean;
}
