//! Update commands: check, download (with progress), install, restart. Thin:
//! the schedule is `halley_core::update_schedule`, the rest `crate::updates`.

use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_updater::{Updater, UpdaterExt};

use super::blocking::with_state;
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::state::AppState;
use crate::updates::{
    self, describe, ProgressCounter, Stage, UpdateCheck, UpdateProgress, UpdateState,
};

fn updater<R: Runtime>(app: &AppHandle<R>) -> IpcResult<Updater> {
    let overrides = updates::overrides();
    let mut builder = app.updater_builder().timeout(updates::CHECK_TIMEOUT);
    if let Some(pubkey) = overrides.pubkey {
        builder = builder.pubkey(pubkey);
    }
    if let Some(endpoint) = overrides.endpoint {
        let url = tauri::Url::parse(&endpoint)
            .map_err(|e| IpcError::new(ErrorCode::InvalidInput, format!("update endpoint: {e}")))?;
        builder = builder
            .endpoints(vec![url])
            .map_err(|e| describe(Stage::Check, &e))?;
    }
    builder.build().map_err(|e| describe(Stage::Check, &e))
}

/// Looks for a newer version. `force` is the user's "Check for updates";
/// without it (the check at start-up) nothing is asked if the last check was
/// less than a day ago.
#[tauri::command]
pub async fn update_check<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    updates: State<'_, UpdateState>,
    force: bool,
) -> IpcResult<UpdateCheck> {
    let due = with_state(&state, move |state| {
        let due = force || state.history.update_check_due()?;
        if due {
            state.history.record_update_check()?;
        }
        Ok(due)
    })
    .await?;
    if !due {
        return Ok(UpdateCheck::NotDue);
    }
    let found = updater(&app)?
        .check()
        .await
        .map_err(|e| describe(Stage::Check, &e))?;
    let current = app.package_info().version.to_string();
    let answer = match &found {
        None => UpdateCheck::UpToDate { current },
        Some(update) => UpdateCheck::Available {
            version: update.version.clone(),
            current,
            notes: update.body.clone(),
            date: update
                .raw_json
                .get("pub_date")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned),
        },
    };
    updates.set(found);
    Ok(answer)
}

/// Downloads the update the last check found and verifies its signature.
/// Nothing is installed: the bytes wait for `update_install`.
#[tauri::command]
pub async fn update_download(
    updates: State<'_, UpdateState>,
    on_progress: Channel<UpdateProgress>,
) -> IpcResult<()> {
    let pending = updates.pending().ok_or_else(nothing_pending)?;
    let mut counter = ProgressCounter::default();
    let mut last_total = None;
    let bytes = pending
        .update
        .download(
            |chunk, total| {
                last_total = total;
                if let Some(progress) = counter.add(chunk, total) {
                    let _ = on_progress.send(progress);
                }
            },
            || {},
        )
        .await
        .map_err(|e| describe(Stage::Download, &e))?;
    let _ = on_progress.send(UpdateProgress {
        downloaded: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
        total: last_total.map(|t| u32::try_from(t).unwrap_or(u32::MAX)),
    });
    updates.downloaded(&pending.update.version, bytes);
    Ok(())
}

/// Installs the downloaded update (the plugin checks the signature again
/// first). On Linux and macOS it takes effect at the next start.
#[tauri::command]
pub async fn update_install(updates: State<'_, UpdateState>) -> IpcResult<()> {
    let pending = updates.pending().ok_or_else(nothing_pending)?;
    let bytes = pending.bytes.ok_or_else(|| {
        IpcError::new(
            ErrorCode::InvalidInput,
            "the update has not been downloaded yet",
        )
    })?;
    let update = pending.update;
    tokio::task::spawn_blocking(move || update.install(bytes.as_slice()))
        .await
        .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))?
        .map_err(|e| describe(Stage::Install, &e))?;
    tracing::info!("update installed; it runs from the next start");
    Ok(())
}

/// Restarts Halley, so an installed update runs.
#[tauri::command]
pub fn app_restart<R: Runtime>(app: AppHandle<R>) {
    app.restart();
}

fn nothing_pending() -> IpcError {
    IpcError::new(
        ErrorCode::NotFound,
        "no update is pending: check for updates first",
    )
}
