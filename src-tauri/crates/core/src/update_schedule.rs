//! When Halley looks for a new version on its own: at most once a day. The
//! last check's time is kept in the settings table (its own key, outside
//! [`crate::settings::Settings`], so saving the user's settings from the UI
//! can never reset it). Checks the user asks for always run.

use rusqlite::{params, OptionalExtension};

use crate::history::now_ms;
use crate::{Error, History};

/// How long after a check the next automatic one may run.
pub const CHECK_INTERVAL_MS: f64 = 24.0 * 60.0 * 60.0 * 1000.0;

const LAST_CHECK_KEY: &str = "update_last_check_ms";

/// Whether an automatic check is due at `now_ms`. A last check in the future
/// (the clock was set back) counts as due, or the app would never check again.
pub fn check_due(last_check_ms: Option<f64>, now_ms: f64) -> bool {
    match last_check_ms {
        None => true,
        Some(last) => now_ms < last || now_ms - last >= CHECK_INTERVAL_MS,
    }
}

impl History {
    /// When the last update check started (ms since the epoch), if ever.
    pub fn last_update_check(&self) -> Result<Option<f64>, Error> {
        self.read(|conn| {
            let value: Option<String> = conn
                .query_row(
                    "SELECT value FROM settings WHERE key = ?1",
                    params![LAST_CHECK_KEY],
                    |row| row.get(0),
                )
                .optional()?;
            Ok(value.and_then(|v| v.parse::<f64>().ok()))
        })
    }

    /// Records that a check starts now, whatever its outcome: a server that
    /// is down is asked again tomorrow, not on every start.
    pub fn record_update_check(&self) -> Result<f64, Error> {
        let now = now_ms();
        self.write(|tx| {
            crate::history::put_setting(tx, LAST_CHECK_KEY, &now.to_string())?;
            Ok(now)
        })
    }

    /// Whether an automatic check is due now.
    pub fn update_check_due(&self) -> Result<bool, Error> {
        Ok(check_due(self.last_update_check()?, now_ms()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: f64 = CHECK_INTERVAL_MS;

    #[test]
    fn due_once_a_day() {
        let t = 1_800_000_000_000.0;
        assert!(check_due(None, t), "never checked");
        assert!(!check_due(Some(t), t + 1000.0), "just checked");
        assert!(!check_due(Some(t), t + DAY - 1.0), "not quite a day");
        assert!(check_due(Some(t), t + DAY), "a day later");
        assert!(check_due(Some(t + DAY), t), "the clock went back");
    }

    #[test]
    fn the_last_check_survives_saving_settings_and_reopening() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let file = dir.path().join("history.sqlite3");
        {
            let history = History::open(&file).expect("open");
            assert!(
                history.update_check_due().expect("read"),
                "a new install checks"
            );
            let at = history.record_update_check().expect("record");
            history
                .save_settings(&crate::settings::Settings::default())
                .expect("save the user's settings");
            assert_eq!(history.last_update_check().expect("read"), Some(at));
            assert!(!history.update_check_due().expect("read"));
        }
        let reopened = History::open(&file).expect("reopen");
        assert!(reopened.last_update_check().expect("read").is_some());
        assert!(!reopened.update_check_due().expect("read"), "persisted");
        // The settings the UI reads are unaffected by the extra key.
        assert_eq!(
            reopened.settings().expect("settings").settings.theme,
            crate::settings::Settings::default().theme
        );
    }
}
