// The open conversation's knowledge: files uploaded to the provider and
// searched by file_search. The backend owns the uploads (they go on when the
// conversation is closed); this module lists the open conversation's files
// and follows their states.
import { t } from "../i18n/index.svelte";
import { toBase64 } from "../attachments";
import { ipc, toIpcError, type KnowledgeEvent, type KnowledgeFile } from "../ipc";
import { chat, openConversation, refreshConversations } from "./chat.svelte";
import { preferences } from "./preferences.svelte";
import { showToast } from "./toasts.svelte";

export const knowledge = $state<{ conversationId: string | null; files: KnowledgeFile[] }>({
  conversationId: null,
  files: [],
});

function reportError(error: unknown): void {
  showToast(t("error.generic", { message: toIpcError(error).message }), "error");
}

/** A failed file's reason, in the user's language. */
export function knowledgeProblem(file: KnowledgeFile): string | null {
  if (!file.error) return null;
  return t(`knowledge.error.${file.error.code}`, { name: file.name, detail: file.error.detail });
}

function onEvent(event: KnowledgeEvent): void {
  if (event.kind === "removed") {
    knowledge.files = knowledge.files.filter((f) => f.id !== event.id);
    return;
  }
  const { file } = event;
  if (file.conversationId !== knowledge.conversationId) return;
  const index = knowledge.files.findIndex((f) => f.id === file.id);
  const before = index === -1 ? null : knowledge.files[index];
  if (index === -1) knowledge.files = [...knowledge.files, file];
  else knowledge.files = knowledge.files.map((f, i) => (i === index ? file : f));
  // A file that just failed says why once, beside its red chip.
  if (file.state === "failed" && before?.state !== "failed") {
    const problem = knowledgeProblem(file);
    if (problem) showToast(problem, "error");
  }
}

let watching = false;

/** Follows knowledge states for as long as the window lives (started once). */
export function watchKnowledge(): void {
  if (watching) return;
  watching = true;
  ipc.watchKnowledge(onEvent).catch(() => (watching = false));
}

/** Lists the files of `conversationId` (or none for a new chat). */
export async function loadKnowledge(conversationId: string | null): Promise<void> {
  knowledge.conversationId = conversationId;
  if (!conversationId) {
    knowledge.files = [];
    return;
  }
  try {
    const files = await ipc.listKnowledge(conversationId);
    if (knowledge.conversationId === conversationId) knowledge.files = files;
  } catch (error) {
    reportError(error);
  }
}

/**
 * Adds files to the open conversation's knowledge (a new chat becomes a
 * conversation for them). Each upload goes on in the backend.
 */
export async function addKnowledgeFiles(files: readonly File[]): Promise<void> {
  watchKnowledge();
  for (const file of files) {
    let dataBase64: string;
    try {
      dataBase64 = toBase64(await file.arrayBuffer());
    } catch (error) {
      reportError(error);
      continue;
    }
    try {
      const added = await ipc.addKnowledge({
        conversationId: chat.current?.id ?? null,
        filename: file.name,
        mime: file.type || "application/octet-stream",
        dataBase64,
      });
      if (chat.current?.id !== added.conversationId) {
        knowledge.conversationId = added.conversationId;
        knowledge.files = [];
        await openConversation(added.conversationId);
        await refreshConversations();
      }
      if (!knowledge.files.some((f) => f.id === added.file.id))
        knowledge.files = [...knowledge.files, added.file];
    } catch (error) {
      reportError(error);
    }
  }
}

export async function removeKnowledgeFile(file: KnowledgeFile): Promise<void> {
  try {
    await ipc.removeKnowledge(file.id);
    knowledge.files = knowledge.files.filter((f) => f.id !== file.id);
    if (!preferences.keepUploadedFiles)
      showToast(t("knowledge.removed", { name: file.name }), "info");
  } catch (error) {
    reportError(error);
  }
}

/**
 * After a conversation is deleted: its uploaded files are deleted at the
 * provider (or kept, when the user chose so), and the user is told which.
 */
export async function forgetKnowledgeOf(conversationId: string): Promise<void> {
  if (preferences.keepUploadedFiles) {
    // Kept on purpose; said only when the conversation had knowledge.
    const files = await ipc.listKnowledge(conversationId).catch(() => []);
    if (files.length > 0) showToast(t("knowledge.kept"), "info");
    return;
  }
  // Always asked: besides its knowledge, a conversation may have large
  // PDFs that went to the provider by file id.
  try {
    const cleanup = await ipc.forgetKnowledge(conversationId);
    if (cleanup.failures.length > 0)
      showToast(t("knowledge.forgetFailed", { list: cleanup.failures.join("; ") }), "error");
    else if (cleanup.filesDeleted > 0)
      showToast(t("knowledge.forgotten", { count: String(cleanup.filesDeleted) }), "info");
  } catch (error) {
    reportError(error);
  }
}
