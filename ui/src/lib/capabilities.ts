// What each feature is called for a user, and how a verdict reads. The
// backend (halley_core::capabilities) decides; this only names.
import type { Feature, Finding, Verdict } from "./ipc";
import type { MessageKey } from "./i18n/en";

const FEATURE_LABELS: Record<Feature, MessageKey> = {
  model_list: "feature.modelList",
  responses: "feature.responses",
  streaming: "feature.streaming",
  sequence_numbers: "feature.sequenceNumbers",
  chaining: "feature.chaining",
  stored_responses: "feature.storedResponses",
  reasoning_effort: "feature.reasoningEffort",
  reasoning_summary: "feature.reasoningSummary",
  encrypted_reasoning: "feature.encryptedReasoning",
  web_search: "feature.webSearch",
  structured_output: "feature.structuredOutput",
  logprobs: "feature.logprobs",
  background: "feature.background",
  input_tokens: "feature.inputTokens",
  code_interpreter: "feature.codeInterpreter",
  image_generation: "feature.imageGeneration",
  file_search: "feature.fileSearch",
};

export function featureLabel(feature: Feature): MessageKey {
  return FEATURE_LABELS[feature];
}

export const VERDICT_LABELS: Record<Verdict, MessageKey> = {
  supported: "verdict.supported",
  unsupported: "verdict.unsupported",
  ignored: "verdict.ignored",
  untested: "verdict.untested",
};

/** Whether Halley leaves the feature out of chat requests (as the backend does). */
export function withholds(verdict: Verdict): boolean {
  return verdict === "unsupported" || verdict === "ignored";
}

/** How long a finding decides (the backend's STALE_AFTER_MS). */
const STALE_AFTER_MS = 30 * 24 * 3600 * 1000;

/** The finding that decides `feature` for `model`, if a fresh, real one is known. */
export function findingFor(
  findings: readonly Finding[],
  feature: Feature,
  model: string,
  now = Date.now(),
): Finding | null {
  const scope = feature === "model_list" ? "" : model;
  return (
    findings.find(
      (f) =>
        f.feature === feature &&
        f.model === scope &&
        f.verdict !== "untested" &&
        now - f.learnedAt <= STALE_AFTER_MS,
    ) ?? null
  );
}
