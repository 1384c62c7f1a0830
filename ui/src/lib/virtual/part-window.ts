// Which parts of a long message are in the page (docs/architecture.md, "A
// message's DOM is bounded"): only those near the view, placed by their
// heights — measured once laid out, estimated from their length until then.
// Pure numbers in and out, so the rules are tested without a layout engine.
import { rowAt } from "./offsets";

/** Parts in the page at most, whatever their heights (parts of no height would otherwise all fit). */
export const MAX_WINDOW_PARTS = 40;

/** A half-open range of part indices, [first, end). */
export type Range = readonly [number, number];

/** Where the viewport is, in the message's own coordinates (0 is the message's top). */
export interface View {
  top: number;
  bottom: number;
}

/**
 * The parts to show: those overlapping the view widened by `overscan` on
 * each side. The current range is kept while it still covers the view
 * widened by half of that, so a small scroll changes nothing in the page.
 * A message whose view is far away shows no part at all (its height is then
 * all spacer).
 */
export function partWindow(
  offsets: Float64Array,
  view: View,
  overscan: number,
  current: Range,
  maxParts = MAX_WINDOW_PARTS,
): Range {
  const count = offsets.length - 1;
  const total = offsets[count] ?? 0;
  if (count <= 0) return [0, 0];
  const far = (margin: number) => view.bottom + margin <= 0 || view.top - margin >= total;
  if (far(overscan)) return [0, 0];
  const [first, end] = current;
  const keep =
    end <= count &&
    end - first <= maxParts &&
    first < end &&
    (far(overscan / 2) ||
      ((offsets[first] ?? 0) <= Math.max(0, view.top - overscan / 2) &&
        (offsets[end] ?? 0) >= Math.min(total, view.bottom + overscan / 2)));
  if (keep) return current;
  let from = rowAt(offsets, Math.max(0, view.top - overscan));
  let to = Math.min(count, rowAt(offsets, view.bottom + overscan) + 1);
  if (to - from > maxParts) {
    // Too many parts for the space (tiny or empty ones): those from just above the view's top.
    from = Math.max(from, Math.min(rowAt(offsets, Math.max(0, view.top)) - 2, to - maxParts));
    to = from + maxParts;
  }
  return [from, to];
}

/**
 * Heights of a message's parts. A measured height is kept with the width it
 * was measured at (a part's height depends on it); a part not laid out at
 * this width is assumed to take its lines times the pixels per line that the
 * parts measured at this width took on average.
 */
export class PartHeights<P extends object> {
  private width = -1;
  private pixels = 0;
  private lines = 0;

  constructor(
    /** Measured heights; may be shared between messages, as parts are. */
    private readonly measured: WeakMap<P, { width: number; height: number }>,
    private readonly lineHeight: number,
  ) {}

  /** The pixels per line assumed for parts not laid out yet. */
  get pixelsPerLine(): number {
    return this.lines > 0 ? this.pixels / this.lines : this.lineHeight;
  }

  /** The parts are `width` wide now; true when that changed (every estimate does). */
  setWidth(width: number): boolean {
    if (width === this.width) return false;
    this.width = width;
    this.pixels = 0;
    this.lines = 0;
    return true;
  }

  /** Records a part's laid-out height; true when it differs from what was assumed. */
  measure(part: P, lines: number, height: number): boolean {
    const known = this.measured.get(part);
    if (known?.width === this.width && known.height === height) return false;
    const before = this.of(part, lines);
    this.measured.set(part, { width: this.width, height });
    this.pixels += height;
    this.lines += lines;
    return before !== height;
  }

  /** The height a part takes: measured at this width, else estimated. */
  of(part: P, lines: number): number {
    const known = this.measured.get(part);
    return known?.width === this.width ? known.height : lines * this.pixelsPerLine;
  }
}
