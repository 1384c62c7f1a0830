import { afterEach, describe, expect, it } from "vitest";
import { clearMocks } from "@tauri-apps/api/mocks";
import { mockBackend } from "../../test/backend";
import type { Finding } from "../ipc";
import {
  applyProbeEvent,
  capabilities,
  isProbing,
  loadCapabilities,
  probeProvider,
} from "./capabilities.svelte";

const chaining: Finding = {
  feature: "chaining",
  model: "gpt-5",
  verdict: "ignored",
  evidence: "accepted, but the second answer did not know the first turn",
  status: 200,
  source: "probe",
  learnedAt: Date.now(),
};

afterEach(() => {
  clearMocks();
  capabilities.providerId = null;
  capabilities.findings = [];
  capabilities.probing = {};
});

describe("capabilities", () => {
  it("follows the probes the backend starts by itself and reads their findings", async () => {
    let stored: Finding[] = [];
    const backend = mockBackend({
      watch_capabilities: () => null,
      provider_capabilities: () => stored,
    });
    await loadCapabilities("p1");
    expect(backend.calls.map((c) => c.cmd)).toContain("watch_capabilities");
    expect(capabilities.findings).toEqual([]);

    applyProbeEvent({ kind: "started", providerId: "p1", model: "gpt-5" });
    expect(isProbing("p1", "gpt-5")).toBe(true);
    expect(isProbing("p1", "other")).toBe(false);

    stored = [chaining];
    applyProbeEvent({ kind: "finished", providerId: "p1", model: "gpt-5" });
    expect(isProbing("p1", "gpt-5")).toBe(false);
    await expect.poll(() => capabilities.findings).toEqual([chaining]);
    // Watching starts once per window, not on every load.
    expect(backend.calls.filter((c) => c.cmd === "watch_capabilities")).toHaveLength(1);
  });

  it("a probe of another provider changes nothing shown", async () => {
    const backend = mockBackend({
      watch_capabilities: () => null,
      provider_capabilities: () => [],
    });
    await loadCapabilities("p1");
    const reads = backend.calls.filter((c) => c.cmd === "provider_capabilities").length;
    applyProbeEvent({ kind: "started", providerId: "p2", model: "m" });
    applyProbeEvent({ kind: "finished", providerId: "p2", model: "m" });
    expect(backend.calls.filter((c) => c.cmd === "provider_capabilities")).toHaveLength(reads);
    expect(capabilities.probing).toEqual({});
  });

  it("a probe asked for shows as running until it answers, even if it fails", async () => {
    let fail: (reason: unknown) => void = () => {};
    mockBackend({
      watch_capabilities: () => null,
      probe_provider: () =>
        new Promise((_, reject) => {
          fail = reject;
        }),
    });
    const asked = probeProvider("p1", "gpt-5");
    expect(isProbing("p1", "gpt-5")).toBe(true);
    fail({ code: "network", message: "down" });
    await expect(asked).rejects.toBeTruthy();
    expect(isProbing("p1", "gpt-5")).toBe(false);
  });
});
