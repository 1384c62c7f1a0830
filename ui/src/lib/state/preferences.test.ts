import { afterEach, describe, expect, it } from "vitest";
import { clearMocks } from "@tauri-apps/api/mocks";
import { mockBackend } from "../../test/backend";
import type { Settings } from "../ipc";
import {
  damagedSettings,
  loadPreferences,
  preferences,
  savePreferences,
} from "./preferences.svelte";

const stored: Settings = {
  theme: "dark",
  language: "en",
  fontSize: 17,
  serverSideStorage: false,
  model: "gpt-5",
  webSearch: false,
  codeInterpreter: false,
  imageGeneration: false,
  imageOptions: { size: "auto", quality: "auto", background: "auto" },
  prices: [],
  keepUploadedFiles: false,
  reasoningEffort: null,
  probeAutomatically: false,
  automaticBackups: false,
  backupsKept: 3,
  longAnswers: "always",
  longAnswerModels: ["o3-pro"],
  quickAskShortcut: "Ctrl+Shift+Space",
  generatedTitles: false,
};

afterEach(() => {
  clearMocks();
  localStorage.clear();
});

describe("preferences", () => {
  it("come from the backend, and say which stored ones could not be read", async () => {
    mockBackend({
      get_settings: () => ({
        settings: stored,
        damaged: [{ key: "fontSize", problem: "wrong_value" }],
      }),
    });
    await loadPreferences();
    expect(preferences.theme).toBe("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(damagedSettings.list.map((d) => d.key)).toEqual(["fontSize"]);
  });

  it("move a copy kept by an older version into the backend once", async () => {
    localStorage.setItem(
      "halley.preferences",
      JSON.stringify({ theme: "light", serverStorage: true, reasoningEffort: "high", model: "o4" }),
    );
    const backend = mockBackend({
      get_settings: () => ({ settings: stored, damaged: [] }),
      save_settings: () => null,
    });
    await loadPreferences();
    const saved = backend.calls.find((c) => c.cmd === "save_settings");
    expect(saved?.args.settings).toMatchObject({
      theme: "light",
      serverSideStorage: true,
      reasoningEffort: "high",
      model: "o4",
      fontSize: 17,
    });
    expect(localStorage.getItem("halley.preferences")).toBeNull();
  });

  it("save the latest values last, however fast they change", async () => {
    const saves: number[] = [];
    let release: () => void = () => {};
    mockBackend({
      get_settings: () => ({ settings: stored, damaged: [] }),
      save_settings: async (args) => {
        saves.push((args.settings as Settings).fontSize);
        // The first save is slow: changes made meanwhile must not overtake it.
        if (saves.length === 1) await new Promise<void>((r) => (release = r));
        return null;
      },
    });
    await loadPreferences();
    for (const size of [12, 13, 14, 15]) {
      preferences.fontSize = size;
      savePreferences();
    }
    await new Promise((r) => setTimeout(r, 10));
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(saves).toEqual([12, 15]);
  });
});
