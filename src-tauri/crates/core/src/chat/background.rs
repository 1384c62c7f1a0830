//! Long answers that survive: a turn sent with `background: true` keeps
//! running at the provider whatever happens to the connection. While its
//! stream is read, the response id and the last event's `sequence_number`
//! are kept (with the text, [`crate::history::BackgroundTurn`]); when the
//! stream breaks, the answer is picked up after that event
//! (`GET /responses/{id}?stream=true&starting_after=N`), or polled where the
//! provider cannot stream it again; after a restart the same happens from
//! what was kept. Stop cancels it at the provider.

use std::time::Duration;

use halley_responses::{Client, Endpoint, EventStream, Response, StreamEvent, StreamOptions};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::request::ChatOptions;
use crate::settings::LongAnswers;
use crate::stream::{self, Ended};

/// How many times a broken stream is picked up again before the turn ends
/// with what arrived (the waits below add up to about five minutes: a laptop
/// waking up, a network coming back).
pub const MAX_RECONNECTS: u32 = 12;
/// The wait before each attempt, doubling from the first to the last.
const FIRST_WAIT: Duration = Duration::from_millis(500);
const LONGEST_WAIT: Duration = Duration::from_secs(30);
/// Polling a provider that cannot stream an answer again: how often, and
/// for how long at most (a very long reasoning answer, but not forever).
const POLL_EVERY: Duration = Duration::from_secs(2);
const POLL_AT_MOST: Duration = Duration::from_secs(60 * 60);
/// A cancel at the provider is waited for this long at most: Stop must end
/// the turn at once even when the provider does not answer.
const CANCEL_WITHIN: Duration = Duration::from_secs(10);

/// Whether a chat turn runs in background mode. Only with server-side
/// storage (the API keeps a background response only when it is stored),
/// and not when the turn offers MCP tools: their calls are answered by
/// this app, so such a turn cannot go on without it anyway.
pub fn wants_background(
    choice: LongAnswers,
    listed_models: &[String],
    options: &ChatOptions,
    offers_mcp_tools: bool,
) -> bool {
    if !options.store || offers_mcp_tools {
        return false;
    }
    match choice {
        LongAnswers::Never => false,
        LongAnswers::Always => true,
        LongAnswers::Auto => {
            options.reasoning_effort.is_some_and(|e| e.takes_long())
                || listed_models.iter().any(|m| m.trim() == options.model)
        }
    }
}

/// Where a background answer's stream is: its response id once the
/// provider named it, and the last event read.
#[derive(Debug, Default, Clone)]
pub(super) struct Bookmark {
    pub response_id: Option<String>,
    pub last_sequence: Option<u64>,
    /// The id is known and not yet in the database.
    pub unrecorded: bool,
    /// Picking it up again found it gone at the provider.
    pub expired: bool,
}

impl Bookmark {
    /// Picked up after event `last_sequence` of `response_id`.
    pub fn resuming(response_id: &str, last_sequence: Option<u64>) -> Self {
        Self {
            response_id: Some(response_id.to_owned()),
            last_sequence,
            unrecorded: false,
            expired: false,
        }
    }

    pub fn observe(&mut self, event: &StreamEvent) {
        if let Some(n) = event.sequence_number() {
            self.last_sequence = Some(self.last_sequence.map_or(n, |last| last.max(n)));
        }
        if self.response_id.is_none() {
            if let Some(id) = event.response().and_then(|r| r.id.as_str()) {
                self.response_id = Some(id.to_owned());
                self.unrecorded = true;
            }
        }
    }
}

/// Whether reading ended in a way picking the stream up again can mend: the
/// connection broke or went silent, or closed before the answer's end. An
/// answer from the API (an error status, a failed response) is final.
pub(super) fn broke(ended: &Ended, finished: bool) -> bool {
    use halley_responses::Error as E;
    match ended {
        Ended::Done => !finished,
        Ended::Stopped => false,
        Ended::Failed(error) => matches!(
            error,
            E::Network { .. } | E::ConnectionDropped { .. } | E::Stalled { .. }
        ),
    }
}

/// What picking a background answer up again gave.
pub(super) enum PickedUp {
    /// Its stream, from the event after the bookmark.
    Stream(EventStream),
    /// The provider cannot stream it again; polled to its end, it is this
    /// terminal event (folded like the stream's own would have been).
    Finished(Box<StreamEvent>),
    /// The provider no longer has it (expired, deleted).
    Expired(halley_responses::Error),
    /// Not this time: Stop, or an attempt that failed.
    Gone(Ended),
}

/// Picks up the background response `response_id` after event `after`
/// (from its first event when `None`), waiting before attempt `attempt` as
/// the backoff says.
pub(super) async fn pick_up(
    client: &Client,
    endpoint: &Endpoint,
    response_id: &str,
    after: Option<u64>,
    attempt: u32,
    options: &StreamOptions,
    cancel: &CancellationToken,
) -> PickedUp {
    if wait(backoff(attempt), cancel).await.is_err() {
        return PickedUp::Gone(Ended::Stopped);
    }
    let opened = stream::open(
        cancel,
        client.resume_stream(endpoint, response_id, after, options.clone()),
    )
    .await;
    match opened {
        Ok(events) => PickedUp::Stream(events),
        Err(Ended::Failed(error)) => match error.http_status() {
            Some(404) => PickedUp::Expired(error),
            // The provider has it but will not stream it again: poll it.
            Some(400 | 405 | 501) => poll(client, endpoint, response_id, cancel).await,
            _ => PickedUp::Gone(Ended::Failed(error)),
        },
        Err(ended) => PickedUp::Gone(ended),
    }
}

/// No wait before the first pick-up (after a restart); then doubling.
fn backoff(attempt: u32) -> Duration {
    if attempt == 0 {
        return Duration::ZERO;
    }
    let doubled = FIRST_WAIT.saturating_mul(1u32 << attempt.saturating_sub(1).min(10));
    doubled.min(LONGEST_WAIT)
}

async fn wait(duration: Duration, cancel: &CancellationToken) -> Result<(), ()> {
    tokio::select! {
        biased;
        () = cancel.cancelled() => Err(()),
        () = tokio::time::sleep(duration) => Ok(()),
    }
}

/// Retrieves the response until it is no longer queued or in progress.
async fn poll(
    client: &Client,
    endpoint: &Endpoint,
    response_id: &str,
    cancel: &CancellationToken,
) -> PickedUp {
    let started = tokio::time::Instant::now();
    loop {
        let retrieved = tokio::select! {
            biased;
            () = cancel.cancelled() => return PickedUp::Gone(Ended::Stopped),
            r = client.retrieve(endpoint, response_id) => r,
        };
        match retrieved {
            Ok(response) => {
                if let Some(event) = terminal_event(&response) {
                    return PickedUp::Finished(Box::new(event));
                }
            }
            Err(error) if error.http_status() == Some(404) => return PickedUp::Expired(error),
            // A blip while polling: the next poll tries again.
            Err(error) => tracing::info!(%error, "polling a background answer failed once"),
        }
        if started.elapsed() >= POLL_AT_MOST {
            return PickedUp::Gone(Ended::Failed(halley_responses::Error::Stalled {
                idle: POLL_AT_MOST,
                events_received: 0,
            }));
        }
        if wait(POLL_EVERY, cancel).await.is_err() {
            return PickedUp::Gone(Ended::Stopped);
        }
    }
}

/// The terminal stream event a finished response stands for; `None` while
/// it is still queued or in progress.
fn terminal_event(response: &Response) -> Option<StreamEvent> {
    let kind = match response.status.as_str()? {
        "completed" => "response.completed",
        "failed" => "response.failed",
        "incomplete" => "response.incomplete",
        // Cancelled elsewhere (another client): what arrived is the answer.
        "cancelled" => "response.incomplete",
        _ => return None,
    };
    let body = json!({"type": kind, "response": response}).to_string();
    StreamEvent::from_slice(body.as_bytes()).ok()
}

/// Stop on a background answer: it is cancelled at the provider too, or it
/// would run (and be billed) to its end. Bounded; a failure is logged, the
/// turn is stopped either way.
pub(super) async fn cancel_at_provider(client: &Client, endpoint: &Endpoint, response_id: &str) {
    match tokio::time::timeout(CANCEL_WITHIN, client.cancel(endpoint, response_id)).await {
        Ok(Ok(_)) => tracing::info!("cancelled the background answer at the provider"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "the provider did not cancel the background answer")
        }
        Err(_) => tracing::warn!("the provider did not answer the cancel in time"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::ReasoningEffort;

    fn options(model: &str, effort: Option<ReasoningEffort>, store: bool) -> ChatOptions {
        ChatOptions {
            model: model.into(),
            reasoning_effort: effort,
            store,
            ..ChatOptions::default()
        }
    }

    #[test]
    fn long_answers_are_those_that_may_take_minutes_and_can_be_kept() {
        let listed = vec!["o3-pro".to_owned()];
        let high = options("gpt-5", Some(ReasoningEffort::High), true);
        let low = options("gpt-5", Some(ReasoningEffort::Low), true);
        let slow_model = options("o3-pro", None, true);
        assert!(wants_background(LongAnswers::Auto, &listed, &high, false));
        assert!(!wants_background(LongAnswers::Auto, &listed, &low, false));
        assert!(wants_background(
            LongAnswers::Auto,
            &listed,
            &slow_model,
            false
        ));
        assert!(wants_background(LongAnswers::Always, &[], &low, false));
        assert!(!wants_background(LongAnswers::Never, &listed, &high, false));
        let unstored = options("gpt-5", Some(ReasoningEffort::High), false);
        assert!(
            !wants_background(LongAnswers::Always, &[], &unstored, false),
            "a background response exists only stored"
        );
        assert!(
            !wants_background(LongAnswers::Always, &[], &high, true),
            "MCP calls need this app to answer them"
        );
    }

    #[test]
    fn the_wait_doubles_up_to_its_longest() {
        assert_eq!(backoff(0), Duration::ZERO, "a restart picks up at once");
        assert_eq!(backoff(1), Duration::from_millis(500));
        assert_eq!(backoff(2), Duration::from_secs(1));
        assert_eq!(backoff(4), Duration::from_secs(4));
        assert_eq!(backoff(MAX_RECONNECTS), LONGEST_WAIT);
        let total: Duration = (1..=MAX_RECONNECTS).map(backoff).sum();
        assert!(
            total > Duration::from_secs(120) && total < Duration::from_secs(400),
            "{total:?}"
        );
    }

    #[test]
    fn only_a_broken_connection_is_picked_up_again() {
        use halley_responses::Error as E;
        let dropped = Ended::Failed(E::ConnectionDropped {
            events_received: 3,
            message: "eof".into(),
        });
        assert!(broke(&dropped, false));
        assert!(broke(&Ended::Done, false), "closed before the end");
        assert!(!broke(&Ended::Done, true));
        assert!(!broke(&Ended::Stopped, false));
        let refused = Ended::Failed(E::from_status(500, b"{}", None));
        assert!(!broke(&refused, false), "an answer from the API is final");
    }

    #[test]
    fn a_finished_response_stands_for_its_terminal_event() {
        let response: Response = serde_json::from_value(json!({
            "id": "resp_1", "object": "response", "status": "completed",
            "output": [{"type": "message", "id": "m", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": "Done.", "annotations": []}]}]
        }))
        .expect("reads");
        let event = terminal_event(&response).expect("terminal");
        assert!(event.is_terminal());
        let running: Response =
            serde_json::from_value(json!({"id": "resp_1", "status": "in_progress"}))
                .expect("reads");
        assert!(terminal_event(&running).is_none());
    }
}
