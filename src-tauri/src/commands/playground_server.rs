//! The Playground's calls on stored responses: resume a background run's
//! stream, cancel it, retrieve any response by id, list its input items,
//! delete it, and count a request's input tokens. Background runs being
//! tracked are listed so the UI can offer to resume them after a restart.

use std::sync::Arc;

use halley_core::playground::{self, BackgroundRun, PlaygroundEvent, ResumeBookmark};
use serde_json::Value;
use tauri::ipc::Channel;
use tauri::State;

use super::providers::active_endpoint;
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::state::AppState;

/// Streams a background response again, after event `starting_after`
/// (the stored bookmark when not given). Returns a run id for `stop_run`.
#[tauri::command]
pub async fn playground_resume(
    state: State<'_, AppState>,
    response_id: String,
    starting_after: Option<u32>,
    on_event: Channel<PlaygroundEvent>,
) -> IpcResult<String> {
    let (_, endpoint) = active_endpoint(&state)?;
    let stored = state.history.background_run(&response_id)?;
    let starting_after = starting_after.or(stored.as_ref().and_then(|run| run.last_sequence));
    let bookmark = match &stored {
        Some(run) => ResumeBookmark::resuming(state.history.clone(), run),
        // Not tracked here (an id typed by hand): the stream's own
        // `response.created` does not come again, so nothing is written.
        None => ResumeBookmark::new(state.history.clone(), "", ""),
    };
    let run_id = playground::new_run_id();
    let cancel = state.runs.start(&run_id);
    let client = state.client.clone();
    let runs = state.runs.clone();
    let finished_id = run_id.clone();
    let emit: playground::PlaygroundEmit = Arc::new(move |event| {
        bookmark.observe(&event);
        let _ = on_event.send(event);
    });
    tauri::async_runtime::spawn(async move {
        playground::resume_playground(
            &client,
            &endpoint,
            &response_id,
            starting_after.map(u64::from),
            cancel,
            emit,
        )
        .await;
        runs.finish(&finished_id);
    });
    Ok(run_id)
}

/// Background runs last seen queued or in progress, oldest first.
#[tauri::command]
pub fn playground_background_runs(state: State<'_, AppState>) -> IpcResult<Vec<BackgroundRun>> {
    Ok(state.history.unfinished_background_runs()?)
}

/// Stops offering a run for resume (the response itself is untouched).
#[tauri::command]
pub fn playground_forget_run(state: State<'_, AppState>, response_id: String) -> IpcResult<()> {
    Ok(state.history.forget_background_run(&response_id)?)
}

/// `POST /responses/{id}/cancel`; the response as the server now has it.
#[tauri::command]
pub async fn playground_cancel(
    state: State<'_, AppState>,
    response_id: String,
) -> IpcResult<Value> {
    let (_, endpoint) = active_endpoint(&state)?;
    let response = state.client.cancel(&endpoint, &response_id).await?;
    if let Some(status) = response.status.get() {
        state
            .history
            .update_background_run(&response_id, status, None)?;
    }
    to_value(&response)
}

/// `GET /responses/{id}`.
#[tauri::command]
pub async fn playground_retrieve(
    state: State<'_, AppState>,
    response_id: String,
) -> IpcResult<Value> {
    let (_, endpoint) = active_endpoint(&state)?;
    to_value(&state.client.retrieve(&endpoint, &response_id).await?)
}

/// `GET /responses/{id}/input_items`: every page, oldest first.
#[tauri::command]
pub async fn playground_input_items(
    state: State<'_, AppState>,
    response_id: String,
) -> IpcResult<Value> {
    let (_, endpoint) = active_endpoint(&state)?;
    to_value(&state.client.input_items(&endpoint, &response_id).await?)
}

/// `DELETE /responses/{id}`; also stops tracking it.
#[tauri::command]
pub async fn playground_delete(
    state: State<'_, AppState>,
    response_id: String,
) -> IpcResult<Value> {
    let (_, endpoint) = active_endpoint(&state)?;
    let deleted = state.client.delete(&endpoint, &response_id).await?;
    state.history.forget_background_run(&response_id)?;
    to_value(&deleted)
}

/// Input tokens `request_json` would use; `None` when the provider has no
/// `POST /responses/input_tokens`.
#[tauri::command]
pub async fn playground_input_tokens(
    state: State<'_, AppState>,
    request_json: String,
) -> IpcResult<Option<u32>> {
    let request = playground::parse_request(&request_json)?;
    let (_, endpoint) = active_endpoint(&state)?;
    let count = playground::count_input_tokens(&state.client, &endpoint, &request).await?;
    Ok(count.map(|n| u32::try_from(n).unwrap_or(u32::MAX)))
}

fn to_value(value: &impl serde::Serialize) -> IpcResult<Value> {
    serde_json::to_value(value).map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))
}
