use halley_core::history::{
    AssistantOutcome, Message, MessageParts, MessageStatus, NewConversation, Usage,
};
use halley_core::History;
use serde_json::json;

/// A history in a fresh temp dir; keep the dir alive as long as the history.
pub fn file_history() -> (tempfile::TempDir, History) {
    let dir = tempfile::tempdir().expect("temp dir");
    let history = History::open(&dir.path().join("history.sqlite3")).expect("history opens");
    (dir, history)
}

pub fn memory_history() -> History {
    History::open_in_memory().expect("in-memory history opens")
}

pub fn new_conversation(history: &History, title: &str) -> String {
    history
        .create_conversation(NewConversation {
            title: title.into(),
            model: Some("gpt-5".into()),
            ..Default::default()
        })
        .expect("conversation created")
        .id
}

pub fn complete(text: &str) -> AssistantOutcome {
    AssistantOutcome {
        status: MessageStatus::Complete,
        text: text.into(),
        reasoning: String::new(),
        parts: MessageParts::from_value(json!({"output": [{"type": "message", "role": "assistant",
            "content": [{"type": "output_text", "text": text}]}], "citations": []}))
        .expect("parts"),
        response_id: Some("resp_1".into()),
        request: Some(json!({"model": "gpt-5", "input": "q"})),
        response: Some(json!({"id": "resp_1", "status": "completed"})),
        usage: Usage {
            input_tokens: 10,
            cached_tokens: 2,
            output_tokens: 5,
            reasoning_tokens: 1,
        },
        error: None,
    }
}

/// A user message and its complete assistant answer; returns both.
pub fn turn(
    history: &History,
    conversation_id: &str,
    parent: Option<&str>,
    question: &str,
    answer: &str,
) -> (Message, Message) {
    let user = history
        .append_user_message(conversation_id, parent, question, &[])
        .expect("user message stored");
    let assistant = history
        .begin_assistant_message(&user.id, "gpt-5")
        .expect("assistant message begun");
    let assistant = history
        .finish_assistant_message(&assistant.id, &complete(answer))
        .expect("assistant message finished");
    (user, assistant)
}
