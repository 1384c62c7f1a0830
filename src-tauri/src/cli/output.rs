//! What the command line prints: a table of the aggregates, the same as
//! JSON, and a progress line.

use std::fmt::Write;

use halley_core::eval::{EvalRunProgress, EvalRunStatus, VariantAggregate};
use serde_json::json;

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn millis(ms: Option<f64>) -> String {
    ms.map_or_else(|| "–".to_owned(), |ms| format!("{ms:.0}"))
}

fn dollars(usd: Option<f64>) -> String {
    usd.map_or_else(|| "–".to_owned(), |usd| format!("${usd:.4}"))
}

/// One line per variant, in columns.
pub fn table(aggregates: &[VariantAggregate]) -> String {
    let width = aggregates
        .iter()
        .map(|a| a.label.chars().count())
        .max()
        .unwrap_or(0)
        .max("variant".len());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:width$}  {:>5}  {:>6}  {:>6}  {:>22}  {:>5}  {:>7}  {:>7}  {:>15}  {:>10}",
        "variant",
        "rows",
        "passed",
        "failed",
        "pass rate (95% CI)",
        "score",
        "p50 ms",
        "p95 ms",
        "tokens in/out",
        "cost"
    );
    for a in aggregates {
        let rate = format!(
            "{} ({}–{})",
            percent(a.pass_rate),
            percent(a.pass_rate_low),
            percent(a.pass_rate_high)
        );
        let cost = match (a.cost_usd, a.grader_cost_usd) {
            (Some(c), Some(g)) => Some(c + g),
            (c, g) => c.or(g),
        };
        let _ = writeln!(
            out,
            "{:width$}  {:>5}  {:>6}  {:>6}  {:>22}  {:>5}  {:>7}  {:>7}  {:>15}  {:>10}",
            a.label,
            a.rows,
            a.passed,
            a.failed,
            rate,
            a.mean_score
                .map_or_else(|| "–".to_owned(), |s| format!("{s:.2}")),
            millis(a.latency_p50_ms),
            millis(a.latency_p95_ms),
            format!("{}/{}", a.input_tokens, a.output_tokens),
            dollars(cost),
        );
    }
    out
}

/// `{"runId", "status", "threshold", "passed", "variants": [...]}`.
pub fn json(
    run_id: &str,
    status: EvalRunStatus,
    threshold: Option<f64>,
    passed: bool,
    aggregates: &[VariantAggregate],
) -> String {
    json!({
        "runId": run_id,
        "status": status,
        "threshold": threshold,
        "passed": passed,
        "variants": aggregates,
    })
    .to_string()
}

pub fn progress_line(p: &EvalRunProgress) -> String {
    let eta = p
        .eta_ms
        .map(|ms| format!(", about {:.0} s left", ms / 1000.0))
        .unwrap_or_default();
    format!("{}/{} rows ({} failed){eta}   ", p.done, p.total, p.failed)
}
