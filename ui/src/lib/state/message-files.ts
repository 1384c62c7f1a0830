// The images and files answers made, kept by the backend. Images are shown
// from blob: URLs made here (the CSP allows blob: and data:, nothing remote);
// saving writes the file into the export folder.
import { t } from "../i18n/index.svelte";
import { ipc, toIpcError } from "../ipc";
import { showToast } from "./toasts.svelte";

/** Each kept file's bytes and its object URL, read once for the life of the window. */
const blobs = new Map<string, Promise<Blob>>();
const urls = new Map<string, Promise<string>>();

function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function blobOf(id: string): Promise<Blob> {
  let blob = blobs.get(id);
  if (!blob) {
    blob = ipc
      .messageFileData(id)
      .then((data) => new Blob([bytesOf(data.dataBase64)], { type: data.mime }));
    blob.catch(() => blobs.delete(id));
    blobs.set(id, blob);
  }
  return blob;
}

/** A blob: URL of kept file `id` (an image). */
export function fileUrl(id: string): Promise<string> {
  let url = urls.get(id);
  if (!url) {
    url = blobOf(id).then((blob) => URL.createObjectURL(blob));
    url.catch(() => urls.delete(id));
    urls.set(id, url);
  }
  return url;
}

/** The image as PNG: the one image type every clipboard takes. */
async function asPng(blob: Blob): Promise<Blob> {
  if (blob.type === "image/png") return blob;
  const bitmap = await createImageBitmap(blob);
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext("2d")?.drawImage(bitmap, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((png) => (png ? resolve(png) : reject(new Error("no PNG"))), "image/png"),
  );
}

/** Copies kept image `id` to the clipboard and says so (or why not). */
export async function copyImage(id: string): Promise<void> {
  try {
    if (typeof ClipboardItem === "undefined" || !navigator.clipboard?.write) {
      throw new Error(t("answer.copyImageUnsupported"));
    }
    // write() is called within the click (WebKit allows the clipboard only
    // there), with the PNG still to come as a promise.
    const png = blobOf(id).then(asPng);
    await navigator.clipboard.write([new ClipboardItem({ "image/png": png })]);
    showToast(t("answer.imageCopied"), "info");
  } catch (error) {
    showToast(t("answer.copyImageFailed", { message: String(error) }), "error");
  }
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
