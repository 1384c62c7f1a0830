// Provider presets offered in setup and settings.
import type { ProviderKind } from "./ipc";

export const PROVIDER_PRESETS: Record<
  ProviderKind,
  { name: string; baseUrl: string; keysUrl: string | null }
> = {
  // Where keys are made: opened in the system browser from the key field.
  cometapi: {
    name: "CometAPI",
    baseUrl: "https://api.cometapi.com/v1",
    keysUrl: "https://www.cometapi.com/",
  },
  openai: {
    name: "OpenAI",
    baseUrl: "https://api.openai.com/v1",
    keysUrl: "https://platform.openai.com/api-keys",
  },
  custom: { name: "Custom", baseUrl: "", keysUrl: null },
};

/** The origin (scheme, host, port) of a URL, or null when it is not http(s). */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url.trim());
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
    return parsed.origin;
  } catch {
    return null;
  }
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (host === "[::1]") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Whether a key sent to this base URL would cross the network unencrypted:
 * `http://` to a host that is not this machine. Mirrors the backend's check
 * (which is what enforces it), so the warning shows while typing.
 */
export function isCleartextRemote(url: string): boolean {
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === "http:" && !isLoopbackHost(parsed.hostname);
  } catch {
    return false;
  }
}
