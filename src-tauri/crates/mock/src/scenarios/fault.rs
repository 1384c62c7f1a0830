//! The `fault:<kind>` models: each makes the server fail in one way clients
//! must survive (HTTP errors, cut or stalled streams, bad or unknown events,
//! failed and incomplete responses).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use axum::http::StatusCode;
use bytes::Bytes;
use serde_json::{json, Value};

use super::hostile::Hostile;
use super::lifecycle::{Item, Lifecycle, Terminal, DELTA_CHARS};
use super::{echo, Plan, Script};
use crate::api_error::ApiError;
use crate::create_request::CreateRequest;
use crate::sse::{Frame, Step};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    Unauthorized,
    RateLimited,
    RateLimitedOnce,
    ServerError,
    ServerErrorOnce,
    DropAfter(usize),
    Stall,
    Malformed,
    UnknownEvent,
    ErrorEvent,
    Failed,
    Incomplete,
    JsonErrorOnStream,
    Slow,
    /// A gateway that stores nothing: `previous_response_id` is refused.
    NoChain,
    /// A model without reasoning settings: `reasoning` is refused the way
    /// api.openai.com refuses it for such a model.
    NoReasoning,
    /// A gateway that accepts the web search tool and never runs a search.
    IgnoresSearch,
    /// A gateway that frames events with `data:` lines only: no `event:`
    /// names and no `sequence_number` (so nothing can resume from one).
    BareEvents,
    /// A gateway that ends the stream with the chat-completions
    /// `data: [DONE]` after the terminal event.
    DoneMarker,
    /// The answer streams, then `response.failed` comes with an empty
    /// `output`: the streamed text must not be lost with it.
    FailedAfterText,
    /// The echo's first N events, then silence with the connection open.
    StallAfter(usize),
    /// The echo, paced, whose first stream is cut after N events while the
    /// response itself goes on (a dropped connection to a background
    /// response: picking it up again must find the rest).
    CutAfter(usize),
    /// A gateway without background mode: `background` is refused.
    NoBackground,
    /// The first N requests of this model (counted by the server) answer
    /// as the echo does; every later one is a 500, as a provider that
    /// breaks in the middle of an evaluation run.
    ServerErrorAfter(u32),
    /// Hostile headers, sizes or silence (see [`Hostile`]).
    Hostile(Hostile),
    /// `paced-<deltas>-<per_second>`: one message of exactly `deltas` text
    /// deltas at a steady `per_second`, for `./x bench`. Not listed in
    /// [`KINDS`] (a listed one would be a 10-second answer to any client
    /// trying every model).
    Paced {
        deltas: u32,
        per_second: u32,
    },
}

/// Fault model names (without `fault:`), as listed by `GET /v1/models`.
pub(crate) const KINDS: &[&str] = &[
    "401",
    "429",
    "429-once",
    "500",
    "500-once",
    "drop-after-5",
    "stall",
    "malformed",
    "unknown-event",
    "error-event",
    "failed",
    "incomplete",
    "json-error-on-stream",
    "slow",
    "no-chain",
    "no-reasoning",
    "ignores-search",
    "bare-events",
    "done-marker",
    "failed-after-text",
    "stall-after-5",
    "cut-after-8",
    "no-background",
    "500-after-3",
    "429-hostile-headers",
    "huge-line",
    "huge-body",
    "silence",
];

const SLOW_DELAY: Duration = Duration::from_millis(100);
/// A paced answer's limit: an hour at 250 deltas/s, 14 MB of text.
const MAX_PACED_DELTAS: u32 = 900_000;

impl Fault {
    pub fn parse(kind: &str) -> Option<Self> {
        Some(match kind {
            "401" => Self::Unauthorized,
            "429" => Self::RateLimited,
            "429-once" => Self::RateLimitedOnce,
            "500" => Self::ServerError,
            "500-once" => Self::ServerErrorOnce,
            "stall" => Self::Stall,
            "malformed" => Self::Malformed,
            "unknown-event" => Self::UnknownEvent,
            "error-event" => Self::ErrorEvent,
            "failed" => Self::Failed,
            "incomplete" => Self::Incomplete,
            "json-error-on-stream" => Self::JsonErrorOnStream,
            "slow" => Self::Slow,
            "no-chain" => Self::NoChain,
            "no-reasoning" => Self::NoReasoning,
            "ignores-search" => Self::IgnoresSearch,
            "bare-events" => Self::BareEvents,
            "done-marker" => Self::DoneMarker,
            "failed-after-text" => Self::FailedAfterText,
            "429-hostile-headers" => Self::Hostile(Hostile::RetryAfter),
            "huge-line" => Self::Hostile(Hostile::HugeLine),
            "huge-body" => Self::Hostile(Hostile::HugeBody),
            "silence" => Self::Hostile(Hostile::Silence),
            "no-background" => Self::NoBackground,
            other => {
                if let Some(rest) = other.strip_prefix("paced-") {
                    let (deltas, per_second) = rest.split_once('-')?;
                    let (deltas, per_second) = (deltas.parse().ok()?, per_second.parse().ok()?);
                    if !(1..=MAX_PACED_DELTAS).contains(&deltas) || per_second == 0 {
                        return None;
                    }
                    Self::Paced { deltas, per_second }
                } else if let Some(n) = other.strip_prefix("500-after-") {
                    Self::ServerErrorAfter(n.parse().ok()?)
                } else if let Some(n) = other.strip_prefix("stall-after-") {
                    Self::StallAfter(n.parse().ok()?)
                } else if let Some(n) = other.strip_prefix("cut-after-") {
                    Self::CutAfter(n.parse().ok()?)
                } else {
                    Self::DropAfter(other.strip_prefix("drop-after-")?.parse().ok()?)
                }
            }
        })
    }
}

/// After how many events the first stream of `model`'s response is cut
/// ([`Fault::CutAfter`]); a stream picked up again is never cut.
pub(crate) fn stream_cut(model: &str) -> Option<usize> {
    match Fault::parse(model.strip_prefix("fault:")?)? {
        Fault::CutAfter(n) => Some(n),
        _ => None,
    }
}

/// Remembers which request bodies were already seen, for the `-once` faults
/// that fail a request the first time and let its retry through.
#[derive(Debug, Default)]
pub(crate) struct Attempts {
    seen: Mutex<HashSet<u64>>,
    /// Requests per model name, for `500-after-N`.
    per_model: Mutex<HashMap<String, u32>>,
}

impl Attempts {
    /// True the first time this body hash is offered.
    pub fn first(&self, body_hash: u64) -> bool {
        self.seen
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .insert(body_hash)
    }

    /// How many requests for `model` came before this one (and counts it).
    pub fn count(&self, model: &str) -> u32 {
        let mut counts = self
            .per_model
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let count = counts.entry(model.to_owned()).or_insert(0);
        let before = *count;
        *count = count.saturating_add(1);
        before
    }
}

pub(crate) fn plan(
    fault: Fault,
    request: &CreateRequest,
    delay: Duration,
    attempts: &Attempts,
    body_hash: u64,
) -> Plan {
    let first_attempt = || attempts.first(body_hash);
    match fault {
        Fault::ServerErrorAfter(n) => {
            if attempts.count(&request.model) < n {
                Plan::Script(echo::script(request, delay, None))
            } else {
                Plan::Error(ApiError::server_error())
            }
        }
        Fault::Unauthorized => Plan::Error(
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_request_error",
                "Incorrect API key provided: sk-****. (mock fault:401)",
            )
            .with_code("invalid_api_key"),
        ),
        Fault::RateLimited => Plan::Error(ApiError::rate_limited()),
        Fault::ServerError => Plan::Error(ApiError::server_error()),
        Fault::RateLimitedOnce if first_attempt() => Plan::Error(ApiError::rate_limited()),
        Fault::ServerErrorOnce if first_attempt() => Plan::Error(ApiError::server_error()),
        Fault::RateLimitedOnce | Fault::ServerErrorOnce => {
            Plan::Script(echo::script(request, delay, None))
        }
        Fault::JsonErrorOnStream => Plan::Error(
            ApiError::invalid_request(
                "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, \
                 but got -1 instead.",
            )
            .with_param("temperature")
            .with_code("decimal_below_min_value"),
        ),
        Fault::Slow => Plan::Script(echo::script(request, SLOW_DELAY, None)),
        // What api.openai.com answers for a chain link it does not have; a
        // gateway that keeps no responses answers every link this way.
        Fault::NoChain => match request.field("previous_response_id") {
            Value::String(id) => Plan::Error(
                ApiError::invalid_request(format!("Previous response with id '{id}' not found."))
                    .with_param("previous_response_id")
                    .with_code("previous_response_not_found"),
            ),
            _ => Plan::Script(echo::script(request, delay, None)),
        },
        Fault::NoReasoning if !request.field("reasoning").is_null() => Plan::Error(
            ApiError::invalid_request(
                "Unsupported parameter: 'reasoning.effort' is not supported with this model.",
            )
            .with_param("reasoning.effort")
            .with_code("unsupported_parameter"),
        ),
        Fault::NoReasoning => Plan::Script(echo::script(request, delay, None)),
        Fault::IgnoresSearch => {
            let mut plain = request.clone();
            plain.web_search = false;
            Plan::Script(echo::script(&plain, delay, None))
        }
        // The cut itself is the stream's (`stream_cut`); the response plays
        // slowly enough to be still running when the client comes back.
        Fault::CutAfter(_) => Plan::Script(echo::script(request, SLOW_DELAY, None)),
        Fault::NoBackground if request.background => Plan::Error(
            ApiError::invalid_request("Unsupported parameter: 'background'.")
                .with_param("background")
                .with_code("unsupported_parameter"),
        ),
        Fault::NoBackground => Plan::Script(echo::script(request, delay, None)),
        Fault::DropAfter(count) => {
            let mut script = echo::script(request, delay, None);
            script.steps.truncate(count);
            script.steps.push(Step::Abort);
            Plan::Script(script)
        }
        Fault::StallAfter(count) => {
            let mut script = echo::script(request, delay, None);
            script.steps.truncate(count);
            script.steps.push(Step::Stall);
            Plan::Script(script)
        }
        Fault::Hostile(hostile) => Plan::Hostile(hostile),
        Fault::Paced { deltas, per_second } => {
            let pause = Duration::from_secs_f64(1.0 / f64::from(per_second));
            let mut lifecycle = Lifecycle::open(request, pause);
            let item = Item::Message {
                text: paced_text(deltas),
                annotations: Vec::new(),
            };
            lifecycle.item(&item, Terminal::Completed);
            Plan::Script(lifecycle.close(Terminal::Completed))
        }
        Fault::Stall => {
            let mut script = Lifecycle::open(request, delay).close(Terminal::Completed);
            script.steps.truncate(1);
            script.steps.push(Step::Stall);
            Plan::Script(script)
        }
        Fault::Malformed => {
            let mut lifecycle = Lifecycle::open(request, delay);
            lifecycle.raw("data: {not json\n\n");
            Plan::Script(finish(lifecycle, request, Terminal::Completed))
        }
        Fault::UnknownEvent => {
            let mut lifecycle = Lifecycle::open(request, delay);
            lifecycle.custom(future_event(1));
            let response_id = lifecycle.response_id().to_owned();
            for item in echo::items(request, None, &response_id) {
                lifecycle.item(&item, Terminal::Completed);
                lifecycle.custom(future_event(2));
            }
            Plan::Script(lifecycle.close(Terminal::Completed))
        }
        Fault::ErrorEvent => {
            let mut lifecycle = Lifecycle::open(request, delay);
            // Nested, as recorded on the wire (the spec says flat).
            lifecycle.custom(json!({"type": "error", "error": {
                "type": "server_error", "code": "server_error",
                "message": "The server had an error", "param": null}}));
            Plan::Script(lifecycle.close(server_failure()))
        }
        Fault::Failed => Plan::Script(Lifecycle::open(request, delay).close(server_failure())),
        Fault::BareEvents => {
            let mut script = echo::script(request, delay, None);
            for step in &mut script.steps {
                if let Step::Send { frame, .. } = step {
                    if let Some(mut event) = frame.event.take() {
                        if let Some(object) = event.as_object_mut() {
                            object.remove("sequence_number");
                        }
                        *frame = Frame::raw(Bytes::from(format!("data: {event}\n\n")));
                    }
                }
            }
            Plan::Script(script)
        }
        Fault::DoneMarker => {
            let mut script = echo::script(request, delay, None);
            script.steps.push(Step::Send {
                frame: Frame::raw(Bytes::from_static(b"data: [DONE]\n\n")),
                delay: Duration::ZERO,
            });
            Plan::Script(script)
        }
        Fault::FailedAfterText => {
            let mut lifecycle = Lifecycle::open(request, delay);
            let response_id = lifecycle.response_id().to_owned();
            for item in echo::items(request, None, &response_id) {
                lifecycle.item(&item, Terminal::Completed);
            }
            lifecycle.forget_output();
            Plan::Script(lifecycle.close(server_failure()))
        }
        Fault::Incomplete => {
            let mut lifecycle = Lifecycle::open(request, delay);
            let full = echo::answer_text(request);
            let cut: String = full
                .chars()
                .take(full.chars().count().div_ceil(2))
                .collect();
            let item = Item::Message {
                text: cut,
                annotations: Vec::new(),
            };
            lifecycle.item(&item, Terminal::Incomplete);
            Plan::Script(lifecycle.close(Terminal::Incomplete))
        }
    }
}

fn finish(mut lifecycle: Lifecycle, request: &CreateRequest, terminal: Terminal) -> Script {
    let response_id = lifecycle.response_id().to_owned();
    for item in echo::items(request, None, &response_id) {
        lifecycle.item(&item, terminal);
    }
    lifecycle.close(terminal)
}

/// Prose in paragraphs, exactly `deltas` deltas long (every delta is
/// `DELTA_CHARS` characters, all ASCII).
fn paced_text(deltas: u32) -> String {
    const PARAGRAPH: &str = "Streamed at a steady pace, one small delta after another, \
        so the page has to keep up with every event. ";
    let length = deltas as usize * DELTA_CHARS;
    let mut text = String::with_capacity(length + PARAGRAPH.len() + 2);
    let mut sentences = 0;
    while text.len() < length {
        text.push_str(PARAGRAPH);
        sentences += 1;
        if sentences % 4 == 0 {
            text.push_str("\n\n");
        }
    }
    text.truncate(length);
    text
}

fn server_failure() -> Terminal {
    Terminal::Failed {
        code: "server_error",
        message: "The server had an error while processing your request.",
    }
}

/// An event type no client knows yet, with fields no client expects.
fn future_event(n: u32) -> serde_json::Value {
    json!({"type": "response.future_thing", "future_field": {"n": n, "nested": [1, 2]},
        "note": "clients must skip events they do not know"})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_kind_parses() {
        for kind in KINDS {
            // GET /v1/models must list only models that work.
            assert!(
                Fault::parse(kind).is_some(),
                "fault:{kind} is listed but unknown"
            );
        }
        assert_eq!(Fault::parse("drop-after-12"), Some(Fault::DropAfter(12)));
        assert_eq!(Fault::parse("drop-after-x"), None);
        assert_eq!(Fault::parse("stall-after-3"), Some(Fault::StallAfter(3)));
        assert_eq!(Fault::parse("cut-after-4"), Some(Fault::CutAfter(4)));
        assert_eq!(stream_cut("fault:cut-after-4"), Some(4));
        assert_eq!(stream_cut("fault:stall-after-4"), None);
        assert_eq!(Fault::parse("stall-after-"), None);
        assert_eq!(Fault::parse("nonsense"), None);
        assert_eq!(
            Fault::parse("paced-1000-100"),
            Some(Fault::Paced {
                deltas: 1000,
                per_second: 100
            })
        );
        for bad in [
            "paced-0-100",
            "paced-10-0",
            "paced-10",
            "paced-x-1",
            "paced-900001-1",
            "500-after-x",
        ] {
            assert_eq!(Fault::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn server_error_after_n_counts_requests_per_model() {
        let request = CreateRequest {
            model: "fault:500-after-2".into(),
            stream: true,
            ..CreateRequest::default()
        };
        let fault = Fault::parse("500-after-2").expect("a 500-after fault");
        let attempts = Attempts::default();
        let kinds: Vec<bool> = (0..4)
            .map(|hash| {
                matches!(
                    plan(fault, &request, Duration::ZERO, &attempts, hash),
                    Plan::Error(_)
                )
            })
            .collect();
        assert_eq!(kinds, [false, false, true, true], "two answers, then 500s");
    }

    #[test]
    fn a_paced_answer_has_exactly_the_deltas_asked_for_at_the_pace_asked_for() {
        let request = CreateRequest {
            model: "fault:paced-37-200".into(),
            stream: true,
            ..CreateRequest::default()
        };
        let fault = Fault::parse("paced-37-200").expect("a paced fault");
        let Plan::Script(script) = plan(fault, &request, Duration::ZERO, &Attempts::default(), 0)
        else {
            panic!("a paced fault plays a script");
        };
        let deltas: Vec<Duration> = script
            .steps
            .iter()
            .filter_map(|step| match step {
                Step::Send { frame, delay }
                    if frame.event.as_ref().map(|e| e["type"].clone())
                        == Some(json!("response.output_text.delta")) =>
                {
                    Some(*delay)
                }
                _ => None,
            })
            .collect();
        assert_eq!(deltas.len(), 37);
        assert!(
            deltas.iter().all(|d| *d == Duration::from_millis(5)),
            "{deltas:?}"
        );
        assert_eq!(paced_text(37).len(), 37 * DELTA_CHARS);
    }

    #[test]
    fn once_faults_fail_only_the_first_attempt_per_body() {
        let attempts = Attempts::default();
        assert!(attempts.first(7), "a new body fails once");
        assert!(!attempts.first(7), "its retry goes through");
        assert!(attempts.first(8), "another body fails once too");
    }
}
