//! (e) The conversation importers: any bytes give `Ok` or a clean error,
//! never a panic, within libFuzzer's memory and time limits; whatever
//! imports as a Halley conversation exports and imports again; and the
//! Settings → Your data import (ChatGPT's `conversations.json`, Halley's own
//! JSON) is all or nothing: what it reports added is what is listed.
#![no_main]

use halley_core::history::ImportSource;
use halley_core::History;
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

/// Imports between fresh databases, so the in-memory one does not grow
/// across millions of runs (which `-rss_limit_mb` would report as a leak).
const IMPORTS_PER_DATABASE: u32 = 500;

thread_local! {
    static DB: RefCell<(History, u32)> = RefCell::new((fresh(), 0));
}

fn fresh() -> History {
    History::open_in_memory().expect("in-memory history")
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    DB.with(|db| {
        let mut db = db.borrow_mut();
        db.1 += 1;
        if db.1 > IMPORTS_PER_DATABASE {
            *db = (fresh(), 0);
        }
        let history = &db.0;
        let listed = || history.list_conversations().expect("listed").len() as u32;
        for source in [ImportSource::Chatgpt, ImportSource::Halley] {
            let before = listed();
            let added = match history.import_file(source, &text) {
                Ok(report) => report.conversations_added,
                Err(_) => 0,
            };
            assert_eq!(
                listed(),
                before + added,
                "{source:?}: added as reported, or nothing"
            );
        }
        let Ok(conversation) = history.import_json(&text) else {
            return;
        };
        let exported = history
            .export_json(&conversation.id)
            .expect("an imported conversation exports");
        if let Err(error) = history.import_json(&exported) {
            panic!("its own export does not import again: {error}\n{exported}");
        }
    });
});
