//! A full backup in one file, and restoring it by replacing or merging.
//!
//! A backup is an SQLite database: a `VACUUM INTO` snapshot of the history
//! (consistent while the app runs: it reads one transaction's view, on the
//! read connection, so turns keep writing), less the conversations in the
//! trash, plus one table, `halley_backup_manifest`, holding a
//! [`BackupManifest`] (format, version, app and schema versions, what it
//! holds). Everything Halley keeps is in that one database — conversations
//! with every branch, attachments, kept files, knowledge rows, assistants,
//! presets, providers (without keys: keys live in the OS keyring and never
//! in the file), settings and MCP server configs (secret values are in the
//! keyring too) — so the snapshot is the whole of it, and a table added
//! later only needs a line in [`TABLES`].
//!
//! Restoring works on a private copy of the file: it is checked (the size
//! its header announces, `integrity_check`, the manifest, the versions),
//! migrated to this Halley's schema, attached to the write connection, and
//! copied in with one transaction: all of it lands or none of it does.
//! Rows keep their ids, and merging inserts only ids that are not there yet,
//! so restoring the same backup twice adds nothing the second time.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::health::{classify, utc_stamp, BACKUP_FOLDER};
use super::{new_id, now_ms, History};
use crate::Error;

pub const BACKUP_FORMAT: &str = "halley.backup";
/// The manifest's version: a newer one is refused (it may hold what this
/// Halley would drop).
pub const BACKUP_VERSION: u32 = 1;
const MANIFEST_TABLE: &str = "halley_backup_manifest";
/// The file name ending of every backup Halley writes.
pub const BACKUP_EXTENSION: &str = "sqlite3";

/// What a backup file says about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "BackupManifest.ts")]
pub struct BackupManifest {
    pub format: String,
    pub version: u32,
    /// The Halley that wrote it.
    pub app_version: String,
    /// Its history schema (`user_version`).
    pub schema_version: u32,
    /// Milliseconds since the Unix epoch.
    pub created_at: f64,
    pub contents: BackupContents,
}

/// How many of each thing a backup holds (or a restore added).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export_to = "BackupContents.ts")]
pub struct BackupContents {
    pub conversations: u32,
    pub messages: u32,
    pub attachments: u32,
    /// Files turns made (images, code output) kept locally.
    pub message_files: u32,
    pub knowledge_files: u32,
    pub presets: u32,
    pub providers: u32,
    pub assistants: u32,
}

/// Why a file was not restored. Nothing of the current history changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export_to = "BackupProblem.ts")]
pub enum BackupProblem {
    /// Not a Halley backup (nor a Halley history file).
    #[error("this file is not a Halley backup")]
    NotABackup,
    /// Cut short, or damaged: `detail` says what was found.
    #[error("this backup is truncated or damaged ({detail})")]
    Damaged { detail: String },
    /// Written by a newer Halley.
    #[error("this backup was written by a newer Halley ({found}, this one knows {known}); update Halley to restore it")]
    Newer { found: String, known: String },
}

/// How a restore treats what is there now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "RestoreMode.ts")]
pub enum RestoreMode {
    /// Everything now in the history is replaced by the backup (a copy of
    /// the current history is kept in `backups/` first).
    Replace,
    /// What the backup has and the history lacks is added; nothing is
    /// changed or removed; settings already set stay as they are.
    Merge,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "RestoreReport.ts")]
pub struct RestoreReport {
    pub mode: RestoreMode,
    pub manifest: Option<BackupManifest>,
    /// Rows added (for a merge: only those that were not there yet).
    pub added: BackupContents,
    /// The copy of the history taken before a replace, in `backups/`.
    pub kept_before: Option<String>,
}

/// How one table's rows come in from a backup. The order of [`TABLES`] is
/// parents before children; deletes run in reverse.
struct Table {
    name: &'static str,
    /// Columns left out of the copy on a merge (`messages.seq`: a merged
    /// message takes the next number, which keeps the storage order that
    /// orders siblings).
    merge_skips: &'static [&'static str],
    /// Which backup rows come in at all (SQL over `backup.<name>`).
    filter: &'static str,
    order: &'static str,
    count: Option<fn(&mut BackupContents) -> &mut u32>,
}

const TABLES: &[Table] = &[
    Table {
        name: "providers",
        merge_skips: &[],
        filter: "",
        order: "",
        count: Some(|c| &mut c.providers),
    },
    Table {
        name: "conversations",
        merge_skips: &[],
        // A plain history file (no manifest) can hold the trash: it stays out.
        filter: "WHERE deleted_at IS NULL",
        order: "ORDER BY rowid",
        count: Some(|c| &mut c.conversations),
    },
    Table {
        name: "messages",
        merge_skips: &["seq"],
        filter: "WHERE conversation_id IN (SELECT id FROM main.conversations)",
        order: "ORDER BY seq",
        count: Some(|c| &mut c.messages),
    },
    Table {
        name: "attachments",
        merge_skips: &[],
        filter: "WHERE message_id IN (SELECT id FROM main.messages)",
        order: "",
        count: Some(|c| &mut c.attachments),
    },
    Table {
        // Which provider file a large PDF went to: kept, so a restored
        // conversation goes on sending it by id instead of uploading again.
        name: "attachment_uploads",
        merge_skips: &[],
        filter: "WHERE attachment_id IN (SELECT id FROM main.attachments)",
        order: "",
        count: None,
    },
    Table {
        name: "message_files",
        merge_skips: &[],
        filter: "WHERE message_id IN (SELECT id FROM main.messages)",
        order: "",
        count: Some(|c| &mut c.message_files),
    },
    Table {
        // What naming a conversation cost; one row per purpose, so merging
        // the same backup twice adds nothing.
        name: "side_requests",
        merge_skips: &[],
        filter: "WHERE conversation_id IN (SELECT id FROM main.conversations)",
        order: "",
        count: None,
    },
    Table {
        name: "knowledge_files",
        merge_skips: &[],
        filter: "WHERE conversation_id IN (SELECT id FROM main.conversations)",
        order: "",
        count: Some(|c| &mut c.knowledge_files),
    },
    Table {
        name: "playground_presets",
        merge_skips: &[],
        // Names are unique: a preset of the same name made here since keeps
        // its name, and the one from the backup is skipped with its versions
        // rather than failing the restore.
        filter: "WHERE name NOT IN (SELECT name FROM main.playground_presets)",
        order: "",
        count: Some(|c| &mut c.presets),
    },
    Table {
        name: "playground_preset_versions",
        merge_skips: &[],
        filter: "WHERE preset_id IN (SELECT id FROM main.playground_presets)",
        order: "",
        count: None,
    },
    Table {
        // A conversation keeps its own copy of its assistant, so the rows
        // need no order with conversations; merged by id like presets.
        name: "assistants",
        merge_skips: &[],
        filter: "",
        order: "",
        count: Some(|c| &mut c.assistants),
    },
    Table {
        name: "capabilities",
        merge_skips: &[],
        filter: "WHERE provider_id IN (SELECT id FROM main.providers)",
        order: "",
        count: None,
    },
    Table {
        name: "playground_runs",
        merge_skips: &[],
        filter: "",
        order: "",
        count: None,
    },
    Table {
        // Which provider response a streaming answer is: it belongs to the
        // app that was running it. None comes back; a restored message that
        // was streaming is marked interrupted, keeping its text.
        name: "background_turns",
        merge_skips: &[],
        filter: "WHERE 0",
        order: "",
        count: None,
    },
    Table {
        // Names are unique, as for presets: one of the same name made here
        // since is kept, and the backup's is skipped with its versions.
        name: "eval_datasets",
        merge_skips: &[],
        filter: "WHERE name NOT IN (SELECT name FROM main.eval_datasets)",
        order: "",
        count: None,
    },
    Table {
        name: "eval_dataset_versions",
        merge_skips: &[],
        filter: "WHERE dataset_id IN (SELECT id FROM main.eval_datasets)",
        order: "",
        count: None,
    },
    Table {
        name: "eval_dataset_rows",
        merge_skips: &[],
        filter: "WHERE dataset_id IN (SELECT id FROM main.eval_datasets)",
        order: "",
        count: None,
    },
    Table {
        name: "eval_runs",
        merge_skips: &[],
        filter: "WHERE dataset_id IN (SELECT id FROM main.eval_datasets)",
        order: "",
        count: None,
    },
    Table {
        name: "eval_results",
        merge_skips: &[],
        filter: "WHERE run_id IN (SELECT id FROM main.eval_runs)",
        order: "",
        count: None,
    },
    Table {
        name: "settings",
        merge_skips: &[],
        // The MCP server list is one value: merged by server id below.
        filter: "WHERE key <> 'mcp_servers'",
        order: "",
        count: None,
    },
];

/// The setting holding the MCP server configs (a JSON array of objects with
/// an `id`); see [`crate::mcp_servers`].
const MCP_SERVERS_KEY: &str = "mcp_servers";

/// Where the backups of a data folder are kept.
pub fn backup_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(BACKUP_FOLDER)
}

impl History {
    /// Writes a backup of everything to `target` (which must not exist yet).
    /// The file appears whole or not at all: it is written beside `target`
    /// under a temporary name and renamed.
    pub fn write_backup(&self, target: &Path) -> Result<BackupManifest, Error> {
        let folder = target.parent().unwrap_or_else(|| Path::new("."));
        std::fs::create_dir_all(folder)?;
        let partial = folder.join(format!(".backup-{}.tmp", new_id()));
        let result = self
            .snapshot_into(&partial)
            .and_then(|()| finish_snapshot(&partial));
        match result {
            Ok(manifest) => {
                if target.exists() {
                    let _ = std::fs::remove_file(&partial);
                    return Err(Error::InvalidInput(format!(
                        "{} exists already",
                        target.display()
                    )));
                }
                std::fs::rename(&partial, target)?;
                Ok(manifest)
            }
            Err(error) => {
                let _ = std::fs::remove_file(&partial);
                Err(error)
            }
        }
    }

    fn snapshot_into(&self, path: &Path) -> Result<(), Error> {
        let path = path
            .to_str()
            .ok_or_else(|| Error::InvalidInput("the backup folder's name is not text".into()))?
            .to_owned();
        // On the read connection: one consistent view, and the writer (a
        // streaming turn's progress) is never held up.
        self.read(|conn| {
            conn.execute("VACUUM INTO ?1", [path])?;
            Ok(())
        })
    }

    /// Restores the backup at `source` (left as it is) into this history.
    /// `data_dir` is where the working copy and, before a replace, the copy
    /// of the current history go (`backups/`).
    pub fn restore_backup_file(
        &self,
        source: &Path,
        data_dir: &Path,
        mode: RestoreMode,
    ) -> Result<RestoreReport, Error> {
        let folder = backup_dir(data_dir);
        std::fs::create_dir_all(&folder)?;
        let work = folder.join(format!(".restore-{}.tmp", new_id()));
        std::fs::copy(source, &work)?;
        let result = self.restore_from_work_copy(&work, data_dir, mode);
        let _ = std::fs::remove_file(&work);
        for companion in ["-journal", "-wal", "-shm"] {
            let mut name = work.as_os_str().to_owned();
            name.push(companion);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
        result
    }

    fn restore_from_work_copy(
        &self,
        work: &Path,
        data_dir: &Path,
        mode: RestoreMode,
    ) -> Result<RestoreReport, Error> {
        let manifest = prepare_work_copy(work)?;
        let kept_before = match mode {
            RestoreMode::Replace => {
                let name = backup_file_name(BackupKind::BeforeRestore);
                self.write_backup(&backup_dir(data_dir).join(&name))?;
                Some(name)
            }
            RestoreMode::Merge => None,
        };
        let work = work
            .to_str()
            .ok_or_else(|| Error::InvalidInput("the data folder's name is not text".into()))?
            .to_owned();
        let mut conn = super::lock(&self.writer);
        // ATTACH cannot run inside a transaction: attach, copy in one
        // transaction, detach whatever happened.
        conn.execute("ATTACH DATABASE ?1 AS backup", [&work])?;
        let copied = copy_in(&mut conn, mode);
        let detached = conn.execute("DETACH DATABASE backup", []);
        let added = copied?;
        detached?;
        Ok(RestoreReport {
            mode,
            manifest,
            added,
            kept_before,
        })
    }
}

/// Adds the manifest and takes out the trash, then compacts the file so no
/// page of a trashed conversation is left in it.
fn finish_snapshot(path: &Path) -> Result<BackupManifest, Error> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.execute(
        "INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1)",
        [],
    )?;
    conn.execute("DELETE FROM conversations WHERE deleted_at IS NOT NULL", [])?;
    // A history restored from a backup at start-up still holds that one's manifest.
    conn.execute_batch(&format!(
        "DROP TABLE IF EXISTS {MANIFEST_TABLE}; CREATE TABLE {MANIFEST_TABLE} (manifest TEXT NOT NULL);"
    ))?;
    let manifest = BackupManifest {
        format: BACKUP_FORMAT.to_owned(),
        version: BACKUP_VERSION,
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version: conn.pragma_query_value(None, "user_version", |row| row.get(0))?,
        created_at: now_ms(),
        contents: count_contents(&conn, "main")?,
    };
    let text = serde_json::to_string(&manifest)
        .map_err(|e| Error::InvalidInput(format!("the manifest cannot be written: {e}")))?;
    conn.execute(
        &format!("INSERT INTO {MANIFEST_TABLE} (manifest) VALUES (?1)"),
        [text],
    )?;
    conn.execute_batch("VACUUM")?;
    Ok(manifest)
}

fn count_contents(conn: &Connection, schema: &str) -> Result<BackupContents, Error> {
    let mut contents = BackupContents::default();
    for table in TABLES {
        if let Some(field) = table.count {
            let n: i64 = conn.query_row(
                &format!("SELECT count(*) FROM {schema}.{}", table.name),
                [],
                |row| row.get(0),
            )?;
            *field(&mut contents) = n.clamp(0, u32::MAX as i64) as u32;
        }
    }
    Ok(contents)
}

/// Checks the working copy and brings it to this Halley's schema. Returns
/// its manifest (`None` for a plain history file, which restores too).
fn prepare_work_copy(path: &Path) -> Result<Option<BackupManifest>, Error> {
    check_length(path)?;
    let damaged = |detail: String| Error::Backup(BackupProblem::Damaged { detail });
    let mut conn = Connection::open(path).map_err(|e| match classify(e) {
        Error::History(_) => Error::Backup(BackupProblem::NotABackup),
        other => other,
    })?;
    let verdict: Result<Vec<String>, rusqlite::Error> = (|| {
        let mut statement = conn.prepare("PRAGMA integrity_check(5)")?;
        let lines = statement.query_map([], |row| row.get::<_, String>(0))?;
        lines.collect()
    })();
    match verdict {
        Ok(lines) if lines == ["ok"] => {}
        Ok(lines) => return Err(damaged(lines.join("; "))),
        Err(error) => {
            return Err(match error.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => Error::Backup(BackupProblem::NotABackup),
                _ => damaged(error.to_string()),
            })
        }
    }
    let has_table = |name: &str| -> Result<bool, Error> {
        Ok(conn
            .query_row(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                [name],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    };
    let manifest = if has_table(MANIFEST_TABLE)? {
        let text: Option<String> = conn
            .query_row(
                &format!("SELECT manifest FROM {MANIFEST_TABLE}"),
                [],
                |row| row.get(0),
            )
            .optional()?;
        let text = text.ok_or_else(|| damaged("its manifest is empty".into()))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| damaged(format!("its manifest is not JSON: {e}")))?;
        if value.get("format").and_then(Value::as_str) != Some(BACKUP_FORMAT) {
            return Err(Error::Backup(BackupProblem::NotABackup));
        }
        // The version first: a newer manifest may not read as this one.
        let version = value.get("version").and_then(Value::as_u64).unwrap_or(0);
        if version > u64::from(BACKUP_VERSION) {
            return Err(Error::Backup(BackupProblem::Newer {
                found: format!("backup format {version}"),
                known: format!("{BACKUP_VERSION}"),
            }));
        }
        let manifest: BackupManifest = serde_json::from_value(value)
            .map_err(|e| damaged(format!("its manifest is incomplete: {e}")))?;
        Some(manifest)
    } else if has_table("conversations")? && has_table("messages")? {
        None
    } else {
        return Err(Error::Backup(BackupProblem::NotABackup));
    };
    let known = super::schema::MIGRATIONS.len() as u32;
    let found: u32 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > known {
        return Err(Error::Backup(BackupProblem::Newer {
            found: format!("history schema {found}"),
            known: format!("{known}"),
        }));
    }
    super::schema::migrate(&mut conn)?;
    Ok(manifest)
}

/// A file shorter than its header says was cut off (a copy that stopped,
/// a download that did not finish): said as such, before SQLite reads it.
fn check_length(path: &Path) -> Result<(), Error> {
    let bytes = std::fs::metadata(path).map(|m| m.len()).ok();
    let mut header = [0u8; 100];
    let read = {
        use std::io::Read;
        std::fs::File::open(path)?.read(&mut header)?
    };
    if read < 100 || &header[..16] != b"SQLite format 3\0" {
        return Err(Error::Backup(BackupProblem::NotABackup));
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536u64,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    if let Some(bytes) = bytes {
        if pages > 0 && bytes < pages * page_size {
            return Err(Error::Backup(BackupProblem::Damaged {
                detail: format!(
                    "the file has {bytes} bytes and should have {}: it was cut short",
                    pages * page_size
                ),
            }));
        }
    }
    Ok(())
}

/// The one transaction of a restore.
fn copy_in(conn: &mut Connection, mode: RestoreMode) -> Result<BackupContents, Error> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Checked at commit: rows come in table by table.
    tx.pragma_update(None, "defer_foreign_keys", "ON")?;
    if mode == RestoreMode::Replace {
        for table in TABLES.iter().rev() {
            tx.execute(&format!("DELETE FROM main.{}", table.name), [])?;
        }
        tx.execute(
            &format!("DELETE FROM main.settings WHERE key = '{MCP_SERVERS_KEY}'"),
            [],
        )?;
    }
    let mut added = BackupContents::default();
    for table in TABLES {
        let columns = columns_of(&tx, table.name)?
            .into_iter()
            .filter(|c| !(mode == RestoreMode::Merge && table.merge_skips.contains(&c.as_str())))
            .collect::<Vec<_>>()
            .join(", ");
        let changed = tx.execute(
            &format!(
                "INSERT OR IGNORE INTO main.{name} ({columns}) SELECT {columns} FROM backup.{name} {filter} {order}",
                name = table.name,
                filter = table.filter,
                order = table.order,
            ),
            [],
        )?;
        if let Some(field) = table.count {
            *field(&mut added) = changed.min(u32::MAX as usize) as u32;
        }
    }
    merge_mcp_servers(&tx)?;
    tx.commit()?;
    Ok(added)
}

fn columns_of(conn: &Connection, table: &str) -> Result<Vec<String>, Error> {
    let mut statement = conn.prepare(&format!("PRAGMA main.table_info({table})"))?;
    let names = statement.query_map([], |row| row.get::<_, String>(1))?;
    Ok(names.collect::<Result<_, _>>()?)
}

/// The backup's MCP servers that the history lacks (by id) are added after
/// the current ones. A value that is not a list is left as it is.
fn merge_mcp_servers(conn: &Connection) -> Result<(), Error> {
    let read = |schema: &str| -> Result<Option<String>, Error> {
        Ok(conn
            .query_row(
                &format!("SELECT value FROM {schema}.settings WHERE key = ?1"),
                [MCP_SERVERS_KEY],
                |row| row.get(0),
            )
            .optional()?)
    };
    let Some(theirs) = read("backup")? else {
        return Ok(());
    };
    let merged = match read("main")? {
        None => theirs,
        Some(ours) => {
            match (
                serde_json::from_str::<Value>(&ours),
                serde_json::from_str::<Value>(&theirs),
            ) {
                (Ok(Value::Array(mut ours)), Ok(Value::Array(theirs))) => {
                    let id = |v: &Value| v.get("id").and_then(Value::as_str).map(str::to_owned);
                    let known: Vec<Option<String>> = ours.iter().map(id).collect();
                    ours.extend(theirs.into_iter().filter(|s| !known.contains(&id(s))));
                    Value::Array(ours).to_string()
                }
                _ => return Ok(()),
            }
        }
    };
    conn.execute(
        "INSERT INTO main.settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![MCP_SERVERS_KEY, merged],
    )?;
    Ok(())
}

/// Why a backup was written: the kinds are kept apart when old ones are
/// pruned, so automatic backups never push out a copy taken before a restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupKind {
    Automatic,
    /// The history as it was just before a replacing restore.
    BeforeRestore,
    /// "Back up now".
    Manual,
}

impl BackupKind {
    fn prefix(self) -> &'static str {
        match self {
            BackupKind::Automatic => "halley-auto-",
            BackupKind::BeforeRestore => "halley-before-restore-",
            BackupKind::Manual => "halley-backup-",
        }
    }
}

/// `halley-<kind>-YYYYMMDD-HHMMSS-mmm-<4 hex>.sqlite3` (UTC, milliseconds):
/// names sort by time, which is how the oldest are found, and two backups
/// in the same millisecond do not collide.
pub fn backup_file_name(kind: BackupKind) -> String {
    let now = std::time::SystemTime::now();
    let millis = now
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_millis())
        .unwrap_or(0);
    let salt = &new_id()[..4];
    format!(
        "{}{}-{millis:03}-{salt}.{BACKUP_EXTENSION}",
        kind.prefix(),
        utc_stamp(now)
    )
}

/// Removes the oldest backups of `kind` in `folder` beyond the newest `keep`.
/// Returns how many were removed.
pub fn prune_backups(folder: &Path, kind: BackupKind, keep: usize) -> Result<usize, Error> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Ok(0);
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(kind.prefix()) && n.ends_with(&format!(".{BACKUP_EXTENSION}")))
        .collect();
    // The names carry their UTC time: newest last.
    names.sort();
    let excess = names.len().saturating_sub(keep);
    for name in &names[..excess] {
        std::fs::remove_file(folder.join(name))?;
    }
    Ok(excess)
}

/// Reads a backup's manifest without restoring it (`None`: a plain history).
pub fn read_manifest(path: &Path) -> Result<Option<BackupManifest>, Error> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let text: Option<String> = conn
        .query_row(
            &format!("SELECT manifest FROM {MANIFEST_TABLE}"),
            [],
            |row| row.get(0),
        )
        .optional()
        .unwrap_or(None);
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table added to the schema (assistants, one day) must say how it
    /// comes back from a backup, or a restore would silently drop it.
    #[test]
    fn every_table_of_the_schema_is_carried_by_a_backup() {
        let history = History::open_in_memory().expect("opens");
        let tables: Vec<String> = history
            .read(|conn| {
                let mut statement = conn.prepare(
                    "SELECT name FROM sqlite_schema WHERE type = 'table'
                     AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'messages_fts%' ORDER BY name",
                )?;
                let names = statement.query_map([], |row| row.get(0))?;
                Ok(names.collect::<Result<_, _>>()?)
            })
            .expect("tables");
        let mut carried: Vec<String> = TABLES.iter().map(|t| t.name.to_owned()).collect();
        carried.sort();
        assert_eq!(tables, carried, "backup::TABLES must list every table");
    }
}
