//! A conversation with an assistant, as the app runs it: the assistant it
//! starts with, its own instructions, a switch mid-conversation, and what
//! each turn's request carries (`instructions`, model, effort, verbosity,
//! tools), built as the app builds it.

use halley_core::assistants::{
    assistant_of, changes_of, instructions_of, AssistantInput, AssistantTools,
};
use halley_core::chat::{
    build_request, prepare_send, Chaining, ChatOptions, Outgoing, ReasoningEffort, Verbosity,
};
use halley_core::History;
use serde_json::Value;

use crate::support::{complete, memory_history};

fn save(history: &History, name: &str, instructions: &str, web_search: bool) -> String {
    history
        .save_assistant(AssistantInput {
            name: name.into(),
            instructions: instructions.into(),
            model: "gpt-5.2".into(),
            reasoning_effort: Some(ReasoningEffort::XHigh),
            verbosity: Some(Verbosity::Low),
            tools: AssistantTools {
                web_search,
                ..AssistantTools::default()
            },
            ..AssistantInput::default()
        })
        .expect("assistant")
        .id
}

/// The composer's choices taken from the assistant and the instructions
/// from what the conversation keeps, as `commands::runs` fills them.
fn request_for(
    history: &History,
    conversation_id: &str,
    user_message_id: &str,
    chaining: Chaining,
) -> Value {
    let tree = history.get_conversation(conversation_id).expect("tree");
    let settings = &tree.conversation.settings;
    let assistant = assistant_of(settings);
    let options = ChatOptions {
        model: assistant
            .as_ref()
            .map_or("gpt-5-mini".into(), |a| a.model.clone()),
        web_search: assistant.as_ref().is_some_and(|a| a.tools.web_search),
        reasoning_effort: assistant.as_ref().and_then(|a| a.reasoning_effort),
        verbosity: assistant.as_ref().and_then(|a| a.verbosity),
        instructions: instructions_of(settings),
        store: true,
        ..ChatOptions::default()
    };
    let request =
        build_request(history, &tree, user_message_id, &options, chaining).expect("request");
    serde_json::to_value(request).expect("json")
}

fn send(
    history: &History,
    conversation_id: Option<String>,
    parent: Option<String>,
) -> (String, String, String) {
    let prepared = prepare_send(
        history,
        Outgoing {
            conversation_id,
            parent_id: parent,
            text: "Quiz me".into(),
            attachments: Vec::new(),
            model: "gpt-5.2".into(),
            provider_id: None,
        },
    )
    .expect("sent");
    (
        prepared.conversation_id,
        prepared.user_message_id.expect("user"),
        prepared.assistant_message_id,
    )
}

#[test]
fn each_turn_carries_its_assistants_instructions_and_settings_and_a_switch_is_recorded() {
    let history = memory_history();
    let tutor = save(&history, "Tutor", "You are a patient tutor.", true);
    let poet = save(&history, "Poet", "Answer in verse.", false);

    // A new chat with the Tutor: its first message is kept, then the assistant.
    let (conversation, user, answer) = send(&history, None, None);
    history
        .begin_conversation_with(&conversation, &tutor)
        .expect("begins with the tutor");
    history
        .set_conversation_instructions(&conversation, "Use metric units.")
        .expect("own instructions");
    let first = request_for(&history, &conversation, &user, Chaining::Replay);
    assert_eq!(
        first["instructions"],
        "You are a patient tutor.\n\nUse metric units."
    );
    assert_eq!(first["model"], "gpt-5.2");
    assert_eq!(first["reasoning"]["effort"], "xhigh");
    assert_eq!(first["text"]["verbosity"], "low");
    assert_eq!(first["tools"][0]["type"], "web_search_preview");
    let tree = history.get_conversation(&conversation).expect("tree");
    assert!(
        changes_of(&tree.conversation.settings).is_empty(),
        "starting with an assistant is no switch"
    );

    history
        .finish_assistant_message(&answer, &complete("Here is a quiz."))
        .expect("answered");
    history
        .set_conversation_assistant(&conversation, Some(&poet))
        .expect("switched");
    let tree = history.get_conversation(&conversation).expect("tree");
    let changes = changes_of(&tree.conversation.settings);
    assert_eq!(changes.len(), 1, "the switch is in the history");
    assert_eq!(
        changes[0].after_message_id.as_deref(),
        Some(answer.as_str())
    );
    assert_eq!(
        changes[0].assistant.as_ref().map(|a| a.name.as_str()),
        Some("Poet")
    );

    // The next turn chains on the stored answer and still carries the
    // instructions: the server does not keep them across turns.
    let (_, second_user, _) = send(&history, Some(conversation.clone()), Some(answer.clone()));
    let second = request_for(
        &history,
        &conversation,
        &second_user,
        Chaining::PreviousResponse,
    );
    assert_eq!(second["previous_response_id"], "resp_1");
    assert_eq!(
        second["instructions"],
        "Answer in verse.\n\nUse metric units."
    );
    assert!(second.get("tools").is_none(), "the Poet has no web search");

    // Deleting the Poet changes nothing the conversation sends.
    history.delete_assistant(&poet).expect("deleted");
    let after = request_for(&history, &conversation, &second_user, Chaining::Replay);
    assert_eq!(after["instructions"], second["instructions"]);
}
