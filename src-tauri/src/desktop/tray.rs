//! The tray icon and its menu, in the user's language: New chat, Quick ask,
//! Show Halley, Quit. A desktop without a tray (no status notifier host,
//! as under Xvfb) just has none: the app runs the same.

use halley_core::words::{Language, Word};
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};

use super::{quick_ask, to_main_window, AppEvent};
use crate::state::AppState;

const TRAY_ID: &str = "halley";

/// The menu's items: id and word, in order (`None`: a separator).
pub const ITEMS: [Option<(&str, Word)>; 5] = [
    Some(("new-chat", Word::NewChat)),
    Some(("quick-ask", Word::QuickAsk)),
    Some(("show", Word::ShowHalley)),
    None,
    Some(("quit", Word::Quit)),
];

/// The user's language, English before the history is open.
fn language<R: Runtime>(app: &AppHandle<R>) -> Language {
    app.try_state::<AppState>()
        .map_or(Language::En, |state| state.history.language())
}

pub fn word<R: Runtime>(app: &AppHandle<R>, word: Word) -> &'static str {
    word.in_(language(app))
}

fn menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let language = language(app);
    let menu = Menu::new(app)?;
    for item in ITEMS {
        match item {
            Some((id, word)) => menu.append(&MenuItem::with_id(
                app,
                id,
                word.in_(language),
                true,
                None::<&str>,
            )?)?,
            None => menu.append(&PredefinedMenuItem::separator(app)?)?,
        }
    }
    Ok(menu)
}

fn on_item<R: Runtime>(app: &AppHandle<R>, id: &str) {
    match id {
        "new-chat" => to_main_window(app, AppEvent::NewChat),
        "quick-ask" => {
            if let Err(error) = quick_ask::open(app) {
                tracing::warn!(error = %error.message, "the quick-ask window did not open");
            }
        }
        "show" => crate::instance::focus_main_window(app),
        "quit" => app.exit(0),
        _ => {}
    }
}

/// Puts the icon in the tray. Failing (no tray on this desktop) is logged.
pub fn install<R: Runtime>(app: &AppHandle<R>) {
    let built = menu(app).and_then(|menu| {
        let mut tray = TrayIconBuilder::with_id(TRAY_ID)
            .tooltip("Halley")
            .menu(&menu)
            .on_menu_event(|app, event| on_item(app, event.id().as_ref()))
            .on_tray_icon_event(|tray, event| {
                // A left click shows the window; the menu is on the right.
                if let TrayIconEvent::DoubleClick { .. } = event {
                    crate::instance::focus_main_window(tray.app_handle());
                }
            });
        if let Some(icon) = app.default_window_icon() {
            tray = tray.icon(icon.clone());
        }
        tray.build(app)
    });
    if let Err(error) = built {
        tracing::warn!(%error, "no tray icon on this desktop");
    }
}

/// The menu again in the language now chosen.
pub fn refresh<R: Runtime>(app: &AppHandle<R>) {
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        match menu(app) {
            Ok(menu) => {
                let _ = tray.set_menu(Some(menu));
            }
            Err(error) => tracing::warn!(%error, "the tray menu could not be rebuilt"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_says_each_item_in_both_languages() {
        let labels = |language| {
            ITEMS
                .iter()
                .flatten()
                .map(|(_, word)| word.in_(language))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            labels(Language::En),
            ["New chat", "Quick ask", "Show Halley", "Quit"]
        );
        assert_eq!(
            labels(Language::Vi),
            ["Cuộc trò chuyện mới", "Hỏi nhanh", "Mở Halley", "Thoát"]
        );
    }
}
