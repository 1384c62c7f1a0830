//! Providers and keys through IPC: a key goes in once and never comes back.

use serde_json::json;

use crate::app::TestApp;

#[test]
fn saved_key_shows_only_as_has_key_and_last4() {
    let app = TestApp::start();
    let key = format!("sk-provider-{}", uuid::Uuid::new_v4().simple());
    let last4 = &key[key.len() - 4..];

    let saved = app.add_mock_provider(&key);
    assert_eq!(saved["hasKey"], true, "the key was just stored: {saved}");
    assert_eq!(
        saved["keyLast4"], last4,
        "the UI tells keys apart by their last 4 characters"
    );
    assert_eq!(
        saved["active"], true,
        "the first provider becomes the active one"
    );

    let listed = app.call("list_providers", json!({}));
    let providers = listed.as_array().expect("list_providers returns an array");
    assert_eq!(providers.len(), 1, "exactly the provider saved: {listed}");
    assert_eq!(providers[0]["hasKey"], true, "the stored key is reported");
    assert_eq!(
        providers[0]["keyLast4"], last4,
        "last4 survives a reload from the key store"
    );
    assert_eq!(
        providers[0]["baseUrl"],
        app.mock.base_url(),
        "the URL is kept as given"
    );

    // Saving again without a key keeps the stored one (the UI sends null when
    // the key field is left empty).
    let id = providers[0]["id"].clone();
    let renamed = app.call(
        "save_provider",
        json!({"input": {"id": id, "name": "Renamed", "kind": "custom",
            "baseUrl": app.mock.base_url(), "apiKey": null}}),
    );
    assert_eq!(
        renamed["hasKey"], true,
        "a null apiKey keeps the stored key"
    );
    assert_eq!(renamed["keyLast4"], last4, "the kept key is the same key");

    let status = app.call("keyring_status", json!({}));
    match status["available"].as_bool() {
        Some(true) => {
            assert_eq!(
                status["sessionOnly"], false,
                "keyring keys outlive the session: {status}"
            );
            assert!(status["message"].is_null(), "nothing to fix: {status}");
        }
        Some(false) => {
            assert_eq!(
                status["sessionOnly"], true,
                "without a keyring keys live in memory: {status}"
            );
            assert!(
                status["message"].is_string(),
                "the UI says what to do: {status}"
            );
        }
        None => panic!("keyring_status says whether a keyring is used: {status}"),
    }

    app.assert_key_never_sent_to_ui(&key);

    app.call("delete_provider", json!({ "id": id }));
    let after = app.call("list_providers", json!({}));
    assert_eq!(after, json!([]), "a deleted provider is gone");
}

#[test]
fn sending_without_a_provider_asks_for_one() {
    let app = TestApp::start();
    let (_, channel) = app.new_channel();
    let error = app
        .invoke(
            "send_message",
            json!({"input": {"conversationId": null, "parentId": null, "text": "hi",
                "attachments": [], "model": "echo", "webSearch": false,
                "reasoningEffort": null, "store": true}, "onUpdate": channel}),
        )
        .expect_err("no provider is set up yet");
    // The UI answers this code with the setup screen, and keeps the text.
    assert_eq!(error["code"], "no_provider", "{error}");
    assert_eq!(
        app.call("list_conversations", json!({})),
        json!([]),
        "nothing is stored when the send is refused before it starts"
    );
}

#[test]
fn a_restart_keeps_history_and_keys_follow_the_key_store() {
    let app = TestApp::start();
    let key = format!("sk-restart-{}", uuid::Uuid::new_v4().simple());
    app.add_mock_provider(&key);
    let run = app.send(None, None, "Remember me", "echo", true);
    app.channels.wait_finished(run.channel);
    let keyring = app.call("keyring_status", json!({}))["available"] == true;

    let app = app.restart();
    let providers = app.call("list_providers", json!({}));
    assert_eq!(
        providers.as_array().map(Vec::len),
        Some(1),
        "providers are stored in the history database: {providers}"
    );
    assert_eq!(
        providers[0]["hasKey"], keyring,
        "a key outlives a restart exactly when it went to the OS keyring: {providers}"
    );
    assert_eq!(
        providers[0]["active"], true,
        "the active provider is remembered"
    );
    let conversation = app.conversation(&run.conversation_id);
    let answer = crate::app::message(&conversation, &run.assistant_message_id);
    assert_eq!(
        answer["text"], "Remember me",
        "the answer was saved before the quit"
    );
    assert_eq!(
        answer["status"], "complete",
        "a finished answer is not marked interrupted"
    );
}

#[test]
fn test_says_in_plain_words_why_a_provider_does_not_answer() {
    let app = TestApp::start();
    let test = |base_url: &str, key: &str| {
        let saved = app.call(
            "save_provider",
            json!({"input": {"id": null, "name": "Tested", "kind": "custom",
                "baseUrl": base_url, "apiKey": key}}),
        );
        app.call(
            "test_provider",
            json!({ "id": saved["id"], "model": "echo" }),
        )
    };

    let good = test(&app.mock.base_url(), "sk-test-good-0000");
    assert_eq!(good["ok"], true, "the mock accepts this key: {good}");
    assert!(
        good["modelCount"].as_u64().unwrap_or(0) > 0,
        "a working provider reports how many models it lists: {good}"
    );

    // halley-mock refuses keys starting with sk-bad, as a provider refuses a wrong key.
    let refused = test(&app.mock.base_url(), "sk-bad-0000");
    assert_eq!(refused["ok"], false, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("key was refused"),
        "a refused key is named as the problem: {refused}"
    );

    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let dead = test(&format!("http://127.0.0.1:{port}/v1"), "sk-test-dead-0000");
    assert_eq!(dead["ok"], false, "{dead}");
    assert!(
        dead["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Could not reach"),
        "an address that does not answer is named as the problem: {dead}"
    );
}
