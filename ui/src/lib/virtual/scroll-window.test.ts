import { describe, expect, it } from "vitest";
import { ScrollWindow } from "./scroll-window";

/** A viewport whose heights the test sets (jsdom lays nothing out). */
function box(heights: { scroll: number; client: number; content: number }) {
  const viewport = document.createElement("div");
  const content = document.createElement("div");
  viewport.append(content);
  let top = 0;
  Object.defineProperties(viewport, {
    scrollHeight: { get: () => heights.scroll },
    clientHeight: { get: () => heights.client },
    scrollTop: {
      get: () => top,
      set: (v: number) => (top = Math.max(0, Math.min(v, heights.scroll - heights.client))),
    },
  });
  Object.defineProperty(content, "offsetHeight", { get: () => heights.content });
  return { viewport, content };
}

describe("ScrollWindow following the bottom", () => {
  it("holds the content at its height until the next stick, so a shrink cannot move the view up", () => {
    const heights = { scroll: 5000, client: 500, content: 5000 };
    const { viewport, content } = box(heights);
    let following = true;
    const scroll = new ScrollWindow(() => following);
    scroll.viewport = viewport;
    scroll.content = content;
    scroll.toBottom();
    expect(viewport.scrollTop).toBe(4500);
    expect(content.style.minHeight).toBe("5000px");
    // The next stick measures the content as it is now.
    heights.scroll = heights.content = 7000;
    scroll.settle();
    expect(viewport.scrollTop).toBe(6500);
    expect(content.style.minHeight).toBe("7000px");
    // The reader scrolled up: the hold goes.
    viewport.scrollTop = 1000;
    following = scroll.follows(true);
    expect(following).toBe(false);
    expect(content.style.minHeight).toBe("");
  });

  it("still takes content that grew meanwhile for growth, not for the reader", () => {
    const heights = { scroll: 5000, client: 500, content: 5000 };
    const { viewport, content } = box(heights);
    const scroll = new ScrollWindow(() => true);
    scroll.viewport = viewport;
    scroll.content = content;
    scroll.toBottom();
    heights.scroll = 9000;
    expect(scroll.follows(true)).toBe(true);
  });
});
