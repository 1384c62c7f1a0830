//! Playground presets: save the form under a name (each save a version),
//! list, read versions, delete, export and import as JSON.

use halley_core::playground::{PresetSummary, PresetVersion};
use tauri::State;

use super::blocking::with_state;
use crate::error::IpcResult;
use crate::state::AppState;

#[tauri::command]
pub async fn preset_save(
    state: State<'_, AppState>,
    name: String,
    form_json: String,
) -> IpcResult<PresetSummary> {
    with_state(&state, move |state| {
        Ok(state.history.save_preset(&name, &form_json)?)
    })
    .await
}

#[tauri::command]
pub async fn preset_list(state: State<'_, AppState>) -> IpcResult<Vec<PresetSummary>> {
    with_state(&state, |state| Ok(state.history.list_presets()?)).await
}

/// Every version of a preset, newest first.
#[tauri::command]
pub async fn preset_versions(
    state: State<'_, AppState>,
    preset_id: String,
) -> IpcResult<Vec<PresetVersion>> {
    with_state(&state, move |state| {
        Ok(state.history.preset_versions(&preset_id)?)
    })
    .await
}

#[tauri::command]
pub async fn preset_delete(state: State<'_, AppState>, preset_id: String) -> IpcResult<()> {
    with_state(&state, move |state| {
        Ok(state.history.delete_preset(&preset_id)?)
    })
    .await
}

/// The preset with every version, as a JSON document.
#[tauri::command]
pub async fn preset_export(state: State<'_, AppState>, preset_id: String) -> IpcResult<String> {
    with_state(&state, move |state| {
        Ok(state.history.export_preset(&preset_id)?)
    })
    .await
}

#[tauri::command]
pub async fn preset_import(
    state: State<'_, AppState>,
    document: String,
) -> IpcResult<PresetSummary> {
    with_state(&state, move |state| {
        Ok(state.history.import_preset(&document)?)
    })
    .await
}
