//! The global quick-ask shortcut (Settings; off by default): registered with
//! the OS through `tauri-plugin-global-shortcut`, replaced when the setting
//! changes. A shortcut that does not read, or that another app holds, is
//! refused with the reason and the setting is not saved.

use std::str::FromStr;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcut, GlobalShortcutExt, Shortcut, ShortcutState};

use crate::error::{ErrorCode, IpcError, IpcResult};

/// The plugin, opening the quick-ask window when its shortcut is pressed.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, _shortcut, event| {
            if event.state() == ShortcutState::Pressed {
                if let Err(error) = super::quick_ask::open(app) {
                    tracing::warn!(error = %error.message, "the quick-ask window did not open");
                }
            }
        })
        .build()
}

/// What the user typed, as a shortcut ("Ctrl+Shift+Space").
pub fn parse(text: &str) -> IpcResult<Shortcut> {
    Shortcut::from_str(text.trim()).map_err(|e| {
        IpcError::new(
            ErrorCode::InvalidInput,
            format!("\"{text}\" is not a shortcut Halley can use ({e}); try e.g. Ctrl+Shift+Space"),
        )
    })
}

/// Makes `wanted` the one shortcut Halley holds (none for `None`).
pub fn apply<R: Runtime>(app: &AppHandle<R>, wanted: Option<&str>) -> IpcResult<()> {
    // The plugin is the desktop binary's (tests on the mock runtime have none).
    if app.try_state::<GlobalShortcut<R>>().is_none() {
        return match wanted {
            None => Ok(()),
            Some(_) => Err(IpcError::new(
                ErrorCode::Internal,
                "global shortcuts are not available in this build",
            )),
        };
    }
    let shortcuts = app.global_shortcut();
    let _ = shortcuts.unregister_all();
    let Some(text) = wanted else {
        return Ok(());
    };
    let shortcut = parse(text)?;
    shortcuts.register(shortcut).map_err(|e| {
        IpcError::new(
            ErrorCode::InvalidInput,
            format!("{text} could not be set as a shortcut (another app may use it): {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_read_as_people_write_them_and_nonsense_is_refused() {
        assert!(parse("Ctrl+Shift+Space").is_ok());
        assert!(parse("CommandOrControl+Alt+K").is_ok());
        let error = parse("Ctrl+Banana").expect_err("not a key");
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert!(error.message.contains("Ctrl+Banana"), "{}", error.message);
    }
}
