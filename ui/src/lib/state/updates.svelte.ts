// Where an update stands, for the Settings panel and the start-up toast. The
// backend decides when an automatic check is due (once a day) and verifies
// signatures; this module only walks the steps the user agrees to.
import { toIpcError, updateIpc, type IpcError, type UpdateCheck } from "../ipc";

export type UpdatePhase =
  | { step: "idle" }
  | { step: "checking" }
  | { step: "up_to_date"; current: string }
  | { step: "available"; update: Available }
  | { step: "downloading"; update: Available; downloaded: number; total: number | null }
  | { step: "downloaded"; update: Available }
  | { step: "installing"; update: Available }
  | { step: "installed"; update: Available }
  | { step: "failed"; error: IpcError; update: Available | null };

export type Available = Extract<UpdateCheck, { status: "available" }>;

export const updates = $state<{ phase: UpdatePhase }>({ phase: { step: "idle" } });

function availableOf(phase: UpdatePhase): Available | null {
  return "update" in phase ? phase.update : null;
}

/** Runs a check; `force` for the user's button. Resolves with the new version, if any. */
export async function checkForUpdates(force: boolean): Promise<Available | null> {
  const busy = ["checking", "downloading", "installing"];
  if (busy.includes(updates.phase.step)) return null;
  const before = updates.phase;
  updates.phase = { step: "checking" };
  try {
    const result = await updateIpc.check(force);
    if (result.status === "available") {
      updates.phase = { step: "available", update: result };
      return result;
    }
    updates.phase =
      result.status === "up_to_date" ? { step: "up_to_date", current: result.current } : before;
  } catch (error) {
    // An automatic check that fails stays quiet: it is asked again tomorrow.
    updates.phase = force
      ? { step: "failed", error: toIpcError(error), update: null }
      : { step: "idle" };
  }
  return null;
}

export async function downloadUpdate(): Promise<void> {
  const update = availableOf(updates.phase);
  if (!update) return;
  updates.phase = { step: "downloading", update, downloaded: 0, total: null };
  try {
    await updateIpc.download((p) => {
      if (updates.phase.step === "downloading") {
        updates.phase = { ...updates.phase, downloaded: p.downloaded, total: p.total };
      }
    });
    updates.phase = { step: "downloaded", update };
  } catch (error) {
    updates.phase = { step: "failed", error: toIpcError(error), update };
  }
}

export async function installUpdate(): Promise<void> {
  const update = availableOf(updates.phase);
  if (!update) return;
  updates.phase = { step: "installing", update };
  try {
    await updateIpc.install();
    updates.phase = { step: "installed", update };
  } catch (error) {
    updates.phase = { step: "failed", error: toIpcError(error), update };
  }
}

export function restartApp(): void {
  void updateIpc.restart().catch(() => {});
}

/** "42%" when the size is known, else the bytes so far. */
export function progressText(downloaded: number, total: number | null): string | null {
  if (!total) return null;
  return `${Math.min(100, Math.floor((downloaded / total) * 100))}%`;
}
