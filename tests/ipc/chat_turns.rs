//! Full chat turns through IPC against the mock's `echo` model.

use serde_json::{json, Value};

use crate::app::{finished, message, streamed_text, TestApp};

fn input_roles(body: &Value) -> Vec<(String, String)> {
    body["input"]
        .as_array()
        .expect("input is sent as a list of items")
        .iter()
        .map(|item| {
            let text = item["content"][0]["text"].as_str().unwrap_or_default();
            (
                item["role"].as_str().unwrap_or_default().to_owned(),
                text.to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_turn_streams_saves_and_chains() {
    let app = TestApp::start();
    let key = format!("sk-turns-{}", uuid::Uuid::new_v4().simple());
    let provider = app.add_mock_provider(&key);
    // Chaining is used only where it is known to work (the probe's verdict).
    app.trust_chaining(&provider, "echo");

    let first = app.send(None, None, "Hello there, echo", "echo", true);
    assert!(
        first.user_message_id.is_some(),
        "RunStarted names the saved user message"
    );
    let updates = app.channels.wait_finished(first.channel);
    assert!(
        updates.iter().filter(|u| u["kind"] == "textDelta").count() > 1,
        "the answer streams in several small deltas: {updates:?}"
    );
    assert_eq!(
        streamed_text(&updates),
        "Hello there, echo",
        "the deltas add up to the echoed text"
    );
    let done = finished(&updates);
    assert_eq!(done["status"], "complete", "the echo completes: {done}");
    assert!(
        done["error"].is_null(),
        "a complete run has no error: {done}"
    );
    let first_response_id = done["responseId"]
        .as_str()
        .expect("a complete run reports its response id")
        .to_owned();

    let conversation = app.conversation(&first.conversation_id);
    let user_id = first.user_message_id.as_deref().unwrap_or_default();
    let user = message(&conversation, user_id);
    assert_eq!(user["role"], "user");
    assert_eq!(
        user["text"], "Hello there, echo",
        "the user's text is stored"
    );
    let answer = message(&conversation, &first.assistant_message_id);
    assert_eq!(answer["role"], "assistant");
    assert_eq!(answer["status"], "complete", "the stored answer is final");
    assert_eq!(
        answer["text"], "Hello there, echo",
        "the stored answer is the echo"
    );
    assert_eq!(
        answer["parentId"], user_id,
        "the answer hangs under the question"
    );
    assert_eq!(
        conversation["currentLeafId"], first.assistant_message_id,
        "the new answer is what the conversation shows"
    );

    let requests = app.create_requests();
    assert_eq!(requests.len(), 1, "one request per turn");
    // The new conversation is named after its first answer, keeping nothing
    // at the provider; the echo gives its first words back, so it stays.
    let naming = wait_for(|| app.naming_requests().into_iter().next());
    let body = naming.body.as_ref().expect("JSON");
    assert_eq!(body["store"], false);
    assert_eq!(body["input"], "Hello there, echo");
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {key}").as_str()),
        "the stored key is sent as a bearer token"
    );
    let body = requests[0].body.as_ref().expect("a JSON request body");
    assert_eq!(body["store"], true, "the UI asked for server-side storage");
    assert_eq!(body["stream"], true, "chat answers stream");
    assert_eq!(body["model"], "echo");
    assert!(
        body.get("previous_response_id").is_none(),
        "a first turn has nothing to chain to: {body}"
    );

    // Second turn, chained on the server.
    let second = app.send(
        Some(&first.conversation_id),
        Some(&first.assistant_message_id),
        "And again",
        "echo",
        true,
    );
    assert_eq!(
        second.conversation_id, first.conversation_id,
        "same conversation"
    );
    let updates = app.channels.wait_finished(second.channel);
    assert_eq!(finished(&updates)["status"], "complete", "{updates:?}");
    let requests = app.create_requests();
    let body = requests[1].body.as_ref().expect("a JSON request body");
    assert_eq!(
        body["previous_response_id"], first_response_id,
        "with storage on, a follow-up chains to the last stored answer"
    );
    assert_eq!(
        input_roles(body),
        vec![("user".to_owned(), "And again".to_owned())],
        "a chained request sends only the new message"
    );

    // Third turn with storage off: the app replays the branch itself.
    let third = app.send(
        Some(&first.conversation_id),
        Some(&second.assistant_message_id),
        "Third, unstored",
        "echo",
        false,
    );
    let updates = app.channels.wait_finished(third.channel);
    assert_eq!(finished(&updates)["status"], "complete", "{updates:?}");
    assert_eq!(
        streamed_text(&updates),
        "Third, unstored",
        "the echo answers the newest message"
    );
    let requests = app.create_requests();
    let body = requests[2].body.as_ref().expect("a JSON request body");
    assert_eq!(body["store"], false, "the UI turned storage off");
    assert!(
        body.get("previous_response_id").is_none(),
        "without storage there is nothing on the server to chain to: {body}"
    );
    let pairs = |role: &str, text: &str| (role.to_owned(), text.to_owned());
    assert_eq!(
        input_roles(body),
        vec![
            pairs("user", "Hello there, echo"),
            pairs("assistant", "Hello there, echo"),
            pairs("user", "And again"),
            pairs("assistant", "And again"),
            pairs("user", "Third, unstored"),
        ],
        "an unstored request replays the whole branch, oldest first"
    );

    let listed = app.call("list_conversations", json!({}));
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(1),
        "three turns, one conversation: {listed}"
    );
    assert_eq!(
        listed[0]["title"], "Hello there, echo",
        "the title comes from the first message"
    );
    app.assert_key_never_sent_to_ui(&key);
}

#[test]
fn a_provider_that_refuses_chain_links_gets_the_branch_replayed() {
    let app = TestApp::start();
    let key = format!("sk-nochain-{}", uuid::Uuid::new_v4().simple());
    let provider = app.add_mock_provider(&key);
    // fault:no-chain answers like echo but refuses any previous_response_id,
    // as a gateway that stores nothing does (400 previous_response_not_found).
    let model = "fault:no-chain";
    // A probe once said chaining works (the gateway changed since): the
    // refusal must still be survived, and remembered.
    app.trust_chaining(&provider, model);

    let first = app.send(None, None, "First question", model, true);
    let updates = app.channels.wait_finished(first.channel);
    assert_eq!(finished(&updates)["status"], "complete", "{updates:?}");

    let second = app.send(
        Some(&first.conversation_id),
        Some(&first.assistant_message_id),
        "Second question",
        model,
        true,
    );
    let updates = app.channels.wait_finished(second.channel);
    let done = finished(&updates);
    assert_eq!(
        done["status"], "complete",
        "a refused chain link is not the user's problem: the turn still answers: {updates:?}"
    );
    assert!(done["error"].is_null(), "and carries no error: {done}");
    assert_eq!(
        streamed_text(&updates),
        "Second question",
        "the replayed request is answered"
    );

    let requests = app.create_requests();
    assert_eq!(
        requests.len(),
        3,
        "first turn, the refused chained request, and its replay"
    );
    let refused = requests[1].body.as_ref().expect("a JSON request body");
    assert!(
        refused["previous_response_id"].is_string(),
        "storage is on, so the app first tries to chain: {refused}"
    );
    let replayed = requests[2].body.as_ref().expect("a JSON request body");
    assert!(
        replayed.get("previous_response_id").is_none(),
        "the retry does not repeat the refused link: {replayed}"
    );
    let pairs = |role: &str, text: &str| (role.to_owned(), text.to_owned());
    assert_eq!(
        input_roles(replayed),
        vec![
            pairs("user", "First question"),
            pairs("assistant", "First question"),
            pairs("user", "Second question"),
        ],
        "the retry replays the whole branch itself"
    );
    let conversation = app.conversation(&first.conversation_id);
    let answer = message(&conversation, &second.assistant_message_id);
    assert_eq!(answer["status"], "complete", "the stored answer is final");
    assert_eq!(answer["text"], "Second question");

    // The provider is remembered: the next turn replays straight away.
    let third = app.send(
        Some(&first.conversation_id),
        Some(&second.assistant_message_id),
        "Third question",
        model,
        true,
    );
    let updates = app.channels.wait_finished(third.channel);
    assert_eq!(finished(&updates)["status"], "complete", "{updates:?}");
    let requests = app.create_requests();
    assert_eq!(
        requests.len(),
        4,
        "one request for the third turn: no refused attempt first"
    );
    let body = requests[3].body.as_ref().expect("a JSON request body");
    assert!(
        body.get("previous_response_id").is_none(),
        "a provider known to refuse chain links is not asked again: {body}"
    );
    assert_eq!(
        input_roles(body).len(),
        5,
        "the whole branch is replayed: {body}"
    );
}

/// Polls `find` for up to five seconds (the naming request follows the turn).
fn wait_for<T>(find: impl Fn() -> Option<T>) -> T {
    for _ in 0..100 {
        if let Some(found) = find() {
            return found;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("not within five seconds")
}
