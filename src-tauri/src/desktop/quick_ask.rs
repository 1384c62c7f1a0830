//! The quick-ask window: a small window over whatever the user is doing,
//! with a composer and the answer; its conversation is kept in the history.
//! It loads the same UI (`index.html?view=quick`), which shows only that.

use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

use crate::error::{ErrorCode, IpcError, IpcResult};

/// The window's label; `capabilities/default.json` grants it the same
/// commands as the main window.
pub const LABEL: &str = "quick";

/// Shows the quick-ask window (made on first use), in front and focused.
pub fn open<R: Runtime>(app: &AppHandle<R>) -> IpcResult<()> {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        return Ok(());
    }
    let title = crate::desktop::tray::word(app, halley_core::words::Word::QuickAsk);
    WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("index.html?view=quick".into()))
        .title(format!("Halley · {title}"))
        .inner_size(560.0, 460.0)
        .min_inner_size(420.0, 320.0)
        .center()
        .always_on_top(true)
        .focused(true)
        .build()
        .map(|_| ())
        .map_err(|e| {
            IpcError::new(
                ErrorCode::Internal,
                format!("the quick-ask window could not open: {e}"),
            )
        })
}

pub fn close<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.close();
    }
}
