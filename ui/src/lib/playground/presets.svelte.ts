// Presets of the Playground form: save under a name (each save a new
// version), load, look at older versions and diff two, export and import.

import { presetIpc, toIpcError, type PresetSummary, type PresetVersion } from "../ipc";
import { lineDiff, prettyState, type DiffLine } from "./diff";
import { playground } from "./run.svelte";
import { completeForm, type PlaygroundForm } from "./state";
import { openEditorFromPreset } from "../state/assistants.svelte";

class Presets {
  list = $state.raw<PresetSummary[]>([]);
  name = $state("");
  selectedId = $state("");
  versions = $state.raw<PresetVersion[]>([]);
  /** The two versions compared (numbers), and the export/import text box. */
  diffFrom = $state<number | null>(null);
  diffTo = $state<number | null>(null);
  json = $state("");
  message = $state("");

  get diff(): DiffLine[] {
    const from = this.versions.find((v) => v.version === this.diffFrom);
    const to = this.versions.find((v) => v.version === this.diffTo);
    if (!from || !to) return [];
    return lineDiff(prettyState(from.state), prettyState(to.state));
  }

  async refresh(): Promise<void> {
    try {
      this.list = await presetIpc.list();
    } catch (error) {
      this.message = toIpcError(error).message;
    }
  }

  async save(): Promise<void> {
    try {
      const saved = await presetIpc.save(this.name, JSON.stringify(playground.form));
      this.message = `${saved.name} v${saved.latestVersion}`;
      await this.refresh();
      await this.select(saved.id);
    } catch (error) {
      this.message = toIpcError(error).message;
    }
  }

  async select(id: string): Promise<void> {
    this.selectedId = id;
    this.versions = id === "" ? [] : await presetIpc.versions(id);
    const [latest, previous] = this.versions;
    this.diffTo = latest?.version ?? null;
    this.diffFrom = previous?.version ?? latest?.version ?? null;
    const preset = this.list.find((p) => p.id === id);
    if (preset) this.name = preset.name;
  }

  /** Loads a version (the latest by default) into the form. */
  load(version?: number): void {
    const chosen =
      version === undefined ? this.versions[0] : this.versions.find((v) => v.version === version);
    if (!chosen) return;
    try {
      playground.loadForm(JSON.parse(chosen.state) as PlaygroundForm);
      this.message = `v${chosen.version}`;
    } catch (error) {
      this.message = String(error);
    }
  }

  /** "Make an assistant" from a version (the latest by default): the editor opens in the chat. */
  makeAssistant(version?: number): void {
    const chosen =
      version === undefined ? this.versions[0] : this.versions.find((v) => v.version === version);
    const preset = this.list.find((p) => p.id === this.selectedId);
    if (!chosen || !preset) return;
    try {
      const form = completeForm(JSON.parse(chosen.state) as PlaygroundForm);
      openEditorFromPreset(preset.name, chosen.version, form);
    } catch (error) {
      this.message = String(error);
    }
  }

  async remove(): Promise<void> {
    if (this.selectedId === "") return;
    await presetIpc.remove(this.selectedId);
    this.selectedId = "";
    this.versions = [];
    await this.refresh();
  }

  async exportJson(): Promise<void> {
    if (this.selectedId === "") return;
    this.json = await presetIpc.exportJson(this.selectedId);
  }

  async importJson(): Promise<void> {
    try {
      const imported = await presetIpc.importJson(this.json);
      this.message = `${imported.name} v${imported.latestVersion}`;
      await this.refresh();
      await this.select(imported.id);
    } catch (error) {
      this.message = toIpcError(error).message;
    }
  }
}

export const presets = new Presets();
