//! Runs one chat turn: stream the answer, fold it, persist it at a bounded
//! rate, and tell the UI in small updates. Whatever happens — an error, a
//! dropped connection, Stop — the text that arrived is kept.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use halley_responses::{
    Accumulator, Annotation, Client, ContentPart, CreateResponse, Endpoint, ErrorKind, FoldUpdate,
    OutputItem, Response, Tool,
};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::adapt;
use super::background::{self, PickedUp};
use super::outputs;
use super::persist::{self, BackgroundRecord, Progress, ProgressWrites};
use super::tools::{self, ToolStep, TurnTools};
use super::updates::{Citation, RunUpdate, ToolItemType, TurnError};
use crate::capabilities::{Feature, Finding, FindingSource, Verdict};
use crate::history::TurnNote;
use crate::history::{
    AssistantOutcome, BackgroundTurn, FileCitation, MessageError, MessageParts, MessageStatus,
    Usage,
};
use crate::redact::Secrets;
use crate::stream::{self, Ended};
use crate::{Error, History};

/// How often a streaming answer is written to the database: often enough that
/// a crash loses little, rarely enough that writes never slow the stream.
const PERSIST_EVERY: Duration = Duration::from_millis(500);

pub type Emit = Arc<dyn Fn(RunUpdate) + Send + Sync>;

/// A turn ready to run: the assistant message exists (status streaming).
#[derive(Debug, Clone)]
pub struct Turn {
    pub assistant_message_id: String,
    /// Whose capabilities the turn learns about when it has to adapt.
    pub provider_id: String,
    pub request: CreateResponse,
    /// The same turn with the branch replayed, tried once when the provider
    /// rejects `previous_response_id` (gateways that store nothing do).
    pub replay: Option<CreateResponse>,
    /// What the request already leaves out and why (known refusals).
    pub notes: Vec<TurnNote>,
    /// MCP tools the model may call, answered by the turn itself.
    pub tools: Option<TurnTools>,
}

impl Turn {
    /// Offers `tools`' functions to the model (beside any tool the request
    /// has) and lets the turn answer their calls.
    pub fn offer_tools(&mut self, tools: TurnTools) {
        tools::offer(&mut self.request, &tools.offered);
        if let Some(replay) = &mut self.replay {
            tools::offer(replay, &tools.offered);
        }
        self.tools = Some(tools);
    }
}

/// Whether an error says the provider cannot chain on a stored response.
/// Decided by the API's error code: api.openai.com answers 400 with
/// `previous_response_not_found`. The message is looked at only when the
/// answer carries no code at all — some gateways send `"code": null` and say
/// only in words that they do not support the parameter, and treating that
/// as a failed turn would break every second message to them. An answer
/// with any other code is never read as a refused chain.
fn rejects_chaining(error: &halley_responses::Error) -> bool {
    if !matches!(error.http_status(), Some(400 | 404 | 422)) {
        return false;
    }
    match error.api_code() {
        Some(code) => code == "previous_response_not_found",
        None => match error {
            halley_responses::Error::HttpStatus {
                body: Some(body), ..
            } => {
                let names_field = body.error.param.as_str() == Some("previous_response_id");
                let message = body.error.message.to_ascii_lowercase();
                names_field
                    || message.contains("previous_response")
                    || message.contains("previous response")
            }
            _ => false,
        },
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TurnOutcome {
    pub status: MessageStatus,
    pub error: Option<TurnError>,
    pub response_id: Option<String>,
    /// What the turn did differently from what was asked.
    pub notes: Vec<TurnNote>,
}

/// The feature a refusal names, with the request sent again without it,
/// when the refusal is about one parameter a chat turn can do without.
fn adaptation(
    error: &halley_responses::Error,
    sent: &CreateResponse,
) -> Option<(Feature, CreateResponse, String)> {
    let reading = error.reading()?;
    if reading.kind != ErrorKind::UnsupportedParameter {
        return None;
    }
    let feature = Feature::of_param(reading.param.as_deref()?)?;
    let adapted = adapt::without(sent, feature)?;
    Some((feature, adapted, reading.message))
}

/// Whether web search was asked for and the finished answer shows no search.
fn no_search_ran(sent: &CreateResponse, response: &Response) -> bool {
    let asked = sent.tools.get().is_some_and(|tools| {
        tools
            .iter()
            .any(|t| matches!(t, Tool::WebSearchPreview(_) | Tool::WebSearch(_)))
    });
    asked
        && !response
            .output()
            .iter()
            .any(|item| matches!(item, OutputItem::WebSearchCall(_)))
}

/// The answer as it builds up, kept per output item and part so that text
/// replaced by a `.done` event lands in the right place.
#[derive(Default)]
struct Draft {
    text: BTreeMap<(u32, u32), String>,
    reasoning: BTreeMap<(u32, u32), String>,
    citations: Vec<Citation>,
    file_citations: Vec<FileCitation>,
    tools: BTreeMap<u32, ToolItemType>,
    usage: Usage,
    /// Added to the output indices of this round's events: a later round's
    /// items come after the earlier rounds' ones.
    offset: u32,
    /// When the turn started, and when its answer's first words came: how
    /// long a reasoning model thought.
    started: Option<Instant>,
    first_words: Option<Instant>,
}

impl Draft {
    /// The draft of an answer picked up after a restart: what `snapshot`
    /// (the response folded up to the kept event) holds, keyed as its
    /// events would have built it, and the kept citations.
    fn resuming(snapshot: &Response, kept: &MessageParts) -> Self {
        let mut draft = Draft {
            citations: kept.citations.clone(),
            file_citations: kept.file_citations.clone(),
            ..Draft::default()
        };
        for (index, item) in snapshot.output().iter().enumerate() {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            match item {
                OutputItem::Message(message) => {
                    for (part_index, part) in message.content.iter().enumerate() {
                        let text = match part {
                            ContentPart::OutputText(t) => t.text.clone(),
                            ContentPart::Refusal(r) => r.refusal.clone(),
                            _ => continue,
                        };
                        let part_index = u32::try_from(part_index).unwrap_or(u32::MAX);
                        draft.text.insert((index, part_index), text);
                    }
                }
                OutputItem::Reasoning(reasoning) => {
                    for (part_index, part) in reasoning.summary.iter().enumerate() {
                        let part_index = u32::try_from(part_index).unwrap_or(u32::MAX);
                        draft
                            .reasoning
                            .insert((index, part_index), part.text.clone());
                    }
                }
                other => {
                    if let Some(tool) = ToolItemType::of(other) {
                        draft.tools.insert(index, tool);
                    }
                }
            }
        }
        draft
    }

    /// Adds the sources cited in `response`'s final text that no delta
    /// brought (each page and file once, in order).
    fn cite_from(&mut self, response: &Response) {
        for item in response.output() {
            let OutputItem::Message(message) = item else {
                continue;
            };
            for part in &message.content {
                let ContentPart::OutputText(text) = part else {
                    continue;
                };
                for annotation in text
                    .annotations
                    .get()
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                {
                    if let Some(citation) = outputs::file_citation(annotation, response.output()) {
                        if !self
                            .file_citations
                            .iter()
                            .any(|c| c.file_id == citation.file_id)
                        {
                            self.file_citations.push(citation);
                        }
                    } else if let Some(citation) = citation_of(annotation) {
                        if !self.citations.iter().any(|c| c.url == citation.url) {
                            self.citations.push(citation);
                        }
                    }
                }
            }
        }
    }

    /// Starts the next round of a turn with tool calls; its text is a new
    /// paragraph after the text so far.
    fn next_round(&mut self, items_before: usize, emit: &Emit) {
        // This round's usage is counted (by the turn); the next reports its own.
        self.usage = Usage::default();
        let items = u32::try_from(items_before).unwrap_or(u32::MAX - 1);
        self.offset = self.offset.saturating_add(items).saturating_add(1);
        if !self.text.is_empty() {
            self.text.insert((self.offset - 1, 0), "\n\n".to_owned());
            emit(RunUpdate::TextDelta {
                text: "\n\n".to_owned(),
            });
        }
    }

    fn text(&self) -> String {
        self.text.values().map(String::as_str).collect()
    }

    /// How long the model thought before it answered, for an answer that
    /// reasoned; up to now when no words came (stopped while thinking).
    fn thought_ms(&self, reasoned: bool) -> Option<u32> {
        if !reasoned {
            return None;
        }
        let until = self.first_words.unwrap_or_else(Instant::now);
        let thought = until.saturating_duration_since(self.started?);
        Some(u32::try_from(thought.as_millis()).unwrap_or(u32::MAX))
    }

    fn reasoning(&self) -> String {
        self.reasoning
            .values()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// The card a finished hosted-tool item makes (its code and logs, its
    /// passages), told before the item's `completed` status.
    fn card(update: &FoldUpdate) -> Option<RunUpdate> {
        match update {
            FoldUpdate::ItemDone { item, .. } => {
                outputs::tool_output(item).map(|output| RunUpdate::ToolOutput { output })
            }
            _ => None,
        }
    }

    /// Folds one update into the draft and says what the UI should hear.
    /// `accumulator` has already folded the event the update came from.
    fn apply(&mut self, update: FoldUpdate, accumulator: &Accumulator) -> Option<RunUpdate> {
        let offset = self.offset;
        let at = move |index: u32| index.saturating_add(offset);
        match update {
            FoldUpdate::TextDelta {
                output_index,
                content_index,
                delta,
            }
            | FoldUpdate::RefusalDelta {
                output_index,
                content_index,
                delta,
            } => {
                self.first_words.get_or_insert_with(Instant::now);
                self.text
                    .entry((at(output_index), content_index))
                    .or_default()
                    .push_str(&delta);
                Some(RunUpdate::TextDelta { text: delta })
            }
            FoldUpdate::TextReplaced {
                output_index,
                content_index,
                text,
            } => {
                self.text.insert((at(output_index), content_index), text);
                Some(RunUpdate::TextReplaced { text: self.text() })
            }
            FoldUpdate::ReasoningSummaryDelta {
                output_index,
                summary_index: index,
                delta,
            }
            | FoldUpdate::ReasoningTextDelta {
                output_index,
                content_index: index,
                delta,
            } => {
                let starts_part = !self.reasoning.contains_key(&(at(output_index), index));
                let prefix = if starts_part && !self.reasoning.is_empty() {
                    "\n\n"
                } else {
                    ""
                };
                self.reasoning
                    .entry((at(output_index), index))
                    .or_default()
                    .push_str(&delta);
                Some(RunUpdate::ReasoningDelta {
                    text: format!("{prefix}{delta}"),
                })
            }
            FoldUpdate::Annotation { annotation, .. } => {
                if let Some(citation) =
                    outputs::file_citation(&annotation, accumulator.snapshot().output())
                {
                    if self
                        .file_citations
                        .iter()
                        .any(|c| c.file_id == citation.file_id)
                    {
                        return None;
                    }
                    self.file_citations.push(citation.clone());
                    return Some(RunUpdate::FileCitation { citation });
                }
                let citation = citation_of(&annotation)?;
                if self.citations.iter().any(|c| c.url == citation.url) {
                    return None;
                }
                self.citations.push(citation.clone());
                Some(RunUpdate::Citation { citation })
            }
            FoldUpdate::ItemAdded { output_index, .. } => {
                let tool = ToolItemType::of(accumulator.item(output_index)?)?;
                self.tools.insert(at(output_index), tool);
                Some(RunUpdate::Tool {
                    item_type: tool,
                    status: halley_responses::ToolProgress::InProgress,
                })
            }
            FoldUpdate::ItemStatus {
                output_index,
                status,
            } => Some(RunUpdate::Tool {
                item_type: *self.tools.get(&at(output_index))?,
                status,
            }),
            FoldUpdate::ItemDone { output_index, .. } => Some(RunUpdate::Tool {
                item_type: *self.tools.get(&at(output_index))?,
                status: halley_responses::ToolProgress::Completed,
            }),
            FoldUpdate::PartialImage {
                output_index,
                image_b64,
                ..
            } => Some(RunUpdate::PartialImage {
                item_id: accumulator.item(output_index)?.id()?.to_owned(),
                image_b64,
            }),
            FoldUpdate::Usage { usage } => {
                self.usage = usage_of(&usage);
                Some(RunUpdate::Usage { usage: self.usage })
            }
            _ => None,
        }
    }
}

fn citation_of(annotation: &Annotation) -> Option<Citation> {
    match annotation {
        Annotation::UrlCitation(c) => Some(Citation {
            url: c.url.clone(),
            title: c.title.as_str().map(str::to_owned),
        }),
        _ => None,
    }
}

fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Token counts from the wire `usage` (the detail objects may be missing).
pub(crate) fn usage_of(usage: &halley_responses::Usage) -> Usage {
    Usage {
        input_tokens: count(usage.input_tokens),
        cached_tokens: count(
            usage
                .input_tokens_details
                .get()
                .and_then(|d| d.cached_tokens.get().copied())
                .unwrap_or(0),
        ),
        output_tokens: count(usage.output_tokens),
        reasoning_tokens: count(
            usage
                .output_tokens_details
                .get()
                .and_then(|d| d.reasoning_tokens.get().copied())
                .unwrap_or(0),
        ),
    }
}

fn plus(a: Usage, b: Usage) -> Usage {
    Usage {
        input_tokens: a.input_tokens.saturating_add(b.input_tokens),
        cached_tokens: a.cached_tokens.saturating_add(b.cached_tokens),
        output_tokens: a.output_tokens.saturating_add(b.output_tokens),
        reasoning_tokens: a.reasoning_tokens.saturating_add(b.reasoning_tokens),
    }
}

/// The answer text of a finished response: its message items' text and
/// refusal parts.
fn response_text(response: &Response) -> String {
    let mut text = String::new();
    for item in response.output() {
        if let OutputItem::Message(message) = item {
            for part in &message.content {
                match part {
                    ContentPart::OutputText(t) => text.push_str(&t.text),
                    ContentPart::Refusal(r) => text.push_str(&r.refusal),
                    _ => {}
                }
            }
        }
    }
    text
}

fn response_reasoning(response: &Response) -> String {
    let mut parts = Vec::new();
    for item in response.output() {
        if let OutputItem::Reasoning(reasoning) = item {
            parts.extend(reasoning.summary.iter().map(|p| p.text.clone()));
        }
    }
    parts.join("\n\n")
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, Error> {
    serde_json::to_value(value)
        .map_err(|e| Error::InvalidInput(format!("the turn cannot be written as JSON: {e}")))
}

/// The response with every secret of `secrets` scrubbed out, typed and as
/// the JSON that is stored.
fn scrubbed(response: &Response, secrets: &Secrets) -> Result<(Response, Value), Error> {
    let mut json = to_json(response)?;
    secrets.scrub_json(&mut json);
    let typed = serde_json::from_value(json.clone())
        .map_err(|e| Error::InvalidInput(format!("the scrubbed response no longer reads: {e}")))?;
    Ok((typed, json))
}

/// Opens the turn's first request, answering a refused chain link with the
/// replay and a refused parameter with the request without it (each once).
/// `sent` becomes what was really sent.
#[allow(clippy::too_many_arguments)]
async fn open_first(
    history: &Arc<History>,
    client: &Client,
    endpoint: &Endpoint,
    turn: &Turn,
    sent: &mut CreateResponse,
    notes: &mut Vec<TurnNote>,
    options: &halley_responses::StreamOptions,
    cancel: &CancellationToken,
    emit: &Emit,
) -> Result<halley_responses::EventStream, Ended> {
    let secrets = Secrets::of_endpoint(endpoint);
    let model = turn.request.model.as_str().unwrap_or_default().to_owned();
    let mut opened = stream::open(
        cancel,
        client.create_stream(endpoint, sent, options.clone()),
    )
    .await;
    if let (Err(Ended::Failed(error)), Some(replay)) = (&opened, &turn.replay) {
        if rejects_chaining(error) {
            tracing::info!("provider rejected previous_response_id; replaying the branch");
            *sent = replay.clone();
            let mut evidence = error.detail();
            secrets.scrub_in_place(&mut evidence);
            learn(
                history,
                &turn.provider_id,
                Finding::new(
                    Feature::Chaining,
                    &model,
                    Verdict::Unsupported,
                    evidence,
                    error.http_status(),
                    FindingSource::Request,
                ),
            )
            .await;
            opened = stream::open(
                cancel,
                client.create_stream(endpoint, sent, options.clone()),
            )
            .await;
        }
    }
    // Refused for one parameter a chat turn can do without: once more
    // without it, and the lesson kept so the next turn does not pay for it.
    if let Err(Ended::Failed(error)) = &opened {
        if let Some((feature, without, mut message)) = adaptation(error, sent) {
            secrets.scrub_in_place(&mut message);
            tracing::info!(
                feature = feature.as_str(),
                "a parameter was refused; sending without it"
            );
            learn(
                history,
                &turn.provider_id,
                Finding::new(
                    feature,
                    &model,
                    Verdict::Unsupported,
                    message.clone(),
                    error.http_status(),
                    FindingSource::Request,
                ),
            )
            .await;
            let note = TurnNote::Refused { feature, message };
            emit(RunUpdate::Note { note: note.clone() });
            notes.push(note);
            *sent = without;
            opened = stream::open(
                cancel,
                client.create_stream(endpoint, sent, options.clone()),
            )
            .await;
        }
    }
    opened
}

/// Ends a turn that stopped before its request went out (a PDF that could
/// not be uploaded, Stop during the upload): the answer says why, the
/// user's message stays as it was.
pub async fn end_unsent(
    history: &Arc<History>,
    assistant_message_id: &str,
    error: TurnError,
    emit: &Emit,
) -> Result<TurnOutcome, Error> {
    let (status, error) = match error.code {
        crate::history::TurnErrorCode::Cancelled => (MessageStatus::Stopped, None),
        _ => (MessageStatus::Error, Some(error)),
    };
    persist::finish(
        history.clone(),
        assistant_message_id.to_owned(),
        AssistantOutcome {
            status,
            text: String::new(),
            reasoning: String::new(),
            parts: MessageParts::default(),
            response_id: None,
            request: None,
            response: None,
            usage: Usage::default(),
            error: error.as_ref().map(MessageError::from),
        },
    )
    .await?;
    emit(RunUpdate::Finished {
        status,
        error: error.clone(),
        response_id: None,
    });
    Ok(TurnOutcome {
        status,
        error,
        response_id: None,
        notes: Vec::new(),
    })
}

/// Runs `turn` to its end and records the outcome on its assistant message.
/// Its database writes run on the blocking pool ([`persist`]).
///
/// With [`Turn::tools`], a response that ends in function calls is answered
/// (each call approved and run on its MCP server, [`super::tools`]) and the
/// turn goes on with the outputs, for at most `max_rounds` rounds. The text
/// of every round is the answer; the output items kept are the last
/// round's (what a replay of the branch can send back).
pub async fn run_turn(
    history: &Arc<History>,
    client: &Client,
    endpoint: &Endpoint,
    turn: &Turn,
    cancel: CancellationToken,
    emit: Emit,
) -> Result<TurnOutcome, Error> {
    // On the heap, with the accumulator below: they are large, and the
    // turn's future must stay small (clippy's large_futures).
    let mut sent = Box::new(turn.request.clone());
    let mut notes = turn.notes.clone();
    let options = stream_options(&cancel, &emit);

    let mut draft = Box::<Draft>::default();
    draft.started = Some(Instant::now());
    let mut steps: Vec<ToolStep> = Vec::new();
    // The text of the rounds before this one (a model may say something
    // before it calls a tool).
    let mut earlier_text: Vec<String> = Vec::new();
    let mut round: u32 = 0;
    let mut earlier_usage = Usage::default();
    let mut bookmark;
    let (status, response, error) = loop {
        let mut accumulator = Box::new(Accumulator::new());
        // The inner futures are boxed so `run_turn`'s own stays small
        // (clippy's large_futures): one allocation per round.
        let opened = if round == 0 {
            Box::pin(open_first(
                history, client, endpoint, turn, &mut sent, &mut notes, &options, &cancel, &emit,
            ))
            .await
        } else {
            stream::open(
                &cancel,
                client.create_stream(endpoint, &sent, options.clone()),
            )
            .await
        };
        // Only a background answer can be picked up again (one round: a
        // turn with MCP tools is never sent in the background).
        bookmark = (round == 0 && sent.background.get() == Some(&true))
            .then(background::Bookmark::default);
        let reading = Reading {
            history,
            client,
            endpoint,
            turn_message_id: &turn.assistant_message_id,
            provider_id: &turn.provider_id,
            sent: &sent,
            notes: &notes,
            steps: &steps,
            options: &options,
            cancel: &cancel,
            emit: &emit,
        };
        let first = match opened {
            Ok(events) => PickedUp::Stream(events),
            Err(ended) => PickedUp::Gone(ended),
        };
        let ended = Box::pin(read_answer(
            &reading,
            first,
            &mut accumulator,
            &mut draft,
            bookmark.as_mut(),
        ))
        .await?;
        let (status, response, error) = outcome_of(ended, *accumulator, bookmark.as_ref());
        let calls = match (&turn.tools, status) {
            (Some(_), MessageStatus::Complete) => tools::function_calls(&response),
            _ => Vec::new(),
        };
        let Some(tools) = turn.tools.as_ref().filter(|_| !calls.is_empty()) else {
            break (status, response, error);
        };
        if round >= tools.max_rounds {
            let note = TurnNote::ToolRoundsExhausted { rounds: round };
            emit(RunUpdate::Note { note: note.clone() });
            notes.push(note);
            break (status, response, error);
        }
        // The calls' steps are on screen from here; a crash while a tool
        // runs keeps what the turn had.
        persist_progress(history, turn, &draft, &response, &notes, &steps).await;
        let answered = Box::pin(tools::answer_calls(
            history,
            tools,
            &turn.assistant_message_id,
            round,
            calls,
            &mut steps,
            &cancel,
            &emit,
        ))
        .await;
        let Some(outputs) = answered else {
            break (MessageStatus::Stopped, response, None);
        };
        let text = response_text(&response);
        if !text.is_empty() {
            earlier_text.push(text);
        }
        earlier_usage = plus(
            earlier_usage,
            response.usage.get().map_or(draft.usage, usage_of),
        );
        *sent = tools::follow_up(&sent, &response, outputs);
        draft.next_round(response.output().len(), &emit);
        round += 1;
    };
    stop_at_provider(client, endpoint, status, bookmark.as_ref()).await;
    Box::pin(conclude(
        history,
        client,
        endpoint,
        &turn.assistant_message_id,
        Ending {
            status,
            response,
            error,
            sent: *sent,
            draft,
            notes,
            steps,
            earlier_text,
            earlier_usage,
            round,
        },
        &emit,
    ))
    .await
}

/// Picks up a background answer after a restart, from what was kept of it
/// ([`crate::history::BackgroundTurn`]): the folded response and text up to
/// its last event, then the provider's events after it. The answer
/// completes in place, in the same message.
pub async fn resume_turn(
    history: &Arc<History>,
    client: &Client,
    endpoint: &Endpoint,
    kept: &BackgroundTurn,
    cancel: CancellationToken,
    emit: Emit,
) -> Result<TurnOutcome, Error> {
    let message = history.get_message(&kept.message_id)?;
    let sent: CreateResponse = serde_json::from_str(&kept.request)
        .map_err(|e| Error::InvalidInput(format!("the kept request no longer reads: {e}")))?;
    let options = stream_options(&cancel, &emit);
    // Without an event number nothing kept can be trusted to match the
    // stream: it is read again from its first event.
    let (mut accumulator, mut draft) = match kept.last_sequence {
        Some(_) => {
            let snapshot = Response {
                id: halley_responses::Nullable::Value(kept.response_id.clone()),
                output: halley_responses::Nullable::Value(message.parts.output.clone()),
                ..Response::default()
            };
            let mut draft = Draft::resuming(&snapshot, &message.parts);
            // Kept parts that no longer read: the kept text is all there is,
            // and it stays whatever happens next.
            if draft.text.is_empty() && !message.text.is_empty() {
                draft.text.insert((0, 0), message.text.clone());
            }
            (Box::new(Accumulator::resuming(snapshot)), Box::new(draft))
        }
        None => (Box::new(Accumulator::new()), Box::<Draft>::default()),
    };
    emit(RunUpdate::Resumed {
        text: draft.text(),
        reasoning: draft.reasoning(),
    });
    let mut bookmark = background::Bookmark::resuming(&kept.response_id, kept.last_sequence);
    let first = Box::pin(background::pick_up(
        client,
        endpoint,
        &kept.response_id,
        kept.last_sequence,
        0,
        &options,
        &cancel,
    ))
    .await;
    let notes = message.parts.notes.clone();
    let reading = Reading {
        history,
        client,
        endpoint,
        turn_message_id: &kept.message_id,
        provider_id: &kept.provider_id,
        sent: &sent,
        notes: &notes,
        steps: &[],
        options: &options,
        cancel: &cancel,
        emit: &emit,
    };
    let ended = Box::pin(read_answer(
        &reading,
        first,
        &mut accumulator,
        &mut draft,
        Some(&mut bookmark),
    ))
    .await?;
    let (status, response, error) = outcome_of(ended, *accumulator, Some(&bookmark));
    stop_at_provider(client, endpoint, status, Some(&bookmark)).await;
    Box::pin(conclude(
        history,
        client,
        endpoint,
        &kept.message_id,
        Ending {
            status,
            response,
            error,
            sent,
            draft,
            notes,
            steps: Vec::new(),
            earlier_text: Vec::new(),
            earlier_usage: Usage::default(),
            round: 0,
        },
        &emit,
    ))
    .await
}

/// The default retry policy, each retry told to the UI.
fn stream_options(cancel: &CancellationToken, emit: &Emit) -> halley_responses::StreamOptions {
    let emit = emit.clone();
    stream::options(cancel, move |notice| {
        emit(RunUpdate::Retrying {
            attempt: notice.attempt,
            max_attempts: notice.max_retries,
            delay_ms: u32::try_from(notice.delay.as_millis()).unwrap_or(u32::MAX),
        })
    })
}

/// What reading one round's answer needs beside the stream.
struct Reading<'a> {
    history: &'a Arc<History>,
    client: &'a Client,
    endpoint: &'a Endpoint,
    turn_message_id: &'a str,
    provider_id: &'a str,
    sent: &'a CreateResponse,
    notes: &'a [TurnNote],
    steps: &'a [ToolStep],
    options: &'a halley_responses::StreamOptions,
    cancel: &'a CancellationToken,
    emit: &'a Emit,
}

/// Reads a round's answer to its end into `accumulator` and `draft`,
/// writing it at a bounded rate. With a `bookmark` (a background answer), a
/// stream that breaks is picked up again after its last event, up to
/// [`background::MAX_RECONNECTS`] times.
async fn read_answer(
    r: &Reading<'_>,
    first: PickedUp,
    accumulator: &mut Accumulator,
    draft: &mut Draft,
    mut bookmark: Option<&mut background::Bookmark>,
) -> Result<Ended, Error> {
    let mut next = first;
    let mut attempt = 0;
    loop {
        let ended = match next {
            PickedUp::Gone(ended) => ended,
            PickedUp::Expired(error) => {
                if let Some(mark) = bookmark.as_deref_mut() {
                    mark.expired = true;
                }
                return Ok(Ended::Failed(error));
            }
            PickedUp::Finished(event) => {
                // Polled to its end: the whole answer is in this event.
                for update in accumulator.apply(&event) {
                    if let Some(update) = draft.apply(update, accumulator) {
                        (r.emit)(update);
                    }
                }
                Ended::Done
            }
            PickedUp::Stream(mut events) => {
                Box::pin(read_events(
                    r,
                    &mut events,
                    accumulator,
                    draft,
                    bookmark.as_deref_mut(),
                ))
                .await?
            }
        };
        let Some(mark) = bookmark.as_deref_mut() else {
            return Ok(ended);
        };
        let Some(id) = mark.response_id.clone() else {
            return Ok(ended);
        };
        if !background::broke(&ended, accumulator.is_finished())
            || attempt >= background::MAX_RECONNECTS
        {
            return Ok(ended);
        }
        attempt += 1;
        if let Ended::Failed(error) = &ended {
            tracing::info!(%error, attempt, "a background answer's stream broke; picking it up");
        }
        (r.emit)(RunUpdate::Reconnecting { attempt });
        next = Box::pin(background::pick_up(
            r.client,
            r.endpoint,
            &id,
            mark.last_sequence,
            attempt,
            r.options,
            r.cancel,
        ))
        .await;
    }
}

/// Reads one stream of the answer (the first, or one picked up again).
async fn read_events(
    r: &Reading<'_>,
    events: &mut halley_responses::EventStream,
    accumulator: &mut Accumulator,
    draft: &mut Draft,
    mut bookmark: Option<&mut background::Bookmark>,
) -> Result<Ended, Error> {
    let mut last_persist = Instant::now();
    let mut writes = ProgressWrites::new(r.history.clone(), r.turn_message_id);
    let ended = stream::read(events, r.cancel, |event| {
        for update in accumulator.apply(&event) {
            if let Some(card) = Draft::card(&update) {
                (r.emit)(card);
            }
            if let Some(update) = draft.apply(update, accumulator) {
                (r.emit)(update);
            }
        }
        if let Some(mark) = bookmark.as_deref_mut() {
            mark.observe(&event);
        }
        // A background answer is written as soon as the provider names it,
        // so a kill right after still finds it to pick up.
        let unrecorded = bookmark.as_deref().is_some_and(|m| m.unrecorded);
        // A write still running when the next is due is not waited
        // for: this one is skipped and the next event tries again.
        if (unrecorded || last_persist.elapsed() >= PERSIST_EVERY) && writes.ready()? {
            last_persist = Instant::now();
            let record = match bookmark.as_deref_mut() {
                Some(mark) if mark.unrecorded => {
                    mark.unrecorded = false;
                    Some(BackgroundRecord {
                        provider_id: r.provider_id.to_owned(),
                        response_id: mark.response_id.clone().unwrap_or_default(),
                        request: serde_json::to_string(r.sent).map_err(|e| {
                            Error::InvalidInput(format!("the request cannot be kept: {e}"))
                        })?,
                    })
                }
                _ => None,
            };
            writes.start(Progress {
                text: draft.text(),
                reasoning: draft.reasoning(),
                parts: MessageParts {
                    output: accumulator.snapshot().output().to_vec(),
                    citations: draft.citations.clone(),
                    notes: r.notes.to_vec(),
                    tool_steps: r.steps.to_vec(),
                    file_citations: draft.file_citations.clone(),
                    files: Vec::new(),
                    thought_ms: None,
                },
                sequence: bookmark.as_deref().and_then(|m| m.last_sequence),
                record,
            });
        }
        Ok::<(), Error>(())
    })
    .await;
    // Settled first either way, so no progress lands after the outcome.
    writes.settle().await?;
    ended
}

/// How a round ended, as the message records it.
fn outcome_of(
    ended: Ended,
    accumulator: Accumulator,
    bookmark: Option<&background::Bookmark>,
) -> (MessageStatus, Response, Option<TurnError>) {
    let snapshot = accumulator.snapshot().clone();
    match ended {
        Ended::Stopped => (MessageStatus::Stopped, snapshot, None),
        Ended::Failed(error) if bookmark.is_some_and(|m| m.expired) => (
            MessageStatus::Error,
            snapshot,
            Some(TurnError {
                code: crate::history::TurnErrorCode::AnswerExpired,
                message: error.detail(),
                status: error.http_status(),
                api_code: error.api_code().map(str::to_owned),
            }),
        ),
        Ended::Failed(error) => (
            MessageStatus::Error,
            snapshot,
            Some(TurnError::from_api(&error)),
        ),
        Ended::Done => match accumulator.finish() {
            Ok(response) => (MessageStatus::Complete, response, None),
            Err(error) => (
                MessageStatus::Error,
                snapshot,
                Some(TurnError::from_api(&error)),
            ),
        },
    }
}

/// Stop on a background answer cancels it at the provider too.
async fn stop_at_provider(
    client: &Client,
    endpoint: &Endpoint,
    status: MessageStatus,
    bookmark: Option<&background::Bookmark>,
) {
    if status != MessageStatus::Stopped {
        return;
    }
    if let Some(id) = bookmark.and_then(|m| m.response_id.as_deref()) {
        Box::pin(background::cancel_at_provider(client, endpoint, id)).await;
    }
}

/// A turn at its end, to be recorded.
struct Ending {
    status: MessageStatus,
    response: Response,
    error: Option<TurnError>,
    /// The last request as sent.
    sent: CreateResponse,
    draft: Box<Draft>,
    notes: Vec<TurnNote>,
    steps: Vec<ToolStep>,
    earlier_text: Vec<String>,
    earlier_usage: Usage,
    round: u32,
}

/// Records how the turn ended on its assistant message and tells the UI.
async fn conclude(
    history: &Arc<History>,
    client: &Client,
    endpoint: &Endpoint,
    message_id: &str,
    ending: Ending,
    emit: &Emit,
) -> Result<TurnOutcome, Error> {
    let Ending {
        status,
        response,
        mut error,
        sent,
        draft,
        mut notes,
        steps,
        mut earlier_text,
        earlier_usage,
        round,
    } = ending;
    let secrets = Secrets::of_endpoint(endpoint);
    // A gateway may echo the key (an error body, a failed response): nothing
    // it said is stored, logged or shown before the key is scrubbed from it.
    if let Some(error) = &mut error {
        secrets.scrub_in_place(&mut error.message);
    }
    let (mut response, _) = scrubbed(&response, &secrets)?;
    // Images and files are kept in the history now: the provider lets them go.
    // Boxed, like the rounds above: the turn's own future stays small.
    let files = Box::pin(outputs::keep_files(
        history,
        client,
        endpoint,
        message_id,
        &mut response,
        emit,
    ))
    .await?;
    // Written after the images left it: they are kept once, as files.
    let response_json = to_json(&response)?;

    // The terminal response is the source of truth; the folded deltas stand in
    // when it never came (stop, error, dropped connection).
    let final_text = match response_text(&response) {
        text if status == MessageStatus::Complete && !text.is_empty() => {
            earlier_text.push(text);
            earlier_text.join("\n\n")
        }
        _ => draft.text(),
    };
    // A gateway that ignores `stream: true` sends the whole response at
    // once: its sources are only in the final items, never in a delta.
    let mut draft = draft;
    draft.cite_from(&response);
    let final_reasoning = match response_reasoning(&response) {
        r if r.is_empty() || round > 0 => draft.reasoning(),
        r => r,
    };
    // Every round was a request the provider counted: the turn costs them all.
    let usage = plus(
        earlier_usage,
        response.usage.get().map_or(draft.usage, usage_of),
    );
    // A model that reasons without a summary thought all the same.
    let thought_ms = draft.thought_ms(!final_reasoning.is_empty() || usage.reasoning_tokens > 0);
    if status == MessageStatus::Complete && no_search_ran(&sent, &response) {
        emit(RunUpdate::Note {
            note: TurnNote::NoSearchRan,
        });
        notes.push(TurnNote::NoSearchRan);
    }
    let response_id = response.id.as_str().map(str::to_owned);

    persist::finish(
        history.clone(),
        message_id.to_owned(),
        AssistantOutcome {
            status,
            text: final_text,
            reasoning: final_reasoning,
            parts: MessageParts {
                output: response.output().to_vec(),
                citations: draft.citations.clone(),
                notes: notes.clone(),
                tool_steps: steps,
                file_citations: draft.file_citations.clone(),
                files,
                thought_ms,
            },
            response_id: response_id.clone(),
            request: Some(to_json(&sent)?),
            response: Some(response_json),
            usage,
            error: error.as_ref().map(MessageError::from),
        },
    )
    .await?;

    emit(RunUpdate::Finished {
        status,
        error: error.clone(),
        response_id: response_id.clone(),
    });
    Ok(TurnOutcome {
        status,
        error,
        response_id,
        notes,
    })
}

/// Writes the turn so far (between rounds). Losing this write loses
/// nothing the final write does not also keep, so it is logged, not raised.
async fn persist_progress(
    history: &Arc<History>,
    turn: &Turn,
    draft: &Draft,
    response: &Response,
    notes: &[TurnNote],
    steps: &[ToolStep],
) {
    let mut writes = ProgressWrites::new(history.clone(), &turn.assistant_message_id);
    let ready = writes.ready();
    if matches!(ready, Ok(true)) {
        writes.start(Progress {
            text: draft.text(),
            reasoning: draft.reasoning(),
            parts: MessageParts {
                output: response.output().to_vec(),
                citations: draft.citations.clone(),
                notes: notes.to_vec(),
                tool_steps: steps.to_vec(),
                file_citations: draft.file_citations.clone(),
                files: Vec::new(),
                thought_ms: None,
            },
            sequence: None,
            record: None,
        });
    }
    if let Err(error) = writes.settle().await {
        tracing::warn!(%error, "the turn's progress could not be written before its tool calls");
    }
}

/// Keeps what a turn learned. Failing to keep it loses nothing of the
/// answer, so it is logged, not raised.
async fn learn(history: &Arc<History>, provider_id: &str, finding: Finding) {
    if let Err(error) = persist::record_finding(history.clone(), provider_id, finding).await {
        tracing::warn!(%error, "what a provider refused could not be kept");
    }
}

#[cfg(test)]
mod tests {
    use super::rejects_chaining;
    use halley_responses::Error;

    fn http(status: u16, body: &str) -> Error {
        Error::from_status(status, body.as_bytes(), None)
    }

    #[test]
    fn a_refused_chain_link_is_recognised_and_nothing_else() {
        let openai = r#"{"error":{"message":"Previous response with id 'resp_1' not found.","type":"invalid_request_error","param":"previous_response_id","code":"previous_response_not_found"}}"#;
        assert!(
            rejects_chaining(&http(400, openai)),
            "the exact answer of api.openai.com, by its code"
        );
        let gateway = r#"{"error":{"message":"Unsupported parameter: previous_response_id","type":"invalid_request_error","param":null,"code":null}}"#;
        assert!(
            rejects_chaining(&http(422, gateway)),
            "a gateway that names the field, without a code"
        );
        assert!(
            !rejects_chaining(&http(500, openai)),
            "a server error is retried as such, not answered with a replay"
        );
        let other = r#"{"error":{"message":"Invalid 'temperature'","type":"invalid_request_error","param":"temperature","code":null}}"#;
        assert!(
            !rejects_chaining(&http(400, other)),
            "another bad request is the user's to see, not a reason to replay"
        );
        let coded = r#"{"error":{"message":"previous_response_id and conversation cannot both be set","type":"invalid_request_error","param":"previous_response_id","code":"invalid_value"}}"#;
        assert!(
            !rejects_chaining(&http(400, coded)),
            "an answer with its own code is decided by that code, whatever its words"
        );
        let by_param = r#"{"error":{"message":"Unsupported parameter","type":"invalid_request_error","param":"previous_response_id","code":null}}"#;
        assert!(
            rejects_chaining(&http(400, by_param)),
            "a codeless answer naming the field as its param"
        );
    }

    fn events(json: &[serde_json::Value]) -> Vec<halley_responses::StreamEvent> {
        json.iter()
            .map(|e| {
                halley_responses::StreamEvent::from_slice(e.to_string().as_bytes()).expect("JSON")
            })
            .collect()
    }

    #[test]
    fn sources_only_in_the_final_response_are_cited_once() {
        use super::Draft;
        use serde_json::json;
        let response: halley_responses::Response = serde_json::from_value(json!({
            "id": "resp_1", "status": "completed",
            "output": [{"type": "message", "id": "m", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": "Mount Columbia is 3,747 m.",
                    "annotations": [
                        {"type": "url_citation", "url": "https://example.org/a", "title": "A",
                         "start_index": 0, "end_index": 5},
                        {"type": "url_citation", "url": "https://example.org/a", "title": "A",
                         "start_index": 6, "end_index": 9}]}]}]
        }))
        .expect("reads");
        let mut draft = Draft::default();
        draft.cite_from(&response);
        draft.cite_from(&response);
        let urls: Vec<_> = draft.citations.iter().map(|c| c.url.as_str()).collect();
        assert_eq!(urls, ["https://example.org/a"]);
    }

    #[test]
    fn tool_items_become_typed_tool_updates_and_the_answer_does_not() {
        use super::{Draft, RunUpdate, ToolItemType};
        use halley_responses::{Accumulator, ToolProgress};
        use serde_json::json;

        let stream = events(&[
            json!({"type": "response.output_item.added", "output_index": 0,
                "item": {"type": "web_search_call", "id": "ws_1", "status": "in_progress"}}),
            json!({"type": "response.web_search_call.searching", "output_index": 0, "item_id": "ws_1"}),
            json!({"type": "response.output_item.added", "output_index": 1,
                "item": {"type": "shell_call", "id": "sh_1", "status": "in_progress"}}),
            json!({"type": "response.output_item.added", "output_index": 2,
                "item": {"type": "message", "id": "msg_1", "role": "assistant", "content": []}}),
            json!({"type": "response.output_item.done", "output_index": 0,
                "item": {"type": "web_search_call", "id": "ws_1", "status": "completed"}}),
        ]);
        let mut accumulator = Accumulator::new();
        let mut draft = Box::<Draft>::default();
        let mut heard = Vec::new();
        for event in &stream {
            for update in accumulator.apply(event) {
                heard.extend(draft.apply(update, &accumulator));
            }
        }
        let tool = |item_type, status| RunUpdate::Tool { item_type, status };
        assert_eq!(
            heard,
            vec![
                tool(ToolItemType::WebSearchCall, ToolProgress::InProgress),
                tool(ToolItemType::WebSearchCall, ToolProgress::Searching),
                tool(ToolItemType::Other, ToolProgress::InProgress),
                tool(ToolItemType::WebSearchCall, ToolProgress::Completed),
            ],
            "the message item is the answer, not a tool"
        );
    }
}
