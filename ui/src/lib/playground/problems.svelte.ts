// Problems of the current form, in words, by field.
import { t } from "../i18n/index.svelte";
import type { MessageKey } from "../i18n/en";
import type { Problem } from "./request";

export function problemText(problem: Problem): string {
  return t(`pg.problem.${problem.code}` as MessageKey, problem.params ?? {});
}

/** The first problem's text for `field`, or "" when it is fine. */
export function fieldError(problems: Problem[], field: string): string {
  const found = problems.find((p) => p.field === field);
  return found ? problemText(found) : "";
}
