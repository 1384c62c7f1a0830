//! Evaluations: a preset's `{{variables}}` filled from each row of a dataset,
//! run for one or more variants (preset versions, or a model or parameter
//! changed), graded, and added up per variant.
//!
//! - [`template`]: `{{variables}}` and filling them;
//! - [`form`]: a preset's saved form → a typed request for one row;
//! - [`dataset`]: CSV and JSONL in and out (stored by `history/eval.rs`);
//! - [`grader`]: exact, contains, regex, JSON Schema, JSON path, model, human;
//! - [`run`]: running the rows with bounded concurrency, pause, resume, cancel;
//! - [`stats`]: Wilson intervals, percentiles, the per-variant aggregate.

mod batch;
pub mod dataset;
pub mod form;
pub mod grader;
pub mod run;
pub mod stats;
pub mod template;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use dataset::{DatasetFormat, DatasetPreview, DatasetProblem, Table};
pub use form::{Overrides, PresetForm};
pub use grader::{Comparison, Grade, GraderSpec, HumanGrade, ModelGrader, Reference};
pub use run::{
    aggregate, compare_runs, create_run, prepare_run, run_eval, EvalRunComparison, EvalRunProgress,
    EvalRunRequest, PreparedRun, RowComparison, RunControl, RunningRuns, VariantSpec,
    DEFAULT_CONCURRENCY, MAX_CONCURRENCY,
};
pub use stats::{percentile, wilson_95, VariantAggregate};
pub use template::TemplateProblem;
// RunMode and PendingBatch are defined below.

use crate::history::Usage;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "DatasetSummary.ts")]
pub struct DatasetSummary {
    pub id: String,
    pub name: String,
    pub latest_version: u32,
    /// Rows of the latest version.
    pub rows: u32,
    pub updated_at: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "DatasetVersionInfo.ts")]
pub struct DatasetVersionInfo {
    pub version: u32,
    pub columns: Vec<String>,
    pub expected_column: Option<String>,
    pub rows: u32,
    pub format: DatasetFormat,
    pub created_at: f64,
}

/// Where a run is. `running` in the database with no process running it
/// means it was interrupted (the app closed, a crash): resuming picks it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "EvalRunStatus.ts")]
pub enum EvalRunStatus {
    Running,
    Paused,
    Cancelled,
    Completed,
}

impl EvalRunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EvalRunStatus::Running => "running",
            EvalRunStatus::Paused => "paused",
            EvalRunStatus::Cancelled => "cancelled",
            EvalRunStatus::Completed => "completed",
        }
    }

    pub(crate) fn parse(text: &str) -> Self {
        match text {
            "paused" => EvalRunStatus::Paused,
            "cancelled" => EvalRunStatus::Cancelled,
            "completed" => EvalRunStatus::Completed,
            _ => EvalRunStatus::Running,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "EvalRunSummary.ts")]
pub struct EvalRunSummary {
    pub id: String,
    pub dataset_id: String,
    pub dataset_version: u32,
    pub status: EvalRunStatus,
    pub created_at: f64,
    pub updated_at: f64,
    /// Rows × variants with a result so far.
    pub results: u32,
}

/// Whether a row got an answer (graded) or its request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "RowStatus.ts")]
pub enum RowStatus {
    Answered,
    Failed,
}

impl RowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RowStatus::Answered => "answered",
            RowStatus::Failed => "failed",
        }
    }

    pub(crate) fn parse(text: &str) -> Self {
        if text == "answered" {
            RowStatus::Answered
        } else {
            RowStatus::Failed
        }
    }
}

/// One row's result for one variant.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "RowResult.ts")]
pub struct RowResult {
    pub variant: u32,
    /// The dataset row, from 1.
    pub position: u32,
    pub status: RowStatus,
    /// Answered, and every grader passed.
    pub passed: bool,
    pub output: String,
    /// The request as sent (JSON); read only when asked for.
    pub request: Option<String>,
    /// The final response (JSON); read only when asked for.
    pub response: Option<String>,
    /// Why the row failed (the provider's words, keys scrubbed).
    pub error: Option<String>,
    pub latency_ms: Option<f64>,
    pub model: Option<String>,
    pub usage: Usage,
    pub cost_usd: Option<f64>,
    pub grades: Vec<Grade>,
    /// Requests the model graders made for this row, and their cost.
    pub grader_requests: u32,
    pub grader_cost_usd: Option<f64>,
    pub human_grade: Option<HumanGrade>,
    pub finished_at: f64,
}

/// A variant as the run keeps it: the preset version's form copied, so the
/// run (and a resume of it) sends the same whatever is saved later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedVariant {
    pub label: String,
    pub preset_id: String,
    pub preset_name: String,
    pub preset_version: u32,
    pub provider_id: String,
    /// The preset version's form, as saved.
    pub state: String,
    pub overrides: Overrides,
}

/// How a run's requests go: one by one as they are run (`live`), or all
/// at once through the provider's Batch API (`batch`: cheaper and slower,
/// with the live path where a provider has no Batch API).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "EvalRunMode.ts", rename = "EvalRunMode")]
pub enum RunMode {
    #[default]
    Live,
    Batch,
}

/// A Batch API batch a run sent and has not read back yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingBatch {
    pub provider_id: String,
    pub batch_id: String,
    /// (variant, row) pairs it holds.
    pub jobs: Vec<(u32, u32)>,
}

/// A run as stored (`eval_runs.spec`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredRun {
    #[serde(default)]
    pub mode: RunMode,
    pub dataset_id: String,
    pub dataset_version: u32,
    pub variants: Vec<ResolvedVariant>,
    pub graders: Vec<GraderSpec>,
    pub concurrency: u32,
}
