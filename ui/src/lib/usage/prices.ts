// The price table as the user types it (dollars per 1M tokens, as text) and
// as it is stored (whole micro-dollars per 1M tokens, halley_core::pricing).
import type { ModelPrice } from "../ipc";

export interface PriceRow {
  providerId: string;
  model: string;
  input: string;
  cachedInput: string;
  output: string;
}

export type PriceProblem =
  { row: number; kind: "model" } | { row: number; kind: "price"; text: string };

const MICROS = 1_000_000;

/** "1.25", "1,25" or " 0.5 " as micro-dollars; null when it is not a price. */
export function parseDollars(text: string): number | null {
  const trimmed = text.trim().replace(/^\$/, "");
  // A comma is the decimal point where there is no other (Vietnamese writes 1,25).
  const normal = trimmed.includes(".") ? trimmed : trimmed.replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(normal)) return null;
  return Math.round(Number(normal) * MICROS);
}

function dollars(micros: number): string {
  return String(micros / MICROS);
}

export function toRows(prices: readonly ModelPrice[]): PriceRow[] {
  return prices.map((p) => ({
    providerId: p.providerId,
    model: p.model,
    input: dollars(p.input),
    cachedInput: p.cachedInput === null ? "" : dollars(p.cachedInput),
    output: dollars(p.output),
  }));
}

/** The rows as stored prices, or the first problem (rows count from 1). */
export function fromRows(
  rows: readonly PriceRow[],
): { ok: true; prices: ModelPrice[] } | { ok: false; problem: PriceProblem } {
  const prices: ModelPrice[] = [];
  for (const [i, row] of rows.entries()) {
    const at = i + 1;
    if (row.model.trim() === "") return { ok: false, problem: { row: at, kind: "model" } };
    const input = parseDollars(row.input);
    if (input === null) return { ok: false, problem: { row: at, kind: "price", text: row.input } };
    const output = parseDollars(row.output);
    if (output === null)
      return { ok: false, problem: { row: at, kind: "price", text: row.output } };
    let cachedInput: number | null = null;
    if (row.cachedInput.trim() !== "") {
      cachedInput = parseDollars(row.cachedInput);
      if (cachedInput === null) {
        return { ok: false, problem: { row: at, kind: "price", text: row.cachedInput } };
      }
    }
    prices.push({
      providerId: row.providerId,
      model: row.model.trim(),
      input,
      cachedInput,
      output,
    });
  }
  return { ok: true, prices };
}
