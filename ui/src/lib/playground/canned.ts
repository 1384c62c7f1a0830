// Canned function outputs: per function, outputs saved with the form (and so
// with presets), offered in each call's output box; with Auto-reply on, every
// call is answered with its function's first canned output and the chain goes
// on by itself, for at most `autoReplyMaxRounds` rounds.

import type { PendingCall } from "./request";
import type { PlaygroundForm } from "./state";

export const DEFAULT_AUTO_REPLY_ROUNDS = 5;

/** The non-empty canned outputs of the function named `name`. */
export function cannedFor(form: PlaygroundForm, name: string): string[] {
  const fn = form.functions.find((f) => f.name.trim() === name);
  return (fn?.cannedOutputs ?? []).filter((o) => o.trim() !== "");
}

/** The JSON schema text of the function named `name`, if any. */
export function parametersOf(form: PlaygroundForm, name: string): string | null {
  return form.functions.find((f) => f.name.trim() === name)?.parameters ?? null;
}

export function maxAutoRounds(form: PlaygroundForm): number {
  const n = form.autoReplyMaxRounds;
  return n === null || !Number.isFinite(n) ? DEFAULT_AUTO_REPLY_ROUNDS : Math.max(1, Math.floor(n));
}

/**
 * What Auto-reply sends for `calls` after `round` automatic rounds, or null
 * when it should not answer: off, nothing to answer, the bound reached, or a
 * call whose function has no canned output (the user answers that one).
 */
export function autoReplyOutputs(
  form: PlaygroundForm,
  calls: PendingCall[],
  round: number,
): { callId: string; output: string }[] | null {
  if (!form.autoReply || calls.length === 0 || round >= maxAutoRounds(form)) return null;
  const outputs: { callId: string; output: string }[] = [];
  for (const call of calls) {
    const [first] = cannedFor(form, call.name);
    if (first === undefined) return null;
    outputs.push({ callId: call.callId, output: first });
  }
  return outputs;
}
