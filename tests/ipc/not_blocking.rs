//! Commands do not block: a command that waits for SQLite (or the keyring,
//! or a file) must neither hold the thread that hands it over (the main
//! thread in the app, which draws the window) nor the async runtime's
//! workers. Another connection holds the history's write lock, as a slow
//! disk or a long write would, while writes are dispatched.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::app::TestApp;

/// How long the lock is held: far longer than handing a call over takes.
const HELD: Duration = Duration::from_millis(1500);
/// More writes than the runtime has workers, so a command that blocked a
/// worker would leave none free.
const WRITES: usize = 8;

#[test]
fn a_command_waiting_for_sqlite_holds_neither_the_caller_nor_the_runtime() {
    let app = TestApp::start();
    let settings = app.call("get_settings", json!({}))["settings"].clone();
    let blocker = rusqlite::Connection::open(app.data_dir().join("history.sqlite3"))
        .expect("a second connection to the history");
    blocker
        .execute_batch("BEGIN IMMEDIATE")
        .expect("the write lock");
    let locked_at = Instant::now();

    let answers: Vec<_> = (0..WRITES)
        .map(|_| app.dispatch("save_settings", json!({ "settings": settings })))
        .collect();
    let handed_over = locked_at.elapsed();
    // A trivial task on the runtime still gets a worker at once.
    let runtime_free = tauri::async_runtime::block_on(async {
        let spawned = Instant::now();
        tauri::async_runtime::spawn(async move { spawned.elapsed() })
            .await
            .expect("the task ran")
    });
    // And a command that needs no lock answers meanwhile.
    let info = app.dispatch("app_info", json!({}));
    let info_answer = info.recv_timeout(Duration::from_millis(500));
    let waiting = answers.iter().filter(|rx| rx.try_recv().is_err()).count();

    std::thread::sleep(HELD.saturating_sub(locked_at.elapsed()));
    blocker
        .execute_batch("COMMIT")
        .expect("the lock is released");

    assert!(
        handed_over < Duration::from_millis(500),
        "handing {WRITES} writes over took {handed_over:?}: a command ran on the caller's thread"
    );
    assert!(
        runtime_free < Duration::from_millis(500),
        "a task waited {runtime_free:?} for a runtime worker: a command blocked the runtime"
    );
    assert!(
        matches!(&info_answer, Ok(Ok(v)) if v["name"] == "Halley"),
        "app_info answered while the writes waited: {info_answer:?}"
    );
    assert_eq!(waiting, WRITES, "the writes did wait for the lock");
    for answer in answers {
        let saved = answer
            .recv_timeout(Duration::from_secs(10))
            .expect("each write answers once the lock is free");
        assert_eq!(saved, Ok(json!(null)), "the write succeeded");
    }
}
