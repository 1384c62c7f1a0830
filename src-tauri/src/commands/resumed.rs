//! Background answers left running by the last exit, picked up at start-up
//! (`halley_core::chat::resume_turn`), and followed by the window that
//! opens their conversation.

use halley_core::chat::{self, RunUpdate};
use tauri::ipc::Channel;
use tauri::State;

use super::providers::endpoint_of;
use crate::error::IpcResult;
use crate::state::AppState;

/// Picks up every background answer the last exit left streaming. Run on
/// the blocking pool at start-up (each needs its provider's key).
pub fn resume_background_turns(state: &AppState) {
    let kept = match state.history.streaming_background_turns() {
        Ok(kept) => kept,
        Err(error) => {
            tracing::error!(%error, "the background answers to pick up could not be read");
            return;
        }
    };
    for turn in kept {
        let endpoint = match endpoint_of(state, &turn.provider_id) {
            Ok(endpoint) => endpoint,
            Err(error) => {
                // No provider or key any more: it cannot be asked for.
                tracing::warn!(error = %error.message, "a background answer cannot be picked up");
                if let Err(error) = state.history.give_up_background_turn(&turn.message_id) {
                    tracing::error!(%error, "a background answer could not be marked interrupted");
                }
                continue;
            }
        };
        tracing::info!("picking up a background answer left by the last exit");
        let cancel = state.runs.start(&turn.message_id);
        let sink = state.relays.emit(&turn.message_id);
        let (history, client, runs) = (
            state.history.clone(),
            state.client.clone(),
            state.runs.clone(),
        );
        tauri::async_runtime::spawn(async move {
            let resumed =
                chat::resume_turn(&history, &client, &endpoint, &turn, cancel, sink.clone());
            if let Err(error) = Box::pin(resumed).await {
                tracing::error!(%error, "a background answer could not be picked up");
                if let Err(error) = history.give_up_background_turn(&turn.message_id) {
                    tracing::error!(%error, "a background answer could not be marked interrupted");
                }
                sink(RunUpdate::Finished {
                    status: halley_core::history::MessageStatus::Interrupted,
                    error: None,
                    response_id: None,
                });
            }
            runs.finish(&turn.message_id);
        });
    }
}

/// Follows the answer `message_id` picked up after a restart: its updates
/// go over `on_update` from now on, the first saying what arrived so far.
/// False when it is not running (the history has it whole).
#[tauri::command]
pub fn watch_turn(
    state: State<'_, AppState>,
    message_id: String,
    on_update: Channel<RunUpdate>,
) -> IpcResult<bool> {
    Ok(state.relays.follow(&message_id, on_update))
}
