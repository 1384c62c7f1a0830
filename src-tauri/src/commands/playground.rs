//! The Playground: run a request body the UI built, streaming every event
//! over the run's own Channel; validate structured replies. Logic lives in
//! `halley_core::playground`; Stop goes through the shared run registry
//! (`stop_run`).

use std::sync::Arc;

use halley_core::playground::{self, PlaygroundEvent, ResumeBookmark, Violation};
use serde_json::Value;
use tauri::ipc::Channel;
use tauri::{Runtime, State};

use super::blocking::{blocking, with_state};
use super::export_file::write_export;
use super::providers::active_endpoint;
use crate::error::IpcResult;
use crate::state::AppState;
use halley_core::keys::SecretString;
use halley_core::redact::Secrets;

/// Starts a run and returns its id at once; events arrive on `on_event`
/// until `finished`. The body goes out as given, with `stream: true`.
#[tauri::command]
pub async fn playground_run(
    state: State<'_, AppState>,
    request_json: String,
    on_event: Channel<PlaygroundEvent>,
) -> IpcResult<String> {
    with_state(&state, move |state| {
        start_run(state, &request_json, on_event)
    })
    .await
}

/// Reads the key and the MCP secrets (keyring) and starts the run.
fn start_run(
    state: &AppState,
    request_json: &str,
    on_event: Channel<PlaygroundEvent>,
) -> IpcResult<String> {
    let (_, endpoint) = active_endpoint(state)?;
    // Secret MCP headers come from the keyring here, never from the UI.
    let mut body: Value = serde_json::from_str(request_json)
        .map_err(|e| halley_core::Error::InvalidInput(format!("the request is not JSON: {e}")))?;
    let mut secrets = playground::fill_mcp_secrets(&mut body, state.keys.as_ref())?;
    secrets.extend(Secrets::of_endpoint(&endpoint));
    let request = playground::parse_request(&body.to_string())?;
    let run_id = playground::new_run_id();
    let cancel = state.runs.start(&run_id);
    let client = state.client.clone();
    let runs = state.runs.clone();
    let finished_id = run_id.clone();
    // A background response is written down as it streams, so it can be
    // resumed after the app closes; other runs are not stored.
    let bookmark = ResumeBookmark::new(state.history.clone(), &model_of(&request), request_json);
    let emit = bookkept_emit(bookmark, secrets, on_event);
    tauri::async_runtime::spawn(async move {
        playground::run_playground(&client, &endpoint, &request, cancel, emit).await;
        runs.finish(&finished_id);
    });
    Ok(run_id)
}

/// A run's events, scrubbed of secrets, into its channel, with the
/// background bookkeeping seeing each one first. A closed window drops the
/// channel; nothing else to do then. The end goes out once the bookkeeping
/// is written (`ResumeBookmark::after_writes`), so the UI reading the
/// stored runs on `finished` sees the final status.
pub(super) fn bookkept_emit(
    bookmark: ResumeBookmark,
    secrets: Secrets,
    on_event: Channel<PlaygroundEvent>,
) -> playground::PlaygroundEmit {
    Arc::new(move |mut event| {
        playground::scrub_event(&mut event, &secrets);
        bookmark.observe(&event);
        if matches!(event, PlaygroundEvent::Finished { .. }) {
            let on_event = on_event.clone();
            bookmark.after_writes(move || {
                let _ = on_event.send(event);
            });
        } else {
            let _ = on_event.send(event);
        }
    })
}

/// Saves the inspector's raw events as a `.sse` recording in the Downloads
/// folder (or `HALLEY_EXPORT_DIR`); returns the path written.
#[tauri::command]
pub async fn playground_save_recording<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
    opened_ms: Option<f64>,
    events: Vec<playground::RecordedEvent>,
) -> IpcResult<String> {
    with_state(&state, move |state| {
        let text = playground::recording_text(opened_ms, &events);
        write_export(&app, state, &name, "Halley recording", "sse", &text)
    })
    .await
}

/// Saves an image the run made (image generation's base64 result) in the
/// export folder as `<name>.<extension>`, both made safe; returns the path.
#[tauri::command]
pub async fn playground_save_image<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
    extension: String,
    data_base64: String,
) -> IpcResult<String> {
    with_state(&state, move |state| {
        use base64::Engine;
        // A generated image is a few MB; anything far bigger is not one.
        if data_base64.len() > MAX_SAVED_IMAGE_BASE64 {
            return Err(crate::error::IpcError::new(
                crate::error::ErrorCode::TooLarge,
                "the image is larger than 64 MB",
            ));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data_base64.as_bytes())
            .map_err(|_| halley_core::Error::InvalidInput("the image is not base64".into()))?;
        write_export(&app, state, &name, "Halley image", &extension, &bytes)
    })
    .await
}

/// Base64 of 64 MiB.
const MAX_SAVED_IMAGE_BASE64: usize = 64 * 1024 * 1024 / 3 * 4 + 4;

/// Folds a recording's text (read by the webview from a file the user
/// picked) into the events a run reports, ending with `finished`.
#[tauri::command]
pub async fn playground_fold_recording(text: String) -> IpcResult<Vec<PlaygroundEvent>> {
    // A long recording is seconds of parsing: not on the main thread.
    blocking(move || Ok(playground::fold_recording(&text)?)).await
}

/// Every violation of `schema` by `instance` (both JSON text).
#[tauri::command]
pub async fn validate_json(schema: String, instance: String) -> IpcResult<Vec<Violation>> {
    blocking(move || Ok(playground::validate_json(&schema, &instance)?)).await
}

fn model_of(request: &halley_responses::CreateResponse) -> String {
    request.model.get().cloned().unwrap_or_default()
}

/// Stores a secret MCP header value in the keyring, bound to the origin of
/// `server_url`; the UI keeps only `SECRET_PLACEHOLDER` in its place.
#[tauri::command]
pub async fn playground_set_mcp_secret(
    state: State<'_, AppState>,
    server_url: String,
    server_label: String,
    header: String,
    value: SecretString,
) -> IpcResult<String> {
    with_state(&state, move |state| {
        let id = playground::mcp_secret_id(&server_url, &server_label, &header)?;
        state.keys.set(&id, &value)?;
        Ok(playground::SECRET_PLACEHOLDER.to_owned())
    })
    .await
}
