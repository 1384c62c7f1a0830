// A plain-language line, in the user's language, for the turn errors whose
// backend message (English, technical) needs one: the limits Halley puts on
// what a gateway sends, a PDF upload, an answer the provider gave up on. Keyed by the stable `TurnError.code`; unknown codes
// get no hint.
import type { TurnErrorCode } from "./ipc";
import type { MessageKey } from "./i18n/en";

const HINTS: Readonly<Partial<Record<TurnErrorCode, MessageKey>>> = {
  stalled: "message.hint.stalled",
  too_large: "message.hint.tooLarge",
  redirect_refused: "message.hint.redirectRefused",
  upload_failed: "message.hint.uploadFailed",
  response_failed: "message.hint.responseFailed",
  answer_expired: "message.hint.answerExpired",
};

export function errorHint(code: TurnErrorCode): MessageKey | null {
  return Object.hasOwn(HINTS, code) ? (HINTS[code] ?? null) : null;
}

/** Why an answer was cut off, from the API's `incomplete_details.reason`. */
export function incompleteReason(reason: string | null): MessageKey {
  switch (reason) {
    case "max_output_tokens":
      return "message.incomplete.maxTokens";
    case "content_filter":
      return "message.incomplete.contentFilter";
    default:
      return "message.incomplete.other";
  }
}
