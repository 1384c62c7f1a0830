//! The app's commands, by area. `handler()` is the one list of them; build.rs
//! lists the same names (the capability grants exactly those), and the
//! `command_lists_agree` test keeps the two in step.

mod app;
mod conversations;
mod export_file;
mod playground;
mod playground_server;
mod presets;
mod providers;
mod runs;

/// Every command name, as the UI invokes it.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "open_url",
    "get_settings",
    "save_settings",
    "keyring_status",
    "list_providers",
    "save_provider",
    "delete_provider",
    "set_active_provider",
    "test_provider",
    "env_key_offers",
    "import_env_key",
    "list_models",
    "list_conversations",
    "get_conversation",
    "rename_conversation",
    "pin_conversation",
    "delete_conversation",
    "undo_delete_conversation",
    "set_current_leaf",
    "search_messages",
    "export_conversation",
    "import_conversation",
    "attachment_data",
    "send_message",
    "regenerate",
    "stop_run",
    // Playground
    "playground_run",
    "validate_json",
    "playground_save_recording",
    "playground_fold_recording",
    "playground_resume",
    "playground_background_runs",
    "playground_forget_run",
    "playground_cancel",
    "playground_retrieve",
    "playground_input_items",
    "playground_delete",
    "playground_input_tokens",
    "preset_save",
    "preset_list",
    "preset_versions",
    "preset_delete",
    "preset_export",
    "preset_import",
];

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        app::app_info,
        app::open_url,
        app::get_settings,
        app::save_settings,
        providers::keyring_status,
        providers::list_providers,
        providers::save_provider,
        providers::delete_provider,
        providers::set_active_provider,
        providers::test_provider,
        providers::env_key_offers,
        providers::import_env_key,
        providers::list_models,
        conversations::list_conversations,
        conversations::get_conversation,
        conversations::rename_conversation,
        conversations::pin_conversation,
        conversations::delete_conversation,
        conversations::undo_delete_conversation,
        conversations::set_current_leaf,
        conversations::search_messages,
        conversations::export_conversation,
        conversations::import_conversation,
        conversations::attachment_data,
        runs::send_message,
        runs::regenerate,
        runs::stop_run,
        playground::playground_run,
        playground::validate_json,
        playground::playground_save_recording,
        playground::playground_fold_recording,
        playground_server::playground_resume,
        playground_server::playground_background_runs,
        playground_server::playground_forget_run,
        playground_server::playground_cancel,
        playground_server::playground_retrieve,
        playground_server::playground_input_items,
        playground_server::playground_delete,
        playground_server::playground_input_tokens,
        presets::preset_save,
        presets::preset_list,
        presets::preset_versions,
        presets::preset_delete,
        presets::preset_export,
        presets::preset_import,
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_lists_agree() {
        // build.rs cannot import this crate, so it keeps its own copy of the
        // list; a command missing there would be denied by the capability.
        let build_rs = include_str!("../../build.rs");
        for name in super::COMMANDS {
            assert!(
                build_rs.contains(&format!("\"{name}\"")),
                "{name} is missing from build.rs"
            );
        }
    }
}
