import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { tick } from "svelte";
import { MAX_WINDOW_PARTS } from "../lib/virtual/part-window";
import { ScrollWindow, scrollWindowContext } from "../lib/virtual/scroll-window";
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

describe("Markdown in a scroll window", () => {
  const paragraphs = Array.from({ length: 2000 }, (_, i) => `Paragraph ${i}.`);

  /** A viewport 800 px tall at the top of the screen, the message's top at `messageTop()`. */
  function layout(messageTop: () => number): ScrollWindow {
    const scroll = new ScrollWindow();
    const viewport = document.createElement("div");
    scroll.viewport = viewport;
    vi.spyOn(Element.prototype, "getBoundingClientRect").mockImplementation(function (
      this: Element,
    ) {
      const top = this.classList.contains("markdown") ? messageTop() : 0;
      return DOMRect.fromRect({ x: 0, y: top, width: 700, height: this === viewport ? 800 : 0 });
    });
    return scroll;
  }

  const spacerHeights = (root: Element) =>
    [...root.querySelectorAll<HTMLElement>(".md-spacer")].map((el) => parseFloat(el.style.height));

  it("puts only the parts near the view in the page, and spacers for the rest", async () => {
    let top = 0;
    const scroll = layout(() => top);
    const { container } = render(Markdown, {
      props: { text: paragraphs.join("\n\n") },
      context: scrollWindowContext(scroll),
    });
    const md = container.querySelector(".markdown")!;
    // Rendered over several tasks: done when the spacer below stands for all 4,000 lines.
    await waitFor(() => expect(spacerHeights(md)[0]).toBeGreaterThan(95_000), { timeout: 5000 });
    const atTop = md.querySelectorAll(".md-block").length;
    expect(atTop).toBeGreaterThan(0);
    expect(atTop).toBeLessThanOrEqual(MAX_WINDOW_PARTS);
    expect(md.querySelectorAll("p").length).toBeLessThan(200);
    expect(md.textContent).toContain("Paragraph 0.");
    expect(md.textContent).not.toContain("Paragraph 1999.");
    // The message is as tall as all of it would be: only one spacer, below.
    const [below] = spacerHeights(md);
    expect(spacerHeights(md)).toHaveLength(1);

    // Scrolled to the middle: the parts there, and spacers on both sides.
    top = -below! / 2;
    scroll.moved();
    await tick();
    expect(md.textContent).not.toContain("Paragraph 0.");
    const shown = [...md.querySelectorAll("p")].map((p) => Number(/\d+/.exec(p.textContent)?.[0]));
    expect(Math.min(...shown)).toBeGreaterThan(500);
    expect(Math.max(...shown)).toBeLessThan(1500);
    expect(spacerHeights(md)).toHaveLength(2);
  });

  it("copies the whole of a code block too large to parse, from its first piece", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const code = Array.from({ length: 4000 }, (_, i) => `line ${i}`).join("\n");
    const scroll = layout(() => 0);
    const { container } = render(Markdown, {
      props: { text: "```sh\n" + code + "\n```\n\nEND" },
      context: scrollWindowContext(scroll),
    });
    const button = await waitFor(() => {
      const found = container.querySelector<HTMLButtonElement>(".md-code-first button.md-copy");
      if (!found) throw new Error("no copy button yet");
      return found;
    });
    expect(container.querySelector(".md-code-first .code-lang")?.textContent).toBe("sh");
    // Most of the block's pieces are not in the page; the copy is still all of it.
    await fireEvent.click(button);
    expect(writeText).toHaveBeenCalledWith(code);
    await waitFor(() => expect(button.textContent).toBe("Copied"));
  });
});
