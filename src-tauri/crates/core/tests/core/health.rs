//! A damaged, unreadable or newer history file is refused with a problem the
//! app can explain, and "start fresh" keeps the old file aside.

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use halley_core::history::{self, HistoryProblem};
use halley_core::{Error, History};

use crate::support::{new_conversation, turn};

/// A real history file with a few hundred messages, closed (so its WAL is
/// checkpointed into the file and removed).
fn real_history_file(path: &Path) {
    let history = History::open(path).expect("a new file opens");
    let c = new_conversation(&history, "Before the damage");
    let long = "a sentence that fills pages of the file. ".repeat(40);
    for i in 0..200 {
        turn(&history, &c, None, &format!("question {i}"), &long);
    }
    drop(history);
    assert!(
        std::fs::metadata(path).expect("file").len() > 64 * 4096,
        "the file has pages enough to damage"
    );
}

fn overwrite(path: &Path, offset: u64, bytes: &[u8]) {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("open for damage");
    file.seek(SeekFrom::Start(offset)).expect("seek");
    file.write_all(bytes).expect("damage");
}

fn problem(path: &Path) -> HistoryProblem {
    match History::open(path) {
        Err(Error::History(problem)) => problem,
        Err(other) => panic!("expected a history problem, got {other:?}"),
        Ok(_) => panic!("a broken file must not open"),
    }
}

#[test]
fn overwritten_pages_are_found_at_open_and_reported_as_damage() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite3");
    real_history_file(&path);
    // Garbage over pages in the middle of the file: b-tree pages of the
    // messages table and the search index, as a bad sector or a stray write
    // would leave them. The header (page 1) stays intact.
    for page in [5_u64, 20, 40] {
        overwrite(&path, page * 4096, &[0xA5; 4096]);
    }
    let found = problem(&path);
    assert!(
        matches!(found, HistoryProblem::Damaged { ref detail } if !detail.is_empty()),
        "damage is reported with what SQLite found: {found:?}"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_unreadable_not_an_empty_history() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite3");
    real_history_file(&path);
    overwrite(&path, 0, b"this is not the SQLite header, it is text!!");
    assert!(
        matches!(problem(&path), HistoryProblem::Unreadable { .. }),
        "an overwritten header is reported, not treated as a new empty file"
    );
}

#[test]
fn a_newer_schema_is_its_own_problem() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch("PRAGMA user_version = 999;")
            .expect("future");
    }
    assert!(
        matches!(problem(&path), HistoryProblem::Newer { found: 999, .. }),
        "the window can say: update Halley"
    );
}

#[test]
fn starting_fresh_keeps_the_damaged_file_aside_byte_for_byte() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite3");
    real_history_file(&path);
    overwrite(&path, 5 * 4096, &[0xA5; 4096]);
    let damaged = std::fs::read(&path).expect("damaged bytes");
    // The refused open must not have written anything (not even the journal mode).
    problem(&path);
    assert!(
        !dir.path().join("history.sqlite3-wal").exists(),
        "no WAL was started on the damaged file"
    );

    let aside = history::set_aside(&path).expect("set aside");
    assert!(!path.exists(), "the damaged file left its place");
    let name = aside
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("history.damaged-") && name.ends_with(".sqlite3"),
        "renamed with a timestamp: {name}"
    );
    assert_eq!(
        std::fs::read(&aside).expect("kept"),
        damaged,
        "kept unchanged, for recovery"
    );
    let fresh = History::open(&path).expect("an empty history opens in its place");
    assert!(fresh.list_conversations().expect("list").is_empty());

    // Setting aside again in the same second must not overwrite the first.
    drop(fresh);
    let second = history::set_aside(&path).expect("again");
    assert_ne!(second, aside, "a second file aside gets its own name");
    assert!(aside.exists() && second.exists(), "both are kept");
}

#[test]
fn backups_in_the_backup_folder_are_offered_and_restored() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite3");
    assert!(
        history::list_backups(dir.path()).is_empty(),
        "no backup folder: nothing to offer"
    );
    let backups = dir.path().join(history::BACKUP_FOLDER);
    std::fs::create_dir_all(&backups).expect("backup folder");
    real_history_file(&backups.join("2026-12-01.sqlite3"));
    std::fs::write(&path, b"not a database at all, damaged beyond use").expect("damaged");

    let offered = history::list_backups(dir.path());
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert!(
        history::restore_backup(dir.path(), &path, "../history.sqlite3").is_err(),
        "only a listed backup can be restored"
    );
    let aside = history::restore_backup(dir.path(), &path, &offered[0].name).expect("restored");
    assert!(aside.exists(), "the damaged file was kept aside");
    let restored = History::open(&path).expect("the backup opens");
    assert_eq!(
        restored.list_conversations().expect("list")[0].title,
        "Before the damage"
    );
}
