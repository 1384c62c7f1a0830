//! Evaluations: datasets (import, list, versions, rows, export, delete)
//! and runs (start, resume, pause, cancel, progress over a Channel,
//! results, aggregates, comparisons, human grades). The work is
//! `halley_core::eval`'s; these only translate.

use base64::Engine as _;
use halley_core::eval::{
    self, DatasetFormat, DatasetPreview, DatasetSummary, DatasetVersionInfo, EvalRunComparison,
    EvalRunProgress, EvalRunRequest, EvalRunSummary, HumanGrade, RowResult, RunControl,
    VariantAggregate,
};
use tauri::ipc::Channel;
use tauri::State;

use super::blocking::with_state;
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::state::AppState;

/// The file's bytes cross as base64, as attachments and backups do, so a
/// file that is not UTF-8 arrives as it is and is refused by the parser
/// with the row named.
#[tauri::command]
pub async fn eval_import_dataset(
    state: State<'_, AppState>,
    name: String,
    format: DatasetFormat,
    data_base64: String,
    expected_column: Option<String>,
) -> IpcResult<DatasetSummary> {
    with_state(&state, move |state| {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data_base64.as_bytes())
            .map_err(|e| {
                IpcError::new(
                    ErrorCode::InvalidInput,
                    format!("the file did not arrive whole: {e}"),
                )
            })?;
        Ok(state
            .history
            .import_dataset(&name, format, &bytes, expected_column.as_deref())?)
    })
    .await
}

/// What importing the file would give, without storing it: its columns,
/// row count and first rows, or the typed reason it cannot be imported.
#[tauri::command]
pub async fn eval_preview_dataset(
    format: DatasetFormat,
    data_base64: String,
) -> IpcResult<DatasetPreview> {
    super::blocking::blocking(move || {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data_base64.as_bytes())
            .map_err(|e| {
                IpcError::new(
                    ErrorCode::InvalidInput,
                    format!("the file did not arrive whole: {e}"),
                )
            })?;
        Ok(eval::dataset::preview(&bytes, format, 20))
    })
    .await
}

#[tauri::command]
pub async fn eval_list_datasets(state: State<'_, AppState>) -> IpcResult<Vec<DatasetSummary>> {
    with_state(&state, |state| Ok(state.history.list_datasets()?)).await
}

/// Every version of a dataset, newest first.
#[tauri::command]
pub async fn eval_dataset_versions(
    state: State<'_, AppState>,
    dataset_id: String,
) -> IpcResult<Vec<DatasetVersionInfo>> {
    with_state(&state, move |state| {
        Ok(state.history.dataset_versions(&dataset_id)?)
    })
    .await
}

/// Rows `offset + 1 ..= offset + limit` of a version, each its cells in
/// column order.
#[tauri::command]
pub async fn eval_dataset_rows(
    state: State<'_, AppState>,
    dataset_id: String,
    version: u32,
    offset: u32,
    limit: u32,
) -> IpcResult<Vec<Vec<String>>> {
    with_state(&state, move |state| {
        Ok(state
            .history
            .dataset_rows(&dataset_id, version, offset, limit.min(10_000))?)
    })
    .await
}

/// A version as CSV or JSONL text.
#[tauri::command]
pub async fn eval_export_dataset(
    state: State<'_, AppState>,
    dataset_id: String,
    version: u32,
    format: DatasetFormat,
) -> IpcResult<String> {
    with_state(&state, move |state| {
        let bytes = state.history.export_dataset(&dataset_id, version, format)?;
        // Every cell was UTF-8 when imported; the writers add only ASCII.
        String::from_utf8(bytes)
            .map_err(|e| IpcError::new(ErrorCode::Internal, format!("the export is not text: {e}")))
    })
    .await
}

#[tauri::command]
pub async fn eval_delete_dataset(state: State<'_, AppState>, dataset_id: String) -> IpcResult<()> {
    with_state(&state, move |state| {
        Ok(state.history.delete_dataset(&dataset_id)?)
    })
    .await
}

/// Creates a run and starts it; its progress comes over `on_progress`,
/// the last message with the run's end status. Returns the run's id.
#[tauri::command]
pub async fn eval_start_run(
    state: State<'_, AppState>,
    request: EvalRunRequest,
    on_progress: Channel<EvalRunProgress>,
) -> IpcResult<String> {
    let run_id = with_state(&state, move |state| {
        Ok(eval::create_run(&state.history, &request)?)
    })
    .await?;
    drive(&state, run_id.clone(), on_progress).await?;
    Ok(run_id)
}

/// Goes on with a paused or interrupted run (rows done are not sent again).
#[tauri::command]
pub async fn eval_resume_run(
    state: State<'_, AppState>,
    run_id: String,
    on_progress: Channel<EvalRunProgress>,
) -> IpcResult<()> {
    drive(&state, run_id, on_progress).await
}

/// Stops starting rows; those in flight finish and are kept.
#[tauri::command]
pub async fn eval_pause_run(state: State<'_, AppState>, run_id: String) -> IpcResult<bool> {
    Ok(state.eval_runs.pause(&run_id))
}

/// Stops the run and the rows in flight; it cannot be resumed.
#[tauri::command]
pub async fn eval_cancel_run(state: State<'_, AppState>, run_id: String) -> IpcResult<bool> {
    Ok(state.eval_runs.cancel(&run_id))
}

async fn drive(
    state: &AppState,
    run_id: String,
    on_progress: Channel<EvalRunProgress>,
) -> IpcResult<()> {
    let prepared = {
        let run_id = run_id.clone();
        with_state(state, move |state| {
            Ok(eval::prepare_run(
                &state.history,
                state.keys.as_ref(),
                &run_id,
            )?)
        })
        .await?
    };
    let control: RunControl = state
        .eval_runs
        .start(&run_id)
        .ok_or_else(|| IpcError::new(ErrorCode::Busy, "this run is already running"))?;
    let state = state.clone();
    tauri::async_runtime::spawn(async move {
        let progress = on_progress.clone();
        let outcome = Box::pin(eval::run_eval(
            state.history.clone(),
            &state.client,
            &prepared,
            control,
            move |p| {
                let _ = progress.send(p);
            },
        ))
        .await;
        if let Err(error) = outcome {
            tracing::error!(%error, run_id, "an evaluation run stopped");
            let _ = on_progress.send(EvalRunProgress {
                run_id: run_id.clone(),
                done: 0,
                failed: 0,
                total: prepared.total(),
                eta_ms: None,
                status: eval::EvalRunStatus::Paused,
                error: Some(error.to_string()),
            });
        }
        state.eval_runs.finish(&run_id);
    });
    Ok(())
}

#[tauri::command]
pub async fn eval_list_runs(state: State<'_, AppState>) -> IpcResult<Vec<EvalRunSummary>> {
    with_state(&state, |state| Ok(state.history.list_eval_runs()?)).await
}

/// Per variant: pass rate with its Wilson 95 % interval, scores, latency,
/// tokens, cost.
#[tauri::command]
pub async fn eval_run_aggregates(
    state: State<'_, AppState>,
    run_id: String,
) -> IpcResult<Vec<VariantAggregate>> {
    with_state(&state, move |state| {
        Ok(eval::aggregate(&state.history, &run_id)?)
    })
    .await
}

/// A page of a run's results (one variant, or all); `with_exchange` adds
/// each row's request and response.
#[tauri::command]
pub async fn eval_results(
    state: State<'_, AppState>,
    run_id: String,
    variant: Option<u32>,
    offset: u32,
    limit: u32,
    with_exchange: bool,
) -> IpcResult<Vec<RowResult>> {
    with_state(&state, move |state| {
        Ok(state
            .history
            .eval_results(&run_id, variant, offset, limit.min(1_000), with_exchange)?)
    })
    .await
}

#[tauri::command]
pub async fn eval_set_human_grade(
    state: State<'_, AppState>,
    run_id: String,
    variant: u32,
    position: u32,
    grade: Option<HumanGrade>,
) -> IpcResult<()> {
    with_state(&state, move |state| {
        Ok(state
            .history
            .set_human_grade(&run_id, variant, position, grade)?)
    })
    .await
}

/// Variant `before_variant` of run `before` against `after_variant` of
/// `after` (the same dataset version), row by row.
#[tauri::command]
pub async fn eval_compare_runs(
    state: State<'_, AppState>,
    before: String,
    before_variant: u32,
    after: String,
    after_variant: u32,
) -> IpcResult<EvalRunComparison> {
    with_state(&state, move |state| {
        Ok(eval::compare_runs(
            &state.history,
            (&before, before_variant),
            (&after, after_variant),
        )?)
    })
    .await
}
