//! The echo scenario's events, checked against the lifecycle api.openai.com
//! streams.

use serde_json::json;

use crate::support::{get, json, post, start, stream, streamed_text, types, KEY};

#[tokio::test]
async fn echo_streams_the_full_lifecycle_with_sequence_numbers() {
    let server = start().await;
    let events = stream(
        &server,
        json!({"model": "echo", "input": "hello mock world", "stream": true}),
    )
    .await;
    assert_eq!(
        types(&events),
        [
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.delta",
            "response.output_text.delta",
            "response.output_text.delta",
            "response.output_text.delta",
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.completed",
        ],
        "16 chars stream as four 4-char deltas inside the usual lifecycle"
    );
    for (index, event) in events.iter().enumerate() {
        // Every event carries its position, as modern api.openai.com does.
        assert_eq!(
            event["sequence_number"], index,
            "sequence numbers count from 0"
        );
    }
    assert_eq!(
        streamed_text(&events),
        "hello mock world",
        "the echo is the user's text"
    );
    let response = &events[11]["response"];
    assert!(response["id"]
        .as_str()
        .is_some_and(|id| id.starts_with("resp_")));
    assert_eq!(response["object"], "response");
    assert_eq!(response["status"], "completed");
    assert_eq!(
        response["output"][0]["content"][0]["text"],
        "hello mock world"
    );
    assert!(
        response["usage"]["input_tokens"].as_u64() > Some(0),
        "usage is filled at the end"
    );
    assert!(
        events[0]["response"]["usage"].is_null(),
        "usage is null while in progress"
    );
}

#[tokio::test]
async fn attachments_and_markdown_shape_the_answer() {
    let server = start().await;
    let input = json!([{"role": "user", "content": [
        {"type": "input_text", "text": "describe"},
        {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="},
        {"type": "input_file", "filename": "a.pdf", "file_data": "data:application/pdf;base64,JVBE"},
    ]}]);
    let events = stream(
        &server,
        json!({"model": "echo", "input": input, "stream": true}),
    )
    .await;
    assert_eq!(
        streamed_text(&events),
        "describe [1 image, 1 file]",
        "parts are counted and named"
    );

    let events = stream(
        &server,
        json!({"model": "gpt-x", "input": "markdown please", "stream": true}),
    )
    .await;
    let text = streamed_text(&events);
    // Unknown models echo too; "markdown" asks for every block kind.
    for block in ["# Echo", "- first point", "```rust", "| column | value |"] {
        assert!(text.contains(block), "{block:?} missing from {text}");
    }
}

#[tokio::test]
async fn reasoning_comes_first_with_a_streamed_summary_and_encrypted_content() {
    let server = start().await;
    let events = stream(
        &server,
        json!({"model": "echo-reasoning", "input": "think",
        "include": ["reasoning.encrypted_content"], "stream": true}),
    )
    .await;
    let kinds = types(&events);
    let first_item = &events[2]["item"];
    assert_eq!(
        first_item["type"], "reasoning",
        "reasoning precedes the message"
    );
    for kind in [
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_text.delta",
        "response.reasoning_summary_text.done",
        "response.reasoning_summary_part.done",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing");
    }
    let summary: String = events
        .iter()
        .filter(|e| e["type"] == "response.reasoning_summary_text.delta")
        .map(|e| e["delta"].as_str().unwrap_or(""))
        .collect();
    let done = events
        .iter()
        .find(|e| e["type"] == "response.output_item.done")
        .expect("item done");
    assert_eq!(
        done["item"]["summary"][0]["text"], summary,
        "deltas add up to the summary"
    );
    assert!(
        done["item"]["encrypted_content"].is_string(),
        "include asked for encrypted_content"
    );

    // A `reasoning` setting on any echo model asks for it too, without the blob.
    let events = stream(
        &server,
        json!({"model": "echo", "input": "x",
        "reasoning": {"effort": "low", "summary": "auto"}, "stream": true}),
    )
    .await;
    assert_eq!(events[2]["item"]["type"], "reasoning");
    assert!(
        events[2]["item"].get("encrypted_content").is_none(),
        "not included unless asked"
    );
}

#[tokio::test]
async fn web_search_emits_a_call_and_a_url_citation() {
    let server = start().await;
    let events = stream(
        &server,
        json!({"model": "echo", "input": "search this",
        "tools": [{"type": "web_search_preview"}], "stream": true}),
    )
    .await;
    let kinds = types(&events);
    assert_eq!(
        &kinds[2..7],
        [
            "response.output_item.added",
            "response.web_search_call.in_progress",
            "response.web_search_call.searching",
            "response.web_search_call.completed",
            "response.output_item.done"
        ],
        "a web_search_call item with its status events comes first"
    );
    let annotation = events
        .iter()
        .find(|e| e["type"] == "response.output_text.annotation.added")
        .expect("the citation streams as annotation.added");
    assert_eq!(
        annotation["annotation"]["url"],
        "https://example.com/source"
    );
    let terminal = &events[events.len() - 1]["response"];
    assert_eq!(
        terminal["output"][1]["content"][0]["annotations"][0]["type"], "url_citation",
        "the final response repeats the annotation"
    );
}

#[tokio::test]
async fn call_all_streams_one_function_call_per_tool() {
    let server = start().await;
    let tools = json!([
        {"type": "function", "name": "get_weather", "parameters": {"type": "object"}},
        {"type": "function", "name": "get_time", "parameters": {"type": "object"}},
    ]);
    let events = stream(
        &server,
        json!({"model": "echo", "input": "call:all {\"city\":\"Paris\"}",
        "tools": tools, "stream": true}),
    )
    .await;
    let terminal = &events[events.len() - 1];
    assert_eq!(
        terminal["type"], "response.completed",
        "calls end the response as completed"
    );
    let output = terminal["response"]["output"]
        .as_array()
        .expect("output array");
    let names: Vec<_> = output
        .iter()
        .map(|item| item["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        ["get_weather", "get_time"],
        "one call per function, no message"
    );
    let args: String = events
        .iter()
        .filter(|e| e["type"] == "response.function_call_arguments.delta" && e["output_index"] == 0)
        .map(|e| e["delta"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        args, "{\"city\":\"Paris\"}",
        "argument deltas add up to the JSON given"
    );
    assert_ne!(
        output[0]["call_id"], output[1]["call_id"],
        "parallel calls have distinct ids"
    );
}

#[tokio::test]
async fn function_outputs_are_answered_and_previous_response_id_is_kept() {
    let server = start().await;
    let input = json!([
        {"type": "function_call_output", "call_id": "call_1", "output": "sunny"},
        {"type": "function_call_output", "call_id": "call_2", "output": "noon"},
    ]);
    let response = json(
        post(
            &server,
            "/responses",
            json!({"model": "echo", "input": input,
        "previous_response_id": "resp_earlier"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        response["output"][0]["content"][0]["text"],
        "Got outputs: sunny, noon"
    );
    assert_eq!(
        response["previous_response_id"], "resp_earlier",
        "the chain link is echoed"
    );
    let logged = server.requests();
    let last = logged.last().expect("the request was logged");
    assert_eq!(
        last.body
            .as_ref()
            .map(|b| b["previous_response_id"].clone()),
        Some(json!("resp_earlier")),
        "tests can read what the client sent"
    );
    assert_eq!(
        last.header("authorization"),
        Some(format!("Bearer {KEY}").as_str()),
        "the key arrived as a bearer token"
    );
}

#[tokio::test]
async fn non_streamed_create_returns_the_completed_response_and_stores_it() {
    let server = start().await;
    let response = json(
        post(
            &server,
            "/responses",
            json!({"model": "echo", "input": "plain"}),
        )
        .await,
    )
    .await;
    assert_eq!(response["status"], "completed");
    assert_eq!(response["output"][0]["content"][0]["text"], "plain");
    let id = response["id"].as_str().expect("an id");
    let stored = json(get(&server, &format!("/responses/{id}")).await).await;
    assert_eq!(stored, response, "retrieve returns what create returned");
}
