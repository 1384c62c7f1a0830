//! `case:<name>` replays the shared recordings.

use serde_json::json;

use crate::support::{cases_dir, json, post, start};

#[tokio::test]
async fn a_streamed_case_is_replayed_byte_for_byte() {
    let server = start().await;
    let case = "pydai-web-search-annotations-stream";
    let recorded =
        std::fs::read(cases_dir().join(case).join("response.sse")).expect("the recording");
    let response = post(
        &server,
        "/responses",
        json!({"model": format!("case:{case}"), "stream": true}),
    )
    .await;
    let body = response.bytes().await.expect("the stream ends");
    assert!(
        body[..] == recorded[..],
        "the replay must be the recorded bytes exactly"
    );
}

#[tokio::test]
async fn a_streamed_case_asked_without_stream_gives_its_final_response() {
    let server = start().await;
    let response = json(
        post(
            &server,
            "/responses",
            json!({"model": "case:pydai-web-search-annotations-stream"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        response["status"], "completed",
        "the terminal event's response"
    );
    assert_eq!(response["output"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn a_json_case_keeps_its_recorded_status_and_bytes() {
    let server = start().await;
    let case = "pydai-http-400-stream-request";
    let recorded =
        std::fs::read(cases_dir().join(case).join("response.json")).expect("the recording");
    let response = post(
        &server,
        "/responses",
        json!({"model": format!("case:{case}"), "stream": true}),
    )
    .await;
    assert_eq!(response.status(), 400, "meta.json's http.status is used");
    assert!(
        response.bytes().await.expect("body")[..] == recorded[..],
        "the body is as recorded"
    );
}

#[tokio::test]
async fn unknown_cases_and_paths_outside_the_folder_are_refused() {
    let server = start().await;
    for model in [
        "case:no-such-case",
        "case:../NOTES.md",
        "case:",
        "fault:no-such-fault",
    ] {
        let response = post(&server, "/responses", json!({"model": model, "input": "x"})).await;
        assert_eq!(response.status(), 404, "{model} names no model");
        assert_eq!(json(response).await["error"]["code"], "model_not_found");
    }
}
