//! Start-up state the UI asks for before anything else, and quitting.

use tauri::{AppHandle, Manager, Runtime};

use crate::error::IpcResult;
use crate::instance::StartupProblem;

/// `None` when the app opened its data folder normally.
#[tauri::command]
pub fn startup_problem<R: Runtime>(app: AppHandle<R>) -> IpcResult<Option<StartupProblem>> {
    Ok(app.try_state::<StartupProblem>().map(|p| p.inner().clone()))
}

#[tauri::command]
pub fn app_quit<R: Runtime>(app: AppHandle<R>) {
    app.exit(0);
}
