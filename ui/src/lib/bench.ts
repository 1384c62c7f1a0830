// Measurement hooks for `./x bench` (see src-tauri/src/bench.rs). The
// backend sets `window.__HALLEY_BENCH__` before the page loads only when
// HALLEY_BENCH is set; otherwise every function here returns at once and no
// bench command is ever invoked.
import { tick } from "svelte";
import { benchIpc, type BenchMark, type RunUpdate } from "./ipc";

declare global {
  interface Window {
    __HALLEY_BENCH__?: boolean;
  }
}

export const benchActive = typeof window !== "undefined" && window.__HALLEY_BENCH__ === true;

/**
 * Reports `mark` once the next frame has been painted: an animation-frame
 * callback runs just before that frame's paint, a task queued from it after.
 */
export function markAfterPaint(mark: BenchMark): void {
  if (!benchActive) return;
  requestAnimationFrame(() => {
    setTimeout(() => void benchIpc.mark(mark).catch(() => {}));
  });
}

/**
 * For one run: call with each batch of updates just reduced into the state;
 * after Svelte has committed them to the DOM it echoes how many text deltas
 * the page now shows, and the backend times each delta's round trip.
 */
export function deltaEcho(): (updates: RunUpdate[]) => void {
  if (!benchActive) return () => {};
  let deltas = 0;
  return (updates) => {
    for (const update of updates) if (update.kind === "textDelta") deltas++;
    const shown = deltas;
    void tick().then(() => benchIpc.echo(shown).catch(() => {}));
  };
}
