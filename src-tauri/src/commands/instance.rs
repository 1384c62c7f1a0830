//! Start-up state the UI asks for before anything else, and quitting.

use tauri::{AppHandle, Manager, Runtime};

use crate::error::IpcResult;
use crate::instance::InstanceProblem;

/// `None` when this process holds its data folder (the UI asks before
/// anything else; `startup_problem` then says whether the history opened).
#[tauri::command]
pub fn instance_problem<R: Runtime>(app: AppHandle<R>) -> IpcResult<Option<InstanceProblem>> {
    Ok(app
        .try_state::<InstanceProblem>()
        .map(|p| p.inner().clone()))
}

#[tauri::command]
pub fn app_quit<R: Runtime>(app: AppHandle<R>) {
    app.exit(0);
}
