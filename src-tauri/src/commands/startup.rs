//! The start-up window's choices when the history cannot be opened (see
//! `crate::startup`). These commands need no `AppState`: they run while
//! there is none.

use halley_core::history;
use tauri::{Manager, Runtime, State};

use super::blocking::blocking;
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::ipc_types::StartupProblemView;
use crate::startup::Startup;

/// Why the history could not be opened, or `None` when all is well.
#[tauri::command]
pub async fn startup_problem(startup: State<'_, Startup>) -> IpcResult<Option<StartupProblemView>> {
    let Some(problem) = startup.problem() else {
        return Ok(None);
    };
    let data_dir = startup.data_dir().to_owned();
    // Listing the backups reads the folder.
    blocking(move || {
        Ok(Some(StartupProblemView {
            problem,
            data_dir: data_dir.display().to_string(),
            backups: history::list_backups(&data_dir),
        }))
    })
    .await
}

#[tauri::command]
pub async fn startup_open_data_folder(startup: State<'_, Startup>) -> IpcResult<()> {
    let data_dir = startup.data_dir().to_owned();
    blocking(move || {
        open::that_detached(data_dir).map_err(|e| {
            IpcError::new(
                ErrorCode::Internal,
                format!("could not open the data folder: {e}"),
            )
        })
    })
    .await
}

/// Moves the damaged history aside (renamed with a timestamp, never deleted)
/// and starts with an empty one. Returns the path the old file now has.
#[tauri::command]
pub async fn startup_start_fresh<R: Runtime>(
    app: tauri::AppHandle<R>,
    startup: State<'_, Startup>,
) -> IpcResult<String> {
    require_problem(&startup)?;
    // Moves files, opens SQLite and probes the keyring: the blocking pool.
    blocking(move || {
        let startup = app.state::<Startup>();
        let aside = history::set_aside(&startup.history_path())?;
        tracing::warn!(kept = %aside.display(), "started with a fresh history; the old file was kept");
        startup.reopen(&app)?;
        Ok(aside.display().to_string())
    })
    .await
}

/// Puts backup `name` in place of the history (the current file is kept
/// aside as by "start fresh"). Returns the path the old file now has.
#[tauri::command]
pub async fn startup_restore_backup<R: Runtime>(
    app: tauri::AppHandle<R>,
    startup: State<'_, Startup>,
    name: String,
) -> IpcResult<String> {
    require_problem(&startup)?;
    blocking(move || {
        let startup = app.state::<Startup>();
        let aside = history::restore_backup(startup.data_dir(), &startup.history_path(), &name)?;
        startup.reopen(&app)?;
        Ok(aside.display().to_string())
    })
    .await
}

/// These commands move files: only while there is a problem to solve, never
/// under a history that is open.
fn require_problem(startup: &Startup) -> IpcResult<()> {
    match startup.problem() {
        Some(_) => Ok(()),
        None => Err(IpcError::new(
            ErrorCode::InvalidInput,
            "the history is open; there is nothing to set aside",
        )),
    }
}
