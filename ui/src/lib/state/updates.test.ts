import { afterEach, describe, expect, it } from "vitest";
import { clearMocks } from "@tauri-apps/api/mocks";
import { mockBackend } from "../../test/backend";
import {
  checkForUpdates,
  downloadUpdate,
  installUpdate,
  progressText,
  updates,
} from "./updates.svelte";

const available = {
  status: "available",
  version: "0.1.1",
  current: "0.1.0",
  notes: "Fixes",
  date: null,
};

afterEach(() => {
  clearMocks();
  updates.phase = { step: "idle" };
});

function deliverTo(channel: unknown, messages: unknown[]) {
  const { id } = channel as { id: number };
  const internals = (
    window as unknown as {
      __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void };
    }
  ).__TAURI_INTERNALS__;
  messages.forEach((message, index) => internals.runCallback(id, { index, message }));
}

describe("updates", () => {
  it("walks check → download (with progress) → install, only when asked", async () => {
    const seen: number[] = [];
    const backend = mockBackend({
      update_check: () => available,
      update_download: (args) => {
        deliverTo(args.onProgress, [
          { downloaded: 10, total: 100 },
          { downloaded: 100, total: 100 },
        ]);
        if (updates.phase.step === "downloading") seen.push(updates.phase.downloaded);
        return null;
      },
      update_install: () => null,
    });
    expect(await checkForUpdates(true)).toEqual(available);
    expect(backend.calls[0]?.args).toEqual({ force: true });
    expect(updates.phase.step).toBe("available");
    await downloadUpdate();
    expect(updates.phase.step).toBe("downloaded");
    expect(seen.length).toBe(1);
    expect(backend.calls.map((c) => c.cmd)).not.toContain("update_install");
    await installUpdate();
    expect(updates.phase.step).toBe("installed");
  });

  it("keeps the error code of a refused download, and the update to retry", async () => {
    mockBackend({
      update_check: () => available,
      update_download: () => {
        throw { code: "update_bad_signature", message: "signature mismatch" };
      },
    });
    await checkForUpdates(true);
    await downloadUpdate();
    expect(updates.phase).toMatchObject({
      step: "failed",
      error: { code: "update_bad_signature" },
      update: { version: "0.1.1" },
    });
  });

  it("an automatic check that fails or is not due stays quiet", async () => {
    mockBackend({
      update_check: () => {
        throw { code: "update_server", message: "down" };
      },
    });
    expect(await checkForUpdates(false)).toBeNull();
    expect(updates.phase.step).toBe("idle");
    mockBackend({ update_check: () => ({ status: "not_due" }) });
    expect(await checkForUpdates(false)).toBeNull();
    expect(updates.phase.step).toBe("idle");
    mockBackend({ update_check: () => ({ status: "up_to_date", current: "0.1.0" }) });
    await checkForUpdates(true);
    expect(updates.phase).toEqual({ step: "up_to_date", current: "0.1.0" });
  });

  it("shows a percentage only when the size is known", () => {
    expect(progressText(50, 200)).toBe("25%");
    expect(progressText(50, null)).toBeNull();
    expect(progressText(300, 200)).toBe("100%");
  });
});
