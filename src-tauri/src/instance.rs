//! One Halley at a time. Two guards, each for what the other cannot see:
//! `tauri-plugin-single-instance` hands a second launch in the same desktop
//! session over to the running app (which shows its window) before anything
//! is opened; the data folder's lock (`halley_core::data_lock`) stops any
//! other process on the same folder, however it was started. Such a process
//! opens nothing and shows only a window that says why.

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use ts_rs::TS;

/// Why this process did not open its data folder. Managed as state only in
/// a process that stopped short; the UI then shows it instead of the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export_to = "InstanceProblem.ts")]
pub enum InstanceProblem {
    /// Another Halley holds this data folder.
    AlreadyRunning {
        #[serde(rename = "dataDir")]
        data_dir: String,
    },
}

/// This process's lock on its data folder, managed for the app's lifetime:
/// no other process opens the database while it is held.
pub struct DataFolderLock(pub halley_core::data_lock::DataDirLock);

/// What the running app does when a second launch is handed over to it.
pub fn focus_main_window<R: Runtime>(app: &AppHandle<R>) {
    tracing::info!("a second launch was handed over to this instance; showing its window");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_problem_has_a_stable_shape() {
        let json = serde_json::to_value(InstanceProblem::AlreadyRunning {
            data_dir: "/d".into(),
        })
        .expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"kind": "already_running", "dataDir": "/d"})
        );
    }
}
