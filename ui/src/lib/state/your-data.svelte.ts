// Settings → Your data: back up now, the backups in the data folder, restore
// (replace or merge, after the user confirms), import from ChatGPT or Halley
// JSON, export every conversation. The backend does the work and checks
// every file; this module keeps what the section shows and, after a restore
// or an import, reloads what the app took from the old history.
import { t } from "../i18n/index.svelte";
import type { MessageKey } from "../i18n/en";
import { toBase64 } from "../attachments";
import {
  ipc,
  toIpcError,
  type BackupContents,
  type ExportAllFormat,
  type HistoryBackup,
  type ImportReport,
  type ImportSource,
  type IpcError,
  type LeftOutKind,
  type RestoreMode,
  type RestoreSource,
} from "../ipc";
import { loadApp, newChat, openConversation, refreshConversations } from "./chat.svelte";
import { loadMcpServers } from "./mcp.svelte";
import { loadPreferences } from "./preferences.svelte";

/** A restore the user has picked and not yet confirmed. */
export interface PendingRestore {
  source: RestoreSource;
  /** The backup's file name, or the picked file's. */
  label: string;
}

export type DataTask = "backup" | "restore" | "import" | "export";

export const yourData = $state<{
  backups: HistoryBackup[];
  busy: DataTask | null;
  /** What the last action did, said in the user's language. */
  status: string | null;
  error: IpcError | null;
  pending: PendingRestore | null;
}>({ backups: [], busy: null, status: null, error: null, pending: null });

export async function loadBackups(): Promise<void> {
  try {
    yourData.backups = await ipc.listBackups();
  } catch {
    // The list is a convenience: "Restore from a file" still works.
    yourData.backups = [];
  }
}

async function run(task: DataTask, work: () => Promise<string>): Promise<void> {
  if (yourData.busy) return;
  yourData.busy = task;
  yourData.status = null;
  yourData.error = null;
  try {
    yourData.status = await work();
  } catch (error) {
    yourData.error = toIpcError(error);
  } finally {
    yourData.busy = null;
  }
}

/** "12 conversations, 340 messages, 3 attachments" (only what there is). */
export function describeContents(contents: BackupContents): string {
  const parts: [number, MessageKey][] = [
    [contents.conversations, "data.count.conversations"],
    [contents.messages, "data.count.messages"],
    [contents.attachments + contents.messageFiles, "data.count.files"],
    [contents.assistants, "data.count.assistants"],
    [contents.presets, "data.count.presets"],
    [contents.providers, "data.count.providers"],
  ];
  const said = parts.filter(([n]) => n > 0).map(([count, key]) => t(key, { count }));
  return said.length > 0 ? said.join(", ") : t("data.count.nothing");
}

export function backUpNow(): Promise<void> {
  return run("backup", async () => {
    const written = await ipc.backupNow();
    return t("data.backedUp", {
      path: written.path,
      contents: describeContents(written.manifest.contents),
    });
  });
}

/** Asks for confirmation before anything is restored. */
export function askRestore(source: RestoreSource, label: string): void {
  yourData.pending = { source, label };
  yourData.error = null;
  yourData.status = null;
}

export async function askRestoreFile(file: File): Promise<void> {
  askRestore({ kind: "file", dataBase64: toBase64(await file.arrayBuffer()) }, file.name);
}

export function cancelRestore(): void {
  yourData.pending = null;
}

/** Restores the confirmed backup, then reloads everything the app shows. */
export function confirmRestore(mode: RestoreMode): Promise<void> {
  const pending = yourData.pending;
  if (!pending) return Promise.resolve();
  yourData.pending = null;
  return run("restore", async () => {
    const report = await ipc.restore(pending.source, mode);
    // The restore is done; reloading what the window shows must not make
    // it look failed (each loader reports its own trouble).
    newChat();
    await Promise.allSettled([loadPreferences(), loadApp(), loadMcpServers(), loadBackups()]);
    const added = describeContents(report.added);
    return mode === "replace"
      ? t("data.restoredReplace", { contents: added })
      : t("data.restoredMerge", { contents: added });
  });
}

/** Imports a picked file as `source` says it is, and opens its first conversation. */
export function importFile(source: ImportSource, file: File): Promise<void> {
  return run("import", async () => {
    const report = await ipc.importData(source, await file.text());
    await refreshConversations();
    if (report.firstConversationId && report.conversationsAdded > 0) {
      await openConversation(report.firstConversationId);
    }
    return describeImport(report);
  });
}

export function describeImport(report: ImportReport): string {
  const said = [
    t("data.imported", {
      count: report.conversationsAdded,
      messages: report.messagesAdded,
    }),
  ];
  if (report.conversationsAlreadyHere > 0) {
    said.push(t("data.importedAlready", { count: report.conversationsAlreadyHere }));
  }
  if (report.leftOut.length > 0) {
    const what = report.leftOut.map((l) => `${leftOutText(l.what)} (${l.count})`).join(", ");
    said.push(t("data.importedLeftOut", { what }));
  }
  return said.join(" ");
}

/** A kind of thing an import left out, in the user's language. */
export function leftOutText(what: LeftOutKind): string {
  switch (what.kind) {
    case "image":
      return t("data.leftOut.image");
    case "audio":
      return t("data.leftOut.audio");
    case "messageWithoutAuthor":
      return t("data.leftOut.noAuthor");
    case "messageWithoutContent":
      return t("data.leftOut.noContent");
    case "unknownRole":
      return t("data.leftOut.role", { name: what.name });
    case "unknownContent":
      return what.name ? t("data.leftOut.content", { name: what.name }) : t("data.leftOut.unnamed");
  }
}

export function exportAll(format: ExportAllFormat): Promise<void> {
  return run("export", async () => {
    const path = await ipc.exportAll(format);
    return t("settings.exportedTo", { path });
  });
}

/** The error in the user's language, with the backend's words for the detail. */
export function dataErrorText(error: IpcError): string {
  const known: Partial<Record<string, MessageKey>> = {
    not_a_backup: "data.error.not_a_backup",
    backup_damaged: "data.error.backup_damaged",
    backup_newer: "data.error.backup_newer",
    import_not_json: "data.error.import_not_json",
    import_not_recognised: "data.error.import_not_recognised",
    import_newer: "data.error.import_newer",
    import_unreadable: "data.error.import_unreadable",
    busy: "data.error.busy",
  };
  const key = known[error.code];
  return key ? t(key, { detail: error.message }) : t("error.generic", { message: error.message });
}
