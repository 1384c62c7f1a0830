use halley_core::history::{MessageError, MessageParts, MessageStatus, TurnErrorCode};
use halley_core::{Error, History};

use crate::support::{complete, file_history, memory_history, new_conversation};

#[test]
fn progress_then_finish() {
    let history = memory_history();
    let c = new_conversation(&history, "stream");
    let user = history
        .append_user_message(&c, None, "question", &[])
        .expect("user");
    let a = history
        .begin_assistant_message(&user.id, "gpt-5")
        .expect("begin");
    assert_eq!(
        a.status,
        MessageStatus::Streaming,
        "a new assistant message is streaming"
    );
    let updated = history
        .update_assistant_progress(&a.id, "Hel", "", &MessageParts::default())
        .expect("progress");
    assert!(updated, "progress lands while streaming");
    let done = history
        .finish_assistant_message(&a.id, &complete("Hello"))
        .expect("finish");
    assert_eq!(
        (done.status, done.text.as_str()),
        (MessageStatus::Complete, "Hello"),
        "the final text replaces progress"
    );
    let late = history
        .update_assistant_progress(&a.id, "Hel", "", &MessageParts::default())
        .expect("late progress");
    assert!(!late, "a late progress write after the end changes nothing");
    assert_eq!(
        history.get_message(&a.id).expect("message").text,
        "Hello",
        "the final text survives late progress"
    );
    let again = history.finish_assistant_message(&a.id, &complete("other"));
    assert!(
        matches!(again, Err(Error::InvalidInput(_))),
        "a message is finished once"
    );
    assert!(
        matches!(
            history.update_assistant_progress("missing", "", "", &MessageParts::default()),
            Err(Error::NotFound(_))
        ),
        "progress on an unknown id is NotFound, not silently ignored"
    );
}

#[test]
fn error_outcome_is_kept() {
    let history = memory_history();
    let c = new_conversation(&history, "fail");
    let user = history
        .append_user_message(&c, None, "q", &[])
        .expect("user");
    let a = history
        .begin_assistant_message(&user.id, "gpt-5")
        .expect("begin");
    let mut outcome = complete("");
    outcome.status = MessageStatus::Error;
    outcome.error = Some(MessageError {
        code: TurnErrorCode::HttpStatus,
        message: "Slow down".into(),
        status: Some(429),
        api_code: None,
    });
    let done = history
        .finish_assistant_message(&a.id, &outcome)
        .expect("finish");
    assert_eq!(
        done.error.map(|e| (e.code, e.status)),
        Some((TurnErrorCode::HttpStatus, Some(429))),
        "the error round-trips"
    );
}

#[test]
fn crash_keeps_partial_text_and_startup_marks_it_interrupted() {
    let (dir, history) = file_history();
    let path = dir.path().join("history.sqlite3");
    let c = new_conversation(&history, "crash");
    let user = history
        .append_user_message(&c, None, "tell me a story", &[])
        .expect("user");
    let a = history
        .begin_assistant_message(&user.id, "gpt-5")
        .expect("begin");
    history
        .update_assistant_progress(
            &a.id,
            "Once upon a time",
            "thinking",
            &MessageParts::default(),
        )
        .expect("progress");
    // Simulate a crash: the handle is leaked, never closed, never finished
    // (no checkpoint, no final write; only what was committed is on disk).
    std::mem::forget(history);

    let reopened = History::open(&path).expect("reopens after the crash");
    let marked = reopened.mark_interrupted_on_startup().expect("mark");
    assert_eq!(
        marked, 1,
        "exactly the one message that was streaming is marked"
    );
    let message = reopened.get_message(&a.id).expect("message survives");
    assert_eq!(
        message.text, "Once upon a time",
        "the committed partial text is there after reopening"
    );
    assert_eq!(message.reasoning, "thinking", "so is the partial reasoning");
    assert_eq!(
        message.status,
        MessageStatus::Interrupted,
        "it is no longer shown as streaming"
    );
    assert_eq!(
        reopened.get_message(&user.id).expect("user").text,
        "tell me a story",
        "the user's words were committed first"
    );
    assert_eq!(
        reopened.mark_interrupted_on_startup().expect("mark again"),
        0,
        "marking is idempotent"
    );
}

#[test]
fn streaming_refuses_streaming_outcome() {
    let history = memory_history();
    let c = new_conversation(&history, "x");
    let user = history
        .append_user_message(&c, None, "q", &[])
        .expect("user");
    let a = history
        .begin_assistant_message(&user.id, "gpt-5")
        .expect("begin");
    let mut outcome = complete("x");
    outcome.status = MessageStatus::Streaming;
    // "Finished but streaming" would leave the UI waiting forever.
    assert!(
        matches!(
            history.finish_assistant_message(&a.id, &outcome),
            Err(Error::InvalidInput(_))
        ),
        "refused"
    );
}
