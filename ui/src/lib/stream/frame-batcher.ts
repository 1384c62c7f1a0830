// Collects updates arriving faster than the screen refreshes and hands them
// over once per animation frame; `finished` flushes at once so the final state
// never waits on a frame that a hidden window may not paint.
import type { RunUpdate } from "../ipc";

export interface FrameScheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

const browserScheduler: FrameScheduler = {
  request: (cb) =>
    typeof requestAnimationFrame === "function"
      ? requestAnimationFrame(cb)
      : (setTimeout(cb, 16) as unknown as number),
  cancel: (handle) =>
    typeof cancelAnimationFrame === "function"
      ? cancelAnimationFrame(handle)
      : clearTimeout(handle),
};

export function createFrameBatcher(
  flush: (updates: RunUpdate[]) => void,
  scheduler: FrameScheduler = browserScheduler,
): (update: RunUpdate) => void {
  let pending: RunUpdate[] = [];
  let handle: number | null = null;

  const run = () => {
    handle = null;
    const batch = pending;
    pending = [];
    if (batch.length > 0) flush(batch);
  };

  return (update) => {
    pending.push(update);
    if (update.kind === "finished") {
      if (handle !== null) scheduler.cancel(handle);
      run();
    } else if (handle === null) {
      handle = scheduler.request(run);
    }
  };
}
