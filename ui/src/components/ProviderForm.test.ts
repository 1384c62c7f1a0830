import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { mockBackend } from "../test/backend";
import type { ProviderView } from "../lib/ipc";
import { isCleartextRemote } from "../lib/providers";
import ProviderForm from "./ProviderForm.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

const view = (baseUrl: string): ProviderView => ({
  id: "p1",
  name: "Custom",
  kind: "custom",
  baseUrl,
  hasKey: true,
  keyLast4: "1234",
  active: true,
});

const backendSaving = () =>
  mockBackend({
    save_provider: (args) => view((args.input as { baseUrl: string }).baseUrl),
    set_active_provider: () => null,
    list_providers: () => [],
    list_models: () => [],
  });

describe("ProviderForm", () => {
  it("knows which URLs would send the key unencrypted off this machine", () => {
    for (const url of [
      "http://gateway.example.com/v1",
      "http://192.168.1.2:8080/v1",
      "http://[::2]/",
    ]) {
      expect(isCleartextRemote(url), url).toBe(true);
    }
    for (const url of [
      "https://gateway.example.com/v1",
      "http://127.0.0.1:8080/v1",
      "http://127.9.9.9/",
      "http://localhost:1234/v1",
      "http://[::1]:9/v1",
      "not a url",
    ]) {
      expect(isCleartextRemote(url), url).toBe(false);
    }
  });

  it("warns about an http:// address off this machine and sends the confirmation only when ticked", async () => {
    const backend = backendSaving();
    render(ProviderForm, { existing: null });
    await fireEvent.change(screen.getByTestId("provider-select"), { target: { value: "custom" } });
    const url = screen.getByTestId("base-url-input");
    await fireEvent.input(url, { target: { value: "http://127.0.0.1:8080/v1" } });
    expect(screen.queryByTestId("cleartext-warning"), "loopback needs no warning").toBeNull();

    await fireEvent.input(url, { target: { value: "http://gateway.example.com/v1" } });
    const warning = await screen.findByTestId("cleartext-warning");
    expect(warning.textContent).toContain("not encrypted");
    await fireEvent.input(screen.getByTestId("api-key-input"), {
      target: { value: "sk-test-1234" },
    });
    await fireEvent.click(screen.getByTestId("save-key"));
    await waitFor(() => expect(backend.calls.some((c) => c.cmd === "save_provider")).toBe(true));
    const first = backend.calls.find((c) => c.cmd === "save_provider")!;
    expect((first.args.input as { allowCleartextHttp: boolean }).allowCleartextHttp).toBe(false);
    // The first save has finished (the form is usable again) before the second.
    await waitFor(() =>
      expect((screen.getByTestId("save-key") as HTMLButtonElement).disabled).toBe(false),
    );

    await fireEvent.click(screen.getByTestId("cleartext-confirm"));
    await fireEvent.input(screen.getByTestId("api-key-input"), {
      target: { value: "sk-test-1234" },
    });
    await fireEvent.click(screen.getByTestId("save-key"));
    await waitFor(() =>
      expect(backend.calls.filter((c) => c.cmd === "save_provider").length).toBe(2),
    );
    const second = backend.calls.filter((c) => c.cmd === "save_provider")[1]!;
    expect((second.args.input as { allowCleartextHttp: boolean }).allowCleartextHttp).toBe(true);
  });

  it("asks for the key again when the address moves to another server", async () => {
    mockBackend({
      save_provider: () => {
        throw { code: "key_required", message: "backend words" };
      },
    });
    render(ProviderForm, { existing: view("https://gateway.example.com/v1") });
    const url = screen.getByTestId("base-url-input");
    await fireEvent.input(url, { target: { value: "https://gateway.example.com/v2" } });
    expect(screen.queryByTestId("key-required-notice"), "same server, same key").toBeNull();
    await fireEvent.input(url, { target: { value: "https://elsewhere.example.net/v1" } });
    expect((await screen.findByTestId("key-required-notice")).textContent).toContain(
      "Enter the key for this server",
    );
    expect((screen.getByTestId("api-key-input") as HTMLInputElement).required).toBe(true);
    expect((screen.getByTestId("test-key") as HTMLButtonElement).disabled).toBe(true);
  });
});
