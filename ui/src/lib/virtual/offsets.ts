// Row geometry for the virtual list: prefix sums of measured (or estimated)
// heights, and a binary search from a scroll position to a row index.

export function prefixOffsets(heights: readonly number[]): Float64Array {
  const offsets = new Float64Array(heights.length + 1);
  for (let i = 0; i < heights.length; i++) offsets[i + 1] = offsets[i]! + heights[i]!;
  return offsets;
}

/** Index of the row containing `y` (the last row whose top is at or above it). */
export function rowAt(offsets: Float64Array, y: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Rows to render: those overlapping [top, top + height) plus `overscan` on each side. */
export function visibleRange(
  offsets: Float64Array,
  top: number,
  height: number,
  overscan: number,
): [number, number] {
  const count = offsets.length - 1;
  if (count <= 0) return [0, 0];
  const first = rowAt(offsets, Math.max(0, top));
  const last = rowAt(offsets, top + height);
  return [Math.max(0, first - overscan), Math.min(count, last + 1 + overscan)];
}
