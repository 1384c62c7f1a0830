//! Sending messages and streaming answers. The command returns as soon as the
//! user's message is saved and the run started; the answer streams over the
//! run's own Channel. Stop cancels the run by id.

use std::sync::Arc;

use base64::Engine;
use halley_core::chat::{self, ChatOptions, Outgoing, PreparedTurn, RunUpdate};
use halley_core::history::{AttachmentKind, NewAttachment, TurnNote};
use tauri::ipc::Channel;
use tauri::State;

use super::blocking::with_state;
use super::providers::active_endpoint;
use crate::bench::BenchHooks;
use crate::desktop::{AppEvent, AppEvents};
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::ipc_types::{RegenerateInput, RunStarted, SendInput};
use crate::state::AppState;

/// The largest attachment of each kind, refused before anything is stored
/// (the UI checks the same first). A PDF over
/// [`chat::INLINE_PDF_MAX_BYTES`] goes by file id, so it may be larger than
/// a request could carry inline.
const MAX_IMAGE_BYTES: usize = 20 * 1024 * 1024;
const MAX_PDF_BYTES: usize = 50 * 1024 * 1024;

fn decode_attachments(input: &SendInput) -> IpcResult<Vec<NewAttachment>> {
    input
        .attachments
        .iter()
        .map(|a| {
            let data = base64::engine::general_purpose::STANDARD
                .decode(a.data_base64.as_bytes())
                .map_err(|_| {
                    IpcError::new(
                        ErrorCode::InvalidInput,
                        format!("{} could not be read", a.filename),
                    )
                })?;
            let limit = match a.kind {
                AttachmentKind::Image => MAX_IMAGE_BYTES,
                AttachmentKind::Pdf => MAX_PDF_BYTES,
            };
            if data.len() > limit {
                return Err(IpcError::new(
                    ErrorCode::TooLarge,
                    format!("{} is larger than {} MB", a.filename, limit / (1024 * 1024)),
                ));
            }
            Ok(NewAttachment {
                kind: a.kind,
                filename: a.filename.clone(),
                mime: a.mime.clone(),
                data,
            })
        })
        .collect()
}

#[tauri::command]
pub async fn send_message(
    state: State<'_, AppState>,
    bench: State<'_, BenchHooks>,
    events: State<'_, AppEvents>,
    input: SendInput,
    on_update: Channel<RunUpdate>,
) -> IpcResult<RunStarted> {
    let sink = bench.wrap(channel_emit(on_update));
    let events = events.inner().clone();
    with_state(&state, move |state| send(state, input, sink, events)).await
}

/// Saves the user's message and starts the run (SQLite and the keyring:
/// on the blocking pool).
fn send(
    state: &AppState,
    input: SendInput,
    sink: chat::Emit,
    events: AppEvents,
) -> IpcResult<RunStarted> {
    // A new conversation is named by the model after its first answer.
    let name_it = (input.conversation_id.is_none()
        && state.history.settings()?.settings.generated_titles)
        .then_some(events);
    let model = input.model.clone();
    // Checked first so a missing key loses nothing: the UI keeps the text.
    let (provider, endpoint) = active_endpoint(state)?;
    let attachments = decode_attachments(&input)?;
    let options = ChatOptions {
        model: input.model.clone(),
        web_search: input.web_search,
        code_interpreter: input.code_interpreter,
        image_generation: input.image_generation,
        image_options: input.image_options,
        // Filled in by `start`, which knows the conversation.
        knowledge_store: None,
        uploaded_files: Default::default(),
        reasoning_effort: input.reasoning_effort,
        verbosity: input.verbosity,
        // Read by `start` from what the conversation keeps.
        instructions: None,
        store: input.store,
        // Decided by `start`, which knows the settings and the servers.
        background: false,
    };
    let new_conversation = input.conversation_id.is_none();
    let prepared = chat::prepare_send(
        &state.history,
        Outgoing {
            conversation_id: input.conversation_id,
            parent_id: input.parent_id,
            text: input.text,
            attachments,
            model: input.model,
            provider_id: Some(provider.id.clone()),
        },
    )?;
    let user_message_id = prepared
        .user_message_id
        .clone()
        .ok_or_else(|| IpcError::new(ErrorCode::Internal, "no user message"))?;
    if new_conversation {
        start_with(
            state,
            &prepared.conversation_id,
            input.assistant_id.as_deref(),
            input.instructions.as_deref(),
        );
    }
    start(
        state,
        prepared,
        &user_message_id,
        (options, input.mcp_servers),
        (provider.id, endpoint),
        (sink, name_it.map(|events| (events, model))),
    )
}

/// What a new conversation starts with. The user's message is already kept:
/// a failure here is logged and the turn goes on (as with the MCP servers),
/// since the UI would otherwise give the text back and it would be sent twice.
fn start_with(
    state: &AppState,
    conversation_id: &str,
    assistant_id: Option<&str>,
    instructions: Option<&str>,
) {
    if let Some(assistant_id) = assistant_id {
        if let Err(error) = state
            .history
            .begin_conversation_with(conversation_id, assistant_id)
        {
            tracing::warn!(%error, "the new conversation's assistant could not be kept");
        }
    }
    if let Some(instructions) = instructions {
        if let Err(error) = state
            .history
            .set_conversation_instructions(conversation_id, instructions)
        {
            tracing::warn!(%error, "the new conversation's instructions could not be kept");
        }
    }
}

/// Answers the same user message again, as a new branch beside the old answer.
#[tauri::command]
pub async fn regenerate(
    state: State<'_, AppState>,
    bench: State<'_, BenchHooks>,
    input: RegenerateInput,
    on_update: Channel<RunUpdate>,
) -> IpcResult<RunStarted> {
    let sink = bench.wrap(channel_emit(on_update));
    with_state(&state, move |state| answer_again(state, input, sink)).await
}

fn answer_again(
    state: &AppState,
    input: RegenerateInput,
    sink: chat::Emit,
) -> IpcResult<RunStarted> {
    let (provider, endpoint) = active_endpoint(state)?;
    let (prepared, user_message_id) =
        chat::prepare_regenerate(&state.history, &input.assistant_message_id, &input.model)?;
    let options = ChatOptions {
        model: input.model,
        web_search: input.web_search,
        code_interpreter: input.code_interpreter,
        image_generation: input.image_generation,
        image_options: input.image_options,
        knowledge_store: None,
        uploaded_files: Default::default(),
        reasoning_effort: input.reasoning_effort,
        verbosity: input.verbosity,
        instructions: None,
        store: input.store,
        // Decided by `start`, which knows the settings and the servers.
        background: false,
    };
    start(
        state,
        prepared,
        &user_message_id,
        (options, input.mcp_servers),
        (provider.id, endpoint),
        (sink, None),
    )
}

/// Who hears that the model named a new conversation, and with which model.
type Naming = Option<(AppEvents, String)>;

fn start(
    state: &AppState,
    prepared: PreparedTurn,
    user_message_id: &str,
    (mut options, mcp_servers): (ChatOptions, Vec<String>),
    (provider_id, endpoint): (String, halley_responses::Endpoint),
    (sink, naming): (chat::Emit, Naming),
) -> IpcResult<RunStarted> {
    // The conversation's files are searched whenever one is ready at this
    // provider: knowledge the user gave is always in reach.
    options.knowledge_store = halley_core::knowledge::searchable_store(
        &state.history,
        &prepared.conversation_id,
        &provider_id,
    )?;
    // The conversation remembers its servers, so reopening it offers the same.
    // The user's message is already kept: failing to remember the choice must
    // not fail the send (the UI would give the text back and it would be sent twice).
    if let Err(error) = state
        .history
        .set_conversation_mcp_servers(&prepared.conversation_id, &mcp_servers)
    {
        tracing::warn!(%error, "the conversation's MCP servers could not be kept");
    }
    // An answer that may take minutes runs in background mode, so a dropped
    // connection or a restart does not lose it.
    let settings = state.history.settings()?.settings;
    options.background = chat::wants_background(
        settings.long_answers,
        &settings.long_answer_models,
        &options,
        !mcp_servers.is_empty(),
    );
    // PDFs too large to send inline go to the provider's file storage first
    // (once: later turns send their ids).
    options.uploaded_files = state
        .history
        .uploaded_attachments(&prepared.conversation_id, &provider_id)?;
    let tree = state.history.get_conversation(&prepared.conversation_id)?;
    // The assistant's instructions, then the conversation's own, as kept.
    options.instructions = halley_core::assistants::instructions_of(&tree.conversation.settings);
    let pending = chat::pending_uploads(&tree, user_message_id, &options.uploaded_files);
    // Planned here when nothing must be uploaded first, so a request that
    // cannot be built is told to the UI at once.
    let planned = match pending.is_empty() {
        true => Some(chat::plan_turn(
            &state.history,
            &tree,
            user_message_id,
            &options,
            &provider_id,
            &prepared.assistant_message_id,
        )?),
        false => None,
    };
    let ids = chat::TurnIds {
        conversation_id: prepared.conversation_id.clone(),
        user_message_id: user_message_id.to_owned(),
        assistant_message_id: prepared.assistant_message_id.clone(),
        provider_id: provider_id.clone(),
    };
    // The first turn with a model at a provider starts the probe beside it;
    // this turn takes the safe path (replay) whatever the probe finds.
    super::capabilities::probe_if_due(state, &provider_id, &options.model);
    let run_id = prepared.assistant_message_id.clone();
    let cancel = state.runs.start(&run_id);

    let history = state.history.clone();
    let client = state.client.clone();
    let runs_id = run_id.clone();
    let conversation_id = prepared.conversation_id.clone();
    let runs = state.runs.clone();
    let supervisor = state.mcp.clone();
    let approvals = state.approvals.clone();
    tauri::async_runtime::spawn(async move {
        let mut turn = match planned {
            Some(turn) => turn,
            None => {
                let planning = chat::upload_and_plan(
                    &history, &client, &endpoint, ids, options, pending, &cancel, &sink,
                );
                match Box::pin(planning).await {
                    Ok(turn) => turn,
                    Err(error) => {
                        if let Err(error) = chat::end_unsent(&history, &runs_id, error, &sink).await
                        {
                            tracing::error!(%error, "a turn could not be saved");
                        }
                        runs.finish(&runs_id);
                        return;
                    }
                }
            }
        };
        if !mcp_servers.is_empty() {
            // Stop while the servers start: the turn then ends at once.
            let offering = offer_tools(&mut turn, supervisor, approvals, &mcp_servers, &sink);
            tokio::select! {
                () = Box::pin(offering) => {}
                () = cancel.cancelled() => {}
            }
        }
        // What the turn learns (a refused parameter, a refused chain link)
        // is kept before it reports `finished`: a UI that sends the next
        // message at once finds it already known.
        let outcome =
            chat::run_turn(&history, &client, &endpoint, &turn, cancel, sink.clone()).await;
        let answered =
            matches!(&outcome, Ok(o) if o.status == halley_core::history::MessageStatus::Complete);
        if let Err(error) = outcome {
            tracing::error!(%error, "a turn could not be saved");
            sink(RunUpdate::Finished {
                status: halley_core::history::MessageStatus::Error,
                error: Some(chat::TurnError {
                    code: chat::TurnErrorCode::Storage,
                    message: error.to_string(),
                    status: None,
                    api_code: None,
                }),
                response_id: None,
            });
        }
        runs.finish(&runs_id);
        // After the turn is over: naming must hold neither its Stop nor its end.
        if let (true, Some((events, model))) = (answered, naming) {
            let named =
                chat::name_conversation(&history, &client, &endpoint, &conversation_id, &model);
            match Box::pin(named).await {
                Ok(Some(title)) => {
                    let _ = events.0.send(AppEvent::ConversationRenamed {
                        conversation_id: conversation_id.clone(),
                        title,
                    });
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "the conversation could not be named"),
            }
        }
    });

    Ok(RunStarted {
        run_id,
        conversation_id: prepared.conversation_id,
        user_message_id: prepared.user_message_id,
        assistant_message_id: prepared.assistant_message_id,
    })
}

/// Offers the chosen servers' tools to the model (starting the servers if
/// needed). A server that cannot start is said beside the answer; the turn
/// goes on without its tools.
async fn offer_tools(
    turn: &mut chat::Turn,
    supervisor: halley_mcp::Supervisor,
    approvals: chat::Approvals,
    ids: &[String],
    sink: &chat::Emit,
) {
    let (offered, failures) = supervisor.offered_tools(Some(ids)).await;
    for (id, error) in failures {
        let server = supervisor.status(&id).map(|s| s.name).unwrap_or(id);
        let note = TurnNote::ToolsUnavailable {
            server,
            message: error.to_string(),
        };
        sink(RunUpdate::Note { note: note.clone() });
        turn.notes.push(note);
    }
    turn.offer_tools(chat::TurnTools {
        supervisor,
        offered,
        approvals,
        max_rounds: chat::MAX_TOOL_ROUNDS,
    });
}

/// The run's updates into its channel. A closed window drops the channel;
/// the run still finishes and saves.
fn channel_emit(on_update: Channel<RunUpdate>) -> chat::Emit {
    Arc::new(move |update: RunUpdate| {
        let _ = on_update.send(update);
    })
}

#[tauri::command]
pub fn stop_run(state: State<'_, AppState>, run_id: String) -> IpcResult<()> {
    state.runs.cancel(&run_id);
    Ok(())
}
