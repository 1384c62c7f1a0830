// The Playground's form: plain data (no Svelte), so it can be saved as a
// preset, diffed and turned into a request body by `request.ts`. Every field
// has a "not set" value (`""`, `null`, `false`, empty list) that means the
// parameter is left out of the request and the API's own default applies.

export type InputRole = "user" | "assistant" | "developer" | "system";

export interface InputMessage {
  id: string;
  role: InputRole;
  /** Text parts, in order; empty parts are not sent. */
  parts: string[];
}

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
  toolChoice: "" | "auto" | "none" | "required" | "function";
  toolChoiceName: string;
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
    contextSize: "" | "low" | "medium" | "high";
    city: string;
    region: string;
    country: string;
    timezone: string;
  };
  fileSearch: { enabled: boolean; vectorStoreIds: string; maxResults: number | null };
  codeInterpreter: { enabled: boolean };
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
  return { id: rowId(), role, parts: [text] };
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
    include: [],
    metadata: [],
    promptCacheKey: "",
    safetyIdentifier: "",
    reasoningEffort: "",
    reasoningSummary: "",
    verbosity: "",
    previousResponseId: "",
    conversation: "",
    webSearch: { enabled: false, contextSize: "", city: "", region: "", country: "", timezone: "" },
    fileSearch: { enabled: false, vectorStoreIds: "", maxResults: null },
    codeInterpreter: { enabled: false },
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
