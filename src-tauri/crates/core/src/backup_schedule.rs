//! Automatic local backups: at most one a day into the data folder's
//! `backups/`, the newest [`Settings::backups_kept`] kept. The last one's
//! time is its own settings key (outside [`Settings`], so saving the user's
//! settings never resets it). The app asks [`History::automatic_backup_if_due`]
//! at start-up and then every few minutes; a history with no conversation
//! has nothing worth a file and is not backed up.
//!
//! [`Settings`]: crate::settings::Settings
//! [`Settings::backups_kept`]: crate::settings::Settings::backups_kept

use std::path::{Path, PathBuf};

use rusqlite::{params, OptionalExtension};

use crate::history::{backup_dir, backup_file_name, now_ms, prune_backups, BackupKind};
use crate::{Error, History};

/// How long after an automatic backup the next one is due.
pub const BACKUP_INTERVAL_MS: f64 = 24.0 * 60.0 * 60.0 * 1000.0;

const LAST_BACKUP_KEY: &str = "backup_last_automatic_ms";

/// Whether an automatic backup is due at `now_ms`. A last backup in the
/// future (the clock was set back) counts as due, or none would ever follow.
pub fn backup_due(last_ms: Option<f64>, now_ms: f64) -> bool {
    match last_ms {
        None => true,
        Some(last) => now_ms < last || now_ms - last >= BACKUP_INTERVAL_MS,
    }
}

impl History {
    /// When the last automatic backup was written, if ever.
    pub fn last_automatic_backup(&self) -> Result<Option<f64>, Error> {
        self.read(|conn| {
            let value: Option<String> = conn
                .query_row(
                    "SELECT value FROM settings WHERE key = ?1",
                    params![LAST_BACKUP_KEY],
                    |row| row.get(0),
                )
                .optional()?;
            Ok(value.and_then(|v| v.parse::<f64>().ok()))
        })
    }

    /// Records that the day's automatic backup is done (the schedule after
    /// writing one; a prepared data folder, so a measured run is not
    /// disturbed by one).
    pub fn record_automatic_backup(&self) -> Result<(), Error> {
        self.write(|tx| crate::history::put_setting(tx, LAST_BACKUP_KEY, &now_ms().to_string()))
    }

    /// Writes an automatic backup when the settings ask for them, one is
    /// due and there is something to keep; then removes the oldest beyond
    /// the number kept. Returns the file written.
    pub fn automatic_backup_if_due(&self, data_dir: &Path) -> Result<Option<PathBuf>, Error> {
        let settings = self.settings()?.settings;
        if !settings.automatic_backups || !backup_due(self.last_automatic_backup()?, now_ms()) {
            return Ok(None);
        }
        let conversations: i64 = self.read(|conn| {
            Ok(conn.query_row(
                "SELECT count(*) FROM conversations WHERE deleted_at IS NULL",
                [],
                |row| row.get(0),
            )?)
        })?;
        if conversations == 0 {
            return Ok(None);
        }
        let folder = backup_dir(data_dir);
        let path = folder.join(backup_file_name(BackupKind::Automatic));
        self.write_backup(&path)?;
        self.record_automatic_backup()?;
        prune_backups(
            &folder,
            BackupKind::Automatic,
            settings.backups_kept as usize,
        )?;
        Ok(Some(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_once_a_day_and_after_the_clock_went_back() {
        let day = BACKUP_INTERVAL_MS;
        assert!(backup_due(None, 5.0));
        assert!(!backup_due(Some(10.0 * day), 10.5 * day));
        assert!(backup_due(Some(10.0 * day), 11.0 * day));
        assert!(backup_due(Some(10.0 * day), 9.0 * day), "clock set back");
    }
}
