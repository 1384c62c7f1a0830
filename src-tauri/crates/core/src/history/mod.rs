//! The history database: one SQLite file, opened with explicit settings and
//! migrated append-only. Writes go through one connection, reads through a
//! second one (WAL lets them run side by side), so a slow search never waits
//! for a streaming turn's progress write and the other way round.

mod attachment_uploads;
mod background_turns;
mod backup;
mod chatgpt;
mod conversations;
mod eval;
mod export;
mod health;
mod import;
mod knowledge;
mod message_files;
mod messages;
mod parts;
mod purge;
mod schema;
mod search;
mod types;
mod usage;
mod versioned;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags};

use crate::Error;

pub use attachment_uploads::AttachmentUpload;
pub use background_turns::BackgroundTurn;
pub use backup::{
    backup_dir, backup_file_name, prune_backups, read_manifest, BackupContents, BackupKind,
    BackupManifest, BackupProblem, RestoreMode, RestoreReport, BACKUP_FORMAT, BACKUP_VERSION,
};
pub use conversations::mcp_servers_of;
pub use export::{EXPORT_ALL_FORMAT, EXPORT_FORMAT, EXPORT_VERSION};
pub use health::{
    list_backups, restore_backup, set_aside, HistoryBackup, HistoryProblem, BACKUP_FOLDER,
    QUICK_CHECK_LIMIT,
};
pub use import::{ImportProblem, ImportReport, ImportSource, LeftOut, LeftOutKind};
pub use knowledge::{KnowledgeError, KnowledgeErrorCode, KnowledgeFile, KnowledgeState};
pub use message_files::MessageFileData;
pub use purge::UNDO_WINDOW;
pub use search::{bound_query, fts_query, BoundedQuery, MAX_QUERY_CHARS, MAX_QUERY_TERMS};
pub use types::*;
pub use usage::{DailyUsage, SideRequest};
pub(crate) use versioned::{next_version, Versioned};

pub struct History {
    writer: Mutex<Connection>,
    /// `None` for an in-memory database: a second connection would open a
    /// different, empty database, so reads use the writer there.
    reader: Option<Mutex<Connection>>,
}

impl History {
    /// Opens (creating if needed) the history file, checks it (bounded by
    /// [`QUICK_CHECK_LIMIT`]) and migrates it. A file that is damaged, not a
    /// database, or from a newer Halley is [`Error::History`]: the app
    /// explains it instead of opening it.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let mut writer = Connection::open(path).map_err(health::classify)?;
        writer.busy_timeout(Duration::from_secs(5))?;
        // Checked before anything writes (even the journal mode is a write to
        // the header): a damaged file is set aside exactly as it was found.
        health::quick_check(&writer, QUICK_CHECK_LIMIT)?;
        configure(&writer).map_err(|e| match e {
            Error::Storage(e) => health::classify(e),
            other => other,
        })?;
        schema::migrate(&mut writer).map_err(|e| match e {
            Error::Storage(e) => health::classify(e),
            other => other,
        })?;
        let reader = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        reader.busy_timeout(Duration::from_secs(5))?;
        Ok(Self {
            writer: Mutex::new(writer),
            reader: Some(Mutex::new(reader)),
        })
    }

    /// A private database that lives as long as this value (tests, previews).
    pub fn open_in_memory() -> Result<Self, Error> {
        let mut writer = Connection::open_in_memory()?;
        configure(&writer)?;
        schema::migrate(&mut writer)?;
        Ok(Self {
            writer: Mutex::new(writer),
            reader: None,
        })
    }

    pub fn schema_version(&self) -> Result<u32, Error> {
        self.read(|conn| Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?))
    }

    /// Whether SQLite's own `PRAGMA integrity_check` finds the file sound.
    pub fn integrity_check(&self) -> Result<bool, Error> {
        self.read(|conn| {
            let verdict: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
            Ok(verdict == "ok")
        })
    }

    /// Runs `f` on the write connection inside one transaction: either all of
    /// its changes land or none do.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction()?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` on the read connection (the writer for in-memory databases).
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, Error>,
    ) -> Result<T, Error> {
        match &self.reader {
            Some(reader) => f(&lock(reader)),
            None => f(&lock(&self.writer)),
        }
    }
}

fn configure(conn: &Connection) -> Result<(), Error> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // NORMAL in WAL mode: a power cut may lose the last commits but never
    // corrupts the file; progress writes stay cheap.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Deleted rows (purged conversations, edited text) are overwritten with
    // zeros rather than left readable in free pages of the file.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.busy_timeout(Duration::from_secs(5))?;
    Ok(())
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock leaves SQLite itself consistent (the
    // transaction rolls back on drop), so the poisoned guard is still usable.
    conn.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Milliseconds since the Unix epoch, the one timestamp format of the history.
/// Writes one key of the `settings` table (a JSON text), replacing its
/// value. Each module owns its keys; this is the one way they are written.
pub(crate) fn put_setting(conn: &Connection, key: &str, value: &str) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        rusqlite::params![key, value],
    )?;
    Ok(())
}

pub(crate) fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
