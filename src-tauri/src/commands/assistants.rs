//! Assistants: list, save (create or edit), duplicate, delete; and which
//! assistant (and which own instructions) a conversation runs with.

use halley_core::assistants::{Assistant, AssistantInput, ComposerChanges};
use tauri::State;

use super::blocking::with_state;
use crate::error::IpcResult;
use crate::state::AppState;

#[tauri::command]
pub async fn assistant_list(state: State<'_, AppState>) -> IpcResult<Vec<Assistant>> {
    with_state(&state, |state| Ok(state.history.list_assistants()?)).await
}

/// Creates (`input.id` is null) or replaces an assistant.
#[tauri::command]
pub async fn assistant_save(
    state: State<'_, AppState>,
    input: AssistantInput,
) -> IpcResult<Assistant> {
    with_state(&state, move |state| {
        Ok(state.history.save_assistant(input)?)
    })
    .await
}

/// A copy whose name ends with `suffix` (the UI's "(copy)" in the user's
/// language).
#[tauri::command]
pub async fn assistant_duplicate(
    state: State<'_, AppState>,
    assistant_id: String,
    suffix: String,
) -> IpcResult<Assistant> {
    with_state(&state, move |state| {
        Ok(state.history.duplicate_assistant(&assistant_id, &suffix)?)
    })
    .await
}

/// Conversations made with it keep their copy and go on as they were.
#[tauri::command]
pub async fn assistant_delete(state: State<'_, AppState>, assistant_id: String) -> IpcResult<()> {
    with_state(&state, move |state| {
        Ok(state.history.delete_assistant(&assistant_id)?)
    })
    .await
}

/// The conversation talks to this assistant (null: to none) from its next
/// turn; the switch is recorded after its last message.
#[tauri::command]
pub async fn conversation_set_assistant(
    state: State<'_, AppState>,
    conversation_id: String,
    assistant_id: Option<String>,
) -> IpcResult<()> {
    with_state(&state, move |state| {
        Ok(state
            .history
            .set_conversation_assistant(&conversation_id, assistant_id.as_deref())?)
    })
    .await
}

/// The conversation's own instructions (empty: none), sent after its
/// assistant's.
#[tauri::command]
pub async fn conversation_set_instructions(
    state: State<'_, AppState>,
    conversation_id: String,
    instructions: String,
) -> IpcResult<()> {
    with_state(&state, move |state| {
        Ok(state
            .history
            .set_conversation_instructions(&conversation_id, &instructions)?)
    })
    .await
}

/// What the user changed in the composer for this conversation, over its
/// assistant's settings (kept until another assistant is picked).
#[tauri::command]
pub async fn conversation_set_composer(
    state: State<'_, AppState>,
    conversation_id: String,
    changes: ComposerChanges,
) -> IpcResult<()> {
    with_state(&state, move |state| {
        Ok(state
            .history
            .set_conversation_composer(&conversation_id, &changes)?)
    })
    .await
}
