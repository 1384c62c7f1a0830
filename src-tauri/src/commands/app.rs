//! App-level commands: what the app is and a local stream to prove the pipe.

use tauri::ipc::Channel;
use tauri::State;

use crate::error::IpcResult;
use crate::ipc_types::{AppInfo, MessageStatus, RunUpdate};
use crate::state::AppState;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> IpcResult<AppInfo> {
    Ok(AppInfo {
        name: "Halley".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        data_dir: state.data_dir().display().to_string(),
    })
}

/// Streams `text` back word by word over `on_update`. It needs no network and
/// no key, so it exercises the Channel path end to end.
#[tauri::command]
pub async fn stream_demo(text: String, on_update: Channel<RunUpdate>) -> IpcResult<()> {
    let send = |update| {
        on_update.send(update).map_err(|e| {
            crate::error::IpcError::new(crate::error::ErrorCode::Internal, e.to_string())
        })
    };
    for word in text.split_inclusive(' ') {
        send(RunUpdate::TextDelta {
            text: word.to_string(),
        })?;
    }
    send(RunUpdate::Finished {
        status: MessageStatus::Complete,
        error: None,
        response_id: None,
    })?;
    Ok(())
}
