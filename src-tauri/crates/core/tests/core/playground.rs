//! A playground run against halley-mock on loopback: raw events, folded
//! updates and the final response all reach the emitter, and the body goes
//! out as the UI built it.

use std::sync::{Arc, Mutex};

use halley_core::playground::{parse_request, run_playground, PlaygroundEvent, PlaygroundStatus};
use halley_responses::{Client, Endpoint, FoldUpdate, SecretString};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

async fn run(request: Value) -> (Vec<PlaygroundEvent>, Vec<Value>) {
    let server = halley_mock::serve(halley_mock::Config::default())
        .await
        .expect("mock starts");
    let endpoint = Endpoint::new(server.base_url(), SecretString::new("sk-test-playground"));
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let emit = Arc::new(move |event: PlaygroundEvent| sink.lock().expect("lock").push(event));
    let request = parse_request(&request.to_string()).expect("request parses");
    run_playground(
        &Client::new().expect("an HTTP client"),
        &endpoint,
        &request,
        CancellationToken::new(),
        emit,
    )
    .await;
    let bodies = server
        .requests()
        .into_iter()
        .filter_map(|r| r.body)
        .collect();
    server.shutdown().await.expect("mock stops");
    let events = events.lock().expect("lock").clone();
    (events, bodies)
}

#[tokio::test]
async fn streams_raw_events_updates_and_the_final_response() {
    let (events, bodies) = run(json!({
        "model": "echo",
        "input": "hello playground",
        "x_unknown_param": 1
    }))
    .await;
    assert!(
        matches!(events.first(), Some(PlaygroundEvent::Opened { .. })),
        "the first thing the UI hears is that the server answered (time to first byte)"
    );
    let raw_types: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            PlaygroundEvent::Event { event, .. } => Some(event.event_type().to_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(
        raw_types.first().map(String::as_str),
        Some("response.created"),
        "raw events arrive in wire order: {raw_types:?}"
    );
    assert!(
        raw_types.iter().any(|t| t == "response.output_text.delta"),
        "text deltas are forwarded raw: {raw_types:?}"
    );
    assert!(
        events.iter().any(|e| matches!(
            e,
            PlaygroundEvent::Update {
                update: FoldUpdate::TextDelta { .. },
                ..
            }
        )),
        "folded updates come alongside the raw events"
    );
    let mut last_ms = 0.0;
    for event in &events {
        if let PlaygroundEvent::Event { ms, .. } = event {
            assert!(
                *ms >= last_ms,
                "times since request start never go backwards"
            );
            last_ms = *ms;
        }
    }
    let Some(PlaygroundEvent::Finished {
        status,
        response,
        error,
        ..
    }) = events.last()
    else {
        panic!("the run ends with Finished: {events:?}");
    };
    assert_eq!(
        *status,
        PlaygroundStatus::Completed,
        "the echo completes: {error:?}"
    );
    let text = response
        .as_ref()
        .and_then(|r| r.pointer("/output"))
        .map(Value::to_string)
        .unwrap_or_default();
    assert!(
        text.contains("hello playground"),
        "the final response carries the answer: {text}"
    );
    let body = bodies.first().expect("one request was sent");
    assert_eq!(body["stream"], json!(true), "the playground always streams");
    assert_eq!(
        body["x_unknown_param"],
        json!(1),
        "parameters the app does not know are sent as the user wrote them"
    );
}

#[tokio::test]
async fn function_outputs_round_trip_with_previous_response_id() {
    let tools = json!([
        {"type": "function", "name": "a", "parameters": {"type": "object", "properties": {}}},
        {"type": "function", "name": "b", "parameters": {"type": "object", "properties": {}}}
    ]);
    let server = halley_mock::serve(halley_mock::Config::default())
        .await
        .expect("mock starts");
    let endpoint = Endpoint::new(server.base_url(), SecretString::new("sk-test-playground"));
    let client = Client::new().expect("an HTTP client");
    let finished = |events: &Arc<Mutex<Vec<PlaygroundEvent>>>| {
        events
            .lock()
            .expect("lock")
            .iter()
            .rev()
            .find_map(|e| match e {
                PlaygroundEvent::Finished { response, .. } => response.clone(),
                _ => None,
            })
    };
    let first_events = Arc::new(Mutex::new(Vec::new()));
    let sink = first_events.clone();
    let first = parse_request(
        &json!({"model": "echo", "input": "call:all", "tools": tools, "store": true}).to_string(),
    )
    .expect("parses");
    run_playground(
        &client,
        &endpoint,
        &first,
        CancellationToken::new(),
        Arc::new(move |e| sink.lock().expect("lock").push(e)),
    )
    .await;
    let response = finished(&first_events).expect("first response");
    let calls: Vec<&Value> = response["output"]
        .as_array()
        .expect("output")
        .iter()
        .filter(|i| i["type"] == "function_call")
        .collect();
    assert_eq!(calls.len(), 2, "call:all makes one call per function tool");

    let outputs: Vec<Value> = calls
        .iter()
        .zip(["a-out", "b-out"])
        .map(|(call, out)| json!({"type": "function_call_output", "call_id": call["call_id"], "output": out}))
        .collect();
    let second_events = Arc::new(Mutex::new(Vec::new()));
    let sink = second_events.clone();
    let second = parse_request(
        &json!({"model": "echo", "previous_response_id": response["id"], "input": outputs, "tools": tools})
            .to_string(),
    )
    .expect("parses");
    run_playground(
        &client,
        &endpoint,
        &second,
        CancellationToken::new(),
        Arc::new(move |e| sink.lock().expect("lock").push(e)),
    )
    .await;
    let answer = finished(&second_events)
        .expect("second response")
        .to_string();
    assert!(
        answer.contains("Got outputs: a-out, b-out"),
        "the model sees every output, in order: {answer}"
    );
    server.shutdown().await.expect("mock stops");
}

#[tokio::test]
async fn cancelling_before_the_answer_ends_as_stopped() {
    let server = halley_mock::serve(halley_mock::Config::default())
        .await
        .expect("mock starts");
    let endpoint = Endpoint::new(server.base_url(), SecretString::new("sk-test-playground"));
    let cancel = CancellationToken::new();
    cancel.cancel();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let request = parse_request(r#"{"model":"echo","input":"hi"}"#).expect("parses");
    let outcome = run_playground(
        &Client::new().expect("an HTTP client"),
        &endpoint,
        &request,
        cancel,
        Arc::new(move |e| sink.lock().expect("lock").push(e)),
    )
    .await;
    assert_eq!(
        outcome.status,
        PlaygroundStatus::Stopped,
        "Stop before anything arrived is a stop, not an error"
    );
    assert_eq!(
        events.lock().expect("lock").len(),
        1,
        "only the Finished event is sent when nothing else happened"
    );
    server.shutdown().await.expect("mock stops");
}

#[test]
fn request_that_is_not_an_object_is_refused() {
    assert!(
        parse_request("[]").is_err(),
        "a JSON array is not a request body"
    );
    assert!(
        parse_request("{").is_err(),
        "broken JSON is refused before anything is sent"
    );
}
