// Small display formatters shared by several components.
import type { Usage } from "./ipc";
import { language, t } from "./i18n/index.svelte";

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(language()).format(n);
}

/** A day in the user's language (when something was learned, say). */
export function formatDate(ms: number): string {
  return new Intl.DateTimeFormat(language(), { dateStyle: "medium" }).format(new Date(ms));
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Dollars in the user's language: cents for a dollar or more, two
 * significant digits below (an answer often costs a fraction of a cent).
 */
export function formatCost(usd: number): string {
  const options: Intl.NumberFormatOptions =
    usd >= 1 || usd === 0
      ? { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 }
      : { style: "currency", currency: "USD", maximumSignificantDigits: 2 };
  return new Intl.NumberFormat(language(), options).format(usd);
}

/** A short duration in words: "12 s", "1 min 5 s" (at least 1 s). */
export function formatDuration(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 60) return t("duration.seconds", { s: String(seconds) });
  return t("duration.minutes", {
    m: String(Math.floor(seconds / 60)),
    s: String(seconds % 60),
  });
}

export function totalTokens(usage: Usage): number {
  return usage.inputTokens + usage.outputTokens;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
