//! A conversation's knowledge (files searched by `file_search`) and the
//! files answers made (generated images, a code interpreter's files): add,
//! list, follow, remove; read and save a kept file.

use base64::Engine;
use halley_core::history::{KnowledgeFile, NewConversation};
use halley_core::knowledge::{Destination, KnowledgeCleanup, KnowledgeEvent, NewKnowledge};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use super::blocking::with_state;
use super::export_file::write_named_file;
use super::providers::{active_endpoint, endpoint_of};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::ipc_types::{KnowledgeAdded, KnowledgeInput, MessageFileData};
use crate::state::AppState;

#[tauri::command]
pub async fn list_knowledge(
    state: State<'_, AppState>,
    conversation_id: String,
) -> IpcResult<Vec<KnowledgeFile>> {
    with_state(&state, move |state| {
        Ok(state.history.list_knowledge(&conversation_id)?)
    })
    .await
}

/// Records the file and starts its upload to the active provider; the
/// states that follow come over `watch_knowledge`.
#[tauri::command]
pub async fn add_knowledge(
    state: State<'_, AppState>,
    input: KnowledgeInput,
) -> IpcResult<KnowledgeAdded> {
    with_state(&state, move |state| {
        let (provider, endpoint) = active_endpoint(state)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(input.data_base64.as_bytes())
            .map_err(|_| {
                IpcError::new(
                    ErrorCode::InvalidInput,
                    format!("{} could not be read", input.filename),
                )
            })?;
        let conversation_id = match input.conversation_id {
            Some(id) => id,
            None => {
                state
                    .history
                    .create_conversation(NewConversation {
                        title: halley_core::chat::title_from(
                            &input.filename,
                            state.history.language(),
                        ),
                        model: None,
                        provider_id: Some(provider.id.clone()),
                        settings: serde_json::Value::Null,
                    })?
                    .id
            }
        };
        let file = state.knowledge.add(
            &state.history,
            &state.client,
            Destination {
                provider_id: provider.id,
                endpoint,
            },
            NewKnowledge {
                conversation_id: conversation_id.clone(),
                name: input.filename,
                mime: input.mime,
                bytes: bytes.into(),
            },
        )?;
        Ok(KnowledgeAdded {
            conversation_id,
            file,
        })
    })
    .await
}

/// Removes a file from the conversation and deletes it at its provider
/// (unless the user keeps uploaded files).
#[tauri::command]
pub async fn remove_knowledge(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    let state = state.inner().clone();
    let file = {
        let id = id.clone();
        with_state(&state, move |state| {
            Ok(state.history.knowledge_file(&id)?)
        })
        .await?
    };
    // With "keep uploaded files" on, the file stays at the provider and
    // only leaves the conversation.
    let endpoint = {
        let provider_id = file.provider_id.clone();
        with_state(&state, move |state| {
            let keep = state.history.settings()?.settings.keep_uploaded_files;
            Ok((!keep)
                .then(|| endpoint_of(state, &provider_id).ok())
                .flatten())
        })
        .await?
    };
    state
        .knowledge
        .remove(&state.history, &state.client, endpoint.as_ref(), &id)
        .await?;
    Ok(())
}

/// Deletes a conversation's uploaded files and stores at their providers
/// (asked when the conversation is deleted); says what could not be.
#[tauri::command]
pub async fn forget_knowledge(
    state: State<'_, AppState>,
    conversation_id: String,
) -> IpcResult<KnowledgeCleanup> {
    let state = state.inner().clone();
    // Every provider the conversation has files at: its knowledge and its
    // PDFs sent by file id.
    let providers = {
        let id = conversation_id.clone();
        with_state(&state, move |state| {
            let mut providers: Vec<String> = state
                .history
                .list_knowledge(&id)?
                .into_iter()
                .map(|f| f.provider_id)
                .chain(
                    state
                        .history
                        .attachment_uploads(&id)?
                        .into_iter()
                        .map(|u| u.provider_id),
                )
                .collect();
            providers.sort();
            providers.dedup();
            Ok(providers)
        })
        .await?
    };
    // Endpoints are read once here (the keyring blocks), not per file.
    let mut endpoints = std::collections::HashMap::new();
    for provider_id in providers {
        let id = provider_id.clone();
        let endpoint = with_state(&state, move |state| Ok(endpoint_of(state, &id).ok())).await?;
        endpoints.insert(provider_id, endpoint);
    }
    let cleanup = state
        .knowledge
        .forget_conversation(&state.history, &state.client, &conversation_id, |id| {
            endpoints.get(id).cloned().flatten()
        })
        .await?;
    Ok(cleanup)
}

/// Knowledge files' states (every conversation's) for as long as the
/// window lives.
#[tauri::command]
pub async fn watch_knowledge(
    state: State<'_, AppState>,
    on_event: Channel<KnowledgeEvent>,
) -> IpcResult<()> {
    super::watch::forward(state.knowledge.subscribe(), on_event);
    Ok(())
}

/// A kept file's bytes, for showing an image.
#[tauri::command]
pub async fn message_file_data(
    state: State<'_, AppState>,
    id: String,
) -> IpcResult<MessageFileData> {
    with_state(&state, move |state| {
        let file = state.history.message_file_data(&id)?;
        Ok(MessageFileData {
            name: file.name,
            mime: file.mime,
            data_base64: base64::engine::general_purpose::STANDARD.encode(file.data),
        })
    })
    .await
}

/// Saves a kept file into the export folder (Downloads); returns the path.
#[tauri::command]
pub async fn save_message_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> IpcResult<String> {
    with_state(&state, move |state| {
        let file = state.history.message_file_data(&id)?;
        write_named_file(&app, state, &file.name, &file.data)
    })
    .await
}
