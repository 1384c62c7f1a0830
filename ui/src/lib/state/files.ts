// Bytes the backend hands over for display: a stored attachment (from the
// history, never the network) and a remote image from model output (fetched
// by the backend on the user's click; the webview itself loads nothing remote).
import { ipc, type Attachment, type AttachmentData } from "../ipc";

export function attachmentData(id: string): Promise<AttachmentData> {
  return ipc.attachmentData(id);
}

/** A message's files read back from the history, to send again with an edit. */
export function attachmentsOf(attachments: readonly Attachment[]): Promise<AttachmentData[]> {
  return Promise.all(attachments.map((a) => ipc.attachmentData(a.id)));
}

/** A remote image's bytes (https, size-capped and type-checked by the backend). */
export function fetchImage(url: string): Promise<ArrayBuffer> {
  return ipc.fetchImage(url);
}
