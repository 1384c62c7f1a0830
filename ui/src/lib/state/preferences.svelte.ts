// Display preferences kept in localStorage (they are per machine, not per
// conversation). Applying them touches only <html>: data-theme, font size, lang.
import { detectLanguage, setLanguage, type Language } from "../i18n/index.svelte";

export type Theme = "system" | "light" | "dark";
export type LanguageChoice = "system" | Language;

export interface Preferences {
  theme: Theme;
  fontSize: number;
  language: LanguageChoice;
  /** Ask the API to store responses server-side (`store: true`). */
  serverStorage: boolean;
  model: string;
  webSearch: boolean;
  reasoningEffort: "default" | "minimal" | "low" | "medium" | "high";
}

const KEY = "halley.preferences";
export const DEFAULT_MODEL = "gpt-5-mini";

const defaults: Preferences = {
  theme: "system",
  fontSize: 15,
  language: "system",
  serverStorage: true,
  model: DEFAULT_MODEL,
  webSearch: false,
  reasoningEffort: "default",
};

function load(): Preferences {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? { ...defaults, ...(JSON.parse(raw) as Partial<Preferences>) } : { ...defaults };
  } catch {
    // Broken JSON or no storage: defaults are always a working UI.
    return { ...defaults };
  }
}

export const preferences = $state<Preferences>(load());

export function savePreferences(): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(preferences));
  } catch {
    // Storage full or denied: preferences still apply for this session.
  }
  applyPreferences();
}

export function applyPreferences(): void {
  const root = document.documentElement;
  if (preferences.theme === "system") delete root.dataset.theme;
  else root.dataset.theme = preferences.theme;
  root.style.setProperty("--font-size", `${preferences.fontSize}px`);
  setLanguage(
    preferences.language === "system"
      ? detectLanguage(typeof navigator === "undefined" ? [] : navigator.languages)
      : preferences.language,
  );
}
