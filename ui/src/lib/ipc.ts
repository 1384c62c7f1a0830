// The one module that talks to the Rust side. Every command the UI calls is
// wrapped here with the generated types, so a drift shows up at compile time.
import { Channel, invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { IpcError } from "./bindings/IpcError";
import type { RunUpdate } from "./bindings/RunUpdate";

export type { AppInfo, IpcError, RunUpdate };

/** Whether a thrown value is the backend's `{code, message}` error. */
export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Normalizes anything thrown by `invoke` into an IpcError (unknown codes kept as is). */
export function toIpcError(value: unknown): IpcError {
  if (isIpcError(value)) return value;
  return { code: "internal", message: String(value) } as IpcError;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toIpcError(error);
  }
}

export const ipc = {
  appInfo: () => call<AppInfo>("app_info"),
  streamDemo: (text: string, onUpdate: (update: RunUpdate) => void) => {
    const channel = new Channel<RunUpdate>();
    channel.onmessage = onUpdate;
    return call<null>("stream_demo", { text, onUpdate: channel });
  },
};
