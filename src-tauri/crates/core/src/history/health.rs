//! Whether the history file can be used, checked when it is opened: a file
//! that is not a database, a damaged one, or one written by a newer Halley is
//! reported as a [`HistoryProblem`] the app can explain in a window — never
//! opened silently, never deleted. "Start fresh" moves the file aside under a
//! timestamped name ([`set_aside`]); a backup, where one exists, can be put
//! back in its place ([`restore_backup`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::Error;

/// The integrity check at start-up gives up after this long (a very large
/// history on a slow disk): an unfinished check opens the file, as before
/// the check existed, and says so in the log.
pub const QUICK_CHECK_LIMIT: Duration = Duration::from_secs(3);

/// At most this many problems are read from `quick_check`: one is enough to
/// refuse the file, a few help whoever looks at it.
const PROBLEMS_READ: u32 = 5;

/// Folder, inside the data folder, where backups of the history are kept.
pub const BACKUP_FOLDER: &str = "backups";

/// Why the history file was not opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export_to = "HistoryProblem.ts")]
pub enum HistoryProblem {
    /// SQLite's integrity check found damage; `detail` is what it said.
    #[error("the history database is damaged ({detail})")]
    Damaged { detail: String },
    /// The file is not a database SQLite can read (overwritten, truncated,
    /// encrypted by something else) or cannot be read at all.
    #[error("the history file cannot be read as a database ({detail})")]
    Unreadable { detail: String },
    /// Written by a newer Halley, whose schema this one does not know.
    #[error("this history was written by a newer Halley (schema {found}, this app knows {known}); update Halley to open it")]
    Newer { found: u32, known: u32 },
}

/// Sorts an SQLite error met while opening into a problem with the file, or
/// leaves it as an ordinary error (a full disk, a permission, a lock).
pub(super) fn classify(error: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    match error.sqlite_error_code() {
        Some(DatabaseCorrupt) => Error::History(HistoryProblem::Damaged {
            detail: error.to_string(),
        }),
        Some(NotADatabase) => Error::History(HistoryProblem::Unreadable {
            detail: error.to_string(),
        }),
        _ => Error::Storage(error),
    }
}

/// `PRAGMA quick_check`, bounded by [`QUICK_CHECK_LIMIT`]. `Ok(())` when the
/// file is sound or the check ran out of time.
pub(super) fn quick_check(conn: &Connection, limit: Duration) -> Result<(), Error> {
    let deadline = Instant::now() + limit;
    conn.progress_handler(10_000, Some(move || Instant::now() > deadline));
    let verdict = (|| {
        let mut statement = conn.prepare(&format!("PRAGMA quick_check({PROBLEMS_READ})"))?;
        let lines = statement.query_map([], |row| row.get::<_, String>(0))?;
        lines.collect::<Result<Vec<String>, _>>()
    })();
    conn.progress_handler(0, None::<fn() -> bool>);
    match verdict {
        Ok(lines) if lines == ["ok"] => Ok(()),
        Ok(lines) => Err(Error::History(HistoryProblem::Damaged {
            detail: lines.join("; "),
        })),
        Err(error)
            if error.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted) =>
        {
            tracing::warn!(
                limit_ms = limit.as_millis() as u64,
                "the history integrity check did not finish in time; opening without it"
            );
            Ok(())
        }
        Err(error) => Err(classify(error)),
    }
}

/// The files SQLite keeps for `path`: the database, its log and its index.
fn companions(path: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [path.to_owned(), with("-wal"), with("-shm")]
}

/// Moves the history file (and its -wal and -shm files) aside as
/// `history.damaged-YYYYMMDD-HHMMSS.sqlite3` beside it, so the app can start
/// with an empty history while the damaged one is kept for recovery. Never
/// deletes anything. Returns the new path of the database file.
pub fn set_aside(path: &Path) -> Result<PathBuf, Error> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "history".into());
    let extension = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let stamp = utc_stamp(SystemTime::now());
    // Two starts within a second (or a clock set back) must not overwrite.
    let mut target = path.with_file_name(format!("{stem}.damaged-{stamp}{extension}"));
    let mut n = 1;
    while companions(&target).iter().any(|p| p.exists()) {
        n += 1;
        target = path.with_file_name(format!("{stem}.damaged-{stamp}-{n}{extension}"));
    }
    for (from, to) in companions(path).iter().zip(companions(&target).iter()) {
        if from.exists() {
            std::fs::rename(from, to)?;
        }
    }
    Ok(target)
}

/// A backup of the history the app could restore.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "HistoryBackup.ts")]
pub struct HistoryBackup {
    /// File name inside the backup folder.
    pub name: String,
    /// Milliseconds since the Unix epoch (the file's modification time).
    pub modified_at: f64,
    /// A JavaScript number: backups are far below 2^53 bytes.
    #[ts(type = "number")]
    pub bytes: u64,
}

/// Backups in `data_dir/backups/` (`*.sqlite3`), newest first. The hook for
/// scheduled backups: whatever writes them there is offered for restore.
pub fn list_backups(data_dir: &Path) -> Vec<HistoryBackup> {
    let Ok(entries) = std::fs::read_dir(data_dir.join(BACKUP_FOLDER)) else {
        return Vec::new();
    };
    let mut backups: Vec<HistoryBackup> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "sqlite3"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
            Some(HistoryBackup {
                name: e.file_name().to_string_lossy().into_owned(),
                modified_at: modified.as_secs_f64() * 1000.0,
                bytes: meta.len(),
            })
        })
        .collect();
    backups.sort_by(|a, b| b.modified_at.total_cmp(&a.modified_at));
    backups
}

/// Sets the current history aside ([`set_aside`]) and copies backup `name`
/// into its place. The name must be one [`list_backups`] returned.
pub fn restore_backup(data_dir: &Path, history_path: &Path, name: &str) -> Result<PathBuf, Error> {
    let known = list_backups(data_dir).into_iter().any(|b| b.name == name);
    if !known || name.contains(['/', '\\']) {
        return Err(Error::NotFound(format!("no backup named {name}")));
    }
    let aside = set_aside(history_path)?;
    std::fs::copy(data_dir.join(BACKUP_FOLDER).join(name), history_path)?;
    Ok(aside)
}

/// `YYYYMMDD-HHMMSS` in UTC.
pub(super) fn utc_stamp(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_calendar_times() {
        let at = |secs| utc_stamp(UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(at(0), "19700101-000000");
        assert_eq!(at(951_782_400), "20000229-000000", "a leap day");
        assert_eq!(at(1_764_623_340), "20251201-210900");
    }
}
