//! A chat turn and a playground run against a gateway that goes silent
//! mid-answer (halley-mock `fault:stall-after-N`): with the client's idle
//! timeout, each ends as "connection stalled" instead of waiting forever,
//! and the chat turn keeps the text that arrived.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use halley_core::chat::{run_turn, RunUpdate, Turn};
use halley_core::history::{MessageStatus, TurnErrorCode};
use halley_core::playground::{parse_request, run_playground, PlaygroundEvent};
use halley_responses::{Client, Endpoint, Limits, SecretString};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::support::{memory_history, new_conversation};

fn stalling_client() -> Client {
    Client::with_limits(Limits {
        idle_timeout: Duration::from_millis(400),
        ..Limits::default()
    })
    .expect("an HTTP client")
}

#[tokio::test]
async fn a_stalled_stream_ends_the_turn_as_stalled_and_keeps_the_partial_text() {
    let server = halley_mock::serve(halley_mock::Config::default())
        .await
        .expect("mock starts");
    let endpoint = Endpoint::new(server.base_url(), SecretString::new("sk-test-stall"));
    let history = std::sync::Arc::new(memory_history());
    let conversation = new_conversation(&history, "stall");
    let user = history
        .append_user_message(&conversation, None, "q", &[])
        .expect("user message");
    let answer = history
        .begin_assistant_message(&user.id, "fault:stall-after-6")
        .expect("assistant message");
    let turn = Turn {
        assistant_message_id: answer.id.clone(),
        // The echo's first six events: created, in_progress, the item and
        // its part, and two words of text; then nothing.
        request: serde_json::from_value(
            json!({"model": "fault:stall-after-6", "input": "one two three four five", "stream": true}),
        )
        .expect("a request"),
        replay: None,
        // No provider row: nothing here is refused, so nothing is learned.
        provider_id: String::new(),
        notes: Vec::new(),
        tools: None,
    };
    let updates = Arc::new(Mutex::new(Vec::new()));
    let sink = updates.clone();
    let started = Instant::now();
    let outcome = run_turn(
        &history,
        &stalling_client(),
        &endpoint,
        &turn,
        CancellationToken::new(),
        Arc::new(move |update| sink.lock().expect("lock").push(update)),
    )
    .await
    .expect("the turn records its outcome");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the turn ends after the idle timeout, not never"
    );
    assert_eq!(outcome.status, MessageStatus::Error);
    let error = outcome.error.expect("a stalled turn has an error");
    assert_eq!(error.code, TurnErrorCode::Stalled, "{error:?}");
    assert!(error.message.starts_with("connection stalled"), "{error:?}");
    let streamed: String = updates
        .lock()
        .expect("lock")
        .iter()
        .filter_map(|u| match u {
            RunUpdate::TextDelta { text } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(!streamed.is_empty(), "some text arrived before the stall");
    let stored = history.get_message(&answer.id).expect("answer");
    assert_eq!(stored.status, MessageStatus::Error);
    assert_eq!(stored.text, streamed, "the partial answer is kept");
    assert_eq!(
        stored.error.map(|e| e.code),
        Some(TurnErrorCode::Stalled),
        "the stored error says stalled"
    );
    server.shutdown().await.expect("mock stops");
}

#[tokio::test]
async fn a_stalled_stream_ends_a_playground_run_with_its_error() {
    let server = halley_mock::serve(halley_mock::Config::default())
        .await
        .expect("mock starts");
    let endpoint = Endpoint::new(server.base_url(), SecretString::new("sk-test-stall"));
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let request =
        parse_request(&json!({"model": "fault:stall-after-4", "input": "hi"}).to_string())
            .expect("request parses");
    run_playground(
        &stalling_client(),
        &endpoint,
        &request,
        CancellationToken::new(),
        Arc::new(move |event: PlaygroundEvent| sink.lock().expect("lock").push(event)),
    )
    .await;
    let events = events.lock().expect("lock").clone();
    let error = events.iter().find_map(|e| match e {
        PlaygroundEvent::Finished { error, .. } => error.clone(),
        _ => None,
    });
    assert_eq!(
        error.map(|e| e.code),
        Some(TurnErrorCode::Stalled),
        "the run ends with the stall: {events:?}"
    );
    server.shutdown().await.expect("mock stops");
}
