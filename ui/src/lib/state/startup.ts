// What start-up found before the app opens: another Halley holding the data
// folder, or a history that could not be opened, and the ways out of each.
import { instanceIpc, ipc, type InstanceProblem, type StartupProblemView } from "../ipc";

/** Another Halley holds the data folder (asked before anything else); null when not. */
export function instanceProblem(): Promise<InstanceProblem | null> {
  return instanceIpc.instanceProblem().catch(() => null);
}

/** Why the history could not be opened; null when it opened. */
export function startupProblem(): Promise<StartupProblemView | null> {
  return ipc.startupProblem().catch(() => null);
}

export function quitApp(): Promise<null> {
  return instanceIpc.quit();
}

export function openDataFolder(): Promise<null> {
  return ipc.startupOpenDataFolder();
}

/** Keeps the damaged file aside (renamed, never deleted); resolves with its new path. */
export function startFresh(): Promise<string> {
  return ipc.startupStartFresh();
}

/** Puts a backup in place of the history; resolves with where the old file now is. */
export function restoreBackup(name: string): Promise<string> {
  return ipc.startupRestoreBackup(name);
}
