// The Evaluations screen's pure logic: the results table (rows × variants),
// its filters, the ETA in words, the results as CSV or JSON, and a dataset
// problem's message key. No Svelte, no IPC: unit-tested in logic.test.ts.

import type { DatasetProblem } from "../bindings/DatasetProblem";
import type { EvalRunStatus } from "../bindings/EvalRunStatus";
import type { HumanGrade } from "../bindings/HumanGrade";
import type { RowResult } from "../bindings/RowResult";
import type { MessageKey } from "../i18n/en";

/** One dataset row of a run: its result per variant (undefined until it has one). */
export interface TableRow {
  position: number;
  cells: (RowResult | undefined)[];
}

/** Rows × variants from results in any order; rows by position. */
export function buildTable(results: readonly RowResult[], variants: number): TableRow[] {
  const byPosition = new Map<number, TableRow>();
  for (const r of results) {
    let row = byPosition.get(r.position);
    if (!row) {
      row = { position: r.position, cells: Array.from({ length: variants }, () => undefined) };
      byPosition.set(r.position, row);
    }
    row.cells[r.variant] = r;
  }
  return [...byPosition.values()].sort((a, b) => a.position - b.position);
}

export interface TableFilter {
  /** Rows where some variant did not pass. */
  failedOnly: boolean;
  /** Rows where the variants with a result do not all agree (some passed, some not). */
  disagree: boolean;
}

export function disagrees(row: TableRow): boolean {
  const verdicts = row.cells.filter((c) => c !== undefined).map((c) => c.passed);
  return verdicts.some((v) => v) && verdicts.some((v) => !v);
}

export function filterTable(rows: readonly TableRow[], filter: TableFilter): TableRow[] {
  return rows.filter(
    (row) =>
      (!filter.failedOnly || row.cells.some((c) => c !== undefined && !c.passed)) &&
      (!filter.disagree || disagrees(row)),
  );
}

/** The time left as "45 s", "3 min 20 s", "1 h 05 min"; null when unknown. */
export function formatEta(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return null;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** 0–100, for the progress bar. */
export function percent(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.round((done / total) * 100));
}

/** A run can be resumed: paused, or `running` with nothing driving it (interrupted). */
export function resumable(status: EvalRunStatus, driven: boolean): boolean {
  return status === "paused" || (status === "running" && !driven);
}

function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  // A cell starting with = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function humanText(r: RowResult): string {
  const g = r.humanGrade;
  if (!g) return "";
  return g.kind === "thumb" ? (g.value ? "up" : "down") : `${g.value} stars`;
}

/** The human grade after the user picks `next`: picking the grade a row
 *  already has clears it (one click undoes a mis-click, thumbs and stars alike). */
export function toggledGrade(current: HumanGrade | null, next: HumanGrade): HumanGrade | null {
  return current?.kind === next.kind && current.value === next.value ? null : next;
}

/** The grader names of a run's results, in first-seen order. */
export function graderNames(results: readonly RowResult[]): string[] {
  const names: string[] = [];
  for (const r of results)
    for (const g of r.grades) if (!names.includes(g.grader)) names.push(g.grader);
  return names;
}

/** One line per (row, variant), every grader's verdict and score as columns. */
export function resultsCsv(results: readonly RowResult[], labels: readonly string[]): string {
  const graders = graderNames(results);
  const header = [
    "row",
    "variant",
    "status",
    "passed",
    "output",
    "error",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    ...graders.flatMap((g) => [`${g} passed`, `${g} score`]),
    "human",
  ];
  const lines = [header.map(csvCell).join(",")];
  const sorted = [...results].sort((a, b) => a.position - b.position || a.variant - b.variant);
  for (const r of sorted) {
    const cells: (string | number | boolean | null)[] = [
      r.position,
      labels[r.variant] ?? `#${r.variant + 1}`,
      r.status,
      r.passed,
      r.output,
      r.error,
      r.latencyMs,
      r.usage.inputTokens,
      r.usage.outputTokens,
      r.costUsd,
    ];
    for (const name of graders) {
      const g = r.grades.find((x) => x.grader === name);
      cells.push(g ? g.passed : null, g?.score ?? null);
    }
    cells.push(humanText(r));
    lines.push(cells.map(csvCell).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

export function resultsJson(results: readonly RowResult[], labels: readonly string[]): string {
  return JSON.stringify(
    results.map((r) => ({ ...r, label: labels[r.variant] ?? `#${r.variant + 1}` })),
    null,
    2,
  );
}

/** The message key and its parameters for a file that cannot be imported. */
export function problemMessage(p: DatasetProblem): {
  key: MessageKey;
  params: Record<string, string | number>;
} {
  switch (p.code) {
    case "empty":
      return { key: "ev.problem.empty", params: {} };
    case "unnamed_column":
      return { key: "ev.problem.unnamed", params: { index: p.index + 1 } };
    case "duplicate_column":
      return { key: "ev.problem.duplicate", params: { name: p.name } };
    case "malformed":
      return { key: "ev.problem.malformed", params: { row: p.row, line: p.line } };
    case "no_such_column":
      return { key: "ev.problem.noColumn", params: { name: p.name } };
    case "too_many_rows":
      return { key: "ev.problem.tooManyRows", params: { max: p.max } };
    case "too_many_columns":
      return { key: "ev.problem.tooManyColumns", params: { max: p.max } };
  }
}

/** A file's format from its name (JSONL for .jsonl / .ndjson, CSV otherwise). */
export function formatOf(fileName: string): "csv" | "jsonl" {
  return /\.(jsonl|ndjson)$/i.test(fileName) ? "jsonl" : "csv";
}

/** Bytes as base64 (the commands take files as base64), in chunks so a large file does not overflow the stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The backend's English reason for a malformed row, as a message key where it is a known one. */
export function reasonMessage(reason: string): {
  key: MessageKey | null;
  params: Record<string, string | number>;
} {
  const fields = /^it has (\d+) fields? where the header has (\d+)$/.exec(reason);
  if (fields) return { key: "ev.reason.fields", params: { got: fields[1]!, want: fields[2]! } };
  if (/not UTF-8 text$/.test(reason)) return { key: "ev.reason.utf8", params: {} };
  if (reason.startsWith("it is not JSON")) return { key: "ev.reason.json", params: {} };
  if (reason === "it is not a JSON object") return { key: "ev.reason.object", params: {} };
  return { key: null, params: { reason } };
}
