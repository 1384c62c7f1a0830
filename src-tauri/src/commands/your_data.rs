//! Settings → Your data: a backup of everything now, the automatic ones,
//! restore (replace or merge), import from ChatGPT or Halley JSON, and the
//! export of every conversation. The work is the core's
//! (`halley_core::history::backup`, `import`, `export`); all of it reads and
//! writes files and SQLite, so it runs on the blocking pool.

use base64::Engine as _;
use halley_core::history::{self, BackupKind};
use tauri::{Runtime, State};

use super::blocking::with_state;
use super::export_file::{export_path, write_export};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::ipc_types::{
    BackupWritten, ExportAllFormat, HistoryBackup, ImportReport, ImportSource, RestoreMode,
    RestoreReport, RestoreSource,
};
use crate::state::AppState;

/// Writes a backup of everything into the export folder (Downloads, or
/// `HALLEY_EXPORT_DIR`), to be kept or carried to another machine.
#[tauri::command]
pub async fn data_backup_now<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> IpcResult<BackupWritten> {
    with_state(&state, move |state| {
        let name = history::backup_file_name(BackupKind::Manual);
        let stem = name.trim_end_matches(".sqlite3");
        let path = export_path(&app, state, stem, "halley-backup", "sqlite3")?;
        let manifest = state.history.write_backup(&path)?;
        Ok(BackupWritten {
            path: path.display().to_string(),
            manifest,
        })
    })
    .await
}

/// The backups in the data folder's `backups/`, newest first: the automatic
/// ones and the copies taken before a restore replaced the history.
#[tauri::command]
pub async fn data_list_backups(state: State<'_, AppState>) -> IpcResult<Vec<HistoryBackup>> {
    with_state(&state, |state| Ok(history::list_backups(state.data_dir()))).await
}

/// Restores a backup. All of it or nothing: a file that is not a backup, is
/// cut short or damaged, or comes from a newer Halley changes nothing.
#[tauri::command]
pub async fn data_restore(
    state: State<'_, AppState>,
    source: RestoreSource,
    mode: RestoreMode,
) -> IpcResult<RestoreReport> {
    let (report, servers) = with_state(&state, move |state| {
        let report = restore(state, source, mode)?;
        Ok((report, state.history.mcp_servers()?.servers))
    })
    .await?;
    // The running servers follow the restored configs (those gone stop).
    state.mcp.set_servers(servers).await;
    Ok(report)
}

fn restore(state: &AppState, source: RestoreSource, mode: RestoreMode) -> IpcResult<RestoreReport> {
    if mode == RestoreMode::Replace && !state.runs.is_idle() {
        return Err(IpcError::new(
            ErrorCode::Busy,
            "an answer is being written; stop it or wait for it before replacing everything",
        ));
    }
    let folder = history::backup_dir(state.data_dir());
    let report = match source {
        RestoreSource::Local { name } => {
            let known = history::list_backups(state.data_dir())
                .into_iter()
                .any(|b| b.name == name);
            if !known || name.contains(['/', '\\']) {
                return Err(IpcError::new(
                    ErrorCode::NotFound,
                    format!("no backup named {name}"),
                ));
            }
            state
                .history
                .restore_backup_file(&folder.join(&name), state.data_dir(), mode)?
        }
        RestoreSource::File { data_base64 } => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data_base64.as_bytes())
                .map_err(|e| {
                    IpcError::new(
                        ErrorCode::InvalidInput,
                        format!("the file did not arrive whole: {e}"),
                    )
                })?;
            std::fs::create_dir_all(&folder).map_err(halley_core::Error::from)?;
            let picked = folder.join(format!(".picked-{}.tmp", uuid::Uuid::new_v4()));
            std::fs::write(&picked, bytes).map_err(halley_core::Error::from)?;
            let result = state
                .history
                .restore_backup_file(&picked, state.data_dir(), mode);
            let _ = std::fs::remove_file(&picked);
            result?
        }
    };
    // The active provider (and so its models) may have changed.
    *state
        .models
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    tracing::info!(?mode, added = ?report.added, "restored a backup");
    Ok(report)
}

/// Imports a ChatGPT `conversations.json` or a Halley JSON export.
#[tauri::command]
pub async fn data_import(
    state: State<'_, AppState>,
    source: ImportSource,
    text: String,
) -> IpcResult<ImportReport> {
    with_state(&state, move |state| {
        Ok(state.history.import_file(source, &text)?)
    })
    .await
}

/// Writes every conversation into one file in the export folder; returns its path.
#[tauri::command]
pub async fn data_export_all<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    format: ExportAllFormat,
) -> IpcResult<String> {
    with_state(&state, move |state| {
        let (text, extension) = match format {
            ExportAllFormat::Markdown => (state.history.export_all_markdown()?, "md"),
            ExportAllFormat::Json => (state.history.export_all_json()?, "json"),
        };
        write_export(
            &app,
            state,
            "Halley conversations",
            "Halley conversations",
            extension,
            text,
        )
    })
    .await
}
