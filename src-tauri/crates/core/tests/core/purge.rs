//! Deleted conversations leave the file after the undo window: rows, search
//! index and the raw bytes of the database and its write-ahead log.

use std::time::Duration;

use halley_core::history::UNDO_WINDOW;

use crate::support::{file_history, new_conversation, turn};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The database file and its WAL, as raw bytes.
fn raw_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut bytes = std::fs::read(dir.join("history.sqlite3")).expect("db bytes");
    if let Ok(wal) = std::fs::read(dir.join("history.sqlite3-wal")) {
        bytes.extend(wal);
    }
    bytes
}

#[test]
fn a_purged_conversation_is_in_no_table_no_index_and_no_byte_of_the_file() {
    let (dir, history) = file_history();
    let secret = format!("purgecanary{}", uuid::Uuid::new_v4().simple());
    let kept = new_conversation(&history, "kept");
    turn(
        &history,
        &kept,
        None,
        "an unrelated question",
        "an unrelated answer",
    );
    let doomed = new_conversation(&history, "doomed");
    for i in 0..30 {
        turn(
            &history,
            &doomed,
            None,
            &format!("question {i} mentions {secret}"),
            &format!("answer {i} repeats {secret} and more text around it"),
        );
    }
    assert!(
        contains(&raw_bytes(dir.path()), secret.as_bytes()),
        "the text is in the file before the purge, so the search below means something"
    );

    history.delete_conversation(&doomed).expect("delete");
    assert_eq!(
        history.purge_expired(UNDO_WINDOW).expect("purge"),
        0,
        "inside the undo window nothing is purged"
    );
    history.undo_delete(&doomed).expect("undo still works");
    history.delete_conversation(&doomed).expect("delete again");
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(
        history.purge_expired(Duration::ZERO).expect("purge"),
        1,
        "after the window it is purged"
    );

    assert!(
        history.get_conversation(&doomed).is_err(),
        "the rows are gone"
    );
    assert!(
        history.search(&secret, 10).expect("search").is_empty(),
        "the index finds nothing"
    );
    assert_eq!(
        history.search("unrelated", 10).expect("search").len(),
        2,
        "the other conversation is untouched"
    );
    assert!(
        history.integrity_check().expect("check"),
        "the file is sound"
    );
    let bytes = raw_bytes(dir.path());
    assert!(
        !contains(&bytes, secret.as_bytes()),
        "no byte of the database or its WAL still holds the purged text"
    );
}
