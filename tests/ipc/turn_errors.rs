//! Turns that go wrong, through the mock's `fault:<kind>` models: each ends
//! with one `finished` update that says how, and keeps what arrived.

use serde_json::{json, Value};

use crate::app::{finished, message, streamed_text, TestApp};

/// A started app with a provider, and the updates and stored answer of one
/// turn sent with `model`.
fn one_turn(model: &str, text: &str) -> (TestApp, Vec<Value>, Value) {
    let app = TestApp::start();
    app.add_mock_provider(&format!("sk-faults-{}", uuid::Uuid::new_v4().simple()));
    let run = app.send(None, None, text, model, true);
    let updates = app.channels.wait_finished(run.channel);
    let conversation = app.conversation(&run.conversation_id);
    let answer = message(&conversation, &run.assistant_message_id).clone();
    (app, updates, answer)
}

#[test]
fn server_error_ends_the_turn_with_status_500() {
    let (_app, updates, answer) = one_turn("fault:500", "hello");
    let done = finished(&updates);
    assert_eq!(
        done["status"], "error",
        "a 500 on every attempt fails the turn: {done}"
    );
    assert_eq!(
        done["error"]["status"], 500,
        "the HTTP status reaches the UI: {done}"
    );
    assert_eq!(done["error"]["code"], "http_status", "{done}");
    let retries = updates.iter().filter(|u| u["kind"] == "retrying").count();
    assert_eq!(
        retries, 3,
        "a 5xx is retried the policy's 3 times first: {updates:?}"
    );
    assert_eq!(
        answer["status"], "error",
        "the stored answer records the failure"
    );
    assert_eq!(
        answer["error"]["status"], 500,
        "and its status, for the error card"
    );
}

#[test]
fn refused_key_ends_the_turn_with_status_401() {
    let (_app, updates, answer) = one_turn("fault:401", "hello");
    let done = finished(&updates);
    assert_eq!(done["status"], "error", "{done}");
    assert_eq!(
        done["error"]["status"], 401,
        "the UI shows a key problem: {done}"
    );
    assert_eq!(
        done["error"]["apiCode"], "invalid_api_key",
        "the API's own code is passed on: {done}"
    );
    assert!(
        !updates.iter().any(|u| u["kind"] == "retrying"),
        "a refused key is not retried: {updates:?}"
    );
    assert_eq!(answer["status"], "error");
    assert_eq!(
        answer["error"]["status"], 401,
        "the stored error keeps the status"
    );
}

#[test]
fn one_server_error_is_retried_then_completes() {
    let (_app, updates, answer) = one_turn("fault:500-once", "retry me");
    let kinds: Vec<&str> = updates.iter().filter_map(|u| u["kind"].as_str()).collect();
    let retry_at = kinds.iter().position(|k| *k == "retrying");
    let first_text = kinds.iter().position(|k| *k == "textDelta");
    assert!(
        matches!((retry_at, first_text), (Some(r), Some(t)) if r < t),
        "the retry notice comes before any text: {kinds:?}"
    );
    let retry = &updates[retry_at.unwrap_or_default()];
    assert_eq!(retry["attempt"], 1, "{retry}");
    assert_eq!(retry["maxAttempts"], 3, "{retry}");
    assert_eq!(
        finished(&updates)["status"],
        "complete",
        "the retry succeeds: {updates:?}"
    );
    assert_eq!(
        streamed_text(&updates),
        "retry me",
        "the retried answer streams whole"
    );
    assert_eq!(answer["status"], "complete");
    assert_eq!(
        answer["text"], "retry me",
        "the stored answer is the retried one"
    );
}

#[test]
fn a_payload_that_is_not_json_is_skipped_and_the_answer_completes() {
    // fault:malformed puts `data: {not json` between the lifecycle events and
    // the answer; the playground skips it, and so must a chat turn.
    let (_app, updates, answer) = one_turn("fault:malformed", "still answered");
    let done = finished(&updates);
    assert_eq!(
        done["status"], "complete",
        "one bad line does not cost the answer: {done}"
    );
    assert_eq!(streamed_text(&updates), "still answered");
    assert_eq!(answer["text"], "still answered", "and it is stored");
}

#[test]
fn dropped_connection_keeps_the_partial_text() {
    let (_app, updates, answer) = one_turn("fault:drop-after-5", "a longer answer to cut");
    let done = finished(&updates);
    assert_eq!(done["status"], "error", "a cut stream is an error: {done}");
    assert_eq!(
        done["error"]["code"], "connection_dropped",
        "a stream that ends without a terminal event is a dropped connection: {done}"
    );
    let partial = streamed_text(&updates);
    // The mock sends one 4-character delta before it drops the connection.
    assert_eq!(
        partial, "a lo",
        "only what arrived before the drop was streamed"
    );
    assert_eq!(answer["status"], "error");
    assert_eq!(
        answer["text"], partial,
        "the stored answer keeps the partial text"
    );
}

#[test]
fn stop_keeps_the_partial_text() {
    let app = TestApp::start();
    app.add_mock_provider(&format!("sk-stop-{}", uuid::Uuid::new_v4().simple()));
    let text = "a slow answer that takes many deltas to arrive in full";
    let run = app.send(None, None, text, "fault:slow", true);
    // Stop once some text is on screen, as a user would.
    app.channels
        .wait_for(run.channel, |update| update["kind"] == "textDelta");
    app.call("stop_run", json!({ "runId": run.run_id }));
    let updates = app.channels.wait_finished(run.channel);
    let done = finished(&updates);
    assert_eq!(
        done["status"], "stopped",
        "Stop ends the run as stopped: {done}"
    );
    assert!(done["error"].is_null(), "stopping is not an error: {done}");
    let partial = streamed_text(&updates);
    assert!(
        !partial.is_empty() && partial.len() < text.len() && text.starts_with(&partial),
        "the run stopped part-way through the echo: {partial:?}"
    );
    let conversation = app.conversation(&run.conversation_id);
    let answer = message(&conversation, &run.assistant_message_id);
    assert_eq!(
        answer["status"], "stopped",
        "the stored answer says it was stopped"
    );
    assert_eq!(answer["text"], partial, "and keeps exactly what arrived");

    // Stopping a run that already ended is harmless.
    app.call("stop_run", json!({ "runId": run.run_id }));
}

#[test]
fn hostile_retry_headers_end_the_turn_with_its_error_not_a_spinner() {
    // `retry-after-ms: 1e30` once panicked the retry path, killing the
    // turn's task before it reported: the answer spun until a restart.
    let started = std::time::Instant::now();
    let (_app, updates, answer) = one_turn("fault:429-hostile-headers", "hello");
    let done = finished(&updates);
    assert_eq!(done["status"], "error", "{done}");
    assert_eq!(done["error"]["status"], 429, "{done}");
    assert!(
        done["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("not retried")),
        "the error says the wait asked for was not waited: {done}"
    );
    assert!(
        !updates.iter().any(|u| u["kind"] == "retrying"),
        "no retry is scheduled for a wait of 1e27 s: {updates:?}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "the turn ends at once"
    );
    assert_eq!(answer["status"], "error", "the stored answer records it");
}
