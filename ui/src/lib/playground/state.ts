// The Playground's form: plain data (no Svelte), so it can be saved as a
// preset, diffed and turned into a request body by `request.ts`. Every field
// has a "not set" value (`""`, `null`, `false`, empty list) that means the
// parameter is left out of the request and the API's own default applies.

export type InputRole = "user" | "assistant" | "developer" | "system";

/** Where an attached image or file comes from. */
export type AttachmentSource = "file_id" | "url" | "inline";

/** An image or file in a message, sent after its text parts. */
export interface InputAttachment {
  id: string;
  kind: "image" | "file";
  source: AttachmentSource;
  /** The file id, the URL, or (inline) a `data:` URL, as `source` says. */
  value: string;
  /** The file's name: sent with an inline file, shown for the others. */
  filename: string;
  /** `input_image.detail`; empty = not sent (the API's `auto`). */
  detail: "" | "auto" | "low" | "high";
}

export interface InputMessage {
  id: string;
  role: InputRole;
  /** Text parts, in order; empty parts are not sent. */
  parts: string[];
  /** Images and files (presets saved before they existed have none). */
  attachments?: InputAttachment[];
}

/** A file this form uploaded: what exported code must upload again. */
export interface UploadedFile {
  fileId: string;
  filename: string;
  purpose: "assistants" | "user_data" | "vision";
}

/** A vector store this form made from uploaded files. */
export interface MadeStore {
  storeId: string;
  name: string;
  fileIds: string[];
}

/** Hosted tools `tool_choice` can force (the API's ToolChoiceTypes). */
export const HOSTED_TOOL_CHOICES = [
  "file_search",
  "web_search_preview",
  "code_interpreter",
  "image_generation",
] as const;
export type HostedToolChoice = (typeof HOSTED_TOOL_CHOICES)[number];

export interface KeyValueRow {
  id: string;
  key: string;
  value: string;
  /** An MCP header kept in the OS keyring: `value` holds only the backend's placeholder. */
  secret?: boolean;
}

export interface FunctionDef {
  id: string;
  name: string;
  description: string;
  strict: boolean;
  /** JSON Schema of the arguments, as the user typed it. */
  parameters: string;
  /** Saved outputs to answer calls with (not sent: the form keeps them for presets). */
  cannedOutputs: string[];
}

export interface McpServer {
  id: string;
  label: string;
  url: string;
  headers: KeyValueRow[];
  /** Comma- or newline-separated tool names; empty means all. */
  allowedTools: string;
  approval: "" | "always" | "never";
}

export type Tri = boolean | null;

export interface PlaygroundForm {
  model: string;
  instructions: string;
  messages: InputMessage[];
  temperature: number | null;
  topP: number | null;
  maxOutputTokens: number | null;
  maxToolCalls: number | null;
  topLogprobs: number | null;
  truncation: "" | "auto" | "disabled";
  store: Tri;
  background: boolean;
  serviceTier: "" | "auto" | "default" | "flex" | "priority";
  parallelToolCalls: Tri;
  toolChoice: "" | "auto" | "none" | "required" | "function" | "hosted" | "mcp";
  /** The function's name, the hosted tool's type, or the MCP tool's name (may be empty). */
  toolChoiceName: string;
  /** The MCP server's label, for `toolChoice: "mcp"`. */
  toolChoiceServer?: string;
  include: string[];
  metadata: KeyValueRow[];
  promptCacheKey: string;
  safetyIdentifier: string;
  reasoningEffort: "" | "none" | "minimal" | "low" | "medium" | "high" | "xhigh";
  reasoningSummary: "" | "auto" | "concise" | "detailed";
  verbosity: "" | "low" | "medium" | "high";
  previousResponseId: string;
  conversation: string;
  webSearch: {
    enabled: boolean;
    /** Which tool: `web_search` takes domain filters, the preview does not. */
    variant: "web_search" | "web_search_preview";
    contextSize: "" | "low" | "medium" | "high";
    city: string;
    region: string;
    country: string;
    timezone: string;
    /** Comma- or newline-separated domains (`filters.allowed_domains`, web_search only). */
    allowedDomains: string;
  };
  fileSearch: {
    enabled: boolean;
    vectorStoreIds: string;
    maxResults: number | null;
    ranker: "" | "auto" | "default-2024-11-15";
    scoreThreshold: number | null;
    /** A ComparisonFilter or CompoundFilter as JSON text; empty = none. */
    filters: string;
  };
  codeInterpreter: {
    enabled: boolean;
    /** An automatic container (with files and a memory limit) or an existing one by id. */
    container: "auto" | "id";
    containerId: string;
    fileIds: string;
    memoryLimit: "" | "1g" | "4g" | "16g" | "64g";
  };
  imageGeneration: {
    enabled: boolean;
    model: string;
    size: string;
    quality: "" | "low" | "medium" | "high" | "auto";
    background: "" | "transparent" | "opaque" | "auto";
    outputFormat: "" | "png" | "webp" | "jpeg";
    outputCompression: number | null;
    moderation: "" | "auto" | "low";
    partialImages: number | null;
    inputFidelity: "" | "high" | "low";
    action: "" | "generate" | "edit" | "auto";
  };
  /** Files and stores this form made at the provider (not sent: for code export). */
  uploads: UploadedFile[];
  stores: MadeStore[];
  mcp: McpServer[];
  functions: FunctionDef[];
  /** Answer every function call with its canned output and go on (not sent). */
  autoReply: boolean;
  /** At most this many automatic rounds (null = 5). */
  autoReplyMaxRounds: number | null;
  format: {
    type: "text" | "json_object" | "json_schema";
    name: string;
    description: string;
    strict: boolean;
    schema: string;
  };
}

/** Values of `include` the Responses API accepts. */
export const INCLUDE_VALUES = [
  "web_search_call.action.sources",
  "code_interpreter_call.outputs",
  "computer_call_output.output.image_url",
  "file_search_call.results",
  "message.input_image.image_url",
  "message.output_text.logprobs",
  "reasoning.encrypted_content",
] as const;

let counter = 0;
/** A local id for list rows (keys of `{#each}`), never sent. */
export function rowId(): string {
  counter += 1;
  return `row${Date.now().toString(36)}${counter}`;
}

export function newMessage(role: InputRole = "user", text = ""): InputMessage {
  return { id: rowId(), role, parts: [text], attachments: [] };
}

/**
 * The input after a run's answer is added to it: the answer as an assistant
 * message, then an empty user message to write the next turn in (the
 * conversation goes on by hand, as in the OpenAI Playground). Unchanged
 * when the answer has no text.
 */
export function withAnswer(messages: InputMessage[], answer: string): InputMessage[] {
  if (answer.trim() === "") return messages;
  return [...messages, newMessage("assistant", answer), newMessage("user", "")];
}

export function newFunction(): FunctionDef {
  return {
    id: rowId(),
    name: "",
    description: "",
    strict: true,
    parameters: JSON.stringify(
      {
        type: "object",
        properties: { location: { type: "string", description: "City name" } },
        required: ["location"],
        additionalProperties: false,
      },
      null,
      2,
    ),
    cannedOutputs: [],
  };
}

export function newAttachment(
  kind: InputAttachment["kind"],
  source: AttachmentSource,
  value = "",
  filename = "",
): InputAttachment {
  return { id: rowId(), kind, source, value, filename, detail: "" };
}

export function newMcpServer(): McpServer {
  return { id: rowId(), label: "", url: "", headers: [], allowedTools: "", approval: "" };
}

export function defaultForm(model = ""): PlaygroundForm {
  return {
    model,
    instructions: "",
    messages: [newMessage("user", "")],
    temperature: null,
    topP: null,
    maxOutputTokens: null,
    maxToolCalls: null,
    topLogprobs: null,
    truncation: "",
    store: null,
    background: false,
    serviceTier: "",
    parallelToolCalls: null,
    toolChoice: "",
    toolChoiceName: "",
    toolChoiceServer: "",
    include: [],
    metadata: [],
    promptCacheKey: "",
    safetyIdentifier: "",
    reasoningEffort: "",
    reasoningSummary: "",
    verbosity: "",
    previousResponseId: "",
    conversation: "",
    webSearch: {
      enabled: false,
      variant: "web_search_preview",
      contextSize: "",
      city: "",
      region: "",
      country: "",
      timezone: "",
      allowedDomains: "",
    },
    fileSearch: {
      enabled: false,
      vectorStoreIds: "",
      maxResults: null,
      ranker: "",
      scoreThreshold: null,
      filters: "",
    },
    codeInterpreter: {
      enabled: false,
      container: "auto",
      containerId: "",
      fileIds: "",
      memoryLimit: "",
    },
    imageGeneration: {
      enabled: false,
      model: "",
      size: "",
      quality: "",
      background: "",
      outputFormat: "",
      outputCompression: null,
      moderation: "",
      partialImages: null,
      inputFidelity: "",
      action: "",
    },
    uploads: [],
    stores: [],
    mcp: [],
    functions: [],
    autoReply: false,
    autoReplyMaxRounds: null,
    format: {
      type: "text",
      name: "reply",
      description: "",
      strict: true,
      schema: JSON.stringify(
        {
          type: "object",
          properties: { answer: { type: "string" } },
          required: ["answer"],
          additionalProperties: false,
        },
        null,
        2,
      ),
    },
  };
}

/**
 * A form from a preset or an import: every field this version has, the
 * saved values over the defaults (one level into the tool sections, which
 * grew fields since presets were first saved).
 */
export function completeForm(saved: PlaygroundForm): PlaygroundForm {
  const base = defaultForm(saved.model);
  return {
    ...base,
    ...saved,
    webSearch: { ...base.webSearch, ...saved.webSearch },
    fileSearch: { ...base.fileSearch, ...saved.fileSearch },
    codeInterpreter: { ...base.codeInterpreter, ...saved.codeInterpreter },
    imageGeneration: { ...base.imageGeneration, ...saved.imageGeneration },
    functions: saved.functions.map((f) => ({ ...f, cannedOutputs: f.cannedOutputs ?? [] })),
    messages: saved.messages.map((m) => ({ ...m, attachments: m.attachments ?? [] })),
    uploads: saved.uploads ?? [],
    stores: saved.stores ?? [],
  };
}
