//! Aggregates of a run: pass rates with a confidence interval, means and
//! latency percentiles.

use serde::Serialize;
use ts_rs::TS;

/// The Wilson score interval of `passed` out of `total` at 95 %
/// (z = 1.959964): unlike the normal approximation it stays inside [0, 1]
/// and is honest for small samples and rates near 0 or 1. `(0, 1)` for no
/// trials.
pub fn wilson_95(passed: u64, total: u64) -> (f64, f64) {
    if total == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054_f64;
    let n = total as f64;
    let p = passed as f64 / n;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n);
    let spread = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let denominator = 1.0 + z2 / n;
    (
        ((centre - spread) / denominator).max(0.0),
        ((centre + spread) / denominator).min(1.0),
    )
}

/// The `q`-quantile (0–1) of `values` by the nearest-rank method: a value
/// that occurred, never one made up between two. `None` for no values.
pub fn percentile(values: &mut [f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = (q * values.len() as f64).ceil().max(1.0) as usize;
    values.get(rank.min(values.len()) - 1).copied()
}

/// What a run's rows of one variant add up to.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "VariantAggregate.ts")]
pub struct VariantAggregate {
    pub variant: u32,
    pub label: String,
    /// Rows with a result (answered or failed).
    pub rows: u32,
    pub passed: u32,
    /// Rows whose request failed (no output to grade).
    pub failed: u32,
    /// Rows where a grader could not grade.
    pub grading_errors: u32,
    /// passed / rows; failed requests count as not passed.
    pub pass_rate: f64,
    pub pass_rate_low: f64,
    pub pass_rate_high: f64,
    /// The mean of the graders' scores (0–1) over rows that have one.
    pub mean_score: Option<f64>,
    pub latency_p50_ms: Option<f64>,
    pub latency_p95_ms: Option<f64>,
    #[ts(type = "number")]
    pub input_tokens: u64,
    #[ts(type = "number")]
    pub output_tokens: u64,
    /// What the answers cost in US dollars, where every model had a price.
    pub cost_usd: Option<f64>,
    /// What the model grader's own requests cost.
    pub grader_cost_usd: Option<f64>,
    pub grader_requests: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn wilson_matches_published_values() {
        // Reference values from the Wilson formula (e.g. R's prop.test without
        // continuity correction): 8/10 → [0.4902, 0.9433].
        let (low, high) = wilson_95(8, 10);
        assert!(close(low, 0.4902) && close(high, 0.9433), "{low} {high}");
        let (low, high) = wilson_95(0, 20);
        assert!(low == 0.0 && close(high, 0.1611), "{low} {high}");
        let (low, high) = wilson_95(20, 20);
        assert!(close(low, 0.8389) && high == 1.0, "{low} {high}");
        let (low, high) = wilson_95(500, 1000);
        assert!(close(low, 0.4691) && close(high, 0.5309), "{low} {high}");
        assert_eq!(wilson_95(0, 0), (0.0, 1.0));
    }

    #[test]
    fn percentiles_are_values_that_occurred() {
        let mut values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&mut values, 0.5), Some(50.0));
        assert_eq!(percentile(&mut values, 0.95), Some(95.0));
        let mut one = [7.0];
        assert_eq!(percentile(&mut one, 0.95), Some(7.0));
        assert_eq!(percentile(&mut [], 0.5), None);
        let mut unsorted = [30.0, 10.0, 20.0];
        assert_eq!(percentile(&mut unsorted, 0.5), Some(20.0));
    }
}
