// Compare: the same request run against a few model/parameter variants side
// by side. A variant overrides only what it sets; the rest is the form's.

import type { PlaygroundStatus } from "../ipc";
import type { JsonObject } from "./request";
import { rowId } from "./state";
import { figures, type RunFigures, type TimedEvent } from "./timeline";

export const MAX_VARIANTS = 4;

export interface Variant {
  id: string;
  model: string;
  temperature: number | null;
  reasoningEffort: "" | "none" | "minimal" | "low" | "medium" | "high" | "xhigh";
  maxOutputTokens: number | null;
}

export function newVariant(model = ""): Variant {
  return { id: rowId(), model, temperature: null, reasoningEffort: "", maxOutputTokens: null };
}

/** `base` with the variant's settings applied. Compare runs stream in the foreground. */
export function variantBody(base: JsonObject, variant: Variant): JsonObject {
  const body: JsonObject = { ...base };
  delete body.stream;
  delete body.background;
  if (variant.model.trim() !== "") body.model = variant.model.trim();
  if (variant.temperature !== null) body.temperature = variant.temperature;
  if (variant.maxOutputTokens !== null) body.max_output_tokens = variant.maxOutputTokens;
  if (variant.reasoningEffort !== "") {
    const reasoning =
      typeof body.reasoning === "object" &&
      body.reasoning !== null &&
      !Array.isArray(body.reasoning)
        ? body.reasoning
        : {};
    body.reasoning = { ...reasoning, effort: variant.reasoningEffort };
  }
  return body;
}

/** A short label for the table: the model and what the variant changes. */
export function variantLabel(variant: Variant, fallbackModel: string): string {
  const parts = [variant.model.trim() || fallbackModel];
  if (variant.temperature !== null) parts.push(`T=${variant.temperature}`);
  if (variant.reasoningEffort !== "") parts.push(`effort=${variant.reasoningEffort}`);
  if (variant.maxOutputTokens !== null) parts.push(`max=${variant.maxOutputTokens}`);
  return parts.join(" · ");
}

/** What one variant's run has shown so far. */
export interface VariantRun {
  status: "running" | PlaygroundStatus;
  text: string;
  events: TimedEvent[];
  openedMs: number | null;
  finishedMs: number | null;
  response: Record<string, unknown> | null;
  error: string | null;
}

export function emptyRun(): VariantRun {
  return {
    status: "running",
    text: "",
    events: [],
    openedMs: null,
    finishedMs: null,
    response: null,
    error: null,
  };
}

export function runFigures(run: VariantRun): RunFigures {
  return figures(run.events, run.openedMs, run.finishedMs, run.response);
}
