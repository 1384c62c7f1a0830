//! The quick-ask window and the main window's events (`crate::desktop`).

use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::desktop::{quick_ask, to_main_window, AppEvent, AppEvents};
use crate::error::IpcResult;

/// The main window follows what the tray and the quick-ask window ask of it.
#[tauri::command]
pub fn watch_app(events: State<'_, AppEvents>, on_event: Channel<AppEvent>) -> IpcResult<()> {
    super::watch::forward(events.0.subscribe(), on_event);
    Ok(())
}

/// The quick-ask window hands its conversation to the main window.
#[tauri::command]
pub async fn show_conversation<R: Runtime>(
    app: AppHandle<R>,
    conversation_id: String,
) -> IpcResult<()> {
    to_main_window(&app, AppEvent::OpenConversation { conversation_id });
    quick_ask::close(&app);
    Ok(())
}

/// Async: a window made from a sync command (on the main thread) can
/// deadlock on Windows.
#[tauri::command]
pub async fn open_quick_ask<R: Runtime>(app: AppHandle<R>) -> IpcResult<()> {
    quick_ask::open(&app)
}

#[tauri::command]
pub async fn close_quick_ask<R: Runtime>(app: AppHandle<R>) -> IpcResult<()> {
    quick_ask::close(&app);
    Ok(())
}
