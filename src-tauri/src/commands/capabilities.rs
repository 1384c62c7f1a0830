//! What each provider and model really does (`halley_core::capabilities`):
//! read for the UI's greyed controls and Settings, and found out by the
//! probe on request.

use halley_core::capabilities::Finding;
use tauri::State;
use tokio_util::sync::CancellationToken;

use super::blocking::with_state;
use super::providers::endpoint_of;
use crate::error::IpcResult;
use crate::state::AppState;

/// Everything learned about a provider, for every model.
#[tauri::command]
pub async fn provider_capabilities(
    state: State<'_, AppState>,
    provider_id: String,
) -> IpcResult<Vec<Finding>> {
    with_state(&state, move |state| {
        Ok(state
            .history
            .capabilities(&provider_id)?
            .findings()
            .to_vec())
    })
    .await
}

/// Runs the capability probe for `model` at a provider and keeps what it
/// found; answers with everything now known about the provider.
#[tauri::command]
pub async fn probe_provider(
    state: State<'_, AppState>,
    provider_id: String,
    model: String,
) -> IpcResult<Vec<Finding>> {
    let id = provider_id.clone();
    let endpoint = with_state(&state, move |state| endpoint_of(state, &id)).await?;
    let findings =
        halley_core::probe::probe(&state.client, &endpoint, &model, &CancellationToken::new())
            .await;
    // The probe scrubs the key from every piece of evidence it keeps.
    with_state(&state, move |state| {
        for finding in &findings {
            state.history.record_finding(&provider_id, finding)?;
        }
        Ok(state
            .history
            .capabilities(&provider_id)?
            .findings()
            .to_vec())
    })
    .await
}
