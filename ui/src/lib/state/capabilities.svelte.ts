// What the active provider is known to do, for the composer's greyed
// controls and the Settings table. Learned by the backend (the probe, and
// turns that had to leave a setting out); read again after each turn and
// whenever a probe ends, including the ones the backend starts by itself.
import { findingFor } from "../capabilities";
import { ipc, type Feature, type Finding, type ProbeEvent } from "../ipc";

export const capabilities = $state<{
  providerId: string | null;
  findings: Finding[];
  /** The probes running now, as `provider id` → the models being probed. */
  probing: Record<string, string[]>;
}>({ providerId: null, findings: [], probing: {} });

let watching = false;

/** Reads what is known of `providerId` (null: no provider, nothing known). */
export async function loadCapabilities(providerId: string | null): Promise<void> {
  if (!watching) {
    watching = true;
    await ipc.watchCapabilities(applyProbeEvent).catch(() => {
      watching = false;
    });
  }
  if (!providerId) {
    capabilities.providerId = null;
    capabilities.findings = [];
    return;
  }
  const findings = await ipc.providerCapabilities(providerId);
  capabilities.providerId = providerId;
  capabilities.findings = findings;
}

/** Exported for tests: what a probe's start or end changes here. */
export function applyProbeEvent(event: ProbeEvent): void {
  markProbing(event.providerId, event.model, event.kind === "started");
  if (event.kind === "finished" && capabilities.providerId === event.providerId) {
    void loadCapabilities(event.providerId).catch(() => {});
  }
}

function markProbing(providerId: string, model: string, running: boolean): void {
  const others = (capabilities.probing[providerId] ?? []).filter((m) => m !== model);
  const models = running ? [...others, model] : others;
  if (models.length > 0) capabilities.probing[providerId] = models;
  else delete capabilities.probing[providerId];
}

/** Whether a probe of `model` at `providerId` is running (asked for or not). */
export function isProbing(providerId: string, model: string): boolean {
  return capabilities.probing[providerId]?.includes(model) ?? false;
}

/** Runs the probe for `model`; the table shows the result. */
export async function probeProvider(providerId: string, model: string): Promise<Finding[]> {
  markProbing(providerId, model, true);
  try {
    const findings = await ipc.probeProvider(providerId, model);
    if (capabilities.providerId === providerId || capabilities.providerId === null) {
      capabilities.providerId = providerId;
      capabilities.findings = findings;
    }
    return findings;
  } finally {
    markProbing(providerId, model, false);
  }
}

/** The finding that makes Halley leave `feature` out for `model`, if any. */
export function withheldBy(feature: Feature, model: string): Finding | null {
  const finding = findingFor(capabilities.findings, feature, model);
  return finding && (finding.verdict === "unsupported" || finding.verdict === "ignored")
    ? finding
    : null;
}
