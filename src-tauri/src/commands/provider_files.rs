//! The provider's files for the Playground: upload (progress over a
//! Channel, cancelled with `stop_run` by the upload's id), list and delete
//! files; list, make (from uploaded files) and delete vector stores and
//! follow a store's files as they are indexed; download a code interpreter
//! container's file to show it or save it. The key stays here: every call
//! reads the active provider's endpoint, as a Playground run does.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine;
use halley_core::knowledge::MAX_KNOWLEDGE_BYTES;
use halley_core::playground::{
    self, FileUploadProgress, ProviderFile, StoreFile, StoreSummary, UploadPurpose,
};
use halley_responses::files::Upload;
use halley_responses::{Endpoint, ErrorKind};
use tauri::ipc::{Channel, Response};
use tauri::{AppHandle, Runtime, State};

use super::blocking::with_state;
use super::export_file::write_named_file;
use super::providers::{active_endpoint, scrubbed};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::state::AppState;

/// How often an upload's progress is told: smooth enough for a bar.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// A provider's refusal as the UI reads it: a file over the provider's size
/// limit (a 413, or a refusal that says so) is `too_large`, an id the
/// provider no longer has (an expired container's file) `not_found`; the
/// message is the provider's own words, scrubbed of the key.
fn provider_error(endpoint: &Endpoint) -> impl Fn(halley_responses::Error) -> IpcError {
    let scrub = scrubbed(endpoint);
    move |error| {
        let too_large = matches!(error, halley_responses::Error::TooLarge { .. })
            || error
                .reading()
                .is_some_and(|reading| reading.kind == ErrorKind::TooLarge);
        let code = if too_large {
            ErrorCode::TooLarge
        } else if error.http_status() == Some(404) {
            ErrorCode::NotFound
        } else {
            match error {
                halley_responses::Error::Network { .. } => ErrorCode::Network,
                halley_responses::Error::Cancelled => ErrorCode::Cancelled,
                _ => ErrorCode::Api,
            }
        };
        scrub(IpcError::new(code, error.detail()))
    }
}

/// Uploads a file the user picked (its bytes read by the webview) and
/// resolves with the provider's file. `upload_id` names the upload for
/// `stop_run`; a cancelled upload whose file did arrive is deleted again.
#[tauri::command]
pub async fn provider_file_upload(
    state: State<'_, AppState>,
    upload_id: String,
    filename: String,
    mime: String,
    data_base64: String,
    purpose: UploadPurpose,
    on_progress: Channel<FileUploadProgress>,
) -> IpcResult<ProviderFile> {
    let (endpoint, upload) = with_state(&state, move |state| {
        let (_, endpoint) = active_endpoint(state)?;
        Ok((
            endpoint,
            decode_upload(filename, mime, &data_base64, purpose)?,
        ))
    })
    .await?;
    let cancel = state.runs.start(&upload_id);
    let progress = throttled(on_progress);
    let uploaded = state
        .client
        .upload_file(&endpoint, &upload, Some(progress), &cancel)
        .await;
    let cancelled = cancel.is_cancelled();
    state.runs.finish(&upload_id);
    let file = uploaded.map_err(provider_error(&endpoint))?;
    if cancelled {
        // Stop came as the last bytes went: the file exists, the user
        // wanted it not to.
        let _ = state.client.delete_file(&endpoint, &file.id).await;
        return Err(IpcError::new(ErrorCode::Cancelled, "cancelled"));
    }
    Ok(file.into())
}

fn decode_upload(
    filename: String,
    mime: String,
    data_base64: &str,
    purpose: UploadPurpose,
) -> IpcResult<Upload> {
    // Checked before decoding: base64 is 4/3 of the bytes.
    if data_base64.len() as u64 / 4 * 3 > MAX_KNOWLEDGE_BYTES + 3 {
        return Err(too_large_here(&filename));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data_base64.as_bytes())
        .map_err(|_| {
            IpcError::new(
                ErrorCode::InvalidInput,
                format!("{filename} could not be read"),
            )
        })?;
    if bytes.len() as u64 > MAX_KNOWLEDGE_BYTES {
        return Err(too_large_here(&filename));
    }
    if bytes.is_empty() {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            format!("{filename} is empty"),
        ));
    }
    Ok(Upload {
        filename,
        mime,
        bytes: bytes.into(),
        purpose: purpose.into(),
    })
}

fn too_large_here(filename: &str) -> IpcError {
    IpcError::new(
        ErrorCode::TooLarge,
        format!(
            "{filename} is larger than {} MB, the most Halley uploads",
            MAX_KNOWLEDGE_BYTES / (1024 * 1024)
        ),
    )
}

/// Progress into the Channel at most every `PROGRESS_EVERY`, and the end.
fn throttled(on_progress: Channel<FileUploadProgress>) -> halley_responses::client::UploadProgress {
    let last = Arc::new(Mutex::new(None::<Instant>));
    Arc::new(move |sent: u64, total: u64| {
        let mut last = last.lock().unwrap_or_else(PoisonError::into_inner);
        if sent < total && last.is_some_and(|t| t.elapsed() < PROGRESS_EVERY) {
            return;
        }
        *last = Some(Instant::now());
        let _ = on_progress.send(FileUploadProgress { sent, total });
    })
}

#[tauri::command]
pub async fn provider_files_list(state: State<'_, AppState>) -> IpcResult<Vec<ProviderFile>> {
    let (_, endpoint) = with_state(&state, active_endpoint).await?;
    let files = state
        .client
        .list_files(&endpoint, None)
        .await
        .map_err(provider_error(&endpoint))?;
    Ok(files.into_iter().map(ProviderFile::from).collect())
}

#[tauri::command]
pub async fn provider_file_delete(state: State<'_, AppState>, file_id: String) -> IpcResult<()> {
    let (_, endpoint) = with_state(&state, active_endpoint).await?;
    state
        .client
        .delete_file(&endpoint, &file_id)
        .await
        .map_err(provider_error(&endpoint))?;
    Ok(())
}

#[tauri::command]
pub async fn vector_stores_list(state: State<'_, AppState>) -> IpcResult<Vec<StoreSummary>> {
    let (_, endpoint) = with_state(&state, active_endpoint).await?;
    let stores = state
        .client
        .list_vector_stores(&endpoint)
        .await
        .map_err(provider_error(&endpoint))?;
    Ok(stores.into_iter().map(StoreSummary::from).collect())
}

/// A new store holding `file_ids` (uploaded first); indexing goes on at the
/// provider: follow it with `vector_store_files`.
#[tauri::command]
pub async fn vector_store_create(
    state: State<'_, AppState>,
    name: String,
    file_ids: Vec<String>,
) -> IpcResult<StoreSummary> {
    let (_, endpoint) = with_state(&state, active_endpoint).await?;
    playground::create_store_from_files(&state.client, &endpoint, &name, &file_ids)
        .await
        .map_err(provider_error(&endpoint))
}

/// Deletes a store (its files stay uploaded; delete them on their own).
#[tauri::command]
pub async fn vector_store_delete(state: State<'_, AppState>, store_id: String) -> IpcResult<()> {
    let (_, endpoint) = with_state(&state, active_endpoint).await?;
    state
        .client
        .delete_vector_store(&endpoint, &store_id)
        .await
        .map_err(provider_error(&endpoint))?;
    Ok(())
}

/// A store's files and where each one's indexing stands (the UI asks again
/// while any is in progress).
#[tauri::command]
pub async fn vector_store_files(
    state: State<'_, AppState>,
    store_id: String,
) -> IpcResult<Vec<StoreFile>> {
    let (_, endpoint) = with_state(&state, active_endpoint).await?;
    playground::store_files(&state.client, &endpoint, &store_id)
        .await
        .map_err(provider_error(&endpoint))
}

/// A code interpreter container's file, as bytes (an image shown inline).
/// An expired container answers `not_found`.
#[tauri::command]
pub async fn container_file_data(
    state: State<'_, AppState>,
    container_id: String,
    file_id: String,
) -> IpcResult<Response> {
    let (_, endpoint) = with_state(&state, active_endpoint).await?;
    let bytes = state
        .client
        .container_file_content(&endpoint, &container_id, &file_id)
        .await
        .map_err(provider_error(&endpoint))?;
    Ok(Response::new(bytes.to_vec()))
}

/// Downloads a container's file and saves it in the export folder
/// (Downloads, or `HALLEY_EXPORT_DIR`) under its own name, made safe;
/// returns the path written.
#[tauri::command]
pub async fn container_file_save<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    container_id: String,
    file_id: String,
    filename: String,
) -> IpcResult<String> {
    let (_, endpoint) = with_state(&state, active_endpoint).await?;
    let bytes = state
        .client
        .container_file_content(&endpoint, &container_id, &file_id)
        .await
        .map_err(provider_error(&endpoint))?;
    with_state(&state, move |state| {
        write_named_file(&app, state, &filename, &bytes)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_413_or_a_refusal_that_says_too_large_is_too_large_and_a_404_not_found() {
        let endpoint = Endpoint::new(
            "http://127.0.0.1:9/v1",
            halley_core::keys::SecretString::new("sk-test-endpoint"),
        );
        let read = provider_error(&endpoint);
        let status = halley_responses::Error::from_status(413, b"Request Entity Too Large", None);
        assert_eq!(read(status).code, ErrorCode::TooLarge);
        let words = halley_responses::Error::from_status(
            400,
            br#"{"error":{"message":"File is too large.","type":"invalid_request_error","code":"file_too_large"}}"#,
            None,
        );
        let words = read(words);
        assert_eq!(words.code, ErrorCode::TooLarge);
        assert_eq!(words.message, "File is too large.", "the provider's words");
        let gone = halley_responses::Error::from_status(404, b"{}", None);
        assert_eq!(read(gone).code, ErrorCode::NotFound);
        let other = halley_responses::Error::from_status(400, b"bad file type", None);
        assert_eq!(read(other).code, ErrorCode::Api);
    }
}
