//! Full-text search over message text, newest first.

use rusqlite::params;

use super::{History, Role, SearchHit, SearchResults};
use crate::Error;

/// At most this many characters of a query are read: a search box is for
/// words, and a pasted page must not hold the reader.
pub const MAX_QUERY_CHARS: usize = 256;

/// At most this many words (more exactly, FTS tokens: `e-mail` is two) are
/// searched; each one is a lookup in the index.
pub const MAX_QUERY_TERMS: usize = 16;

/// A query as it will be run, and whether the input was cut to get there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundedQuery {
    /// The FTS5 query, `None` when nothing searchable is left.
    pub fts: Option<String>,
    /// Whether words or characters beyond the limits were left out.
    pub cut: bool,
}

/// Turns whatever the user typed into a safe FTS5 query: each word becomes a
/// quoted string (so `AND`, `NEAR`, `*`, `-`, `:` and quotes are plain text),
/// words must all match, and the last one (if it has two letters or more)
/// matches as a prefix so results appear while typing. Words without any letter or digit are dropped: they
/// would produce no token and FTS5 rejects an empty prefix phrase.
/// Returns `None` when nothing searchable is left. Bounded as [`bound_query`] says.
pub fn fts_query(input: &str) -> Option<String> {
    bound_query(input).fts
}

/// [`fts_query`], saying whether the input was cut: NUL and other control
/// characters count as spaces, only the first [`MAX_QUERY_CHARS`] characters
/// and the first [`MAX_QUERY_TERMS`] tokens are searched.
pub fn bound_query(input: &str) -> BoundedQuery {
    let mut cut = input.chars().count() > MAX_QUERY_CHARS;
    let cleaned: String = input
        .chars()
        .take(MAX_QUERY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut words: Vec<&str> = Vec::new();
    let mut tokens = 0;
    for word in cleaned
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
    {
        let in_word = token_count(word);
        if tokens + in_word > MAX_QUERY_TERMS {
            cut = true;
            break;
        }
        tokens += in_word;
        words.push(word);
    }
    let Some(last) = words.len().checked_sub(1) else {
        return BoundedQuery { fts: None, cut };
    };
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
    BoundedQuery {
        fts: Some(terms.join(" ")),
        cut,
    }
}

/// Runs of letters and digits: roughly the tokens unicode61 makes of a word.
fn token_count(word: &str) -> usize {
    word.split(|c: char| !c.is_alphanumeric())
        .filter(|run| !run.is_empty())
        .count()
}

impl History {
    /// Messages whose text matches `query` (see [`fts_query`]), newest stored
    /// first, skipping conversations in the trash. Newest means most recently
    /// stored: the index walks message rowids backwards, which is what keeps a
    /// million-message search fast; imported messages count from their import.
    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>, Error> {
        Ok(self.search_bounded(query, limit)?.hits)
    }

    /// [`History::search`], saying whether the query was cut to its bounds
    /// (so the UI can say only part of it was searched).
    pub fn search_bounded(&self, query: &str, limit: u32) -> Result<SearchResults, Error> {
        let BoundedQuery { fts, cut } = bound_query(query);
        let Some(fts) = fts else {
            return Ok(SearchResults {
                hits: Vec::new(),
                cut,
            });
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
            Ok(SearchResults {
                hits: hits.collect::<Result<_, _>>()?,
                cut,
            })
        })
    }
}
