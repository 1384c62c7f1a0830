import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { mockBackend } from "../test/backend";
import Markdown from "./Markdown.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
  vi.restoreAllMocks();
});

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).buffer;

describe("Markdown remote images", () => {
  it("fetches a clicked image through the backend and shows it from a blob: URL", async () => {
    // jsdom has no object URLs; the real webview makes a blob: URL here.
    const createObjectURL = vi.fn(() => "blob:halley/1");
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const backend = mockBackend({ fetch_image: () => PNG });
    const { container } = render(Markdown, { text: "![chart](https://img.example/c.png)" });
    const button = container.querySelector("button.md-remote-image") as HTMLButtonElement;
    // Nothing is asked before the click: the placeholder names the host only.
    expect(backend.calls).toEqual([]);
    expect(button.textContent).toBe("Load image from img.example");
    await fireEvent.click(button);
    const img = await waitFor(() => {
      const found = container.querySelector("img.md-loaded-image");
      if (!found) throw new Error("no image yet");
      return found as HTMLImageElement;
    });
    expect(backend.calls).toEqual([
      { cmd: "fetch_image", args: { url: "https://img.example/c.png" } },
    ]);
    expect(img.getAttribute("src")).toBe("blob:halley/1");
    expect(img.alt).toBe("chart");
  });

  it("says the image could not be loaded, and keeps the button to try again", async () => {
    mockBackend({
      fetch_image: () => {
        throw { code: "invalid_input", message: "not a PNG, JPEG, GIF or WebP image" };
      },
    });
    const { container } = render(Markdown, { text: "![x](https://img.example/x.svg)" });
    const button = container.querySelector("button.md-remote-image") as HTMLButtonElement;
    await fireEvent.click(button);
    await waitFor(() =>
      expect(button.textContent).toBe("Could not load the image from img.example. Try again"),
    );
    // The backend's reason is on hover; no image element was made.
    expect(button.title).toBe("not a PNG, JPEG, GIF or WebP image");
    expect(button.disabled).toBe(false);
    expect(container.querySelector("img")).toBeNull();
  });
});
