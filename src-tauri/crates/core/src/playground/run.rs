//! Runs one playground request: the body goes out as the UI built it (only
//! `stream: true` is set), and every event comes back raw, timed and folded.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use halley_responses::{Accumulator, Client, CreateResponse, Endpoint, StreamOptions};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::events::{PlaygroundEvent, PlaygroundStatus};
use crate::chat::TurnError;
use crate::stream::{self, Ended};
use crate::Error;

pub type PlaygroundEmit = Arc<dyn Fn(PlaygroundEvent) + Send + Sync>;

/// How a run ended; the same as its `Finished` event.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaygroundOutcome {
    pub status: PlaygroundStatus,
    pub response: Option<Value>,
    pub error: Option<TurnError>,
}

/// Parses the body the UI built. Unknown parameters are kept as they are
/// (`CreateResponse` flattens them), so the playground can send fields this
/// app has never heard of.
pub fn parse_request(request_json: &str) -> Result<CreateResponse, Error> {
    let value: Value = serde_json::from_str(request_json)
        .map_err(|e| Error::InvalidInput(format!("the request is not JSON: {e}")))?;
    if !value.is_object() {
        return Err(Error::InvalidInput(
            "the request must be a JSON object".into(),
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        Error::InvalidInput(format!("the request does not fit the Responses API: {e}"))
    })
}

fn millis(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// Streams `request` to its end (or until `cancel`), emitting every event.
/// Always ends with exactly one `Finished`.
pub async fn run_playground(
    client: &Client,
    endpoint: &Endpoint,
    request: &CreateResponse,
    cancel: CancellationToken,
    emit: PlaygroundEmit,
) -> PlaygroundOutcome {
    drive(cancel, emit, |options| {
        client.create_stream(endpoint, request, options)
    })
    .await
}

/// Picks a background response's stream up again after event
/// `starting_after` (from the start when `None`), reporting as a run does.
pub async fn resume_playground(
    client: &Client,
    endpoint: &Endpoint,
    response_id: &str,
    starting_after: Option<u64>,
    cancel: CancellationToken,
    emit: PlaygroundEmit,
) -> PlaygroundOutcome {
    drive(cancel, emit, |options| {
        client.resume_stream(endpoint, response_id, starting_after, options)
    })
    .await
}

/// `POST /responses/input_tokens` for `request`: `None` when the provider
/// does not offer the endpoint (404 or 405).
pub async fn count_input_tokens(
    client: &Client,
    endpoint: &Endpoint,
    request: &CreateResponse,
) -> Result<Option<u64>, halley_responses::Error> {
    match client.input_tokens(endpoint, request).await {
        Ok(count) => Ok(Some(count.input_tokens)),
        Err(halley_responses::Error::HttpStatus {
            status: 404 | 405, ..
        }) => Ok(None),
        Err(error) => Err(error),
    }
}

async fn drive<'a, F, Fut>(
    cancel: CancellationToken,
    emit: PlaygroundEmit,
    open: F,
) -> PlaygroundOutcome
where
    F: FnOnce(StreamOptions) -> Fut,
    Fut: std::future::Future<Output = Result<halley_responses::EventStream, halley_responses::Error>>
        + 'a,
{
    let start = Instant::now();
    let options = {
        let emit = emit.clone();
        stream::options(&cancel, move |notice| {
            emit(PlaygroundEvent::Retrying {
                attempt: notice.attempt,
                max_attempts: notice.max_retries,
                delay_ms: u32::try_from(notice.delay.as_millis()).unwrap_or(u32::MAX),
            })
        })
    };

    let mut accumulator = Accumulator::new();
    let ended = match stream::open(&cancel, open(options)).await {
        Err(ended) => ended,
        Ok(mut events) => {
            emit(PlaygroundEvent::Opened { ms: millis(start) });
            let Ok(ended) = stream::read(&mut events, &cancel, |event| {
                let ms = millis(start);
                let updates = accumulator.apply(&event);
                emit(PlaygroundEvent::Event { ms, event });
                for update in updates {
                    emit(PlaygroundEvent::Update { ms, update });
                }
                Ok::<(), Infallible>(())
            })
            .await;
            ended
        }
    };

    let outcome = match ended {
        Ended::Stopped => PlaygroundOutcome {
            status: PlaygroundStatus::Stopped,
            response: serde_json::to_value(accumulator.snapshot()).ok(),
            error: None,
        },
        Ended::Failed(error) => settle(accumulator, Some(error)),
        Ended::Done => settle(accumulator, None),
    };
    emit(PlaygroundEvent::Finished {
        ms: millis(start),
        status: outcome.status,
        response: outcome.response.clone(),
        error: outcome.error.clone(),
    });
    outcome
}

/// How a stream that ran to its end (or broke) came out: the final response
/// and its status, or the folded snapshot and the error. Also used to fold a
/// saved recording.
pub(crate) fn settle(
    accumulator: Accumulator,
    failure: Option<halley_responses::Error>,
) -> PlaygroundOutcome {
    let snapshot = serde_json::to_value(accumulator.snapshot()).ok();
    if let Some(error) = failure {
        PlaygroundOutcome {
            status: PlaygroundStatus::Error,
            response: snapshot,
            error: Some(TurnError::from_api(&error)),
        }
    } else {
        match accumulator.finish() {
            // A terminal `response.completed` arrived; a background response
            // cancelled on the server still ends with one, saying so.
            Ok(response) => PlaygroundOutcome {
                status: if response.status.as_str() == Some("cancelled") {
                    PlaygroundStatus::Cancelled
                } else {
                    PlaygroundStatus::Completed
                },
                response: serde_json::to_value(&response).ok(),
                error: None,
            },
            // A failed or incomplete response is still a response: show it whole.
            Err(error) => {
                let (status, response) = match &error {
                    halley_responses::Error::ResponseFailed { response, .. } => (
                        PlaygroundStatus::Failed,
                        serde_json::to_value(response).ok(),
                    ),
                    halley_responses::Error::Incomplete { response, .. } => (
                        PlaygroundStatus::Incomplete,
                        serde_json::to_value(response).ok(),
                    ),
                    _ => (PlaygroundStatus::Error, snapshot),
                };
                PlaygroundOutcome {
                    status,
                    response,
                    error: Some(TurnError::from_api(&error)),
                }
            }
        }
    }
}

/// A fresh id for a run, for the run registry (Stop).
pub fn new_run_id() -> String {
    format!("pg_{}", uuid::Uuid::new_v4().simple())
}
