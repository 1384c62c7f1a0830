//! Runs one chat turn: stream the answer, fold it, persist it at a bounded
//! rate, and tell the UI in small updates. Whatever happens — an error, a
//! dropped connection, Stop — the text that arrived is kept.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use halley_responses::{Accumulator, Client, CreateResponse, Endpoint, FoldUpdate};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use super::updates::{Citation, RunUpdate, TurnError};
use crate::history::{AssistantOutcome, MessageError, MessageStatus, Usage};
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
    pub request: Value,
    /// The same turn with the branch replayed, tried once when the provider
    /// rejects `previous_response_id` (gateways that store nothing do).
    pub replay: Option<Value>,
}

/// Whether an error says the provider cannot chain on a stored response.
/// api.openai.com answers 400 with code `previous_response_not_found`;
/// gateways vary, so a 4xx whose message names the field (either spelling)
/// counts too.
fn rejects_chaining(error: &halley_responses::Error) -> bool {
    if !matches!(error.http_status(), Some(400 | 404 | 422)) {
        return false;
    }
    if error.api_code() == Some("previous_response_not_found") {
        return true;
    }
    let message = error.to_string().to_ascii_lowercase();
    message.contains("previous_response") || message.contains("previous response")
}

#[derive(Debug, Clone, PartialEq)]
pub struct TurnOutcome {
    pub status: MessageStatus,
    pub error: Option<TurnError>,
    pub response_id: Option<String>,
    /// The provider refused `previous_response_id` and the branch was
    /// replayed: later turns to it should replay from the start.
    pub chain_refused: bool,
}

/// The answer as it builds up, kept per output item and part so that text
/// replaced by a `.done` event lands in the right place.
#[derive(Default)]
struct Draft {
    text: BTreeMap<(u32, u32), String>,
    reasoning: BTreeMap<(u32, u32), String>,
    citations: Vec<Citation>,
    tool_types: BTreeMap<u32, String>,
    usage: Usage,
}

impl Draft {
    fn text(&self) -> String {
        self.text.values().map(String::as_str).collect()
    }

    fn reasoning(&self) -> String {
        self.reasoning
            .values()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// Folds one update into the draft and says what the UI should hear.
    fn apply(&mut self, update: FoldUpdate) -> Option<RunUpdate> {
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
                self.text
                    .entry((output_index, content_index))
                    .or_default()
                    .push_str(&delta);
                Some(RunUpdate::TextDelta { text: delta })
            }
            FoldUpdate::TextReplaced {
                output_index,
                content_index,
                text,
            } => {
                self.text.insert((output_index, content_index), text);
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
                let starts_part = !self.reasoning.contains_key(&(output_index, index));
                let prefix = if starts_part && !self.reasoning.is_empty() {
                    "\n\n"
                } else {
                    ""
                };
                self.reasoning
                    .entry((output_index, index))
                    .or_default()
                    .push_str(&delta);
                Some(RunUpdate::ReasoningDelta {
                    text: format!("{prefix}{delta}"),
                })
            }
            FoldUpdate::Annotation { annotation, .. } => {
                let citation = citation_of(&annotation)?;
                if self.citations.iter().any(|c| c.url == citation.url) {
                    return None;
                }
                self.citations.push(citation.clone());
                Some(RunUpdate::Citation { citation })
            }
            FoldUpdate::ItemAdded {
                output_index,
                item_type,
                ..
            } => {
                if item_type == "message" || item_type == "reasoning" {
                    return None;
                }
                self.tool_types.insert(output_index, item_type.clone());
                Some(RunUpdate::Tool {
                    item_type,
                    status: "in_progress".into(),
                })
            }
            FoldUpdate::ItemStatus {
                output_index,
                status,
            } => {
                let item_type = self.tool_types.get(&output_index)?.clone();
                Some(RunUpdate::Tool { item_type, status })
            }
            FoldUpdate::ItemDone { output_index, .. } => {
                let item_type = self.tool_types.get(&output_index)?.clone();
                Some(RunUpdate::Tool {
                    item_type,
                    status: "completed".into(),
                })
            }
            FoldUpdate::Usage { usage } => {
                self.usage = usage_of(&serde_json::to_value(&usage).unwrap_or(Value::Null));
                Some(RunUpdate::Usage { usage: self.usage })
            }
            _ => None,
        }
    }
}

fn citation_of(annotation: &Value) -> Option<Citation> {
    if annotation.get("type").and_then(Value::as_str) != Some("url_citation") {
        return None;
    }
    let url = annotation.get("url").and_then(Value::as_str)?.to_owned();
    let title = annotation
        .get("title")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Some(Citation { url, title })
}

fn count(value: &Value, path: &[&str]) -> u32 {
    let mut at = value;
    for key in path {
        match at.get(key) {
            Some(next) => at = next,
            None => return 0,
        }
    }
    at.as_u64()
        .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// Token counts from a wire `usage` object (any field may be missing).
pub(crate) fn usage_of(usage: &Value) -> Usage {
    Usage {
        input_tokens: count(usage, &["input_tokens"]),
        cached_tokens: count(usage, &["input_tokens_details", "cached_tokens"]),
        output_tokens: count(usage, &["output_tokens"]),
        reasoning_tokens: count(usage, &["output_tokens_details", "reasoning_tokens"]),
    }
}

/// The answer text of a finished response: its message items' text parts.
fn response_text(response: &Value) -> String {
    let mut text = String::new();
    for item in response
        .get("output")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if item.get("type").and_then(Value::as_str) != Some("message") {
            continue;
        }
        for part in item
            .get("content")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let field = match part.get("type").and_then(Value::as_str) {
                Some("output_text") => "text",
                Some("refusal") => "refusal",
                _ => continue,
            };
            text.push_str(part.get(field).and_then(Value::as_str).unwrap_or(""));
        }
    }
    text
}

fn response_reasoning(response: &Value) -> String {
    let mut parts = Vec::new();
    for item in response
        .get("output")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if item.get("type").and_then(Value::as_str) != Some("reasoning") {
            continue;
        }
        for part in item
            .get("summary")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(text) = part.get("text").and_then(Value::as_str) {
                parts.push(text.to_owned());
            }
        }
    }
    parts.join("\n\n")
}

fn parts_json(output: &Value, citations: &[Citation]) -> Value {
    json!({ "output": output, "citations": citations })
}

/// Runs `turn` to its end and records the outcome on its assistant message.
pub async fn run_turn(
    history: &History,
    client: &Client,
    endpoint: &Endpoint,
    turn: &Turn,
    cancel: CancellationToken,
    emit: Emit,
) -> Result<TurnOutcome, Error> {
    let parse = |body: &Value| -> Result<CreateResponse, Error> {
        serde_json::from_value(body.clone()).map_err(|e| {
            Error::InvalidInput(format!("request does not fit the Responses API: {e}"))
        })
    };
    let mut sent = turn.request.clone();
    let mut chain_refused = false;
    let request = parse(&sent)?;
    let options = {
        let emit = emit.clone();
        stream::options(&cancel, move |notice| {
            emit(RunUpdate::Retrying {
                attempt: notice.attempt,
                max_attempts: notice.max_retries,
                delay_ms: u32::try_from(notice.delay.as_millis()).unwrap_or(u32::MAX),
            })
        })
    };

    let mut draft = Draft::default();
    let mut accumulator = Accumulator::new();
    let mut opened = stream::open(
        &cancel,
        client.create_stream(endpoint, &request, options.clone()),
    )
    .await;
    if let (Err(Ended::Failed(error)), Some(replay)) = (&opened, &turn.replay) {
        if rejects_chaining(error) {
            tracing::info!("provider rejected previous_response_id; replaying the branch");
            sent = replay.clone();
            chain_refused = true;
            let request = parse(&sent)?;
            opened = stream::open(&cancel, client.create_stream(endpoint, &request, options)).await;
        }
    }
    let ended = match opened {
        Err(ended) => ended,
        Ok(mut events) => {
            let mut last_persist = Instant::now();
            stream::read(&mut events, &cancel, |event| {
                for update in accumulator.apply(&event) {
                    if let Some(update) = draft.apply(update) {
                        emit(update);
                    }
                }
                if last_persist.elapsed() >= PERSIST_EVERY {
                    last_persist = Instant::now();
                    let output =
                        serde_json::to_value(&accumulator.snapshot().output).unwrap_or(Value::Null);
                    history.update_assistant_progress(
                        &turn.assistant_message_id,
                        &draft.text(),
                        &draft.reasoning(),
                        &parts_json(&output, &draft.citations),
                    )?;
                }
                Ok::<(), Error>(())
            })
            .await?
        }
    };

    let snapshot = serde_json::to_value(accumulator.snapshot()).unwrap_or(Value::Null);
    let (status, mut response, mut error) = match ended {
        Ended::Stopped => (MessageStatus::Stopped, snapshot, None),
        Ended::Failed(error) => (
            MessageStatus::Error,
            snapshot,
            Some(TurnError::from_api(&error)),
        ),
        Ended::Done => match accumulator.finish() {
            Ok(response) => {
                let json = serde_json::to_value(&response).unwrap_or(Value::Null);
                (MessageStatus::Complete, json, None)
            }
            Err(error) => (
                MessageStatus::Error,
                snapshot,
                Some(TurnError::from_api(&error)),
            ),
        },
    };

    // A gateway may echo the key (an error body, a failed response): nothing
    // it said is stored, logged or shown before the key is scrubbed from it.
    let secrets = Secrets::of_endpoint(endpoint);
    if let Some(error) = &mut error {
        secrets.scrub_in_place(&mut error.message);
    }
    secrets.scrub_json(&mut response);

    // The terminal response is the source of truth; the folded deltas stand in
    // when it never came (stop, error, dropped connection).
    let final_text = match response_text(&response) {
        text if status == MessageStatus::Complete && !text.is_empty() => text,
        _ => draft.text(),
    };
    let final_reasoning = match response_reasoning(&response) {
        r if r.is_empty() => draft.reasoning(),
        r => r,
    };
    let usage = match response.get("usage") {
        Some(u) if !u.is_null() => usage_of(u),
        _ => draft.usage,
    };
    let response_id = response
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let output = response.get("output").cloned().unwrap_or(Value::Null);

    history.finish_assistant_message(
        &turn.assistant_message_id,
        &AssistantOutcome {
            status,
            text: final_text,
            reasoning: final_reasoning,
            parts: parts_json(&output, &draft.citations),
            response_id: response_id.clone(),
            request: Some(sent),
            response: Some(response),
            usage,
            error: error.as_ref().map(|e| MessageError {
                code: e.code.clone(),
                message: e.message.clone(),
                status: e.status.map(u32::from),
                api_code: e.api_code.clone(),
            }),
        },
    )?;

    emit(RunUpdate::Finished {
        status,
        error: error.clone(),
        response_id: response_id.clone(),
    });
    Ok(TurnOutcome {
        status,
        error,
        response_id,
        chain_refused,
    })
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
    }
}
