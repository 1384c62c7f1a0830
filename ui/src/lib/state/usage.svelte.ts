// What chat has cost (Settings → Usage and prices), read from the backend
// when the section opens and after the prices change.
import { ipc, type UsageReport } from "../ipc";
import { reportError } from "./chat.svelte";

export const usage = $state<{ report: UsageReport | null }>({ report: null });

export async function loadUsage(): Promise<void> {
  try {
    usage.report = await ipc.usageReport();
  } catch (error) {
    reportError(error);
  }
}
