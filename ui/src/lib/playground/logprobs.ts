// Token probabilities of a message, for the heat map. The API sends them on
// each `output_text` part as `logprobs: [{token, logprob, bytes,
// top_logprobs: [{token, logprob}]}]` when `top_logprobs` is set or `include`
// names `message.output_text.logprobs`.

import { isObject } from "./schema";

export interface Alternative {
  token: string;
  /** Probability, 0..1 (exp of the logprob). */
  probability: number;
}

export interface TokenProbability extends Alternative {
  logprob: number;
  /** The most likely tokens at this position (the chosen one included). */
  alternatives: Alternative[];
}

function probability(logprob: number): number {
  // A logprob is <= 0; rounding on the server can give a hair above.
  return Math.min(1, Math.max(0, Math.exp(logprob)));
}

/** Reads one part's `logprobs` array; entries without a token or a numeric logprob are skipped. */
export function tokenProbabilities(logprobs: unknown): TokenProbability[] {
  if (!Array.isArray(logprobs)) return [];
  const tokens: TokenProbability[] = [];
  for (const entry of logprobs) {
    if (!isObject(entry) || typeof entry.token !== "string" || typeof entry.logprob !== "number")
      continue;
    const alternatives = (Array.isArray(entry.top_logprobs) ? entry.top_logprobs : [])
      .filter(
        (a): a is { token: string; logprob: number } =>
          isObject(a) && typeof a.token === "string" && typeof a.logprob === "number",
      )
      .map((a) => ({ token: a.token, probability: probability(a.logprob) }))
      .sort((a, b) => b.probability - a.probability);
    tokens.push({
      token: entry.token,
      logprob: entry.logprob,
      probability: probability(entry.logprob),
      alternatives,
    });
  }
  return tokens;
}

/** Five heat levels: 0 = very unsure (< 20 %) … 4 = confident (≥ 90 %). */
export function heatLevel(p: number): 0 | 1 | 2 | 3 | 4 {
  if (p >= 0.9) return 4;
  if (p >= 0.7) return 3;
  if (p >= 0.45) return 2;
  if (p >= 0.2) return 1;
  return 0;
}

export function percent(p: number): string {
  return `${(p * 100).toFixed(p >= 0.995 || p < 0.01 ? 0 : 1)}%`;
}

/** The hover text of a token: its probability, then the alternatives. */
export function tokenTitle(t: TokenProbability): string {
  const lines = [
    `${JSON.stringify(t.token)} ${percent(t.probability)} (logprob ${t.logprob.toFixed(3)})`,
  ];
  for (const a of t.alternatives)
    lines.push(`  ${JSON.stringify(a.token)} ${percent(a.probability)}`);
  return lines.join("\n");
}
