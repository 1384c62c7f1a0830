import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { mockBackend } from "../test/backend";
import type { ProviderView } from "../lib/ipc";
import { chat } from "../lib/state/chat.svelte";
import SettingsDialog from "./SettingsDialog.svelte";

const provider = {
  id: "p1",
  name: "Work gateway",
  kind: "custom",
  baseUrl: "https://gateway.example/v1",
  keyLast4: "abcd",
  active: true,
} as unknown as ProviderView;

afterEach(() => {
  cleanup();
  clearMocks();
  chat.providers = [];
});

function backend(extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  return mockBackend({
    app_info: () => ({ name: "Halley", version: "9.8.7", dataDir: "/home/u/.local/share/halley" }),
    mcp_list_servers: () => ({ servers: [], damaged: false }),
    mcp_watch_servers: () => null,
    watch_capabilities: () => null,
    provider_capabilities: () => [],
    update_status: () => null,
    ...extra,
  });
}

describe("SettingsDialog", () => {
  it("removes a provider only after it is confirmed", async () => {
    chat.providers = [provider];
    const fake = backend({ delete_provider: () => null, list_providers: () => [] });
    render(SettingsDialog, { onClose: () => {} });
    await fireEvent.click(screen.getByTestId("remove-provider"));
    expect(fake.calls.some((c) => c.cmd === "delete_provider")).toBe(false);
    expect(screen.getByRole("alertdialog").textContent).toContain("Remove Work gateway?");
    await fireEvent.click(screen.getByTestId("confirm-remove-provider"));
    await waitFor(() => expect(fake.calls.some((c) => c.cmd === "delete_provider")).toBe(true));
  });

  it("says which version runs and where its data lives", async () => {
    backend();
    render(SettingsDialog, { onClose: () => {} });
    const about = screen.getByTestId("about");
    await waitFor(() => expect(about.textContent).toContain("Halley 9.8.7"));
    expect(about.textContent).toContain("/home/u/.local/share/halley");
  });
});
