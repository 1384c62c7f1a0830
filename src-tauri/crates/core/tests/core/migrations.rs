use halley_core::History;
use rusqlite::Connection;

use crate::support::file_history;

#[test]
fn fresh_file_reaches_latest_schema_and_reopens() {
    let (dir, history) = file_history();
    let version = history.schema_version().expect("version readable");
    // At least the first migration ran.
    assert!(
        version >= 1,
        "a fresh database is migrated, got version {version}"
    );
    assert!(
        history.integrity_check().expect("check runs"),
        "a fresh database is sound"
    );
    drop(history);
    // Reopening runs no migration twice (a second CREATE TABLE would fail).
    let again = History::open(&dir.path().join("history.sqlite3")).expect("reopens");
    assert_eq!(
        again.schema_version().expect("version"),
        version,
        "reopening keeps the version"
    );
}

#[test]
fn file_is_in_wal_mode_with_foreign_keys() {
    let (dir, history) = file_history();
    drop(history);
    let conn = Connection::open(dir.path().join("history.sqlite3")).expect("raw open");
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .expect("mode");
    // WAL is persistent in the file, so a raw connection sees what History set.
    assert_eq!(
        mode, "wal",
        "history files use WAL so reads do not block writes"
    );
}

#[test]
fn newer_schema_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("h.sqlite3");
    {
        let conn = Connection::open(&path).expect("open");
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 999;")
            .expect("seed future db");
    }
    let error = History::open(&path)
        .err()
        .expect("a newer schema is refused");
    assert!(
        error.to_string().contains("newer Halley"),
        "the message tells the user why: {error}"
    );
    let conn = Connection::open(&path).expect("open");
    let version: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version");
    // Refusing must not rewrite the version or run our migrations on it.
    assert_eq!(version, 999, "the newer database is not modified");
    let tables: u32 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'conversations'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(tables, 0, "no migration ran on the newer database");
}

#[test]
fn in_memory_history_has_every_table() {
    let history = crate::support::memory_history();
    // Creating a conversation touches the schema end to end.
    let id = crate::support::new_conversation(&history, "hello");
    assert_eq!(
        history.list_conversations().expect("list").len(),
        1,
        "the created conversation is listed: {id}"
    );
}
