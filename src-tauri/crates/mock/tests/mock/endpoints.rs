//! Retrieve, resume, cancel, delete, input items, token counts, models,
//! authentication and odd requests.

use serde_json::{json, Value};

use crate::support::{client, eventually, get, json, parse_sse, post, start, stream, types};

fn assert_error_shape(body: &Value) {
    // The API's error body: every client reads error.message and error.type.
    let error = &body["error"];
    assert!(error["message"].is_string(), "error.message in {body}");
    assert!(error["type"].is_string(), "error.type in {body}");
    assert!(
        error.get("param").is_some() && error.get("code").is_some(),
        "param and code keys"
    );
}

#[tokio::test]
async fn missing_and_bad_keys_get_401_without_the_key_echoed() {
    let server = start().await;
    let url = format!("{}/responses", server.base_url());
    let missing = client()
        .post(&url)
        .json(&json!({"model": "echo"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(missing.status(), 401, "no key, no answer");
    assert_error_shape(&json(missing).await);

    let bad_key = "sk-bad-key-0123456789";
    let bad = client()
        .post(&url)
        .bearer_auth(bad_key)
        .json(&json!({"model": "echo"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(bad.status(), 401, "sk-bad keys always fail");
    let body = json(bad).await;
    assert_error_shape(&body);
    let message = body["error"]["message"].as_str().unwrap_or("");
    assert!(
        message.starts_with("Incorrect API key provided"),
        "{message}"
    );
    assert!(
        !message.contains(bad_key),
        "the key is masked, never echoed whole"
    );
    assert_eq!(body["error"]["code"], "invalid_api_key");
}

#[tokio::test]
async fn input_items_delete_and_missing_ids() {
    let server = start().await;
    let created = json(
        post(
            &server,
            "/responses",
            json!({"model": "echo",
        "input": [{"role": "user", "content": "one"}, {"role": "user", "content": "two"}]}),
        )
        .await,
    )
    .await;
    let id = created["id"].as_str().expect("id");

    let items = json(get(&server, &format!("/responses/{id}/input_items?order=asc")).await).await;
    assert_eq!(items["object"], "list");
    let texts: Vec<_> = items["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|item| item["content"][0]["text"].clone())
        .collect();
    assert_eq!(
        texts,
        [json!("one"), json!("two")],
        "the request's input, in order, as items"
    );
    let newest_first = json(get(&server, &format!("/responses/{id}/input_items")).await).await;
    assert_eq!(
        newest_first["data"][0]["content"][0]["text"], "two",
        "desc is the default order"
    );

    let deleted = json(
        client()
            .delete(format!("{}/responses/{id}", server.base_url()))
            .bearer_auth(crate::support::KEY)
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(deleted["deleted"], true);
    let gone = get(&server, &format!("/responses/{id}")).await;
    assert_eq!(gone.status(), 404, "a deleted response is gone");
    assert_error_shape(&json(gone).await);
}

#[tokio::test]
async fn background_responses_are_queued_then_complete() {
    let server = start().await;
    let created = json(
        post(
            &server,
            "/responses",
            json!({"model": "echo", "input": "later",
        "background": true}),
        )
        .await,
    )
    .await;
    assert_eq!(
        created["status"], "queued",
        "a background create answers at once, queued"
    );
    assert_eq!(created["output"], json!([]));
    let id = created["id"].as_str().expect("id").to_owned();
    let done = eventually(|| {
        let server = &server;
        let id = id.clone();
        async move {
            let polled = json(get(server, &format!("/responses/{id}")).await).await;
            polled["status"] == "completed" && polled["output"][0]["content"][0]["text"] == "later"
        }
    })
    .await;
    assert!(done, "polling sees the background response complete");
}

#[tokio::test]
async fn cancel_stops_a_running_background_response() {
    let server = start().await;
    // Slow deltas keep it running while we cancel.
    let created = json(
        post(
            &server,
            "/responses",
            json!({"model": "echo", "background": true,
        "input": "a long enough text to still be running", "metadata": {"mock_delay_ms": "200"}}),
        )
        .await,
    )
    .await;
    let id = created["id"].as_str().expect("id");
    let cancelled = json(post(&server, &format!("/responses/{id}/cancel"), json!({})).await).await;
    assert_eq!(cancelled["status"], "cancelled");
    // Following the stream now ends: no more events will come.
    let resumed = client()
        .get(format!("{}/responses/{id}?stream=true", server.base_url()))
        .bearer_auth(crate::support::KEY)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("ends");
    let events = if resumed.is_empty() {
        Vec::new()
    } else {
        parse_sse(&resumed)
    };
    assert!(
        !types(&events).contains(&"response.completed"),
        "a cancelled response never completes"
    );
    let polled = json(get(&server, &format!("/responses/{id}")).await).await;
    assert_eq!(polled["status"], "cancelled", "the cancel sticks");

    let plain = json(
        post(
            &server,
            "/responses",
            json!({"model": "echo", "input": "x"}),
        )
        .await,
    )
    .await;
    let refused = post(
        &server,
        &format!("/responses/{}/cancel", plain["id"].as_str().unwrap_or("")),
        json!({}),
    )
    .await;
    assert_eq!(
        refused.status(),
        400,
        "only background responses can be cancelled"
    );
}

#[tokio::test]
async fn a_stored_stream_resumes_after_a_sequence_number() {
    let server = start().await;
    let events = stream(
        &server,
        json!({"model": "echo", "input": "resume me please",
        "background": true, "stream": true}),
    )
    .await;
    assert_eq!(
        types(&events)[..2],
        ["response.created", "response.queued"],
        "a streamed background response announces it is queued"
    );
    assert_eq!(events[0]["response"]["status"], "queued");
    let id = events[0]["response"]["id"].as_str().expect("id");
    let resumed = client()
        .get(format!(
            "{}/responses/{id}?stream=true&starting_after=4",
            server.base_url()
        ))
        .bearer_auth(crate::support::KEY)
        .send()
        .await
        .expect("sent");
    let tail = parse_sse(&resumed.text().await.expect("text"));
    assert_eq!(
        tail,
        events[5..].to_vec(),
        "resume replays exactly the events after #4"
    );
}

#[tokio::test]
async fn input_tokens_and_models() {
    let server = start().await;
    let count = json(
        post(
            &server,
            "/responses/input_tokens",
            json!({"model": "echo", "input": "0123456789abcdef"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        count,
        json!({"object": "response.input_tokens", "input_tokens": 4}),
        "16 characters are about 4 tokens"
    );
    let models = json(get(&server, "/models").await).await;
    let ids: Vec<_> = models["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|model| model["id"].as_str().unwrap_or("").to_owned())
        .collect();
    for expected in [
        "echo",
        "echo-reasoning",
        "case:pydai-text-json",
        "fault:429-once",
        "fault:stall",
    ] {
        assert!(ids.iter().any(|id| id == expected), "{expected} is listed");
    }
}

#[tokio::test]
async fn odd_requests_get_400_or_404_in_the_error_shape() {
    let server = start().await;
    let url = format!("{}/responses", server.base_url());
    let not_json = client()
        .post(&url)
        .bearer_auth("k")
        .body("{nope")
        .send()
        .await
        .expect("sent");
    assert_eq!(not_json.status(), 400);
    assert_error_shape(&json(not_json).await);
    for body in [
        json!([]),
        json!({"model": 5}),
        json!({"model": "echo", "input": {"x": 1}}),
        json!({"model": "echo", "tools": "all"}),
        json!({"model": "echo", "input": [null]}),
    ] {
        let response = post(&server, "/responses", body.clone()).await;
        assert_eq!(response.status(), 400, "{body} is refused, not a crash");
        assert_error_shape(&json(response).await);
    }
    let unknown = get(&server, "/nowhere").await;
    assert_eq!(unknown.status(), 404);
    assert_error_shape(&json(unknown).await);
    let wrong_method = get(&server, "/responses").await;
    assert_error_shape(&json(wrong_method).await);
    let created = json(
        post(
            &server,
            "/responses",
            json!({"model": "echo", "input": "x"}),
        )
        .await,
    )
    .await;
    let bad_cursor = get(
        &server,
        &format!(
            "/responses/{}?stream=true&starting_after=-1",
            created["id"].as_str().unwrap_or("")
        ),
    )
    .await;
    assert_eq!(bad_cursor.status(), 400, "a negative cursor is refused");
}
