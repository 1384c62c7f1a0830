// What the active provider is known to do, for the composer's greyed
// controls and the Settings table. Learned by the backend (the probe, and
// turns that had to leave a setting out); read again after each turn.
import { findingFor } from "../capabilities";
import { ipc, type Feature, type Finding } from "../ipc";

export const capabilities = $state<{
  providerId: string | null;
  findings: Finding[];
  /** The provider whose probe is running, if any. */
  probing: string | null;
}>({ providerId: null, findings: [], probing: null });

/** Reads what is known of `providerId` (null: no provider, nothing known). */
export async function loadCapabilities(providerId: string | null): Promise<void> {
  if (!providerId) {
    capabilities.providerId = null;
    capabilities.findings = [];
    return;
  }
  const findings = await ipc.providerCapabilities(providerId);
  capabilities.providerId = providerId;
  capabilities.findings = findings;
}

/** Runs the probe for `model`; the table shows the result. */
export async function probeProvider(providerId: string, model: string): Promise<Finding[]> {
  capabilities.probing = providerId;
  try {
    const findings = await ipc.probeProvider(providerId, model);
    if (capabilities.providerId === providerId || capabilities.providerId === null) {
      capabilities.providerId = providerId;
      capabilities.findings = findings;
    }
    return findings;
  } finally {
    capabilities.probing = null;
  }
}

/** The finding that makes Halley leave `feature` out for `model`, if any. */
export function withheldBy(feature: Feature, model: string): Finding | null {
  const finding = findingFor(capabilities.findings, feature, model);
  return finding && (finding.verdict === "unsupported" || finding.verdict === "ignored")
    ? finding
    : null;
}
