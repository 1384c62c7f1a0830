// What a model takes, read from its name: which reasoning efforts and
// whether `text.verbosity`. Halley knows no model table, and gateways name
// models their own way, so the rule is by family (after a vendor prefix
// such as "openai/"), following OpenAI's model pages:
// - GPT-5 (gpt-5, -mini, -nano, -codex): minimal, low, medium, high;
// - GPT-5.1 and later (gpt-5.1, gpt-5.2, …): none, low, medium, high, and
//   xhigh from 5.2 (and on a -codex-max);
// - o-series (o1, o3, o4-mini): low, medium, high;
// - GPT-4, GPT-3.5, chatgpt-4o: no reasoning (the control is hidden);
// - any other name: low, medium, high, the levels every reasoning API
//   takes; a model that refuses them is learned by the backend
//   (`chat::adapt`) and the control greys out.
// Verbosity is a GPT-5 parameter: shown (and sent) for the GPT-5 family only.
import type { ReasoningEffort } from "./ipc";

/** Every level the API has, in order. */
export const ALL_EFFORTS: readonly ReasoningEffort[] = [
  "none",
  "minimal",
  "low",
  "medium",
  "high",
  "xhigh",
];

function family(model: string): string {
  return model.trim().toLowerCase().split("/").pop() ?? "";
}

export function effortLevels(model: string): ReasoningEffort[] {
  const name = family(model);
  const gpt5 = /^gpt-5(?:\.(\d+))?/.exec(name);
  if (gpt5) {
    const minor = Number(gpt5[1] ?? "0");
    if (minor === 0) return ["minimal", "low", "medium", "high"];
    const levels: ReasoningEffort[] = ["none", "low", "medium", "high"];
    if (minor >= 2 || name.includes("codex-max")) levels.push("xhigh");
    return levels;
  }
  if (/^o\d/.test(name)) return ["low", "medium", "high"];
  if (/^(gpt-4|gpt-3|chatgpt-)/.test(name)) return [];
  return ["low", "medium", "high"];
}

export function takesVerbosity(model: string): boolean {
  return /^gpt-5/.test(family(model));
}

/** `effort` when `model` takes it, else null (the model's default). */
export function effortFor(model: string, effort: ReasoningEffort | null): ReasoningEffort | null {
  return effort !== null && effortLevels(model).includes(effort) ? effort : null;
}
