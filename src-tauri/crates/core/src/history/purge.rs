//! Conversations in the trash leave the file for good once the undo window
//! has passed: their rows, their search-index entries, and the bytes of the
//! pages they occupied (`secure_delete` zeroes freed space, the index's own
//! `secure-delete` removes entries from its segments instead of only marking
//! them, and a checkpoint truncates the write-ahead log that still holds the
//! old pages).

use std::time::Duration;

use super::{now_ms, History};
use crate::Error;

/// How long a deleted conversation can still be brought back. The UI offers
/// Undo for a few seconds; this is generous on top, so a slow click or a
/// clock step never loses a conversation the user meant to keep.
pub const UNDO_WINDOW: Duration = Duration::from_secs(60);

impl History {
    /// Purges every conversation that has been in the trash longer than
    /// `window`, then makes sure none of its text is left in the file.
    /// Returns how many were purged.
    pub fn purge_expired(&self, window: Duration) -> Result<u32, Error> {
        let before = now_ms() - window.as_secs_f64() * 1000.0;
        let purged = self.write(|tx| {
            // Persistent index option: deletes remove the entries from the
            // index's segments, not just add "deleted" markers beside them.
            tx.execute(
                "INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1)",
                [],
            )?;
            Ok(tx.execute(
                "DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?1",
                [before],
            )? as u32)
        })?;
        if purged > 0 {
            self.truncate_wal()?;
        }
        Ok(purged)
    }

    /// Copies the write-ahead log into the database and empties it: the log
    /// keeps old page images (the purged text among them) until then.
    fn truncate_wal(&self) -> Result<(), Error> {
        let conn = super::lock(&self.writer);
        let _: (i64, i64, i64) = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
        Ok(())
    }
}
