//! Conversations: list, open, rename, pin, delete with undo, search, export.

use halley_core::assistants;
use halley_core::history::{ConversationTree, Message};
use tauri::{Runtime, State};

use super::blocking::with_state;
use super::export_file::write_export;

use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::ipc_types::{
    AttachmentData, ConversationSummary, ConversationView, MessageView, SearchResults, TurnError,
};
use crate::state::AppState;

/// How many hits a search returns; the palette shows the newest.
const SEARCH_LIMIT: u32 = 50;

/// `cost_usd` is what the answer cost, when its model has a price.
fn message_view(message: Message, cost_usd: Option<f64>) -> MessageView {
    let usage = (message.usage != Default::default()).then_some(message.usage);
    MessageView {
        cost_usd,
        thought_ms: message.parts.thought_ms,
        asked_for: halley_core::chat::unanswered(&message.parts.output, &message.parts.tool_steps),
        citations: message.parts.citations,
        notes: message.parts.notes,
        tool_steps: message.parts.tool_steps,
        file_citations: message.parts.file_citations,
        tool_outputs: halley_core::chat::tool_outputs(&message.parts.output),
        files: message.parts.files,
        id: message.id,
        parent_id: message.parent_id,
        role: message.role,
        status: message.status,
        text: message.text,
        reasoning: message.reasoning,
        attachments: message.attachments,
        model: message.model,
        usage,
        error: message.error.map(TurnError::from),
        damaged: message.damaged.is_some(),
        created_at: message.created_at,
        children: message.children_ids,
    }
}

pub fn conversation_view(state: &AppState, tree: ConversationTree) -> IpcResult<ConversationView> {
    let usage = state.history.conversation_usage(&tree.conversation.id)?;
    let prices = halley_core::pricing::in_effect(&state.history)?;
    let provider = tree.conversation.provider_id.as_deref();
    let (mut cost_usd, mut unpriced_answers) = (0.0, 0u32);
    let messages = tree
        .messages
        .into_iter()
        .map(|message| {
            let spent = message.usage != Default::default();
            let cost = spent
                .then(|| {
                    halley_core::pricing::answer_cost(
                        &prices,
                        provider,
                        message.model.as_deref(),
                        &message.usage,
                    )
                })
                .flatten();
            match cost {
                Some(cost) => cost_usd += cost,
                None if spent => unpriced_answers += 1,
                None => {}
            }
            message_view(message, cost)
        })
        .collect();
    // Naming the conversation was paid for too; it is not an answer, so an
    // unpriced one adds its tokens (in `usage`) but nothing to the count.
    for (model, spent) in state.history.side_request_usage(&tree.conversation.id)? {
        cost_usd += halley_core::pricing::answer_cost(&prices, provider, Some(&model), &spent)
            .unwrap_or(0.0);
    }
    Ok(ConversationView {
        cost_usd,
        unpriced_answers,
        mcp_servers: halley_core::history::mcp_servers_of(&tree.conversation.settings),
        assistant: assistants::assistant_of(&tree.conversation.settings),
        instructions: assistants::own_instructions_of(&tree.conversation.settings),
        assistant_changes: assistants::changes_of(&tree.conversation.settings),
        composer_changes: assistants::composer_changes_of(&tree.conversation.settings),
        id: tree.conversation.id,
        title: tree.conversation.title,
        pinned: tree.conversation.pinned,
        current_leaf_id: tree.conversation.current_leaf_id,
        messages,
        usage,
    })
}

#[tauri::command]
pub async fn list_conversations(state: State<'_, AppState>) -> IpcResult<Vec<ConversationSummary>> {
    with_state(&state, |state| {
        Ok(state
            .history
            .list_conversations()?
            .into_iter()
            .map(|c| ConversationSummary {
                id: c.id,
                title: c.title,
                pinned: c.pinned,
                updated_at: c.updated_at,
            })
            .collect())
    })
    .await
}

#[tauri::command]
pub async fn get_conversation(
    state: State<'_, AppState>,
    id: String,
) -> IpcResult<ConversationView> {
    with_state(&state, move |state| {
        let tree = state.history.get_conversation(&id)?;
        conversation_view(state, tree)
    })
    .await
}

#[tauri::command]
pub async fn rename_conversation(
    state: State<'_, AppState>,
    id: String,
    title: String,
) -> IpcResult<()> {
    with_state(&state, move |state| {
        Ok(state.history.rename_conversation(&id, &title)?)
    })
    .await
}

#[tauri::command]
pub async fn pin_conversation(
    state: State<'_, AppState>,
    id: String,
    pinned: bool,
) -> IpcResult<()> {
    with_state(&state, move |state| {
        Ok(state.history.set_pinned(&id, pinned)?)
    })
    .await
}

#[tauri::command]
pub async fn delete_conversation(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    with_state(&state, move |state| {
        Ok(state.history.delete_conversation(&id)?)
    })
    .await
}

#[tauri::command]
pub async fn undo_delete_conversation(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    with_state(&state, move |state| Ok(state.history.undo_delete(&id)?)).await
}

#[tauri::command]
pub async fn set_current_leaf(
    state: State<'_, AppState>,
    conversation_id: String,
    leaf_id: String,
) -> IpcResult<()> {
    with_state(&state, move |state| {
        Ok(state.history.set_current_leaf(&conversation_id, &leaf_id)?)
    })
    .await
}

#[tauri::command]
pub async fn search_messages(
    state: State<'_, AppState>,
    query: String,
) -> IpcResult<SearchResults> {
    with_state(&state, move |state| {
        Ok(state.history.search_bounded(&query, SEARCH_LIMIT)?)
    })
    .await
}

/// Writes the conversation to a file in the Downloads folder (or
/// `HALLEY_EXPORT_DIR`) and returns its path. The export never holds a key:
/// keys are not in the history at all.
#[tauri::command]
pub async fn export_conversation<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    format: String,
) -> IpcResult<String> {
    with_state(&state, move |state| export(&app, state, &id, &format)).await
}

fn export<R: Runtime>(
    app: &tauri::AppHandle<R>,
    state: &AppState,
    id: &str,
    format: &str,
) -> IpcResult<String> {
    let (text, extension) = match format {
        "markdown" => (state.history.export_markdown(id)?, "md"),
        "json" => (state.history.export_json(id)?, "json"),
        other => {
            return Err(IpcError::new(
                ErrorCode::InvalidInput,
                format!("unknown format {other}"),
            ))
        }
    };
    let title = state.history.get_conversation(id)?.conversation.title;
    write_export(app, state, &title, "Halley conversation", extension, &text)
}

/// An attachment's bytes (the user's own file) as base64.
#[tauri::command]
pub async fn attachment_data(state: State<'_, AppState>, id: String) -> IpcResult<AttachmentData> {
    use base64::Engine;
    with_state(&state, move |state| {
        let (attachment, bytes) = state.history.attachment_data(&id)?;
        Ok(AttachmentData {
            kind: attachment.kind,
            filename: attachment.filename,
            mime: attachment.mime,
            data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        })
    })
    .await
}
