// The Evaluations screen's state: datasets (preview, import, export,
// delete), the new-run form, runs with their live progress (pause, resume,
// cancel), and the open run's results and aggregates.

import {
  evalIpc,
  presetIpc,
  toIpcError,
  type DatasetFormat,
  type DatasetPreview,
  type DatasetSummary,
  type DatasetVersionInfo,
  type EvalRunProgress,
  type EvalRunSummary,
  type GraderSpec,
  type PresetSummary,
  type PresetVersion,
  type RowResult,
  type VariantAggregate,
} from "../ipc";
import { language, t } from "../i18n/index.svelte";
import {
  buildTable,
  filterTable,
  formatOf,
  problemMessage,
  reasonMessage,
  resultsCsv,
  resultsJson,
  toBase64,
  toggledGrade,
  type TableFilter,
} from "../evals/logic";
import type { HumanGrade } from "../bindings/HumanGrade";
import { showToast } from "./toasts.svelte";
import type { DatasetProblem } from "../bindings/DatasetProblem";

export type GraderKind = "exact" | "contains" | "regex" | "json_schema" | "model";

/** A grader as the form edits it (every kind's fields, the kind's used). */
export interface GraderDraft {
  kind: GraderKind;
  column: string; // "" = the expected column
  ignoreCase: boolean;
  pattern: string;
  schema: string;
  model: string;
  rubric: string;
  min: number;
  max: number;
  passAt: number;
}

export interface VariantDraft {
  presetId: string;
  version: number | null;
  model: string;
}

export function newGrader(kind: GraderKind = "regex"): GraderDraft {
  return {
    kind,
    column: "",
    ignoreCase: false,
    pattern: "",
    schema: "",
    model: "judge",
    rubric: "Does {{output}} answer well? Expected: {{expected}}",
    min: 1,
    max: 5,
    passAt: 4,
  };
}

export function graderSpec(g: GraderDraft): GraderSpec {
  const reference =
    g.column === "" ? { from: "expected" as const } : { from: "column" as const, name: g.column };
  switch (g.kind) {
    case "exact":
    case "contains":
      return { kind: g.kind, reference, ignoreCase: g.ignoreCase };
    case "regex":
      return { kind: "regex", pattern: g.pattern };
    case "json_schema":
      return { kind: "json_schema", schema: g.schema.trim() === "" ? null : g.schema };
    case "model":
      return {
        kind: "model",
        providerId: null,
        model: g.model,
        rubric: g.rubric,
        min: g.min,
        max: g.max,
        passAt: g.passAt,
      };
  }
}

/** The message for a file that cannot be imported, in the user's language. */
export function problemText(p: DatasetProblem): string {
  const { key, params } = problemMessage(p);
  if (p.code === "malformed") {
    const r = reasonMessage(p.reason);
    // The backend's words are English already; another language gets them translated when known.
    params.reason = r.key && language() !== "en" ? t(r.key, r.params) : p.reason;
  }
  return t(key, params);
}

const PAGE = 1000;

class Evals {
  // ---- datasets
  datasets = $state.raw<DatasetSummary[]>([]);
  versions = $state.raw<Record<string, DatasetVersionInfo[]>>({});
  fileName = $state("");
  importName = $state("");
  importFormat = $state<DatasetFormat>("csv");
  importData = $state("");
  preview = $state.raw<DatasetPreview | null>(null);
  expectedColumn = $state("");
  deleting = $state<DatasetSummary | null>(null);
  message = $state("");

  // ---- new run
  presets = $state.raw<PresetSummary[]>([]);
  presetVersions = $state.raw<Record<string, PresetVersion[]>>({});
  runDataset = $state("");
  runDatasetVersion = $state<number | null>(null);
  variants = $state<VariantDraft[]>([{ presetId: "", version: null, model: "" }]);
  graders = $state<GraderDraft[]>([newGrader("regex")]);
  concurrency = $state(4);

  // ---- runs
  runs = $state.raw<EvalRunSummary[]>([]);
  progress = $state<Record<string, EvalRunProgress>>({});
  /** Runs this session drives (a `running` run not here was interrupted). */
  driven = $state<Record<string, boolean>>({});
  openRunId = $state<string | null>(null);

  // ---- the open run's results
  results = $state.raw<RowResult[]>([]);
  aggregates = $state.raw<VariantAggregate[]>([]);
  filter = $state<TableFilter>({ failedOnly: false, disagree: false });
  compareRow = $state<number | null>(null);
  compareA = $state(0);
  compareB = $state(1);

  // Derived once per change, not per read: the table may hold 10,000 rows.
  labels = $derived(this.aggregates.map((a) => a.label));
  table = $derived(buildTable(this.results, Math.max(this.aggregates.length, 1)));
  shown = $derived(filterTable(this.table, this.filter));
  get openRun(): EvalRunSummary | undefined {
    return this.runs.find((r) => r.id === this.openRunId);
  }

  private fail(error: unknown): void {
    this.message = toIpcError(error).message;
    showToast(this.message, "error");
  }

  async refresh(): Promise<void> {
    try {
      const [datasets, runs, presets] = await Promise.all([
        evalIpc.datasets(),
        evalIpc.runs(),
        presetIpc.list(),
      ]);
      this.datasets = datasets;
      this.runs = runs;
      this.presets = presets;
      const versions: Record<string, DatasetVersionInfo[]> = {};
      for (const d of datasets) versions[d.id] = await evalIpc.versions(d.id);
      this.versions = versions;
      const pv: Record<string, PresetVersion[]> = {};
      for (const p of presets) pv[p.id] = await presetIpc.versions(p.id);
      this.presetVersions = pv;
      if (this.runDataset === "" || !datasets.some((d) => d.id === this.runDataset))
        this.runDataset = datasets[0]?.id ?? "";
    } catch (error) {
      this.fail(error);
    }
  }

  /** A chosen file: read in the webview, previewed by the backend (nothing stored yet). */
  async chooseFile(file: File): Promise<void> {
    this.fileName = file.name;
    this.importName = file.name.replace(/\.[^.]+$/, "");
    this.importFormat = formatOf(file.name);
    this.importData = toBase64(new Uint8Array(await file.arrayBuffer()));
    await this.previewData();
  }

  async previewData(): Promise<void> {
    try {
      this.preview = await evalIpc.preview(this.importFormat, this.importData);
      if (this.preview.kind === "readable") {
        const cols = this.preview.columns;
        this.expectedColumn = cols.includes("expected") ? "expected" : "";
      }
    } catch (error) {
      this.fail(error);
    }
  }

  get previewProblem(): string | null {
    return this.preview?.kind === "unreadable" ? problemText(this.preview.problem) : null;
  }

  async importFile(): Promise<void> {
    if (this.preview?.kind !== "readable") return;
    try {
      const saved = await evalIpc.importDataset(
        this.importName.trim() || this.fileName,
        this.importFormat,
        this.importData,
        this.expectedColumn === "" ? null : this.expectedColumn,
      );
      showToast(t("ev.imported", { name: saved.name, rows: saved.rows }));
      this.preview = null;
      this.importData = "";
      this.fileName = "";
      this.runDataset = saved.id;
      await this.refresh();
    } catch (error) {
      this.fail(error);
    }
  }

  async exportDataset(d: DatasetSummary, format: DatasetFormat = "csv"): Promise<void> {
    try {
      const text = await evalIpc.exportDataset(d.id, d.latestVersion, format);
      const path = await evalIpc.saveFile(
        `${d.name} v${d.latestVersion}`,
        format,
        toBase64(new TextEncoder().encode(text)),
      );
      showToast(t("ev.saved", { name: path }));
    } catch (error) {
      this.fail(error);
    }
  }

  async confirmDelete(): Promise<void> {
    const d = this.deleting;
    this.deleting = null;
    if (!d) return;
    try {
      await evalIpc.deleteDataset(d.id);
      // Its runs go with it (the database cascades): the open one closes.
      if (this.openRun?.datasetId === d.id) this.openRunId = null;
      await this.refresh();
    } catch (error) {
      this.fail(error);
    }
  }

  // ---- runs

  private onProgress = (p: EvalRunProgress): void => {
    this.progress[p.runId] = p;
    if (p.error) showToast(t("ev.runError", { error: p.error }), "error");
    if (p.status !== "running") {
      this.driven[p.runId] = false;
      void this.refreshRuns();
      // The last word of a run: its table and aggregates are read now, whole.
      if (p.runId === this.openRunId) void this.loadResults();
    } else if (p.runId === this.openRunId) this.scheduleReload();
  };

  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  /** Results are read again at most every 500 ms while a run goes on (3 s for a large run). */
  private scheduleReload(): void {
    if (this.reloadTimer) return;
    this.reloadTimer = setTimeout(
      () => {
        this.reloadTimer = null;
        void this.loadResults();
      },
      this.results.length > 2000 ? 3000 : 500,
    );
  }

  async refreshRuns(): Promise<void> {
    try {
      this.runs = await evalIpc.runs();
    } catch (error) {
      this.fail(error);
    }
  }

  get canStart(): boolean {
    return (
      this.runDataset !== "" && this.variants.length > 0 && this.variants.every((v) => v.presetId)
    );
  }

  async start(): Promise<void> {
    if (!this.canStart) {
      this.message = t("ev.needVariant");
      return;
    }
    try {
      const runId = await evalIpc.start(
        {
          datasetId: this.runDataset,
          datasetVersion: this.runDatasetVersion,
          variants: this.variants.map((v) => ({
            label: null,
            presetId: v.presetId,
            presetVersion: v.version,
            providerId: null,
            overrides: {
              model: v.model.trim() === "" ? null : v.model.trim(),
              temperature: null,
              maxOutputTokens: null,
              reasoningEffort: null,
            },
          })),
          graders: this.graders.map(graderSpec),
          concurrency: this.concurrency,
          mode: "live",
        },
        this.onProgress,
      );
      this.driven[runId] = true;
      showToast(t("ev.started"));
      await this.refreshRuns();
      await this.open(runId);
    } catch (error) {
      this.fail(error);
    }
  }

  async pause(runId: string): Promise<void> {
    try {
      await evalIpc.pause(runId);
    } catch (error) {
      this.fail(error);
    }
  }

  async resume(runId: string): Promise<void> {
    // Pause shows only once the backend drives the run (a pause before would reach nothing).
    delete this.progress[runId];
    try {
      await evalIpc.resume(runId, this.onProgress);
      const last = this.progress[runId];
      if (!last || last.status === "running") this.driven[runId] = true;
      await this.refreshRuns();
    } catch (error) {
      this.driven[runId] = false;
      this.fail(error);
    }
  }

  async cancel(runId: string): Promise<void> {
    try {
      await evalIpc.cancel(runId);
      await this.refreshRuns();
    } catch (error) {
      this.fail(error);
    }
  }

  async open(runId: string): Promise<void> {
    this.openRunId = runId;
    this.compareRow = null;
    this.results = [];
    this.aggregates = [];
    await this.loadResults();
  }

  async loadResults(): Promise<void> {
    const runId = this.openRunId;
    if (!runId) return;
    try {
      const aggregates = await evalIpc.aggregates(runId);
      const all: RowResult[] = [];
      for (let offset = 0; ; offset += PAGE) {
        const page = await evalIpc.results(runId, offset, PAGE);
        all.push(...page);
        if (page.length < PAGE) break;
      }
      if (runId !== this.openRunId) return;
      this.aggregates = aggregates;
      this.results = all;
      if (this.compareB >= aggregates.length) this.compareB = Math.max(0, aggregates.length - 1);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Gives, changes or (picking the same again) clears a row's human grade. */
  async setHumanGrade(r: RowResult, next: HumanGrade): Promise<void> {
    const runId = this.openRunId;
    if (!runId) return;
    const grade = toggledGrade(r.humanGrade, next);
    try {
      await evalIpc.setHumanGrade(runId, r.variant, r.position, grade);
      this.results = this.results.map((x) =>
        x.variant === r.variant && x.position === r.position ? { ...x, humanGrade: grade } : x,
      );
    } catch (error) {
      this.fail(error);
    }
  }

  async exportResults(format: "csv" | "json"): Promise<void> {
    const runId = this.openRunId;
    if (!runId) return;
    try {
      const text =
        format === "csv"
          ? resultsCsv(this.results, this.labels)
          : resultsJson(this.results, this.labels);
      const path = await evalIpc.saveFile(
        `eval ${runId.slice(0, 8)}`,
        format,
        toBase64(new TextEncoder().encode(text)),
      );
      showToast(t("ev.saved", { name: path }));
    } catch (error) {
      this.fail(error);
    }
  }
}

export const evals = new Evals();
