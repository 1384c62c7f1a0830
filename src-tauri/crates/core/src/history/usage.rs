//! Tokens spent per day, provider and model: what the usage view prices.
//! Answers carry their own tokens; the requests a conversation needs beside
//! its turns (naming it) are kept in `side_requests` and counted with them.

use rusqlite::{params, Row};

use super::{now_ms, History, Usage};
use crate::Error;

/// Why a request was made for a conversation that is not one of its turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideRequest {
    /// The request that names a new conversation after its first answer.
    Naming,
}

impl SideRequest {
    fn as_str(self) -> &'static str {
        match self {
            SideRequest::Naming => "naming",
        }
    }
}

/// The four token columns starting at `first` (input, cached, output,
/// reasoning), as stored or summed; a value out of range is clamped.
pub(super) fn usage_at(row: &Row<'_>, first: usize) -> rusqlite::Result<Usage> {
    let count = |i: usize| {
        row.get::<_, i64>(first + i)
            .map(|v| v.clamp(0, u32::MAX as i64) as u32)
    };
    Ok(Usage {
        input_tokens: count(0)?,
        cached_tokens: count(1)?,
        output_tokens: count(2)?,
        reasoning_tokens: count(3)?,
    })
}

/// The answers of one local day at one provider with one model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyUsage {
    /// `YYYY-MM-DD` in local time.
    pub day: String,
    pub provider_id: Option<String>,
    pub model: Option<String>,
    pub usage: Usage,
    pub answers: u32,
}

impl History {
    /// Every day since `since_ms` (Unix ms) that has answers with tokens,
    /// oldest first. Deleted conversations count until they are purged:
    /// they were paid for.
    pub fn daily_usage(&self, since_ms: f64) -> Result<Vec<DailyUsage>, Error> {
        self.read(|conn| {
            // Side requests add their tokens to the day and model, not to
            // the count of answers.
            let mut statement = conn.prepare(
                "SELECT date(spent.created_at / 1000, 'unixepoch', 'localtime') AS day,
                        c.provider_id, spent.model,
                        SUM(spent.input_tokens), SUM(spent.cached_tokens),
                        SUM(spent.output_tokens), SUM(spent.reasoning_tokens),
                        SUM(spent.answer)
                 FROM (SELECT conversation_id, created_at, model, input_tokens, cached_tokens,
                              output_tokens, reasoning_tokens, 1 AS answer
                       FROM messages WHERE role = 'assistant'
                       UNION ALL
                       SELECT conversation_id, created_at, model, input_tokens, cached_tokens,
                              output_tokens, reasoning_tokens, 0 AS answer
                       FROM side_requests) spent
                 JOIN conversations c ON c.id = spent.conversation_id
                 WHERE spent.created_at >= ?1
                   AND spent.input_tokens + spent.output_tokens > 0
                 GROUP BY day, c.provider_id, spent.model
                 ORDER BY day",
            )?;
            let rows = statement.query_map([since_ms], |row| {
                Ok(DailyUsage {
                    day: row.get(0)?,
                    provider_id: row.get(1)?,
                    model: row.get(2)?,
                    usage: usage_at(row, 3)?,
                    answers: row.get::<_, i64>(7)?.clamp(0, u32::MAX as i64) as u32,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Keeps what a side request for `conversation_id` spent (one per
    /// purpose: a second replaces the first).
    pub fn record_side_request(
        &self,
        conversation_id: &str,
        purpose: SideRequest,
        model: &str,
        usage: Usage,
    ) -> Result<(), Error> {
        self.write(|conn| {
            conn.execute(
                "INSERT OR REPLACE INTO side_requests (conversation_id, purpose, model, created_at,
                     input_tokens, cached_tokens, output_tokens, reasoning_tokens)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    conversation_id,
                    purpose.as_str(),
                    model,
                    now_ms(),
                    usage.input_tokens,
                    usage.cached_tokens,
                    usage.output_tokens,
                    usage.reasoning_tokens
                ],
            )?;
            Ok(())
        })
    }

    /// What the side requests of `conversation_id` spent, with their models.
    pub fn side_request_usage(&self, conversation_id: &str) -> Result<Vec<(String, Usage)>, Error> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT model, input_tokens, cached_tokens, output_tokens, reasoning_tokens
                 FROM side_requests WHERE conversation_id = ?1 ORDER BY created_at",
            )?;
            let rows = statement.query_map([conversation_id], |row| {
                Ok((row.get(0)?, usage_at(row, 1)?))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }
}
