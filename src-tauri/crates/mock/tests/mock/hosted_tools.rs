//! The echo's hosted tools on the wire: each call's events in the order
//! api.openai.com sends them (item added, the tool's status events, item
//! done), with the item id on every event of the item, and all three in
//! one answer when a request names them all.

use serde_json::{json, Value};

use crate::support::{get, json, post, start, stream, types};

/// The types of the events about the item at `output_index`.
fn item_events(events: &[Value], output_index: u64) -> Vec<&str> {
    events
        .iter()
        .filter(|e| e["output_index"] == output_index)
        .map(|e| e["type"].as_str().unwrap_or("?"))
        .collect()
}

#[tokio::test]
async fn all_three_tools_stream_in_order_and_share_one_message() {
    let server = start().await;
    let store = json(post(&server, "/vector_stores", json!({"name": "empty"})).await).await;
    let tools = json!([
        {"type": "file_search", "vector_store_ids": [store["id"]]},
        {"type": "code_interpreter", "container": {"type": "auto"}},
        {"type": "image_generation", "partial_images": 1},
    ]);
    let events = stream(
        &server,
        json!({"model": "echo", "input": "plot it", "stream": true, "tools": tools}),
    )
    .await;
    assert_eq!(
        item_events(&events, 0),
        [
            "response.output_item.added",
            "response.file_search_call.in_progress",
            "response.file_search_call.searching",
            "response.file_search_call.completed",
            "response.output_item.done",
        ]
    );
    let code = item_events(&events, 1);
    assert_eq!(
        code[..2],
        [
            "response.output_item.added",
            "response.code_interpreter_call.in_progress"
        ]
    );
    assert!(code[2..code.len() - 4]
        .iter()
        .all(|t| *t == "response.code_interpreter_call_code.delta"));
    assert_eq!(
        code[code.len() - 4..],
        [
            "response.code_interpreter_call_code.done",
            "response.code_interpreter_call.interpreting",
            "response.code_interpreter_call.completed",
            "response.output_item.done",
        ]
    );
    assert_eq!(
        item_events(&events, 2),
        [
            "response.output_item.added",
            "response.image_generation_call.in_progress",
            "response.image_generation_call.generating",
            "response.image_generation_call.partial_image",
            "response.image_generation_call.completed",
            "response.output_item.done",
        ]
    );
    for index in 0..3 {
        let ids: Vec<&Value> = events
            .iter()
            .filter(|e| e["output_index"] == index)
            .map(|e| {
                if e["item"].is_object() {
                    &e["item"]["id"]
                } else {
                    &e["item_id"]
                }
            })
            .collect();
        assert!(
            ids.windows(2).all(|w| w[0] == w[1]),
            "one id per item: {ids:?}"
        );
    }
    let partial = events
        .iter()
        .find(|e| e["type"] == "response.image_generation_call.partial_image")
        .expect("a partial image");
    for field in ["size", "quality", "background", "output_format"] {
        assert!(partial[field].is_string(), "the partial says its {field}");
    }
    let done = events.last().expect("a terminal event");
    assert_eq!(done["type"], "response.completed");
    let output = done["response"]["output"].as_array().expect("an output");
    let kinds: Vec<&str> = output
        .iter()
        .map(|i| i["type"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        kinds,
        [
            "file_search_call",
            "code_interpreter_call",
            "image_generation_call",
            "message"
        ]
    );
    let message = &output[3]["content"][0];
    let text = message["text"].as_str().expect("text");
    // The empty store found nothing; the code's files are still cited on the joined text.
    assert!(
        text.starts_with("I searched the files and found nothing"),
        "{text}"
    );
    let citation = &message["annotations"][0];
    let start = citation["start_index"].as_u64().expect("start") as usize;
    let end = citation["end_index"].as_u64().expect("end") as usize;
    let cited: String = text.chars().skip(start).take(end - start).collect();
    assert_eq!(cited, "sandbox:/mnt/data/chart.png");
    assert_eq!(citation["container_id"], output[1]["container_id"]);

    let id = done["response"]["id"].as_str().expect("an id");
    let stored = json(get(&server, &format!("/responses/{id}")).await).await;
    assert_eq!(
        &stored["output"], &done["response"]["output"],
        "stored as streamed"
    );
}

#[tokio::test]
async fn a_failed_image_ends_the_response_after_one_partial() {
    let server = start().await;
    let events = stream(
        &server,
        json!({"model": "echo", "input": "fail image", "stream": true,
            "tools": [{"type": "image_generation", "partial_images": 3}]}),
    )
    .await;
    let kinds = types(&events);
    assert_eq!(
        kinds
            .iter()
            .filter(|t| **t == "response.image_generation_call.partial_image")
            .count(),
        1
    );
    assert!(!kinds.contains(&"response.image_generation_call.completed"));
    let failed = events.last().expect("a terminal event");
    assert_eq!(failed["type"], "response.failed");
    assert_eq!(failed["response"]["error"]["code"], "server_error");
    assert_eq!(failed["response"]["output"][0]["status"], "failed");
}
