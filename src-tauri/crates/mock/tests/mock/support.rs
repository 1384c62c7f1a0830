//! Starting a server and reading its answers.

use std::path::PathBuf;
use std::time::Duration;

use halley_mock::{serve, Config, RunningServer};
use serde_json::Value;

pub const KEY: &str = "sk-test-0123456789abcdef";

pub fn repo_root() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..");
    // Resolved, so that a venv's python finds its pyvenv.cfg beside it.
    std::fs::canonicalize(&root).unwrap_or(root)
}

/// The shared recorded cases (read in place, never copied).
pub fn cases_dir() -> PathBuf {
    repo_root().join("../shared/fixtures/responses/cases")
}

pub async fn start() -> RunningServer {
    serve(Config {
        cases_dir: Some(cases_dir()),
        delta_delay: Duration::from_millis(1),
        ..Config::default()
    })
    .await
    .expect("the mock binds a loopback port")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

pub async fn post(server: &RunningServer, path: &str, body: Value) -> reqwest::Response {
    client()
        .post(format!("{}{path}", server.base_url()))
        .bearer_auth(KEY)
        .json(&body)
        .send()
        .await
        .expect("the request reaches the mock")
}

pub async fn get(server: &RunningServer, path: &str) -> reqwest::Response {
    client()
        .get(format!("{}{path}", server.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .expect("the request reaches the mock")
}

pub async fn json(response: reqwest::Response) -> Value {
    response.json().await.expect("the body is JSON")
}

/// Parses an SSE body strictly as api.openai.com frames it: each block is
/// `event: T` then `data: JSON` with `data.type == T`.
pub fn parse_sse(text: &str) -> Vec<Value> {
    assert!(text.ends_with("\n\n"), "the stream ends on a whole frame");
    text.trim_end()
        .split("\n\n")
        .map(|block| {
            let (event_line, data_line) = block.split_once('\n').expect("two lines a frame");
            let name = event_line
                .strip_prefix("event: ")
                .expect("an event: line first");
            let data = data_line
                .strip_prefix("data: ")
                .expect("a data: line second");
            let event: Value = serde_json::from_str(data).expect("data is one JSON line");
            assert_eq!(event["type"], name, "event: name equals data.type");
            event
        })
        .collect()
}

pub async fn stream(server: &RunningServer, body: Value) -> Vec<Value> {
    let response = post(server, "/responses", body).await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap_or("")
        .to_owned();
    assert!(
        content_type.starts_with("text/event-stream"),
        "SSE, got {content_type}"
    );
    parse_sse(&response.text().await.expect("the stream ends cleanly"))
}

pub fn types(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or("?"))
        .collect()
}

/// The whole text streamed by output_text deltas.
pub fn streamed_text(events: &[Value]) -> String {
    events
        .iter()
        .filter(|e| e["type"] == "response.output_text.delta")
        .map(|e| e["delta"].as_str().unwrap_or(""))
        .collect()
}

/// Polls until `done` holds, giving up after a generous bound so a broken
/// server fails the test instead of hanging it.
pub async fn eventually<F, Fut>(mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..500 {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}
