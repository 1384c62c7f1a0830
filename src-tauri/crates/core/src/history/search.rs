//! Full-text search over message text, newest first.

use rusqlite::params;

use super::{History, Role, SearchHit};
use crate::Error;

/// Turns whatever the user typed into a safe FTS5 query: each word becomes a
/// quoted string (so `AND`, `NEAR`, `*`, `-`, `:` and quotes are plain text),
/// words must all match, and the last one (if it has two letters or more)
/// matches as a prefix so results appear while typing. Words without any letter or digit are dropped: they
/// would produce no token and FTS5 rejects an empty prefix phrase.
/// Returns `None` when nothing searchable is left.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<&str> = input
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let last = words.len().checked_sub(1)?;
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let quoted = format!("\"{}\"", word.replace('"', "\"\""));
            // A one-letter prefix matches too much to be useful (and to be fast).
            if i == last && word.chars().filter(|c| c.is_alphanumeric()).count() >= 2 {
                format!("{quoted}*")
            } else {
                quoted
            }
        })
        .collect();
    Some(terms.join(" "))
}

impl History {
    /// Messages whose text matches `query` (see [`fts_query`]), newest stored
    /// first, skipping conversations in the trash. Newest means most recently
    /// stored: the index walks message rowids backwards, which is what keeps a
    /// million-message search fast; imported messages count from their import.
    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>, Error> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        self.read(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT m.id, m.conversation_id, c.title,
                        snippet(messages_fts, 0, char(2), char(3), '…', 16), m.created_at, m.role
                 FROM messages_fts
                 JOIN messages m ON m.seq = messages_fts.rowid
                 JOIN conversations c ON c.id = m.conversation_id
                 WHERE messages_fts MATCH ?1 AND c.deleted_at IS NULL
                 ORDER BY messages_fts.rowid DESC
                 LIMIT ?2",
            )?;
            let hits = statement.query_map(params![fts, limit], |row| {
                Ok(SearchHit {
                    message_id: row.get(0)?,
                    conversation_id: row.get(1)?,
                    conversation_title: row.get(2)?,
                    snippet: row.get(3)?,
                    created_at: row.get(4)?,
                    role: if row.get::<_, String>(5)? == "assistant" {
                        Role::Assistant
                    } else {
                        Role::User
                    },
                })
            })?;
            Ok(hits.collect::<Result<_, _>>()?)
        })
    }
}
