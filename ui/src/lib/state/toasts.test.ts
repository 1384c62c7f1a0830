import { afterEach, describe, expect, it, vi } from "vitest";
import { dismissToast, showToast, toasts } from "./toasts.svelte";

afterEach(() => {
  for (const toast of [...toasts]) dismissToast(toast.id);
  vi.useRealTimers();
});

describe("toasts", () => {
  it("shows the same words once, however often they are said", () => {
    const first = showToast("The network is down", "error");
    expect(showToast("The network is down", "error")).toBe(first);
    showToast("Saved", "info");
    expect(toasts.map((t) => t.text)).toEqual(["The network is down", "Saved"]);
  });

  it("goes by itself after its time", () => {
    vi.useFakeTimers();
    showToast("Copied", "info", undefined, 1000);
    expect(toasts).toHaveLength(1);
    vi.advanceTimersByTime(1001);
    expect(toasts).toHaveLength(0);
  });
});
