// Playground form → Responses request body. Pure: the same form always gives
// the same JSON. Fields left at their "not set" value are omitted, so the
// request says only what the user changed. Problems are returned, not
// thrown; an `error` blocks Run, a `warning` is shown and sent anyway.

import { isObject, parseJson, strictProblems } from "./schema";
import {
  HOSTED_TOOL_CHOICES,
  type FunctionDef,
  type InputAttachment,
  type KeyValueRow,
  type PlaygroundForm,
} from "./state";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Problem {
  /** The form field at fault (`temperature`, `metadata`, `function:<row id>`...). */
  field: string;
  /** Stable code; the UI shows `pg.problem.<code>`. */
  code: string;
  severity: "error" | "warning";
  params?: Record<string, string | number>;
}

export interface BuiltRequest {
  body: JsonObject;
  problems: Problem[];
}

/** Limits of the API, checked before sending. */
export const LIMITS = {
  temperature: [0, 2],
  topP: [0, 1],
  topLogprobs: [0, 20],
  maxOutputTokensMin: 16,
  metadataKeys: 16,
  metadataKeyChars: 64,
  metadataValueChars: 512,
  fileSearchMaxResults: [1, 50],
  scoreThreshold: [0, 1],
  codeInterpreterFiles: 50,
  partialImages: [0, 3],
  outputCompression: [0, 100],
  /** Inline (base64) images and files kept in the form, and so in presets. */
  inlineBytes: 8 * 1024 * 1024,
} as const;

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function inRange(value: number, [min, max]: readonly [number, number]): boolean {
  return Number.isFinite(value) && value >= min && value <= max;
}

function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function metadataOf(rows: KeyValueRow[], problems: Problem[]): JsonObject | null {
  const used = rows.filter((r) => r.key !== "" || r.value !== "");
  if (used.length === 0) return null;
  const out: JsonObject = {};
  const error = (code: string, params?: Problem["params"]) =>
    problems.push({ field: "metadata", code, severity: "error", params });
  if (used.length > LIMITS.metadataKeys) error("metadataTooMany", { max: LIMITS.metadataKeys });
  for (const row of used) {
    if (row.key === "") error("metadataEmptyKey");
    else if (row.key.length > LIMITS.metadataKeyChars)
      error("metadataKeyTooLong", { key: row.key.slice(0, 20), max: LIMITS.metadataKeyChars });
    if (row.value.length > LIMITS.metadataValueChars)
      error("metadataValueTooLong", { key: row.key, max: LIMITS.metadataValueChars });
    if (row.key in out) error("metadataDuplicate", { key: row.key });
    out[row.key] = row.value;
  }
  return out;
}

function functionTool(fn: FunctionDef, problems: Problem[]): JsonObject {
  const field = `function:${fn.id}`;
  if (!NAME.test(fn.name)) {
    problems.push({ field, code: "functionName", severity: "error", params: { name: fn.name } });
  }
  const tool: JsonObject = { type: "function", name: fn.name };
  if (fn.description.trim() !== "") tool.description = fn.description;
  const parsed = parseJson(fn.parameters);
  if (!parsed.ok) {
    problems.push({
      field,
      code: "functionParamsJson",
      severity: "error",
      params: { name: fn.name, message: parsed.message },
    });
  } else if (!isObject(parsed.value)) {
    problems.push({
      field,
      code: "functionParamsObject",
      severity: "error",
      params: { name: fn.name },
    });
  } else {
    tool.parameters = parsed.value as JsonObject;
    if (fn.strict && strictProblems(parsed.value).length > 0) {
      problems.push({
        field,
        code: "functionNotStrict",
        severity: "warning",
        params: { name: fn.name },
      });
    }
  }
  tool.strict = fn.strict;
  return tool;
}

function webSearchTool(form: PlaygroundForm, problems: Problem[]): JsonObject {
  const ws = form.webSearch;
  const tool: JsonObject = { type: ws.variant };
  if (ws.variant === "web_search") {
    const domains = splitList(ws.allowedDomains);
    if (domains.length > 0) tool.filters = { allowed_domains: domains };
    if (domains.some((d) => /[/:]/.test(d)))
      problems.push({ field: "webSearch", code: "domainNotHost", severity: "error" });
  }
  if (ws.contextSize !== "") tool.search_context_size = ws.contextSize;
  const location: JsonObject = {};
  for (const key of ["city", "region", "country", "timezone"] as const) {
    if (ws[key].trim() !== "") location[key] = ws[key].trim();
  }
  if (Object.keys(location).length > 0) tool.user_location = { type: "approximate", ...location };
  if (ws.country.trim() !== "" && !/^[A-Z]{2}$/.test(ws.country.trim())) {
    problems.push({ field: "webSearch", code: "countryCode", severity: "error" });
  }
  return tool;
}

/** `filters` JSON: a comparison (`{type: eq, key, value}`) or compound (`{type: and, filters}`). */
function filterProblem(value: unknown): string | null {
  if (!isObject(value)) return "filtersObject";
  const type = value.type;
  if (type === "and" || type === "or") {
    if (!Array.isArray(value.filters) || value.filters.length === 0) return "filtersCompound";
    for (const inner of value.filters) {
      const problem = filterProblem(inner);
      if (problem) return problem;
    }
    return null;
  }
  if (["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin"].includes(String(type))) {
    if (typeof value.key !== "string" || value.key === "") return "filtersKey";
    if (!("value" in value)) return "filtersValue";
    return null;
  }
  return "filtersType";
}

function fileSearchTool(form: PlaygroundForm, problems: Problem[]): JsonObject {
  const fs = form.fileSearch;
  const error = (code: string, params?: Problem["params"]) =>
    problems.push({ field: "fileSearch", code, severity: "error", params });
  const ids = splitList(fs.vectorStoreIds);
  if (ids.length === 0) error("vectorStoreIds");
  const tool: JsonObject = { type: "file_search", vector_store_ids: ids };
  if (fs.maxResults !== null) {
    if (!Number.isInteger(fs.maxResults) || !inRange(fs.maxResults, LIMITS.fileSearchMaxResults))
      error("maxResults");
    tool.max_num_results = fs.maxResults;
  }
  const ranking: JsonObject = {};
  if (fs.ranker !== "") ranking.ranker = fs.ranker;
  if (fs.scoreThreshold !== null) {
    if (!inRange(fs.scoreThreshold, LIMITS.scoreThreshold)) error("scoreThreshold");
    ranking.score_threshold = fs.scoreThreshold;
  }
  if (Object.keys(ranking).length > 0) tool.ranking_options = ranking;
  if (fs.filters.trim() !== "") {
    const parsed = parseJson(fs.filters);
    if (!parsed.ok) error("filtersJson", { message: parsed.message });
    else {
      const problem = filterProblem(parsed.value);
      if (problem) error(problem);
      tool.filters = parsed.value as Json;
    }
  }
  return tool;
}

function codeInterpreterTool(form: PlaygroundForm, problems: Problem[]): JsonObject {
  const ci = form.codeInterpreter;
  const error = (code: string) =>
    problems.push({ field: "codeInterpreter", code, severity: "error" });
  if (ci.container === "id") {
    if (ci.containerId.trim() === "") error("containerId");
    return { type: "code_interpreter", container: ci.containerId.trim() };
  }
  const container: JsonObject = { type: "auto" };
  const files = splitList(ci.fileIds);
  if (files.length > LIMITS.codeInterpreterFiles) error("containerFiles");
  if (files.length > 0) container.file_ids = files;
  if (ci.memoryLimit !== "") container.memory_limit = ci.memoryLimit;
  return { type: "code_interpreter", container };
}

function imageGenerationTool(form: PlaygroundForm, problems: Problem[]): JsonObject {
  const ig = form.imageGeneration;
  const error = (code: string) =>
    problems.push({ field: "imageGeneration", code, severity: "error" });
  const tool: JsonObject = { type: "image_generation" };
  if (ig.model.trim() !== "") tool.model = ig.model.trim();
  const size = ig.size.trim();
  if (size !== "") {
    if (size !== "auto" && !/^\d{2,5}x\d{2,5}$/.test(size)) error("imageSize");
    tool.size = size;
  }
  if (ig.quality !== "") tool.quality = ig.quality;
  if (ig.background !== "") tool.background = ig.background;
  if (ig.outputFormat !== "") tool.output_format = ig.outputFormat;
  if (ig.outputCompression !== null) {
    if (
      !Number.isInteger(ig.outputCompression) ||
      !inRange(ig.outputCompression, LIMITS.outputCompression)
    )
      error("outputCompression");
    tool.output_compression = ig.outputCompression;
  }
  if (ig.moderation !== "") tool.moderation = ig.moderation;
  if (ig.partialImages !== null) {
    if (!Number.isInteger(ig.partialImages) || !inRange(ig.partialImages, LIMITS.partialImages))
      error("partialImages");
    tool.partial_images = ig.partialImages;
  }
  if (ig.inputFidelity !== "") tool.input_fidelity = ig.inputFidelity;
  if (ig.action !== "") tool.action = ig.action;
  if (ig.background === "transparent" && ig.outputFormat === "jpeg") {
    problems.push({ field: "imageGeneration", code: "transparentJpeg", severity: "warning" });
  }
  return tool;
}

function toolsOf(form: PlaygroundForm, problems: Problem[]): Json[] {
  const tools: Json[] = [];
  if (form.webSearch.enabled) tools.push(webSearchTool(form, problems));
  if (form.fileSearch.enabled) tools.push(fileSearchTool(form, problems));
  if (form.codeInterpreter.enabled) tools.push(codeInterpreterTool(form, problems));
  if (form.imageGeneration.enabled) tools.push(imageGenerationTool(form, problems));
  for (const server of form.mcp) {
    const field = `mcp:${server.id}`;
    if (!NAME.test(server.label)) problems.push({ field, code: "mcpLabel", severity: "error" });
    if (!/^https?:\/\/\S+$/.test(server.url))
      problems.push({ field, code: "mcpUrl", severity: "error" });
    const tool: JsonObject = { type: "mcp", server_label: server.label, server_url: server.url };
    const headers: JsonObject = {};
    for (const row of server.headers)
      if (row.key.trim() !== "") headers[row.key.trim()] = row.value;
    if (Object.keys(headers).length > 0) tool.headers = headers;
    const allowed = splitList(server.allowedTools);
    if (allowed.length > 0) tool.allowed_tools = allowed;
    if (server.approval !== "") tool.require_approval = server.approval;
    tools.push(tool);
  }
  const names = new Set<string>();
  for (const fn of form.functions) {
    if (names.has(fn.name)) {
      problems.push({
        field: `function:${fn.id}`,
        code: "functionDuplicate",
        severity: "error",
        params: { name: fn.name },
      });
    }
    names.add(fn.name);
    tools.push(functionTool(fn, problems));
  }
  return tools;
}

function textConfigOf(form: PlaygroundForm, problems: Problem[]): JsonObject | null {
  const text: JsonObject = {};
  const f = form.format;
  if (f.type === "json_object") {
    text.format = { type: "json_object" };
  } else if (f.type === "json_schema") {
    if (!NAME.test(f.name))
      problems.push({ field: "format", code: "schemaName", severity: "error" });
    const format: JsonObject = { type: "json_schema", name: f.name };
    if (f.description.trim() !== "") format.description = f.description;
    const parsed = parseJson(f.schema);
    if (!parsed.ok) {
      problems.push({
        field: "format",
        code: "schemaJson",
        severity: "error",
        params: { message: parsed.message },
      });
    } else if (!isObject(parsed.value)) {
      problems.push({ field: "format", code: "schemaObject", severity: "error" });
    } else {
      format.schema = parsed.value as JsonObject;
      if (f.strict && strictProblems(parsed.value).length > 0) {
        problems.push({ field: "format", code: "schemaNotStrict", severity: "error" });
      }
    }
    format.strict = f.strict;
    text.format = format;
  }
  if (form.verbosity !== "") text.verbosity = form.verbosity;
  return Object.keys(text).length > 0 ? text : null;
}

function inputOf(form: PlaygroundForm, problems: Problem[]): Json[] {
  const input: Json[] = [];
  for (const message of form.messages) {
    const parts = message.parts.filter((p) => p.trim() !== "");
    const attachments = (message.attachments ?? []).filter((a) => a.value.trim() !== "");
    if (parts.length === 0 && attachments.length === 0) continue;
    // Earlier assistant turns are model output, so their parts are output_text.
    const type = message.role === "assistant" ? "output_text" : "input_text";
    const content: Json[] = parts.map((text) => ({ type, text }));
    if (attachments.length > 0 && message.role !== "user") {
      problems.push({ field: "messages", code: "attachmentRole", severity: "error" });
    }
    for (const attachment of attachments) content.push(attachmentPart(attachment, problems));
    input.push({ role: message.role, content });
  }
  if (
    input.length === 0 &&
    form.previousResponseId.trim() === "" &&
    form.conversation.trim() === ""
  ) {
    problems.push({ field: "messages", code: "inputEmpty", severity: "warning" });
  }
  return input;
}

/** Bytes a `data:` URL holds, from its base64 length. */
function inlineBytes(dataUrl: string): number {
  const comma = dataUrl.indexOf(",");
  return Math.floor(((dataUrl.length - comma - 1) * 3) / 4);
}

/** An image as `input_image` {image_url | file_id, detail}; a file as `input_file`. */
function attachmentPart(a: InputAttachment, problems: Problem[]): JsonObject {
  const error = (code: string, params?: Problem["params"]) =>
    problems.push({ field: "messages", code, severity: "error", params });
  const value = a.value.trim();
  if (a.source === "url" && !/^https?:\/\/\S+$/.test(value)) error("attachmentUrl");
  if (a.source === "inline") {
    if (!/^data:[^,]*;base64,/.test(value)) error("attachmentData");
    else if (inlineBytes(value) > LIMITS.inlineBytes)
      error("attachmentInlineTooLarge", { max: LIMITS.inlineBytes / (1024 * 1024) });
  }
  if (a.kind === "image") {
    const part: JsonObject = { type: "input_image" };
    if (a.source === "file_id") part.file_id = value;
    else part.image_url = value;
    // The spec requires `detail`; "auto" is the API's own default.
    part.detail = a.detail === "" ? "auto" : a.detail;
    return part;
  }
  const part: JsonObject = { type: "input_file" };
  if (a.source === "file_id") part.file_id = value;
  else if (a.source === "url") part.file_url = value;
  else {
    part.filename = a.filename.trim() === "" ? "file" : a.filename.trim();
    part.file_data = value;
  }
  return part;
}

function numberField(
  body: JsonObject,
  key: string,
  value: number | null,
  valid: (n: number) => boolean,
  problems: Problem[],
  field: string,
) {
  if (value === null) return;
  if (!valid(value)) problems.push({ field, code: field, severity: "error" });
  body[key] = value;
}

/**
 * The request body for `form`, and what is wrong with it. `localTools` are
 * the function tools of the user's own MCP servers (built by the backend),
 * sent after the form's tools.
 */
export function buildRequest(
  form: PlaygroundForm,
  localTools: readonly JsonObject[] = [],
): BuiltRequest {
  const problems: Problem[] = [];
  const body: JsonObject = {};
  if (form.model.trim() === "") problems.push({ field: "model", code: "model", severity: "error" });
  body.model = form.model.trim();
  if (form.instructions.trim() !== "") body.instructions = form.instructions;
  const input = inputOf(form, problems);
  if (input.length > 0) body.input = input;

  const int = Number.isInteger;
  numberField(
    body,
    "temperature",
    form.temperature,
    (n) => inRange(n, LIMITS.temperature),
    problems,
    "temperature",
  );
  numberField(body, "top_p", form.topP, (n) => inRange(n, LIMITS.topP), problems, "topP");
  numberField(
    body,
    "max_output_tokens",
    form.maxOutputTokens,
    (n) => int(n) && n >= LIMITS.maxOutputTokensMin,
    problems,
    "maxOutputTokens",
  );
  numberField(
    body,
    "max_tool_calls",
    form.maxToolCalls,
    (n) => int(n) && n >= 1,
    problems,
    "maxToolCalls",
  );
  numberField(
    body,
    "top_logprobs",
    form.topLogprobs,
    (n) => int(n) && inRange(n, LIMITS.topLogprobs),
    problems,
    "topLogprobs",
  );
  if (form.truncation !== "") body.truncation = form.truncation;
  if (form.store !== null) body.store = form.store;
  if (form.background) body.background = true;
  if (form.background && form.store === false) {
    problems.push({ field: "background", code: "backgroundNeedsStore", severity: "error" });
  }
  if (form.serviceTier !== "") body.service_tier = form.serviceTier;
  if (form.parallelToolCalls !== null) body.parallel_tool_calls = form.parallelToolCalls;

  const tools = [...toolsOf(form, problems), ...localTools];
  if (tools.length > 0) body.tools = tools;
  if (form.toolChoice === "function") {
    const name = form.toolChoiceName.trim();
    if (!form.functions.some((f) => f.name === name) && !localTools.some((t) => t.name === name)) {
      problems.push({
        field: "toolChoice",
        code: "toolChoiceName",
        severity: "error",
        params: { name },
      });
    }
    body.tool_choice = { type: "function", name };
  } else if (form.toolChoice === "hosted") {
    const type = form.toolChoiceName;
    if (!(HOSTED_TOOL_CHOICES as readonly string[]).includes(type)) {
      problems.push({ field: "toolChoice", code: "toolChoiceHosted", severity: "error" });
    } else if (!tools.some((t) => isObject(t) && hostedMatches(String(t.type), type))) {
      problems.push({
        field: "toolChoice",
        code: "toolChoiceNotOffered",
        severity: "error",
        params: { name: type },
      });
    }
    body.tool_choice = { type };
  } else if (form.toolChoice === "mcp") {
    const label = (form.toolChoiceServer ?? "").trim();
    if (!form.mcp.some((server) => server.label === label)) {
      problems.push({
        field: "toolChoice",
        code: "toolChoiceServer",
        severity: "error",
        params: { name: label },
      });
    }
    const choice: JsonObject = { type: "mcp", server_label: label };
    if (form.toolChoiceName.trim() !== "") choice.name = form.toolChoiceName.trim();
    body.tool_choice = choice;
  } else if (form.toolChoice !== "") {
    body.tool_choice = form.toolChoice;
  }
  if (form.include.length > 0) body.include = [...form.include];
  const metadata = metadataOf(form.metadata, problems);
  if (metadata) body.metadata = metadata;
  if (form.promptCacheKey.trim() !== "") body.prompt_cache_key = form.promptCacheKey.trim();
  if (form.safetyIdentifier.trim() !== "") body.safety_identifier = form.safetyIdentifier.trim();

  const reasoning: JsonObject = {};
  if (form.reasoningEffort !== "") reasoning.effort = form.reasoningEffort;
  if (form.reasoningSummary !== "") reasoning.summary = form.reasoningSummary;
  if (Object.keys(reasoning).length > 0) body.reasoning = reasoning;
  const text = textConfigOf(form, problems);
  if (text) body.text = text;

  const previous = form.previousResponseId.trim();
  const conversation = form.conversation.trim();
  if (previous !== "") body.previous_response_id = previous;
  if (conversation !== "") body.conversation = conversation;
  if (previous !== "" && conversation !== "") {
    // The API refuses both: a conversation already chains its responses.
    problems.push({
      field: "previousResponseId",
      code: "previousWithConversation",
      severity: "error",
    });
  }
  return { body, problems };
}

/** Whether a tool of `toolType` in `tools` is the hosted tool `choice` forces. */
function hostedMatches(toolType: string, choice: string): boolean {
  // Forcing web_search_preview is how the API forces either web search tool.
  if (choice === "web_search_preview") return toolType.startsWith("web_search");
  return toolType === choice;
}

export function hasErrors(problems: Problem[]): boolean {
  return problems.some((p) => p.severity === "error");
}

/** A function call waiting for its output. */
export interface PendingCall {
  callId: string;
  name: string;
  arguments: string;
}

/** The function calls in a response's output, in order. */
export function pendingCalls(response: unknown): PendingCall[] {
  if (!isObject(response) || !Array.isArray(response.output)) return [];
  return response.output.filter(isObject).flatMap((item) =>
    item.type === "function_call" && typeof item.call_id === "string"
      ? [
          {
            callId: item.call_id,
            name: typeof item.name === "string" ? item.name : "",
            arguments: typeof item.arguments === "string" ? item.arguments : "",
          },
        ]
      : [],
  );
}

/**
 * The request that hands the function outputs back. With the response
 * stored (the default), it chains by `previous_response_id` (or stays in the
 * same `conversation`) and sends only the outputs. With `store: false` the
 * server remembers nothing, so the whole exchange is replayed: the previous
 * input, the response's output items, then the outputs.
 */
export function followUpRequest(
  previous: JsonObject,
  response: unknown,
  outputs: { callId: string; output: string }[],
): JsonObject {
  const outputItems: Json[] = outputs.map((o) => ({
    type: "function_call_output",
    call_id: o.callId,
    output: o.output,
  }));
  return followUpWith(previous, response, outputItems);
}

/** The request that continues `response` with `outputItems` (function outputs, approvals). */
export function followUpWith(
  previous: JsonObject,
  response: unknown,
  outputItems: Json[],
): JsonObject {
  const next: JsonObject = { ...previous };
  delete next.input;
  if (previous.store === false) {
    delete next.previous_response_id;
    const before = Array.isArray(previous.input)
      ? previous.input
      : typeof previous.input === "string"
        ? [{ role: "user", content: previous.input }]
        : [];
    const produced = (isObject(response) && Array.isArray(response.output) ? response.output : [])
      .filter(isObject)
      // A reasoning item without its encrypted content cannot be replayed
      // when nothing is stored: the server would look its id up and fail.
      .filter((item) => item.type !== "reasoning" || typeof item.encrypted_content === "string")
      .map((item) => item as JsonObject);
    next.input = [...before, ...produced, ...outputItems];
  } else {
    if (previous.conversation === undefined) {
      const id = isObject(response) && typeof response.id === "string" ? response.id : "";
      next.previous_response_id = id;
    }
    next.input = outputItems;
  }
  return next;
}
