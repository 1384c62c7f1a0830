// The event timeline of a run and the figures read from it: time to first
// byte, to first token, tokens per second, usage.

import { isObject } from "./schema";

export interface TimedEvent {
  ms: number;
  event: Record<string, unknown>;
}

export interface EventGroup {
  /** `null` for response-level events (created, in_progress, completed...). */
  outputIndex: number | null;
  events: TimedEvent[];
}

/** Events grouped per output item, groups in order of first appearance. */
export function groupByOutput(events: TimedEvent[]): EventGroup[] {
  const groups: EventGroup[] = [];
  for (const e of events) {
    const index = typeof e.event.output_index === "number" ? e.event.output_index : null;
    let group = groups.find((g) => g.outputIndex === index);
    if (!group) {
      group = { outputIndex: index, events: [] };
      groups.push(group);
    }
    group.events.push(e);
  }
  return groups;
}

export interface RunFigures {
  firstByteMs: number | null;
  firstTokenMs: number | null;
  totalMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  reasoningTokens: number | null;
  cachedTokens: number | null;
  totalTokens: number | null;
  /** Output tokens over the time from the first token to the end. */
  tokensPerSecond: number | null;
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** A delta that carries generated content (text, reasoning, arguments, code). */
function isTokenDelta(type: unknown): boolean {
  return typeof type === "string" && type.endsWith(".delta");
}

export function figures(
  events: TimedEvent[],
  openedMs: number | null,
  finishedMs: number | null,
  response: unknown,
): RunFigures {
  const first = events.find((e) => isTokenDelta(e.event.type));
  const usage = isObject(response) && isObject(response.usage) ? response.usage : {};
  const inDetails = isObject(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const outDetails = isObject(usage.output_tokens_details) ? usage.output_tokens_details : {};
  const outputTokens = num(usage.output_tokens);
  const firstTokenMs = first?.ms ?? null;
  const generating =
    firstTokenMs !== null && finishedMs !== null ? (finishedMs - firstTokenMs) / 1000 : 0;
  return {
    firstByteMs: openedMs,
    firstTokenMs,
    totalMs: finishedMs,
    inputTokens: num(usage.input_tokens),
    outputTokens,
    reasoningTokens: num(outDetails.reasoning_tokens),
    cachedTokens: num(inDetails.cached_tokens),
    totalTokens: num(usage.total_tokens),
    tokensPerSecond: outputTokens !== null && generating > 0 ? outputTokens / generating : null,
  };
}
