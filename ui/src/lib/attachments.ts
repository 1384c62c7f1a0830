// Files the user attaches: images up to 20 MB and PDFs up to 50 MB, read as
// base64 for AttachmentInput. Anything else is refused with a reason the UI
// shows. A PDF over 8 MB goes to the provider's file storage and is sent by
// id (halley_core::chat::uploads), so it may be larger than a request could
// carry inline. The backend checks the same limits.
import type { AttachmentInput, AttachmentKind } from "./ipc";

const MB = 1024 * 1024;
export const MAX_ATTACHMENT_BYTES: Record<AttachmentKind, number> = {
  image: 20 * MB,
  pdf: 50 * MB,
};
const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];

export interface PendingAttachment {
  input: AttachmentInput;
  size: number;
  /** data: URL for an image thumbnail (local, so the CSP's img-src data: allows it). */
  preview: string | null;
}

export type AttachmentRejection = { reason: "type" } | { reason: "size"; maxMb: number };

export function attachmentKind(mime: string, name: string): AttachmentKind | null {
  if (IMAGE_TYPES.includes(mime)) return "image";
  if (mime === "application/pdf" || (!mime && name.toLowerCase().endsWith(".pdf"))) return "pdf";
  return null;
}

export function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  // Chunked: String.fromCharCode(...bigArray) overflows the call stack on large files.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export async function readAttachment(
  file: File,
): Promise<PendingAttachment | { rejected: AttachmentRejection }> {
  const kind = attachmentKind(file.type, file.name);
  if (kind === null) return { rejected: { reason: "type" } };
  if (file.size > MAX_ATTACHMENT_BYTES[kind]) {
    return { rejected: { reason: "size", maxMb: MAX_ATTACHMENT_BYTES[kind] / MB } };
  }
  const dataBase64 = toBase64(await file.arrayBuffer());
  const mime = file.type || "application/pdf";
  return {
    input: { kind, filename: file.name, mime, dataBase64 },
    size: file.size,
    preview: kind === "image" ? `data:${mime};base64,${dataBase64}` : null,
  };
}
