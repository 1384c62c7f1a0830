//! Tokens spent per day, provider and model: what the usage view prices.

use rusqlite::Row;

use super::{History, Usage};
use crate::Error;

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
            let mut statement = conn.prepare(
                "SELECT date(m.created_at / 1000, 'unixepoch', 'localtime') AS day,
                        c.provider_id, m.model,
                        SUM(m.input_tokens), SUM(m.cached_tokens),
                        SUM(m.output_tokens), SUM(m.reasoning_tokens), COUNT(*)
                 FROM messages m JOIN conversations c ON c.id = m.conversation_id
                 WHERE m.role = 'assistant' AND m.created_at >= ?1
                   AND m.input_tokens + m.output_tokens > 0
                 GROUP BY day, c.provider_id, m.model
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
}
