//! The `parts` column as rows already on disk hold it: what the previous
//! version wrote (`[]` for user messages and unfinished answers, the
//! `{output, citations}` object for answers, `null` output for a turn that
//! failed before any) reads as before; a damaged value is flagged, not
//! turned into "no parts".

use halley_core::history::MessageParts;
use rusqlite::{params, Connection};

use crate::support::{file_history, new_conversation, turn};

/// Overwrites a stored message's `parts` column as an older version (or a
/// damaged disk) left it.
fn set_parts(path: &std::path::Path, message_id: &str, parts: &str) {
    let conn = Connection::open(path).expect("open");
    let changed = conn
        .execute(
            "UPDATE messages SET parts = ?2 WHERE id = ?1",
            params![message_id, parts],
        )
        .expect("update");
    assert_eq!(changed, 1);
}

#[test]
fn rows_in_the_previous_shapes_still_read() {
    let (dir, history) = file_history();
    let path = dir.path().join("history.sqlite3");
    let conversation = new_conversation(&history, "old rows");
    let (user, answer) = turn(&history, &conversation, None, "q", "a");
    let (_, failed) = turn(&history, &conversation, Some(&answer.id), "q2", "");
    // Exactly what the previous version wrote: a user message's `[]`, an
    // answer's object with a reasoning item and a citation, and the `null`
    // output of a turn that failed before any output.
    set_parts(&path, &user.id, "[]");
    set_parts(
        &path,
        &answer.id,
        r#"{"output":[{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"BLOB","status":"completed"},{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"a","annotations":[{"type":"url_citation","url":"https://example.com/","title":"Example","start_index":0,"end_index":1}]}]}],"citations":[{"url":"https://example.com/","title":"Example"}]}"#,
    );
    set_parts(&path, &failed.id, r#"{"output":null,"citations":[]}"#);

    let tree = history.get_conversation(&conversation).expect("reads");
    let user = tree.message(&user.id).expect("user");
    assert_eq!(user.parts, MessageParts::default());
    assert_eq!(user.damaged, None);
    let answer = tree.message(&answer.id).expect("answer");
    assert_eq!(answer.damaged, None, "{:?}", answer.damaged);
    assert_eq!(answer.parts.output.len(), 2);
    assert_eq!(answer.parts.output[0].item_type(), "reasoning");
    assert_eq!(answer.parts.citations.len(), 1);
    assert_eq!(answer.parts.citations[0].url, "https://example.com/");
    let failed = tree.message(&failed.id).expect("failed");
    assert!(failed.parts.is_empty() && failed.damaged.is_none());
}

#[test]
fn a_damaged_parts_column_is_flagged_and_the_text_kept() {
    let (dir, history) = file_history();
    let path = dir.path().join("history.sqlite3");
    let conversation = new_conversation(&history, "damaged");
    let (_, answer) = turn(&history, &conversation, None, "q", "the answer");
    set_parts(&path, &answer.id, r#"{"citations":[{"title":"no url"}]}"#);
    let message = history.get_message(&answer.id).expect("still reads");
    assert_eq!(message.text, "the answer", "the text is not lost");
    assert_eq!(message.damaged.as_deref(), Some("parts"));
    assert!(message.parts.is_empty());
}
