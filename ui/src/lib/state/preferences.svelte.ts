// The user's preferences. The backend owns them (they live in the history
// database, so a backup keeps them); this module holds the copy the UI binds
// to, loads it once at start and saves every change. Applying them touches
// only <html>: data-theme, font size, lang.
import { detectLanguage, setLanguage, t } from "../i18n/index.svelte";
import { ipc, toIpcError, type DamagedSetting, type Settings } from "../ipc";
import { showToast } from "./toasts.svelte";

export const DEFAULT_MODEL = "gpt-5-mini";

/** The backend's defaults, used until (and if) the stored settings are read. */
const defaults: Settings = {
  theme: "system",
  language: "system",
  fontSize: 15,
  serverSideStorage: true,
  model: DEFAULT_MODEL,
  webSearch: false,
  codeInterpreter: false,
  imageGeneration: false,
  imageOptions: { size: "auto", quality: "auto", background: "auto" },
  prices: [],
  keepUploadedFiles: false,
  reasoningEffort: null,
  probeAutomatically: true,
  automaticBackups: true,
  backupsKept: 7,
  longAnswers: "auto",
  longAnswerModels: [],
  quickAskShortcut: null,
  generatedTitles: true,
};

export const preferences = $state<Settings>({ ...defaults });

/** Stored settings that could not be read at start (their defaults apply). */
export const damagedSettings = $state<{ list: DamagedSetting[] }>({ list: [] });

/** Where versions before 0.2 kept the preferences; moved to the backend once. */
const LEGACY_KEY = "halley.preferences";

/** A legacy copy's values that still mean something, in today's shape. */
function legacyPreferences(): Partial<Settings> | null {
  let raw: string | null;
  try {
    raw = localStorage.getItem(LEGACY_KEY);
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const old = JSON.parse(raw) as Record<string, unknown>;
    const moved: Partial<Settings> = {};
    if (old.theme === "system" || old.theme === "light" || old.theme === "dark")
      moved.theme = old.theme;
    if (old.language === "system" || old.language === "en" || old.language === "vi")
      moved.language = old.language;
    if (typeof old.fontSize === "number") moved.fontSize = old.fontSize;
    if (typeof old.serverStorage === "boolean") moved.serverSideStorage = old.serverStorage;
    if (typeof old.model === "string" && old.model.trim()) moved.model = old.model;
    if (typeof old.webSearch === "boolean") moved.webSearch = old.webSearch;
    const effort = old.reasoningEffort;
    if (effort === "minimal" || effort === "low" || effort === "medium" || effort === "high")
      moved.reasoningEffort = effort;
    return moved;
  } catch {
    return {};
  }
}

/**
 * Reads the stored preferences and applies them. Before the history is open
 * (another instance, a damaged file) the command fails and the defaults stay:
 * those screens need nothing more.
 */
export async function loadPreferences(): Promise<void> {
  let reading;
  try {
    reading = await ipc.getSettings();
  } catch {
    applyPreferences();
    return;
  }
  Object.assign(preferences, reading.settings);
  damagedSettings.list = reading.damaged;
  const legacy = legacyPreferences();
  if (legacy) {
    Object.assign(preferences, legacy);
    try {
      await ipc.saveSettings({ ...preferences });
      localStorage.removeItem(LEGACY_KEY);
    } catch {
      // Kept in localStorage: the move is tried again at the next start.
    }
  }
  applyPreferences();
}

/** Set while a save is on its way; changes made meanwhile go in the next one. */
let saving: Promise<void> | null = null;
let unsaved = false;

/**
 * Applies the current preferences and saves them. Saves go one at a time
 * with the latest values (a slider sends many changes; an older one must
 * never land last). A refused value (the backend checks ranges) is said in
 * a toast and the stored settings are read back, so the UI never shows what
 * was not saved.
 */
export function savePreferences(): void {
  applyPreferences();
  unsaved = true;
  saving ??= flush().finally(() => (saving = null));
}

/** Resolves once every change so far has been written (or refused). */
export function preferencesSaved(): Promise<void> {
  return saving ?? Promise.resolve();
}

async function flush(): Promise<void> {
  while (unsaved) {
    unsaved = false;
    try {
      await ipc.saveSettings({ ...preferences });
      // Saving writes every key, replacing what was damaged.
      damagedSettings.list = [];
    } catch (error) {
      showToast(t("error.generic", { message: toIpcError(error).message }), "error");
      try {
        Object.assign(preferences, (await ipc.getSettings()).settings);
        applyPreferences();
      } catch {
        // The toast above already says what went wrong.
      }
    }
  }
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
