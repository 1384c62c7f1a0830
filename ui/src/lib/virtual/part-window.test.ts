import { describe, expect, it } from "vitest";
import { prefixOffsets } from "./offsets";
import { MAX_WINDOW_PARTS, PartHeights, partWindow } from "./part-window";

/** Offsets of `count` parts of `height` px each. */
const even = (count: number, height: number) => prefixOffsets(Array<number>(count).fill(height));

describe("partWindow", () => {
  const offsets = even(1000, 100); // a message 100,000 px tall

  it("shows the parts overlapping the view widened by the overscan", () => {
    // View 50,000–50,800, overscan 800: parts 492 (49,200) to 516 (51,600).
    expect(partWindow(offsets, { top: 50_000, bottom: 50_800 }, 800, [0, 0])).toEqual([492, 517]);
  });

  it("keeps the window while a small scroll stays inside it", () => {
    const first = partWindow(offsets, { top: 50_000, bottom: 50_800 }, 800, [0, 0]);
    // 300 px down: still covered with half the overscan to spare, nothing in the page changes.
    expect(partWindow(offsets, { top: 50_300, bottom: 51_100 }, 800, first)).toBe(first);
    // 600 px down: less than half the overscan left below, the window moves.
    expect(partWindow(offsets, { top: 50_600, bottom: 51_400 }, 800, first)).toEqual([498, 523]);
  });

  it("shows nothing for a message far from the view, and its first parts as it comes near", () => {
    // The message starts 5,000 px below the view (view in its coordinates: -5,800…-5,000).
    expect(partWindow(offsets, { top: -5800, bottom: -5000 }, 800, [0, 0])).toEqual([0, 0]);
    expect(partWindow(offsets, { top: -600, bottom: 200 }, 800, [0, 0])).toEqual([0, 11]);
    // Scrolled past its end.
    expect(partWindow(offsets, { top: 120_000, bottom: 120_800 }, 800, [990, 1000])).toEqual([
      0, 0,
    ]);
  });

  it("follows the end of a growing message", () => {
    const before = partWindow(even(100, 100), { top: 9200, bottom: 10_000 }, 800, [0, 0]);
    expect(before).toEqual([84, 100]);
    // Ten parts arrived and the view followed them to the bottom.
    expect(partWindow(even(110, 100), { top: 10_200, bottom: 11_000 }, 800, before)).toEqual([
      94, 110,
    ]);
  });

  it("starts again when the parts were replaced by fewer", () => {
    expect(partWindow(even(5, 100), { top: 0, bottom: 800 }, 800, [90, 110])).toEqual([0, 5]);
  });

  it("caps the parts in the page when they are tiny or empty", () => {
    // 10,000 parts of 1 px (hostile HTML blocks that render next to nothing): 2,400 overlap
    // the widened view; those from just above the view's top are shown.
    const flat = even(10_000, 1);
    expect(partWindow(flat, { top: 5000, bottom: 5800 }, 800, [0, 0])).toEqual([
      4998,
      4998 + MAX_WINDOW_PARTS,
    ]);
    expect(partWindow(flat, { top: 0, bottom: 800 }, 800, [0, 0])).toEqual([0, MAX_WINDOW_PARTS]);
    // A window over the cap is never kept.
    expect(partWindow(flat, { top: 0, bottom: 800 }, 800, [0, 5000])).toEqual([
      0,
      MAX_WINDOW_PARTS,
    ]);
  });

  it("passes over parts measured at no height", () => {
    // They take no room: the view's top falls on the part after them.
    const offsets = prefixOffsets([100, 0, 0, 0, 100, 100]);
    expect(partWindow(offsets, { top: 100, bottom: 150 }, 0, [0, 0])).toEqual([4, 5]);
  });
});

describe("PartHeights", () => {
  const part = () => ({});

  it("estimates parts not laid out from their lines, at the pixels per line measured so far", () => {
    const heights = new PartHeights(new WeakMap(), 25);
    heights.setWidth(700);
    const a = part();
    const b = part();
    expect(heights.of(b, 10)).toBe(250); // nothing measured yet: the default line height
    expect(heights.measure(a, 10, 400)).toBe(true);
    expect(heights.of(a, 10)).toBe(400);
    expect(heights.of(b, 10)).toBe(400); // this message's lines are 40 px
  });

  it("forgets what was measured at another width", () => {
    const shared = new WeakMap<object, { width: number; height: number }>();
    const heights = new PartHeights(shared, 25);
    const a = part();
    heights.setWidth(700);
    heights.measure(a, 4, 100);
    expect(heights.setWidth(700)).toBe(false);
    expect(heights.setWidth(500)).toBe(true);
    expect(heights.of(a, 4)).toBe(100); // estimated: 4 lines × 25 px, the 700 px figure is not used
    expect(heights.measure(a, 4, 140)).toBe(true);
    // Another message showing the same (cached) part at this width knows its height.
    const other = new PartHeights(shared, 25);
    other.setWidth(500);
    expect(other.of(a, 4)).toBe(140);
  });

  it("says when a measurement changes nothing", () => {
    const heights = new PartHeights(new WeakMap(), 25);
    heights.setWidth(700);
    const a = part();
    expect(heights.measure(a, 2, 50)).toBe(false); // exactly the estimate
    expect(heights.measure(a, 2, 50)).toBe(false);
    expect(heights.measure(a, 2, 60)).toBe(true);
  });
});
