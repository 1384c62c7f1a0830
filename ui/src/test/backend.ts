// Test double for the Rust side: mockIPC with per-command handlers, and a
// way to push Channel messages the way Tauri delivers them.
import { mockIPC } from "@tauri-apps/api/mocks";
import type { MessageView, RunUpdate } from "../lib/ipc";

type Handler = (args: Record<string, unknown>) => unknown;

export interface FakeBackend {
  calls: { cmd: string; args: Record<string, unknown> }[];
  /** The `onUpdate` channel id of the latest run-starting command. */
  channelId: number | null;
}

export function mockBackend(handlers: Record<string, Handler>): FakeBackend {
  const backend: FakeBackend = { calls: [], channelId: null };
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    backend.calls.push({ cmd, args });
    const channel = args.onUpdate as { id: number } | undefined;
    if (channel) backend.channelId = channel.id;
    const handler = handlers[cmd];
    if (!handler) throw { code: "not_found", message: `no mock for ${cmd}` };
    return handler(args);
  });
  return backend;
}

/** Delivers Channel messages in order, as `runCallback(id, {index, message})`. */
export function deliver(channelId: number, updates: RunUpdate[], from = 0): void {
  const internals = (
    window as unknown as {
      __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void };
    }
  ).__TAURI_INTERNALS__;
  updates.forEach((message, i) => internals.runCallback(channelId, { index: from + i, message }));
}

export function message(
  id: string,
  parentId: string | null,
  role: MessageView["role"],
  text: string,
  children: string[] = [],
): MessageView {
  return {
    id,
    parentId,
    role,
    status: "complete",
    text,
    reasoning: "",
    citations: [],
    notes: [],
    toolSteps: [],
    fileCitations: [],
    toolOutputs: [],
    files: [],
    attachments: [],
    model: role === "assistant" ? "gpt-test" : null,
    usage: null,
    costUsd: null,
    thoughtMs: null,
    askedFor: [],
    error: null,
    damaged: false,
    createdAt: 0,
    children,
  };
}
