//! The Playground's calls on stored responses: resume a background run's
//! stream, cancel it, retrieve any response by id, list its input items,
//! delete it, and count a request's input tokens. Background runs being
//! tracked are listed so the UI can offer to resume them after a restart.

use halley_core::playground::{self, BackgroundRun, PlaygroundEvent, ResumeBookmark};
use serde_json::Value;
use tauri::ipc::Channel;
use tauri::State;

use super::blocking::with_state;
use super::providers::{active_endpoint, scrubbed};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::state::AppState;
use halley_core::redact::Secrets;

/// Streams a background response again, after event `starting_after`
/// (the stored bookmark when not given). Returns a run id for `stop_run`.
#[tauri::command]
pub async fn playground_resume(
    state: State<'_, AppState>,
    response_id: String,
    starting_after: Option<u32>,
    on_event: Channel<PlaygroundEvent>,
) -> IpcResult<String> {
    with_state(&state, move |state| {
        resume(state, response_id, starting_after, on_event)
    })
    .await
}

/// Reads the bookmark (SQLite) and the secrets (keyring), then starts the stream.
fn resume(
    state: &AppState,
    response_id: String,
    starting_after: Option<u32>,
    on_event: Channel<PlaygroundEvent>,
) -> IpcResult<String> {
    let (_, endpoint) = active_endpoint(state)?;
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
    // The resumed stream echoes the tools the run started with: scrub the
    // secrets they name and the key, as the first run did.
    let mut secrets = Secrets::of_endpoint(&endpoint);
    if let Some(body) = stored
        .as_ref()
        .and_then(|run| serde_json::from_str::<Value>(&run.request).ok())
    {
        secrets.extend(playground::mcp_secrets_named_by(&body, state.keys.as_ref()));
    }
    let emit = super::playground::bookkept_emit(bookmark, secrets, on_event);
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
pub async fn playground_background_runs(
    state: State<'_, AppState>,
) -> IpcResult<Vec<BackgroundRun>> {
    with_state(&state, |state| {
        Ok(state.history.unfinished_background_runs()?)
    })
    .await
}

/// Stops offering a run for resume (the response itself is untouched).
#[tauri::command]
pub async fn playground_forget_run(
    state: State<'_, AppState>,
    response_id: String,
) -> IpcResult<()> {
    with_state(&state, move |state| {
        Ok(state.history.forget_background_run(&response_id)?)
    })
    .await
}

/// `POST /responses/{id}/cancel`; the response as the server now has it.
#[tauri::command]
pub async fn playground_cancel(
    state: State<'_, AppState>,
    response_id: String,
) -> IpcResult<Value> {
    let (_, endpoint) = with_state(&state, active_endpoint).await?;
    let response = state
        .client
        .cancel(&endpoint, &response_id)
        .await
        .map_err(|e| scrubbed(&endpoint)(e.into()))?;
    with_state(&state, move |state| {
        if let Some(status) = response.status.get() {
            state
                .history
                .update_background_run(&response_id, status, None)?;
        }
        scrubbed_value(state, &endpoint, &response)
    })
    .await
}

/// `GET /responses/{id}`.
#[tauri::command]
pub async fn playground_retrieve(
    state: State<'_, AppState>,
    response_id: String,
) -> IpcResult<Value> {
    let (_, endpoint) = with_state(&state, active_endpoint).await?;
    let answer = state
        .client
        .retrieve(&endpoint, &response_id)
        .await
        .map_err(|e| scrubbed(&endpoint)(e.into()))?;
    with_state(&state, move |state| {
        scrubbed_value(state, &endpoint, &answer)
    })
    .await
}

/// `GET /responses/{id}/input_items`: every page, oldest first.
#[tauri::command]
pub async fn playground_input_items(
    state: State<'_, AppState>,
    response_id: String,
) -> IpcResult<Value> {
    let (_, endpoint) = with_state(&state, active_endpoint).await?;
    let answer = state
        .client
        .input_items(&endpoint, &response_id)
        .await
        .map_err(|e| scrubbed(&endpoint)(e.into()))?;
    with_state(&state, move |state| {
        scrubbed_value(state, &endpoint, &answer)
    })
    .await
}

/// `DELETE /responses/{id}`; also stops tracking it.
#[tauri::command]
pub async fn playground_delete(
    state: State<'_, AppState>,
    response_id: String,
) -> IpcResult<Value> {
    let (_, endpoint) = with_state(&state, active_endpoint).await?;
    let deleted = state
        .client
        .delete(&endpoint, &response_id)
        .await
        .map_err(|e| scrubbed(&endpoint)(e.into()))?;
    with_state(&state, move |state| {
        state.history.forget_background_run(&response_id)?;
        scrubbed_value(state, &endpoint, &deleted)
    })
    .await
}

/// Input tokens `request_json` would use; `None` when the provider has no
/// `POST /responses/input_tokens`.
#[tauri::command]
pub async fn playground_input_tokens(
    state: State<'_, AppState>,
    request_json: String,
) -> IpcResult<Option<u32>> {
    let request = playground::parse_request(&request_json)?;
    let (_, endpoint) = with_state(&state, active_endpoint).await?;
    let count = playground::count_input_tokens(&state.client, &endpoint, &request)
        .await
        .map_err(|e| scrubbed(&endpoint)(e.into()))?;
    Ok(count.map(|n| u32::try_from(n).unwrap_or(u32::MAX)))
}

/// A stored response (or its input items) as JSON for the UI, with the key
/// and every MCP secret its tools name scrubbed: servers echo `tools` with
/// their headers, and a response stored before secrets were placeholders
/// may hold them verbatim.
fn scrubbed_value(
    state: &AppState,
    endpoint: &halley_responses::Endpoint,
    value: &impl serde::Serialize,
) -> IpcResult<Value> {
    let mut value = serde_json::to_value(value)
        .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))?;
    let mut secrets = Secrets::of_endpoint(endpoint);
    secrets.extend(playground::mcp_secrets_named_by(
        &value,
        state.keys.as_ref(),
    ));
    // Input items list the tools per item: look in each one too.
    if let Some(items) = value.get("data").and_then(Value::as_array) {
        for item in items {
            secrets.extend(playground::mcp_secrets_named_by(item, state.keys.as_ref()));
        }
    }
    secrets.scrub_json(&mut value);
    Ok(value)
}
