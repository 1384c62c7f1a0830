//! The app's commands, by area. Their names are listed once, in `names.in`,
//! which build.rs also reads; the test below checks `handler()` serves each.

mod app;
mod assistants;
mod bench;
mod blocking;
mod capabilities;
mod conversations;
mod desktop;
mod eval;
mod export_file;
mod images;
mod instance;
mod knowledge;
mod mcp;
mod playground;
mod playground_server;
mod presets;
mod provider_files;
mod providers;
pub mod resumed;
mod runs;
mod startup;
mod updates;
mod usage;
pub mod watch;
mod your_data;

/// Every command name, as the UI invokes it.
pub const COMMANDS: &[&str] = include!("names.in");

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        app::app_info,
        app::open_url,
        app::get_settings,
        app::save_settings,
        capabilities::provider_capabilities,
        capabilities::probe_provider,
        capabilities::watch_capabilities,
        providers::keyring_status,
        providers::list_providers,
        providers::save_provider,
        providers::delete_provider,
        providers::set_active_provider,
        providers::test_provider,
        providers::env_key_offers,
        providers::import_env_key,
        providers::list_models,
        resumed::watch_turn,
        desktop::watch_app,
        desktop::show_conversation,
        desktop::open_quick_ask,
        desktop::close_quick_ask,
        conversations::list_conversations,
        conversations::get_conversation,
        conversations::rename_conversation,
        conversations::pin_conversation,
        conversations::delete_conversation,
        conversations::undo_delete_conversation,
        conversations::set_current_leaf,
        conversations::search_messages,
        conversations::export_conversation,
        conversations::attachment_data,
        knowledge::list_knowledge,
        knowledge::add_knowledge,
        knowledge::remove_knowledge,
        knowledge::forget_knowledge,
        knowledge::watch_knowledge,
        knowledge::message_file_data,
        knowledge::save_message_file,
        runs::send_message,
        runs::regenerate,
        runs::stop_run,
        mcp::mcp_list_servers,
        mcp::mcp_save_server,
        mcp::mcp_set_server_enabled,
        mcp::mcp_delete_server,
        mcp::mcp_import_servers,
        mcp::mcp_server_catalog,
        mcp::mcp_restart_server,
        mcp::mcp_stop_server,
        mcp::mcp_call_tool,
        mcp::mcp_cancel_call,
        mcp::mcp_watch_servers,
        mcp::mcp_answer_approval,
        mcp::mcp_tool_policies,
        mcp::mcp_set_tool_policy,
        mcp::mcp_offered_tools,
        playground::playground_run,
        playground::validate_json,
        playground::playground_set_mcp_secret,
        playground::playground_save_recording,
        playground::playground_fold_recording,
        playground::playground_save_image,
        playground_server::playground_resume,
        playground_server::playground_background_runs,
        playground_server::playground_forget_run,
        playground_server::playground_cancel,
        playground_server::playground_retrieve,
        playground_server::playground_input_items,
        playground_server::playground_delete,
        playground_server::playground_input_tokens,
        provider_files::provider_file_upload,
        provider_files::provider_files_list,
        provider_files::provider_file_delete,
        provider_files::vector_stores_list,
        provider_files::vector_store_create,
        provider_files::vector_store_delete,
        provider_files::vector_store_files,
        provider_files::container_file_data,
        provider_files::container_file_save,
        assistants::assistant_list,
        assistants::assistant_save,
        assistants::assistant_duplicate,
        assistants::assistant_delete,
        assistants::conversation_set_assistant,
        assistants::conversation_set_instructions,
        assistants::conversation_set_composer,
        presets::preset_save,
        presets::preset_list,
        presets::preset_versions,
        presets::preset_delete,
        presets::preset_export,
        presets::preset_import,
        eval::eval_import_dataset,
        eval::eval_preview_dataset,
        eval::eval_list_datasets,
        eval::eval_dataset_versions,
        eval::eval_dataset_rows,
        eval::eval_export_dataset,
        eval::eval_delete_dataset,
        eval::eval_start_run,
        eval::eval_resume_run,
        eval::eval_pause_run,
        eval::eval_cancel_run,
        eval::eval_list_runs,
        eval::eval_run_aggregates,
        eval::eval_results,
        eval::eval_set_human_grade,
        eval::eval_compare_runs,
        your_data::data_backup_now,
        your_data::data_list_backups,
        your_data::data_restore,
        your_data::data_import,
        your_data::data_export_all,
        images::fetch_image,
        startup::startup_problem,
        startup::startup_open_data_folder,
        startup::startup_start_fresh,
        startup::startup_restore_backup,
        instance::instance_problem,
        instance::app_quit,
        updates::update_check,
        updates::update_download,
        updates::update_install,
        updates::app_restart,
        usage::usage_report,
        bench::bench_mark,
        bench::bench_echo,
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn capability_grants_exactly_the_commands_and_handler_serves_them() {
        let expected: BTreeSet<String> = super::COMMANDS
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../../capabilities/default.json"))
                .expect("the capability file is JSON");
        let granted: BTreeSet<String> = capability["permissions"]
            .as_array()
            .expect("a permissions list")
            .iter()
            .filter_map(|p| p.as_str().map(str::to_owned))
            .collect();
        // Anything more is attack surface for the webview; anything less is a
        // command the UI calls and the app denies.
        assert_eq!(
            granted, expected,
            "capabilities/default.json must grant exactly names.in"
        );
        let source = include_str!("mod.rs");
        let handler = &source[source.find("generate_handler![").expect("the handler list")..];
        for name in super::COMMANDS {
            assert!(
                handler.contains(&format!("::{name},")),
                "{name} is listed but not served"
            );
        }
    }
}
