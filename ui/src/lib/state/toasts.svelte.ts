// Short messages at the bottom of the window; an optional action (Undo, Retry).
export interface Toast {
  id: number;
  text: string;
  kind: "info" | "error";
  action?: { label: string; run: () => void };
}

let nextId = 1;
export const toasts = $state<Toast[]>([]);

export function showToast(
  text: string,
  kind: Toast["kind"] = "info",
  action?: Toast["action"],
  timeoutMs = 6000,
): number {
  // The same words again (a failure repeated by every retry) are not
  // stacked: the one on screen stays.
  const shown = toasts.find((t) => t.text === text && t.kind === kind && !t.action && !action);
  if (shown) return shown.id;
  const id = nextId++;
  toasts.push({ id, text, kind, ...(action ? { action } : {}) });
  if (timeoutMs > 0) setTimeout(() => dismissToast(id), timeoutMs);
  return id;
}

export function dismissToast(id: number): void {
  const i = toasts.findIndex((t) => t.id === id);
  if (i !== -1) toasts.splice(i, 1);
}
