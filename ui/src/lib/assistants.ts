// Assistants without Svelte: the editor's draft and its checks (the same
// rules as the backend's `AssistantInput::checked`, said in the user's
// language), and the two ways between the Playground and an assistant.
import type { Assistant, AssistantInput } from "./ipc";
import type { MessageKey } from "./i18n/en";
import { defaultForm, newMessage, type PlaygroundForm } from "./playground/state";

export const MAX_NAME_CHARS = 60;
export const MAX_EMOJI_CHARS = 16;
export const MAX_INSTRUCTIONS_CHARS = 100_000;
export const MAX_STARTER_PROMPTS = 4;
export const MAX_STARTER_PROMPT_CHARS = 500;

/** The editor's fields: starter prompts always four boxes (empty ones are not kept). */
export type AssistantDraft = Omit<AssistantInput, "starterPrompts"> & { starterPrompts: string[] };

export function blankDraft(): AssistantDraft {
  return {
    id: null,
    name: "",
    emoji: "",
    instructions: "",
    model: "",
    reasoningEffort: null,
    verbosity: null,
    tools: { webSearch: false, codeInterpreter: false, imageGeneration: false, mcpServers: [] },
    starterPrompts: ["", "", "", ""],
  };
}

function fourBoxes(prompts: readonly string[]): string[] {
  return [...prompts, "", "", "", ""].slice(0, MAX_STARTER_PROMPTS);
}

export function draftOf(assistant: Assistant): AssistantDraft {
  return {
    id: assistant.id,
    name: assistant.name,
    emoji: assistant.emoji,
    instructions: assistant.instructions,
    model: assistant.model,
    reasoningEffort: assistant.reasoningEffort,
    verbosity: assistant.verbosity,
    tools: { ...assistant.tools, mcpServers: [...assistant.tools.mcpServers] },
    starterPrompts: fourBoxes(assistant.starterPrompts),
  };
}

/** What the backend is sent: trimmed, empty starter prompts dropped. */
export function inputOf(draft: AssistantDraft): AssistantInput {
  return {
    ...draft,
    name: draft.name.trim(),
    emoji: draft.emoji.trim(),
    model: draft.model.trim(),
    starterPrompts: draft.starterPrompts.map((p) => p.trim()).filter((p) => p !== ""),
  };
}

export interface DraftProblem {
  field: "name" | "emoji" | "instructions" | "model" | "starter";
  key: MessageKey;
  params: Record<string, string | number>;
}

/** The first rule the draft breaks, or null. */
export function checkDraft(draft: AssistantDraft): DraftProblem | null {
  const chars = (s: string) => [...s].length;
  const name = draft.name.trim();
  if (name === "") return { field: "name", key: "assistants.error.noName", params: {} };
  if (chars(name) > MAX_NAME_CHARS)
    return { field: "name", key: "assistants.error.nameTooLong", params: { max: MAX_NAME_CHARS } };
  if (chars(draft.emoji.trim()) > MAX_EMOJI_CHARS)
    return { field: "emoji", key: "assistants.error.emojiTooLong", params: {} };
  if (chars(draft.instructions) > MAX_INSTRUCTIONS_CHARS)
    return {
      field: "instructions",
      key: "assistants.error.instructionsTooLong",
      params: { max: MAX_INSTRUCTIONS_CHARS },
    };
  if (/\s/.test(draft.model.trim()))
    return { field: "model", key: "assistants.error.modelHasSpaces", params: {} };
  const long = draft.starterPrompts.findIndex((p) => chars(p.trim()) > MAX_STARTER_PROMPT_CHARS);
  if (long >= 0)
    return {
      field: "starter",
      key: "assistants.error.starterTooLong",
      params: { n: long + 1, max: MAX_STARTER_PROMPT_CHARS },
    };
  return null;
}

/** A Playground form's parameters an assistant has no place for, by their API names. */
function notMapped(form: PlaygroundForm): string[] {
  const left: [boolean, string][] = [
    [form.temperature !== null, "temperature"],
    [form.topP !== null, "top_p"],
    [form.maxOutputTokens !== null, "max_output_tokens"],
    [form.maxToolCalls !== null, "max_tool_calls"],
    [form.topLogprobs !== null, "top_logprobs"],
    [form.truncation !== "", "truncation"],
    [form.store !== null, "store"],
    [form.background, "background"],
    [form.serviceTier !== "", "service_tier"],
    [form.parallelToolCalls !== null, "parallel_tool_calls"],
    [form.toolChoice !== "", "tool_choice"],
    [form.include.length > 0, "include"],
    [form.metadata.length > 0, "metadata"],
    [form.promptCacheKey !== "", "prompt_cache_key"],
    [form.safetyIdentifier !== "", "safety_identifier"],
    [form.reasoningSummary !== "", "reasoning.summary"],
    [form.previousResponseId !== "", "previous_response_id"],
    [form.conversation !== "", "conversation"],
    [form.format.type !== "text", "text.format"],
    [
      form.messages.some(
        (m) => (m.role === "user" || m.role === "assistant") && m.parts.some((p) => p.trim()),
      ),
      "input",
    ],
    [
      form.webSearch.enabled &&
        (form.webSearch.variant !== "web_search_preview" ||
          form.webSearch.contextSize !== "" ||
          [form.webSearch.city, form.webSearch.region, form.webSearch.country].some((v) => v) ||
          form.webSearch.allowedDomains.trim() !== ""),
      "web_search options",
    ],
    [form.fileSearch.enabled, "file_search"],
    [
      form.codeInterpreter.enabled &&
        (form.codeInterpreter.container !== "auto" ||
          form.codeInterpreter.fileIds.trim() !== "" ||
          form.codeInterpreter.memoryLimit !== ""),
      "code_interpreter container",
    ],
    [
      form.imageGeneration.enabled &&
        Object.entries(form.imageGeneration).some(
          ([k, v]) => k !== "enabled" && v !== "" && v !== null,
        ),
      "image_generation options",
    ],
    [form.mcp.length > 0, "mcp (remote servers)"],
    [form.functions.length > 0, "functions"],
  ];
  return left.filter(([set]) => set).map(([, name]) => name);
}

/**
 * An assistant draft from a Playground preset's form: instructions (with
 * the form's developer and system messages after them), model, effort,
 * verbosity and the hosted tools that chat has; `notMapped` names what the
 * form sets that an assistant cannot carry.
 */
export function draftFromPreset(
  name: string,
  form: PlaygroundForm,
): { draft: AssistantDraft; notMapped: string[] } {
  const system = form.messages
    .filter((m) => m.role === "developer" || m.role === "system")
    .flatMap((m) => m.parts)
    .map((p) => p.trim())
    .filter((p) => p !== "");
  const draft = blankDraft();
  draft.name = name.slice(0, MAX_NAME_CHARS);
  draft.instructions = [form.instructions.trim(), ...system].filter((p) => p !== "").join("\n\n");
  draft.model = form.model.trim();
  draft.reasoningEffort = form.reasoningEffort === "" ? null : form.reasoningEffort;
  draft.verbosity = form.verbosity === "" ? null : form.verbosity;
  draft.tools.webSearch = form.webSearch.enabled;
  draft.tools.codeInterpreter = form.codeInterpreter.enabled;
  draft.tools.imageGeneration = form.imageGeneration.enabled;
  return { draft, notMapped: notMapped(form) };
}

/**
 * A Playground form that sends what a chat with the assistant sends: its
 * instructions, model (or `fallbackModel`), effort, verbosity and hosted
 * tools, with its first starter prompt as the user message.
 */
export function formFromAssistant(assistant: Assistant, fallbackModel: string): PlaygroundForm {
  const form = defaultForm(assistant.model || fallbackModel);
  form.instructions = assistant.instructions;
  form.reasoningEffort = assistant.reasoningEffort ?? "";
  form.verbosity = assistant.verbosity ?? "";
  form.webSearch.enabled = assistant.tools.webSearch;
  form.codeInterpreter.enabled = assistant.tools.codeInterpreter;
  form.imageGeneration.enabled = assistant.tools.imageGeneration;
  form.messages = [newMessage("user", assistant.starterPrompts[0] ?? "")];
  return form;
}
