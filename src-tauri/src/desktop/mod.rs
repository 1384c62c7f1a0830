//! Desktop habits: the tray icon ("New chat", "Quick ask"), the global
//! quick-ask shortcut (off by default) and the small quick-ask window whose
//! conversation goes into the history like any other. What they ask of the
//! main window (start a new chat, open a conversation) goes to it as an
//! [`AppEvent`] over a Channel it follows (`watch_app`), like runs: the
//! webview needs no event permission. The commands are in
//! `commands::desktop`.

pub mod quick_ask;
pub mod shortcut;
pub mod tray;

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::broadcast;
use ts_rs::TS;

/// What the tray or the quick-ask window asks the main window to do.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export_to = "AppEvent.ts")]
pub enum AppEvent {
    /// Show an empty chat, ready for a new conversation.
    NewChat,
    /// Show this conversation (one the quick-ask window started).
    #[serde(rename_all = "camelCase")]
    OpenConversation { conversation_id: String },
    /// The model named a new conversation after its first answer.
    #[serde(rename_all = "camelCase")]
    ConversationRenamed {
        conversation_id: String,
        title: String,
    },
}

/// The main window's events, for as long as it follows them.
#[derive(Clone)]
pub struct AppEvents(pub broadcast::Sender<AppEvent>);

impl Default for AppEvents {
    fn default() -> Self {
        Self(broadcast::channel(16).0)
    }
}

/// Shows the main window in front and tells it `event`.
pub fn to_main_window<R: Runtime>(app: &AppHandle<R>, event: AppEvent) {
    crate::instance::focus_main_window(app);
    if let Some(events) = app.try_state::<AppEvents>() {
        // No window following yet: nothing to tell.
        let _ = events.0.send(event);
    }
}
