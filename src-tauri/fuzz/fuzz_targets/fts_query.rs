//! (d) The search box: `fts_query` turns any text into a MATCH string that
//! SQLite FTS5 accepts (no syntax error, whatever the user typed), of a size
//! bounded by the input, answered quickly (libFuzzer's `-timeout`).
#![no_main]

use halley_core::history::fts_query;
use libfuzzer_sys::fuzz_target;
use rusqlite::Connection;
use std::cell::RefCell;

thread_local! {
    static DB: RefCell<Connection> = RefCell::new(fts_table());
}

/// The app's tokenizer settings on a small table (see history/schema.rs).
fn fts_table() -> Connection {
    let conn = Connection::open_in_memory().expect("in-memory SQLite");
    conn.execute_batch(
        "CREATE VIRTUAL TABLE t USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');
         INSERT INTO t (text) VALUES ('hello world'), ('Xin chào thế giới'), ('a \"quoted\" NEAR AND OR NOT * ^ - : text');",
    )
    .expect("FTS5 table");
    conn
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let Some(query) = fts_query(&input) else {
        return;
    };
    // Quotes double, and each word gains two quotes, a space and a `*`.
    assert!(
        query.len() <= 3 * input.len() + 4,
        "the query grows linearly: {} bytes from {}",
        query.len(),
        input.len()
    );
    DB.with(|db| {
        let db = db.borrow();
        let result: Result<i64, _> =
            db.query_row("SELECT count(*) FROM t WHERE t MATCH ?1", [&query], |row| {
                row.get(0)
            });
        if let Err(error) = result {
            panic!("FTS5 rejected {query:?} (from {input:?}): {error}");
        }
    });
});
