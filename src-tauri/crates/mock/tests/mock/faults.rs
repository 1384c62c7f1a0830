//! The `fault:<kind>` models on the wire.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::{eventually, get, json, parse_sse, post, start, stream, streamed_text, types};

fn request(model: &str) -> Value {
    json!({"model": model, "input": "fault test text", "stream": true})
}

/// Reads a body chunk by chunk; returns what arrived and whether it broke.
async fn read_until_error(mut response: reqwest::Response) -> (String, bool) {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => return (String::from_utf8_lossy(&body).into_owned(), false),
            Err(_) => return (String::from_utf8_lossy(&body).into_owned(), true),
        }
    }
}

#[tokio::test]
async fn http_faults_answer_with_the_error_shape_and_retry_after() {
    let server = start().await;
    for (model, status) in [
        ("fault:401", 401),
        ("fault:429", 429),
        ("fault:500", 500),
        ("fault:json-error-on-stream", 400),
    ] {
        let response = post(&server, "/responses", request(model)).await;
        assert_eq!(response.status(), status, "{model}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .to_owned();
        // Even for stream requests an HTTP error is JSON, not SSE.
        assert_eq!(content_type, "application/json", "{model}");
        if status == 429 {
            assert_eq!(
                response.headers()["retry-after"],
                "1",
                "clients wait as told"
            );
        }
        assert!(
            json(response).await["error"]["message"].is_string(),
            "{model} error body"
        );
    }
}

#[tokio::test]
async fn once_faults_fail_the_first_attempt_of_each_body_only() {
    let server = start().await;
    for model in ["fault:429-once", "fault:500-once"] {
        let body = json!({"model": model, "input": "retry me"});
        let first = post(&server, "/responses", body.clone()).await;
        assert!(
            first.status().is_client_error() || first.status().is_server_error(),
            "{model} fails first"
        );
        let second = post(&server, "/responses", body.clone()).await;
        assert_eq!(second.status(), 200, "{model}: the same body then succeeds");
        assert_eq!(
            json(second).await["output"][0]["content"][0]["text"],
            "retry me"
        );
        let other = post(
            &server,
            "/responses",
            json!({"model": model, "input": "another"}),
        )
        .await;
        assert_ne!(
            other.status(),
            200,
            "{model}: a different body fails once too"
        );
    }
}

#[tokio::test]
async fn drop_after_n_cuts_the_connection_after_n_events() {
    let server = start().await;
    let response = post(&server, "/responses", request("fault:drop-after-4")).await;
    let (body, broke) = read_until_error(response).await;
    assert!(broke, "the connection is cut, not closed cleanly");
    let events = parse_sse(&body);
    assert_eq!(events.len(), 4, "exactly N whole events arrive first");
    assert!(
        !types(&events).contains(&"response.completed"),
        "no terminal event"
    );
}

#[tokio::test]
async fn stall_ends_when_the_client_leaves() {
    let server = start().await;
    let mut response = post(&server, "/responses", request("fault:stall")).await;
    let first = response
        .chunk()
        .await
        .expect("a chunk")
        .expect("response.created arrives");
    let created = parse_sse(&String::from_utf8_lossy(&first));
    assert_eq!(
        types(&created),
        ["response.created"],
        "only created is sent"
    );
    let id = created[0]["response"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    drop(response);
    let cancelled = eventually(|| {
        let (server, id) = (&server, id.clone());
        async move {
            json(get(server, &format!("/responses/{id}")).await).await["status"] == "cancelled"
        }
    })
    .await;
    assert!(
        cancelled,
        "the server noticed the client left and stopped the response"
    );
}

#[tokio::test]
async fn stall_ends_when_the_server_shuts_down() {
    let server = start().await;
    let mut response = post(&server, "/responses", request("fault:stall")).await;
    response
        .chunk()
        .await
        .expect("a chunk")
        .expect("response.created arrives");
    // Shutdown must not wait for the stalled stream forever; the guard
    // only turns a hang into a failure.
    let stopped = tokio::time::timeout(Duration::from_secs(30), server.shutdown()).await;
    assert!(
        matches!(stopped, Ok(Ok(()))),
        "shutdown completes with a stream open"
    );
    let (_, broke) = read_until_error(response).await;
    assert!(broke, "the open stream is cut, without a terminal event");
}

#[tokio::test]
async fn malformed_sends_a_bad_data_line_between_valid_events() {
    let server = start().await;
    let response = post(&server, "/responses", request("fault:malformed")).await;
    let text = response.text().await.expect("the stream ends");
    let (before, after) = text
        .split_once("data: {not json\n\n")
        .expect("the bad line is there");
    assert_eq!(
        types(&parse_sse(before)),
        ["response.created", "response.in_progress"]
    );
    let rest = parse_sse(after);
    assert_eq!(
        rest.last().map(|e| e["type"].clone()),
        Some(json!("response.completed")),
        "the stream goes on to complete after the bad line"
    );
}

#[tokio::test]
async fn unknown_events_are_mixed_into_a_normal_answer() {
    let server = start().await;
    let events = stream(&server, request("fault:unknown-event")).await;
    let future: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "response.future_thing")
        .collect();
    assert_eq!(future.len(), 2, "one before the items, one after");
    assert!(
        future[0]["future_field"].is_object(),
        "with fields no client knows"
    );
    assert_eq!(
        streamed_text(&events),
        "fault test text",
        "the answer is whole around them"
    );
    assert_eq!(
        events.last().map(|e| e["type"].clone()),
        Some(json!("response.completed"))
    );
}

#[tokio::test]
async fn error_event_and_failed_end_in_response_failed() {
    let server = start().await;
    let events = stream(&server, request("fault:error-event")).await;
    let error = events
        .iter()
        .find(|e| e["type"] == "error")
        .expect("an error event");
    // Nested as recorded on the wire, not flat as the spec says.
    assert_eq!(error["error"]["code"], "server_error");
    assert_eq!(error["error"]["message"], "The server had an error");
    let last = events.last().expect("events");
    assert_eq!(last["type"], "response.failed");
    assert_eq!(
        last["response"]["error"]["code"], "server_error",
        "response.error is set"
    );

    let events = stream(&server, request("fault:failed")).await;
    assert!(
        !types(&events).contains(&"error"),
        "failed has no error event"
    );
    assert_eq!(
        events.last().map(|e| e["response"]["status"].clone()),
        Some(json!("failed"))
    );
}

#[tokio::test]
async fn incomplete_ends_with_max_output_tokens() {
    let server = start().await;
    let events = stream(&server, request("fault:incomplete")).await;
    let last = events.last().expect("events");
    assert_eq!(
        last["type"], "response.incomplete",
        "not response.completed"
    );
    assert_eq!(
        last["response"]["incomplete_details"]["reason"],
        "max_output_tokens"
    );
    assert_eq!(
        last["response"]["output"][0]["status"], "incomplete",
        "the message is cut too"
    );
    assert!(
        !streamed_text(&events).is_empty(),
        "some text came before the cut"
    );
}

#[tokio::test]
async fn slow_is_a_normal_echo() {
    let server = start().await;
    let events = stream(
        &server,
        json!({"model": "fault:slow", "input": "slow", "stream": true}),
    )
    .await;
    assert_eq!(streamed_text(&events), "slow");
}
