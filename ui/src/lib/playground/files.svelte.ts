// The provider's files and vector stores for the Playground: upload picked
// files (progress, Stop), make a store from them right there and follow each
// file's indexing (uploading → indexing → ready / failed with the reason),
// list and delete what is at the provider. What this form uploads and makes
// is written into the form (`uploads`, `stores`) so exported code can do the
// same, and a preset remembers it.

import {
  ipc,
  playgroundIpc,
  providerFilesIpc,
  toIpcError,
  type FileIndexing,
  type IpcError,
  type ProviderFile,
  type StoreSummary,
  type UploadPurpose,
} from "../ipc";
import { toBase64 } from "../attachments";
import { t } from "../i18n/index.svelte";
import { playground } from "./run.svelte";
import { rowId } from "./state";

/** Halley's own bound on an upload (the backend checks it too). */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
/** How often a store's files are looked at while any is indexing, and for how long at most. */
const POLL_MS = 1000;
const POLL_LIMIT_MS = 10 * 60 * 1000;

export type PickedState = "uploading" | "indexing" | "ready" | "failed" | "cancelled";

/** A file picked in the Playground, on its way to the provider. */
export interface PickedFile {
  key: string;
  filename: string;
  bytes: number;
  sent: number;
  state: PickedState;
  fileId: string | null;
  /** In the user's language; the provider's words inside. */
  error: string | null;
}

/** What a failed provider-files call means, in the user's language. */
export function filesErrorText(error: IpcError): string {
  switch (error.code) {
    case "too_large":
      return t("pg.files.tooLarge", { detail: error.message });
    case "network":
      return t("pg.files.network", { detail: error.message });
    case "not_found":
      return t("pg.files.notFound", { detail: error.message });
    case "no_provider":
      return t("pg.files.noProvider");
    case "cancelled":
      return t("pg.files.cancelled");
    default:
      return t("pg.files.refused", { detail: error.message });
  }
}

function indexingState(status: FileIndexing): PickedState {
  switch (status) {
    case "completed":
      return "ready";
    case "failed":
    case "cancelled":
      return "failed";
    default:
      return "indexing";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class ProviderFiles {
  files = $state.raw<ProviderFile[]>([]);
  stores = $state.raw<StoreSummary[]>([]);
  /** Files picked for a new store (or for a container / message), newest last. */
  picked = $state<PickedFile[]>([]);
  storeName = $state("");
  /** The last failure of a list or a delete, in the user's language. */
  message = $state("");
  busy = $state(false);

  async refresh(): Promise<void> {
    try {
      [this.files, this.stores] = await Promise.all([
        providerFilesIpc.listFiles(),
        providerFilesIpc.listStores(),
      ]);
      this.message = "";
    } catch (error) {
      this.message = filesErrorText(toIpcError(error));
    }
  }

  /**
   * Uploads one picked file; resolves with its id, or null when it was
   * refused, failed or stopped (the row says why).
   */
  async upload(file: File, purpose: UploadPurpose): Promise<string | null> {
    const row: PickedFile = {
      key: rowId(),
      filename: file.name,
      bytes: file.size,
      sent: 0,
      state: "uploading",
      fileId: null,
      error: null,
    };
    this.picked.push(row);
    // The proxied row: writes to it must reach the UI.
    const live = this.picked[this.picked.length - 1]!;
    if (file.size > MAX_UPLOAD_BYTES) {
      live.state = "failed";
      live.error = t("pg.files.overBound", { max: MAX_UPLOAD_BYTES / (1024 * 1024) });
      return null;
    }
    try {
      const data = toBase64(await file.arrayBuffer());
      const uploaded = await providerFilesIpc.upload(
        live.key,
        file.name,
        file.type,
        data,
        purpose,
        (progress) => (live.sent = progress.sent),
      );
      live.fileId = uploaded.id;
      live.sent = file.size;
      live.state = "ready";
      playground.form.uploads.push({ fileId: uploaded.id, filename: file.name, purpose });
      return uploaded.id;
    } catch (error) {
      const e = toIpcError(error);
      live.state = e.code === "cancelled" ? "cancelled" : "failed";
      live.error = filesErrorText(e);
      return null;
    }
  }

  /** Stops an upload in flight (the backend deletes a file that arrived anyway). */
  async stop(key: string): Promise<void> {
    await ipc.stop(key);
  }

  /**
   * Uploads `files`, makes a store of those that arrived, picks it for
   * file_search, and follows each file's indexing until it ends.
   */
  async createStore(files: File[]): Promise<void> {
    if (this.busy || files.length === 0) return;
    this.busy = true;
    this.message = "";
    try {
      this.picked = [];
      const ids: string[] = [];
      for (const file of files) {
        const id = await this.upload(file, "assistants");
        if (id) ids.push(id);
      }
      if (ids.length === 0) return;
      for (const row of this.picked) if (row.fileId) row.state = "indexing";
      const name = this.storeName.trim() || files.map((f) => f.name).join(", ");
      const store = await providerFilesIpc.createStore(name.slice(0, 100), ids);
      const form = playground.form;
      form.stores.push({ storeId: store.id, name: store.name, fileIds: ids });
      this.choose(store.id, true);
      this.stores = [store, ...this.stores.filter((s) => s.id !== store.id)];
      await this.follow(store.id);
      this.storeName = "";
    } catch (error) {
      this.message = filesErrorText(toIpcError(error));
      for (const row of this.picked) if (row.state === "indexing") row.state = "failed";
    } finally {
      this.busy = false;
    }
  }

  /** Looks at a store's files until none is indexing (or ten minutes pass). */
  async follow(storeId: string): Promise<void> {
    const deadline = Date.now() + POLL_LIMIT_MS;
    for (;;) {
      const files = await providerFilesIpc.storeFiles(storeId);
      for (const file of files) {
        const row = this.picked.find((r) => r.fileId === file.id);
        if (!row) continue;
        row.state = indexingState(file.status);
        row.error =
          row.state === "failed"
            ? t("pg.files.indexingFailed", { detail: file.error ?? "" })
            : null;
      }
      if (!files.some((f) => indexingState(f.status) === "indexing")) break;
      if (Date.now() > deadline) {
        this.message = t("pg.files.stillIndexing");
        break;
      }
      await sleep(POLL_MS);
    }
    try {
      this.stores = await providerFilesIpc.listStores();
    } catch {
      // The store list is a convenience; the rows above say what matters.
    }
  }

  /** Whether store `id` is in file_search's `vector_store_ids`. */
  chosen(id: string): boolean {
    return splitIds(playground.form.fileSearch.vectorStoreIds).includes(id);
  }

  choose(id: string, on: boolean): void {
    const fs = playground.form.fileSearch;
    const ids = splitIds(fs.vectorStoreIds).filter((s) => s !== id);
    if (on) ids.push(id);
    fs.vectorStoreIds = ids.join(", ");
    if (on) fs.enabled = true;
  }

  async deleteStore(id: string): Promise<void> {
    try {
      await providerFilesIpc.deleteStore(id);
      this.choose(id, false);
      this.stores = this.stores.filter((s) => s.id !== id);
    } catch (error) {
      this.message = filesErrorText(toIpcError(error));
    }
  }

  async deleteFile(id: string): Promise<void> {
    try {
      await providerFilesIpc.deleteFile(id);
      this.files = this.files.filter((f) => f.id !== id);
    } catch (error) {
      this.message = filesErrorText(toIpcError(error));
    }
  }

  /** Uploads files for code interpreter's container and adds their ids. */
  async addContainerFiles(files: File[]): Promise<void> {
    const ci = playground.form.codeInterpreter;
    for (const file of files) {
      const id = await this.upload(file, "assistants");
      if (id) ci.fileIds = [...splitIds(ci.fileIds), id].join(", ");
    }
  }
}

function splitIds(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export const providerFiles = new ProviderFiles();

/** A container file's bytes, for an image shown inline. */
export function containerFile(containerId: string, fileId: string): Promise<ArrayBuffer> {
  return providerFilesIpc.containerFile(containerId, fileId);
}

/** Saves a container file in the export folder; resolves with the path. */
export function saveContainerFile(
  containerId: string,
  fileId: string,
  filename: string,
): Promise<string> {
  return providerFilesIpc.saveContainerFile(containerId, fileId, filename);
}

/** A picked file as a `data:` URL, for an inline image or file in a message. */
export async function inlineDataUrl(file: File): Promise<string> {
  const mime = file.type || "application/octet-stream";
  return `data:${mime};base64,${toBase64(await file.arrayBuffer())}`;
}

/** Saves a generated image in the export folder; resolves with the path. */
export function saveGeneratedImage(name: string, format: string, base64: string): Promise<string> {
  return playgroundIpc.saveImage(name, format, base64);
}
