//! What each provider and model really does (`halley_core::capabilities`):
//! read for the UI's greyed controls and Settings, and found out by the
//! probe, on request or by itself (`halley_core::probe_schedule`) the first
//! time a model is used at a provider.

use halley_core::capabilities::Finding;
use halley_core::probe_schedule::ProbeEvent;
use tauri::ipc::Channel;
use tauri::State;
use tokio::sync::broadcast::error::RecvError;
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
    with_state(&state, move |state| findings_of(state, &provider_id)).await
}

fn findings_of(state: &AppState, provider_id: &str) -> IpcResult<Vec<Finding>> {
    Ok(state.history.capabilities(provider_id)?.findings().to_vec())
}

/// Runs the capability probe for `model` at a provider and keeps what it
/// found; answers with everything now known about the provider. When a
/// probe of the same model is already running (one the app started by
/// itself), waits for that one instead of sending the requests twice.
#[tauri::command]
pub async fn probe_provider(
    state: State<'_, AppState>,
    provider_id: String,
    model: String,
) -> IpcResult<Vec<Finding>> {
    let id = provider_id.clone();
    let endpoint = with_state(&state, move |state| endpoint_of(state, &id)).await?;
    let mut events = state.probes.subscribe();
    // The probe scrubs the key from every piece of evidence it keeps.
    let ran = state
        .probes
        .run(
            state.history.clone(),
            &state.client,
            &endpoint,
            &provider_id,
            &model,
            &CancellationToken::new(),
        )
        .await?;
    if !ran {
        wait_for_probe(&mut events, &provider_id, &model).await;
    }
    with_state(&state, move |state| findings_of(state, &provider_id)).await
}

async fn wait_for_probe(
    events: &mut tokio::sync::broadcast::Receiver<ProbeEvent>,
    provider_id: &str,
    model: &str,
) {
    loop {
        match events.recv().await {
            Ok(ProbeEvent::Finished {
                provider_id: p,
                model: m,
            }) if p == provider_id && m == model => return,
            Ok(_) | Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        }
    }
}

/// Sends every probe's start and end over `on_event` until the window goes
/// away (the send fails), so Settings and the composer read findings again.
#[tauri::command]
pub async fn watch_capabilities(
    state: State<'_, AppState>,
    on_event: Channel<ProbeEvent>,
) -> IpcResult<()> {
    super::watch::forward(state.probes.subscribe(), on_event);
    Ok(())
}

/// Starts the probe of `model` at the provider in the background when it is
/// due and the user lets it run by itself (Settings). Never fails the
/// caller: a probe is a bonus, not a step of what the user asked for.
pub fn probe_if_due(state: &AppState, provider_id: &str, model: &str) {
    // The end-to-end tests read the requests their turns send; a probe
    // beside them would add twenty. Test builds only (see
    // tests/e2e/lib/harness.mjs).
    #[cfg(debug_assertions)]
    if std::env::var_os("HALLEY_TEST_NO_AUTO_PROBE").is_some_and(|v| !v.is_empty()) {
        return;
    }
    let wanted = state
        .history
        .settings()
        .map(|reading| reading.settings.probe_automatically)
        .unwrap_or(true);
    if !wanted {
        return;
    }
    let started = endpoint_of(state, provider_id).map(|endpoint| {
        state
            .probes
            .run_if_due(&state.history, &state.client, &endpoint, provider_id, model)
    });
    match started {
        Ok(Ok(true)) => tracing::info!(model, "probing a model first used at a provider"),
        Ok(Ok(false)) => {}
        Ok(Err(error)) => tracing::warn!(%error, "could not read what is known of a provider"),
        Err(error) => {
            tracing::warn!(error = %error.message, "no probe: the provider cannot be reached")
        }
    }
}
