//! Secrets and keys stay with the server they were given for: an MCP header
//! secret is only filled into a tool whose URL has the origin it was stored
//! for, a provider moved to another origin must be given its key again, and
//! a cleartext URL to another host needs the user's typed confirmation.

use std::net::TcpListener;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use halley_core::playground::SECRET_PLACEHOLDER;
use serde_json::json;

use crate::app::TestApp;

/// A loopback listener that counts the connections it gets: an MCP server
/// a secret may or may not be aimed at.
fn listener() -> (String, Arc<AtomicU32>) {
    let socket = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!(
        "http://127.0.0.1:{}/mcp",
        socket.local_addr().expect("bound").port()
    );
    let hits = Arc::new(AtomicU32::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for _ in socket.incoming() {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    (url, hits)
}

fn body_with_mcp(server_url: &str) -> String {
    json!({"model": "echo", "input": "hi", "tools": [{
        "type": "mcp", "server_label": "docs", "server_url": server_url,
        "require_approval": "never",
        "headers": {"Authorization": SECRET_PLACEHOLDER}
    }]})
    .to_string()
}

#[test]
fn a_stored_mcp_secret_is_never_sent_towards_another_server() {
    let app = TestApp::start();
    app.add_mock_provider(&format!("sk-bound-{}", uuid::Uuid::new_v4().simple()));
    let secret = format!("Bearer mcp-canary-{}", uuid::Uuid::new_v4().simple());
    let (home, _) = listener();
    let (elsewhere, elsewhere_hits) = listener();
    let placeholder = app.call(
        "playground_set_mcp_secret",
        json!({"serverUrl": home, "serverLabel": "docs", "header": "Authorization", "value": secret}),
    );
    assert_eq!(placeholder, SECRET_PLACEHOLDER);

    // What an imported preset can do: keep the label and the placeholder,
    // aim the URL at another server.
    let (_, channel) = app.new_channel();
    let refused = app
        .invoke(
            "playground_run",
            json!({"requestJson": body_with_mcp(&elsewhere), "onEvent": channel}),
        )
        .expect_err("the run is refused");
    assert_eq!(refused["code"], "secret_not_for_server", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("docs") && m.contains("enter it again")),
        "the message says why and what to do: {refused}"
    );
    assert!(
        app.create_requests().is_empty(),
        "nothing was sent to the gateway, so nothing could forward the secret"
    );
    assert_eq!(
        elsewhere_hits.load(Ordering::Relaxed),
        0,
        "the other server got nothing"
    );

    // The same request aimed at the server the secret was stored for does
    // carry it: the refusal above is about the origin, not a broken lookup.
    let (events, channel) = app.new_channel();
    app.call(
        "playground_run",
        json!({"requestJson": body_with_mcp(&home), "onEvent": channel}),
    );
    let updates = app.channels.wait_finished(events);
    let sent = app.create_requests();
    assert_eq!(sent.len(), 1, "one request went out");
    assert_eq!(
        sent[0]
            .body
            .as_ref()
            .map(|b| b["tools"][0]["headers"]["Authorization"].clone()),
        Some(json!(secret)),
        "the secret was filled in for its own server"
    );
    // The stored response, asked for again, echoes the tools with their
    // headers: retrieve and input items are scrubbed like the stream was.
    let response_id = updates
        .iter()
        .rev()
        .find_map(|u| u["response"]["id"].as_str().map(str::to_owned))
        .expect("the run finished with a response id");
    let retrieved = app.call("playground_retrieve", json!({ "responseId": response_id }));
    assert_eq!(
        retrieved["tools"][0]["headers"]["Authorization"], "<redacted>",
        "the echoed header is there, scrubbed: {retrieved}"
    );
    app.call(
        "playground_input_items",
        json!({ "responseId": response_id }),
    );
    // What came back to the UI never holds it, though the mock echoes tools.
    app.assert_key_never_sent_to_ui(&secret);
}

#[test]
fn a_provider_moved_to_another_origin_must_be_given_its_key_again() {
    let app = TestApp::start();
    let key = format!("sk-moved-{}", uuid::Uuid::new_v4().simple());
    let provider = app.add_mock_provider(&key);
    let (elsewhere, elsewhere_hits) = listener();
    let base_url = elsewhere.replace("/mcp", "/v1");
    let moved = app
        .invoke(
            "save_provider",
            json!({"input": {"id": provider["id"], "name": "Mock", "kind": "custom",
                "baseUrl": base_url, "apiKey": null}}),
        )
        .expect_err("the key does not follow the URL");
    assert_eq!(moved["code"], "key_required", "{moved}");
    // The "two calls" a script in the webview would make: re-point, then test.
    let tested = app.call(
        "test_provider",
        json!({ "id": provider["id"], "model": "echo" }),
    );
    assert_eq!(
        tested["ok"], true,
        "the provider still points at the mock: {tested}"
    );
    assert_eq!(
        elsewhere_hits.load(Ordering::Relaxed),
        0,
        "the other host never saw a request"
    );

    // With a new key the move is made and the old key is gone.
    let view = app.call(
        "save_provider",
        json!({"input": {"id": provider["id"], "name": "Mock", "kind": "custom",
            "baseUrl": base_url, "apiKey": "sk-new-key-for-elsewhere"}}),
    );
    assert_eq!(view["keyLast4"], "here", "only the new key is kept: {view}");
}

#[test]
fn cleartext_to_another_host_is_saved_only_with_the_typed_confirmation() {
    let app = TestApp::start();
    let input = |allow: Option<bool>| {
        let mut input = json!({"id": null, "name": "Remote", "kind": "custom",
            "baseUrl": "http://gateway.example.com/v1", "apiKey": "sk-cleartext-1234"});
        if let Some(allow) = allow {
            input["allowCleartextHttp"] = json!(allow);
        }
        json!({ "input": input })
    };
    for unconfirmed in [None, Some(false)] {
        let refused = app
            .invoke("save_provider", input(unconfirmed))
            .expect_err("unconfirmed");
        assert_eq!(refused["code"], "cleartext_not_confirmed", "{refused}");
        assert!(
            !refused["message"]
                .as_str()
                .unwrap_or_default()
                .contains("sk-cleartext"),
            "the key is not echoed: {refused}"
        );
    }
    assert_eq!(
        app.call("list_providers", json!({})),
        json!([]),
        "nothing was saved"
    );
    let saved = app.call("save_provider", input(Some(true)));
    assert_eq!(saved["baseUrl"], "http://gateway.example.com/v1");
    // Loopback is this machine: no confirmation.
    app.add_mock_provider("sk-loopback-1234");
}
