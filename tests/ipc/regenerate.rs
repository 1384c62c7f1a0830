//! Regenerate answers the same question again, beside the old answer.

use crate::app::{finished, message, streamed_text, TestApp};

#[test]
fn regenerate_makes_a_sibling_answer() {
    let app = TestApp::start();
    app.add_mock_provider(&format!("sk-regen-{}", uuid::Uuid::new_v4().simple()));
    let first = app.send(None, None, "Say it twice", "echo", true);
    let first_done = app.channels.wait_finished(first.channel);
    assert_eq!(
        finished(&first_done)["status"],
        "complete",
        "{first_done:?}"
    );
    let user_id = first.user_message_id.clone().unwrap_or_default();

    let again = app.regenerate(&first.assistant_message_id, "echo");
    assert_eq!(
        again.conversation_id, first.conversation_id,
        "same conversation"
    );
    assert!(
        again.user_message_id.is_none(),
        "regenerate adds no user message"
    );
    assert_ne!(
        again.assistant_message_id, first.assistant_message_id,
        "the new answer is a new message, the old one is kept"
    );
    let again_done = app.channels.wait_finished(again.channel);
    assert_eq!(
        finished(&again_done)["status"],
        "complete",
        "{again_done:?}"
    );

    let conversation = app.conversation(&first.conversation_id);
    let user = message(&conversation, &user_id);
    assert_eq!(
        user["children"],
        serde_json::json!([first.assistant_message_id, again.assistant_message_id]),
        "both answers hang under the one question, oldest first"
    );
    for id in [&first.assistant_message_id, &again.assistant_message_id] {
        let answer = message(&conversation, id);
        assert_eq!(
            answer["parentId"],
            user_id.as_str(),
            "siblings share the parent"
        );
        assert_eq!(answer["text"], "Say it twice", "both are complete echoes");
    }
    assert_eq!(
        conversation["currentLeafId"], again.assistant_message_id,
        "the conversation now shows the regenerated answer"
    );

    let requests = app.create_requests();
    assert_eq!(requests.len(), 2, "one request per answer");
    let body = requests[1].body.as_ref().expect("a JSON request body");
    assert!(
        body.get("previous_response_id").is_none(),
        "a regenerated first answer must not chain to the answer it replaces: {body}"
    );
    assert_eq!(
        body["input"],
        requests[0].body.as_ref().expect("a JSON request body")["input"],
        "it asks the same question again"
    );
}

#[test]
fn regenerating_a_follow_up_chains_to_the_answer_before_it() {
    let app = TestApp::start();
    let provider = app.add_mock_provider(&format!("sk-regen-{}", uuid::Uuid::new_v4().simple()));
    app.trust_chaining(&provider, "echo");
    let first = app.send(None, None, "First", "echo", true);
    let first_done = app.channels.wait_finished(first.channel);
    let first_response = finished(&first_done)["responseId"].clone();
    let second = app.send(
        Some(&first.conversation_id),
        Some(&first.assistant_message_id),
        "Second",
        "echo",
        true,
    );
    let second_done = app.channels.wait_finished(second.channel);
    let second_response = finished(&second_done)["responseId"].clone();

    let again = app.regenerate(&second.assistant_message_id, "echo");
    let again_done = app.channels.wait_finished(again.channel);
    assert_eq!(
        finished(&again_done)["status"],
        "complete",
        "{again_done:?}"
    );
    assert_eq!(
        streamed_text(&again_done),
        "Second",
        "it answers the same question"
    );

    let requests = app.create_requests();
    let body = requests[2].body.as_ref().expect("a JSON request body");
    assert_eq!(
        body["previous_response_id"], first_response,
        "the new answer builds on the answer before the question, not on the one it replaces \
         ({second_response})"
    );
}
