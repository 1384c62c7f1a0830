// Provider presets offered in setup and settings.
import type { ProviderKind } from "./ipc";

export const PROVIDER_PRESETS: Record<ProviderKind, { name: string; baseUrl: string }> = {
  cometapi: { name: "CometAPI", baseUrl: "https://api.cometapi.com/v1" },
  openai: { name: "OpenAI", baseUrl: "https://api.openai.com/v1" },
  custom: { name: "Custom", baseUrl: "" },
};
