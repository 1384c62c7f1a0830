//! How a chat turn's request is built from the history: chaining with
//! previous_response_id, replaying a branch, attachments and options.

use halley_core::chat::{
    prepare_regenerate, prepare_send, Chaining, ChatOptions, Outgoing, ReasoningEffort,
};
use halley_core::history::{
    AssistantOutcome, AttachmentKind, ConversationTree, MessageParts, MessageStatus, NewAttachment,
    Usage,
};
use halley_core::{Error, History};
use serde_json::{json, Value};

use crate::support::{memory_history, new_conversation, turn};

/// The request as the JSON that goes on the wire.
fn build_request(
    history: &History,
    tree: &ConversationTree,
    user_message_id: &str,
    options: &ChatOptions,
    chaining: Chaining,
) -> Result<Value, Error> {
    let request =
        halley_core::chat::build_request(history, tree, user_message_id, options, chaining)?;
    Ok(serde_json::to_value(request).expect("a request is JSON"))
}

fn options(store: bool) -> ChatOptions {
    ChatOptions {
        model: "gpt-5".into(),
        web_search: false,
        reasoning_effort: None,
        store,
        ..ChatOptions::default()
    }
}

fn outgoing(conversation_id: Option<String>, parent_id: Option<String>, text: &str) -> Outgoing {
    Outgoing {
        conversation_id,
        parent_id,
        text: text.into(),
        attachments: Vec::new(),
        model: "gpt-5".into(),
        provider_id: None,
    }
}

#[test]
fn second_turn_chains_on_the_stored_answer() {
    let history = memory_history();
    let conversation = new_conversation(&history, "t");
    let (_, answer) = turn(&history, &conversation, None, "first", "one");
    let user = history
        .append_user_message(&conversation, Some(&answer.id), "second", &[])
        .expect("stored");
    let tree = history.get_conversation(&conversation).expect("tree");
    let body = build_request(
        &history,
        &tree,
        &user.id,
        &options(true),
        Chaining::PreviousResponse,
    )
    .expect("request builds");
    // The server holds turn one; only the new message goes out.
    assert_eq!(
        body["previous_response_id"],
        json!("resp_1"),
        "chains on the last complete answer"
    );
    assert_eq!(
        body["input"].as_array().map(Vec::len),
        Some(1),
        "only the new user message: {body}"
    );
    assert_eq!(body["input"][0]["content"][0]["text"], json!("second"));
    assert_eq!(body["store"], json!(true));
    assert_eq!(body["stream"], json!(true), "chat always streams");
    assert!(
        body.get("tools").is_none() && body.get("reasoning").is_none(),
        "defaults are not sent: {body}"
    );
}

#[test]
fn replay_sends_the_whole_branch_with_reasoning_blobs() {
    let history = memory_history();
    let conversation = new_conversation(&history, "t");
    let user = history
        .append_user_message(&conversation, None, "first", &[])
        .expect("stored");
    let answer = history
        .begin_assistant_message(&user.id, "gpt-5")
        .expect("begun");
    let reasoning = json!({"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "BLOB", "status": "completed"});
    history
        .finish_assistant_message(
            &answer.id,
            &AssistantOutcome {
                status: MessageStatus::Complete,
                text: "one".into(),
                reasoning: String::new(),
                parts: MessageParts::from_value(
                    json!({"output": [reasoning, {"type": "message", "role": "assistant", "content": []}]}),
                )
                .expect("parts"),
                response_id: Some("resp_1".into()),
                request: None,
                response: None,
                usage: Usage::default(),
                error: None,
            },
        )
        .expect("finished");
    let next = history
        .append_user_message(&conversation, Some(&answer.id), "second", &[])
        .expect("stored");
    let tree = history.get_conversation(&conversation).expect("tree");
    let mut opts = options(false);
    opts.reasoning_effort = Some(ReasoningEffort::Low);
    let body = build_request(&history, &tree, &next.id, &opts, Chaining::PreviousResponse)
        .expect("builds");
    let input = body["input"].as_array().expect("input is a list");
    // Without server storage nothing can be chained: every turn goes out again,
    // and the reasoning item keeps its encrypted blob so the model keeps its context.
    assert!(
        body.get("previous_response_id").is_none(),
        "no chaining when store is off: {body}"
    );
    assert_eq!(
        input.len(),
        4,
        "user, reasoning, assistant, user: {input:?}"
    );
    assert_eq!(
        input[1]["encrypted_content"],
        json!("BLOB"),
        "blob sent back verbatim"
    );
    assert!(
        input[1].get("status").is_none(),
        "output-only status is not sent back as input"
    );
    assert_eq!(input[2]["role"], json!("assistant"));
    for item in [&input[0], &input[3]] {
        assert_eq!(
            item["type"],
            json!("message"),
            "every message says its type: some gateways read no other: {item}"
        );
    }
    assert_eq!(
        body["include"],
        json!(["reasoning.encrypted_content"]),
        "asks for the blob for next time"
    );
    assert_eq!(
        body["reasoning"],
        json!({"effort": "low", "summary": "auto"})
    );
}

#[test]
fn replay_fallback_is_available_even_with_storage_on() {
    let history = memory_history();
    let conversation = new_conversation(&history, "t");
    let (_, answer) = turn(&history, &conversation, None, "first", "one");
    let user = history
        .append_user_message(&conversation, Some(&answer.id), "second", &[])
        .expect("stored");
    let tree = history.get_conversation(&conversation).expect("tree");
    let body =
        build_request(&history, &tree, &user.id, &options(true), Chaining::Replay).expect("builds");
    // When a gateway rejects previous_response_id the app replays instead.
    assert!(body.get("previous_response_id").is_none());
    assert_eq!(
        body["input"].as_array().map(Vec::len),
        Some(3),
        "user, assistant, user: {body}"
    );
}

#[test]
fn attachments_and_web_search_map_to_the_wire() {
    let history = memory_history();
    let prepared = prepare_send(
        &history,
        Outgoing {
            attachments: vec![
                NewAttachment {
                    kind: AttachmentKind::Image,
                    filename: "a.png".into(),
                    mime: "image/png".into(),
                    data: vec![1, 2, 3],
                },
                NewAttachment {
                    kind: AttachmentKind::Pdf,
                    filename: "b.pdf".into(),
                    mime: "application/pdf".into(),
                    data: b"%PDF".to_vec(),
                },
            ],
            ..outgoing(None, None, "look")
        },
    )
    .expect("sent");
    let tree = history
        .get_conversation(&prepared.conversation_id)
        .expect("tree");
    let user = prepared.user_message_id.expect("a user message");
    let mut opts = options(true);
    opts.web_search = true;
    let body =
        build_request(&history, &tree, &user, &opts, Chaining::PreviousResponse).expect("builds");
    let content = &body["input"][0]["content"];
    // Images go as data URLs, PDFs as file_data with their name (the API needs both).
    assert_eq!(content[1]["type"], json!("input_image"));
    assert_eq!(content[1]["image_url"], json!("data:image/png;base64,AQID"));
    assert_eq!(content[2]["type"], json!("input_file"));
    assert_eq!(content[2]["filename"], json!("b.pdf"));
    assert_eq!(
        content[2]["file_data"],
        json!("data:application/pdf;base64,JVBERg==")
    );
    assert_eq!(body["tools"], json!([{"type": "web_search_preview"}]));
    // The conversation was created and titled from the first message.
    let title = history
        .get_conversation(&prepared.conversation_id)
        .expect("tree")
        .conversation
        .title;
    assert_eq!(title, "look");
}

#[test]
fn empty_message_is_refused_before_anything_is_stored() {
    let history = memory_history();
    let error = prepare_send(&history, outgoing(None, None, "   ")).expect_err("refused");
    assert!(error.to_string().contains("empty"), "{error}");
    // Nothing half-made is left behind.
    assert!(history.list_conversations().expect("list").is_empty());
}

#[test]
fn regenerate_adds_a_sibling_answer() {
    let history = memory_history();
    let conversation = new_conversation(&history, "t");
    let (user, answer) = turn(&history, &conversation, None, "q", "a");
    let (prepared, parent) =
        prepare_regenerate(&history, &answer.id, "gpt-5").expect("regenerates");
    assert_eq!(
        parent, user.id,
        "the new answer replies to the same question"
    );
    let tree = history.get_conversation(&conversation).expect("tree");
    let siblings = tree
        .siblings(&prepared.assistant_message_id)
        .expect("has siblings");
    // Two answers under one question: the UI shows ‹ 2/2 ›.
    assert_eq!(siblings.ids.len(), 2);
    assert_eq!(siblings.index, 1);
    let new = tree
        .message(&prepared.assistant_message_id)
        .expect("stored");
    assert_eq!(
        new.status,
        MessageStatus::Streaming,
        "it waits for its stream"
    );
}
