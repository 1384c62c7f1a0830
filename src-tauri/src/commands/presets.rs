//! Playground presets: save the form under a name (each save a version),
//! list, read versions, delete, export and import as JSON.

use halley_core::playground::{PresetSummary, PresetVersion};
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

#[tauri::command]
pub fn preset_save(
    state: State<'_, AppState>,
    name: String,
    form_json: String,
) -> IpcResult<PresetSummary> {
    Ok(state.history.save_preset(&name, &form_json)?)
}

#[tauri::command]
pub fn preset_list(state: State<'_, AppState>) -> IpcResult<Vec<PresetSummary>> {
    Ok(state.history.list_presets()?)
}

/// Every version of a preset, newest first.
#[tauri::command]
pub fn preset_versions(
    state: State<'_, AppState>,
    preset_id: String,
) -> IpcResult<Vec<PresetVersion>> {
    Ok(state.history.preset_versions(&preset_id)?)
}

#[tauri::command]
pub fn preset_delete(state: State<'_, AppState>, preset_id: String) -> IpcResult<()> {
    Ok(state.history.delete_preset(&preset_id)?)
}

/// The preset with every version, as a JSON document.
#[tauri::command]
pub fn preset_export(state: State<'_, AppState>, preset_id: String) -> IpcResult<String> {
    Ok(state.history.export_preset(&preset_id)?)
}

#[tauri::command]
pub fn preset_import(state: State<'_, AppState>, document: String) -> IpcResult<PresetSummary> {
    Ok(state.history.import_preset(&document)?)
}
