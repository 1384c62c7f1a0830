// The images and files answers made, kept by the backend. Images are shown
// from blob: URLs made here (the CSP allows blob: and data:, nothing remote);
// saving writes the file into the export folder.
import { t } from "../i18n/index.svelte";
import { ipc, toIpcError } from "../ipc";
import { showToast } from "./toasts.svelte";

/** One object URL per kept file, for the life of the window. */
const urls = new Map<string, Promise<string>>();

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A blob: URL of kept file `id` (an image), read once. */
export function fileUrl(id: string): Promise<string> {
  let url = urls.get(id);
  if (!url) {
    url = ipc.messageFileData(id).then((data) => {
      const blob = new Blob([bytesOf(data.dataBase64)], { type: data.mime });
      return URL.createObjectURL(blob);
    });
    url.catch(() => urls.delete(id));
    urls.set(id, url);
  }
  return url;
}

/** Saves kept file `id` into the export folder and says where. */
export async function saveFile(id: string): Promise<void> {
  try {
    const path = await ipc.saveMessageFile(id);
    showToast(t("answer.saved", { path }), "info");
  } catch (error) {
    showToast(t("error.generic", { message: toIpcError(error).message }), "error");
  }
}
