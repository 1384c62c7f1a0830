//! A tiny loopback server for the client tests.

use axum::body::Body;
use axum::http::{HeaderMap, Response, StatusCode};
use axum::Router;
use halley_responses::{Endpoint, SecretString};

pub const KEY: &str = "sk-test-SECRET-9876";

/// Serves `router` on an ephemeral port; returns an endpoint for it.
pub async fn serve(router: Router) -> Endpoint {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    Endpoint::new(format!("http://{addr}/v1/"), SecretString::new(KEY))
}

pub fn sse(body: impl Into<Body>) -> Response<Body> {
    Response::builder()
        .header("content-type", "text/event-stream")
        .body(body.into())
        .expect("valid response")
}

pub fn json(status: StatusCode, body: &str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body.to_owned()))
        .expect("valid response")
}

pub fn authorized(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {KEY}"))
}

pub fn event(json: &str) -> String {
    let kind = serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned))
        .unwrap_or_default();
    format!("event: {kind}\ndata: {json}\n\n")
}

pub const CREATED: &str = r#"{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","output":[],"usage":null}}"#;
pub const ADDED: &str = r#"{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","status":"in_progress","content":[]}}"#;
pub const DELTA: &str = r#"{"type":"response.output_text.delta","sequence_number":2,"output_index":0,"content_index":0,"item_id":"msg_1","delta":"Hello"}"#;
pub const COMPLETED: &str = r#"{"type":"response.completed","sequence_number":3,"response":{"id":"resp_1","object":"response","status":"completed","output":[{"id":"msg_1","type":"message","role":"assistant","status":"completed","content":[{"type":"output_text","text":"Hello","annotations":[]}]}],"usage":{"input_tokens":1,"output_tokens":1,"total_tokens":2}}}"#;

pub fn whole_stream() -> String {
    [CREATED, ADDED, DELTA, COMPLETED]
        .iter()
        .map(|e| event(e))
        .collect()
}
