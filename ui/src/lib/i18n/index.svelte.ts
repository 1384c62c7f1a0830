// One message catalog for all UI text. The language follows the OS unless the
// user picks one; missing params render as-is so a bad translation never throws.
import { en, type Catalog, type MessageKey } from "./en";
import { vi } from "./vi";

export const LANGUAGES = { en, vi } as const satisfies Record<string, Catalog>;
export type Language = keyof typeof LANGUAGES;

export function detectLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (base && base in LANGUAGES) return base as Language;
  }
  return "en";
}

let current = $state<Language>(
  detectLanguage(typeof navigator === "undefined" ? [] : navigator.languages),
);

export function setLanguage(language: Language): void {
  current = language;
  if (typeof document !== "undefined") document.documentElement.lang = language;
}

export function language(): Language {
  return current;
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = LANGUAGES[current][key] ?? en[key];
  return fill(template, params, current);
}

/**
 * `{name}` takes its param; `{name, plural, one {# file} other {# files}}`
 * takes the form the language's plural rules pick for the number (`#` is
 * the number). Vietnamese has one form, so its strings use plain `{name}`.
 */
export function fill(
  template: string,
  params: Record<string, string | number>,
  lang: Language,
): string {
  const plurals = template.replace(
    /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other) \{[^{}]*\})+)\s*\}/g,
    (match, name: string, forms: string) => {
      const value = params[name];
      if (typeof value !== "number") return match;
      const options: Record<string, string> = {};
      for (const [, form, text] of forms.matchAll(/(=\d+|\w+) \{([^{}]*)\}/g)) {
        options[form!] = text!;
      }
      const chosen =
        options[`=${value}`] ?? options[new Intl.PluralRules(lang).select(value)] ?? options.other;
      return chosen === undefined ? match : chosen.replaceAll("#", String(value));
    },
  );
  return plurals.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? String(params[name]) : match,
  );
}
