//! App-level commands: what the app is, and opening links outside it.

use tauri::State;

use super::blocking::{blocking, with_state};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::ipc_types::AppInfo;
use crate::state::AppState;
use halley_core::settings::{Settings, SettingsReading};

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> IpcResult<AppInfo> {
    Ok(AppInfo {
        name: "Halley".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        data_dir: state.data_dir().display().to_string(),
    })
}

/// Opens a link from model output in the system browser. Only http(s) and
/// mailto: a `file:` or custom-scheme link in a model's answer must not be
/// able to launch anything else.
#[tauri::command]
pub async fn open_url(url: String) -> IpcResult<()> {
    let allowed = ["https://", "http://", "mailto:"];
    let lower = url.to_ascii_lowercase();
    if !allowed.iter().any(|p| lower.starts_with(p)) || url.chars().any(char::is_control) {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            "only web and mail links can be opened",
        ));
    }
    // Starting the browser is a process spawn: off the main thread.
    blocking(move || {
        open::that_detached(&url).map_err(|e| {
            IpcError::new(ErrorCode::Internal, format!("could not open the link: {e}"))
        })
    })
    .await
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> IpcResult<SettingsReading> {
    with_state(&state, |state| Ok(state.history.settings()?)).await
}

#[tauri::command]
pub async fn save_settings<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> IpcResult<()> {
    with_state(&state, move |state| {
        let stored = state.history.settings()?.settings;
        let before = stored.model.clone();
        // A new shortcut is taken from the OS first: one it refuses is said
        // and nothing is saved (the old one is held again).
        if stored.quick_ask_shortcut != settings.quick_ask_shortcut {
            if let Err(error) =
                crate::desktop::shortcut::apply(&app, settings.quick_ask_shortcut.as_deref())
            {
                let _ = crate::desktop::shortcut::apply(&app, stored.quick_ask_shortcut.as_deref());
                return Err(error);
            }
        }
        state.history.save_settings(&settings)?;
        if stored.language != settings.language {
            crate::desktop::tray::refresh(&app);
        }
        // A model picked for the first time at this provider is probed
        // before its first turn is sent.
        if before != settings.model {
            if let Some(provider_id) = state.history.active_provider_id()? {
                super::capabilities::probe_if_due(state, &provider_id, &settings.model);
            }
        }
        Ok(())
    })
    .await
}
