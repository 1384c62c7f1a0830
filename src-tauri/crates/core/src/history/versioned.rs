//! Things saved under a name where each save adds a version (Playground
//! presets, evaluation datasets): one way to find or create the named row
//! and take its next version number, inside the caller's transaction.

use rusqlite::{params, OptionalExtension, Transaction};

use super::new_id;
use crate::Error;

/// A kind of versioned thing and its two tables.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Versioned {
    Preset,
    Dataset,
}

impl Versioned {
    /// (named rows, versions, the versions' column naming their row)
    fn tables(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Versioned::Preset => (
                "playground_presets",
                "playground_preset_versions",
                "preset_id",
            ),
            Versioned::Dataset => ("eval_datasets", "eval_dataset_versions", "dataset_id"),
        }
    }
}

/// The id of the row named `name` (made now if there is none, touched at
/// `now` if there is) and the number its next version takes.
pub(crate) fn next_version(
    tx: &Transaction<'_>,
    kind: Versioned,
    name: &str,
    now: f64,
) -> Result<(String, u32), Error> {
    let (named, versions, owner) = kind.tables();
    let existing: Option<String> = tx
        .query_row(
            &format!("SELECT id FROM {named} WHERE name = ?1"),
            params![name],
            |row| row.get(0),
        )
        .optional()?;
    let id = match existing {
        Some(id) => {
            tx.execute(
                &format!("UPDATE {named} SET updated_at = ?2 WHERE id = ?1"),
                params![id, now],
            )?;
            id
        }
        None => {
            let id = new_id();
            tx.execute(
                &format!(
                    "INSERT INTO {named} (id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)"
                ),
                params![id, name, now],
            )?;
            id
        }
    };
    let version: u32 = tx.query_row(
        &format!("SELECT COALESCE(MAX(version), 0) + 1 FROM {versions} WHERE {owner} = ?1"),
        params![id],
        |row| row.get(0),
    )?;
    Ok((id, version))
}
