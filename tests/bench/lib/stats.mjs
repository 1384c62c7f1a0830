// Small statistics for ./x bench: medians and percentiles over plain arrays.

/** The `p`-th percentile (0-100) by nearest rank; NaN for no samples. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** What one stream report (`{sent, echoed, latencyMs}`) comes to, against the deltas asked for. */
export function summarizeStream(stream, expected) {
  const latency = stream.latencyMs;
  return {
    expected,
    sent: stream.sent,
    echoed: stream.echoed,
    lost: expected - stream.echoed,
    p50: percentile(latency, 50),
    p95: percentile(latency, 95),
    p99: percentile(latency, 99),
    max: latency.length ? Math.max(...latency) : NaN,
  };
}
