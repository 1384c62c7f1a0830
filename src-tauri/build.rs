//! Builds the Tauri context. The config and capabilities live at the
//! repository root / `src-tauri/capabilities`, see docs/architecture.md.
fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(halley_commands()));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build failed: {error:#}");
    }
}

/// Every command the app exposes; the capability file grants exactly these.
/// Kept in sync with `commands::handler` by the `capabilities` test.
fn halley_commands() -> &'static [&'static str] {
    &[
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
    ]
}
