//! Playground presets: the whole form saved under a name. Each save adds a
//! version (nothing is overwritten), so older states stay viewable and
//! comparable. Exported and imported as a small JSON document.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::history::{next_version, now_ms, Versioned};
use crate::{Error, History};

/// The `format` field of an exported preset file.
pub const PRESET_FORMAT: &str = "halley-playground-preset";

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "PresetSummary.ts")]
pub struct PresetSummary {
    pub id: String,
    pub name: String,
    pub latest_version: u32,
    pub updated_at: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "PresetVersion.ts")]
pub struct PresetVersion {
    pub version: u32,
    /// The form as JSON text, exactly as saved.
    pub state: String,
    pub created_at: f64,
}

impl History {
    /// Saves `state` (JSON text) as the next version of the preset `name`,
    /// creating the preset on its first save.
    pub fn save_preset(&self, name: &str, state: &str) -> Result<PresetSummary, Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::InvalidInput("a preset needs a name".into()));
        }
        serde_json::from_str::<Value>(state)
            .map_err(|e| Error::InvalidInput(format!("the preset state is not JSON: {e}")))?;
        let now = now_ms();
        self.write(|tx| {
            let (id, version) = next_version(tx, Versioned::Preset, name, now)?;
            tx.execute(
                "INSERT INTO playground_preset_versions (preset_id, version, state, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![id, version, state, now],
            )?;
            Ok(PresetSummary {
                id,
                name: name.to_owned(),
                latest_version: version,
                updated_at: now,
            })
        })
    }

    /// Every preset, most recently saved first.
    pub fn list_presets(&self) -> Result<Vec<PresetSummary>, Error> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT p.id, p.name, MAX(v.version), p.updated_at FROM playground_presets p
                 JOIN playground_preset_versions v ON v.preset_id = p.id
                 GROUP BY p.id ORDER BY p.updated_at DESC, p.name",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok(PresetSummary {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    latest_version: row.get(2)?,
                    updated_at: row.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Every version of a preset, newest first.
    pub fn preset_versions(&self, preset_id: &str) -> Result<Vec<PresetVersion>, Error> {
        let versions = self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT version, state, created_at FROM playground_preset_versions
                 WHERE preset_id = ?1 ORDER BY version DESC",
            )?;
            let rows = stmt.query_map(params![preset_id], |row| {
                Ok(PresetVersion {
                    version: row.get(0)?,
                    state: row.get(1)?,
                    created_at: row.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })?;
        if versions.is_empty() {
            return Err(Error::NotFound(format!("no preset {preset_id}")));
        }
        Ok(versions)
    }

    pub fn delete_preset(&self, preset_id: &str) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM playground_presets WHERE id = ?1",
                params![preset_id],
            )?;
            Ok(())
        })
    }

    /// The preset with all its versions as a JSON document (pretty-printed).
    pub fn export_preset(&self, preset_id: &str) -> Result<String, Error> {
        let name: String = self
            .read(|conn| {
                Ok(conn
                    .query_row(
                        "SELECT name FROM playground_presets WHERE id = ?1",
                        params![preset_id],
                        |row| row.get(0),
                    )
                    .optional()?)
            })?
            .ok_or_else(|| Error::NotFound(format!("no preset {preset_id}")))?;
        let mut versions = self.preset_versions(preset_id)?;
        versions.reverse();
        let versions: Vec<Value> = versions
            .into_iter()
            .map(|v| {
                // The state goes in as JSON, not as a string of JSON, so the
                // file reads well. It was checked to be JSON when saved: if it
                // no longer is, the export says so instead of writing `null`.
                let state = serde_json::from_str::<Value>(&v.state).map_err(|e| {
                    Error::InvalidInput(format!(
                        "version {} of the preset is damaged and cannot be exported: {e}",
                        v.version
                    ))
                })?;
                Ok(json!({"version": v.version, "createdAt": v.created_at, "state": state}))
            })
            .collect::<Result<_, Error>>()?;
        let document = json!({"format": PRESET_FORMAT, "formatVersion": 1, "name": name, "versions": versions});
        serde_json::to_string_pretty(&document)
            .map_err(|e| Error::InvalidInput(format!("could not write the preset: {e}")))
    }

    /// Imports an exported preset. Its versions are added after any the
    /// preset of that name already has, in their order.
    pub fn import_preset(&self, document: &str) -> Result<PresetSummary, Error> {
        let document: Value = serde_json::from_str(document)
            .map_err(|e| Error::InvalidInput(format!("the preset file is not JSON: {e}")))?;
        if document.get("format").and_then(Value::as_str) != Some(PRESET_FORMAT) {
            return Err(Error::InvalidInput(
                "this is not a Halley playground preset".into(),
            ));
        }
        let name = document
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::InvalidInput("the preset has no name".into()))?;
        let states: Vec<String> = document
            .get("versions")
            .and_then(Value::as_array)
            .map(|versions| {
                versions
                    .iter()
                    .filter_map(|v| v.get("state"))
                    .filter(|state| state.is_object())
                    .map(Value::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if states.is_empty() {
            return Err(Error::InvalidInput("the preset has no saved state".into()));
        }
        let mut summary = None;
        for state in states {
            summary = Some(self.save_preset(name, &state)?);
        }
        summary.ok_or_else(|| Error::InvalidInput("the preset has no saved state".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history() -> History {
        History::open_in_memory().expect("in-memory history")
    }

    #[test]
    fn each_save_adds_a_version_and_keeps_the_old_ones() {
        let history = history();
        let first = history
            .save_preset("weather", r#"{"model":"a"}"#)
            .expect("save");
        let second = history
            .save_preset(" weather ", r#"{"model":"b"}"#)
            .expect("save again");
        assert_eq!(
            first.id, second.id,
            "the same name (trimmed) is the same preset"
        );
        assert_eq!((first.latest_version, second.latest_version), (1, 2));
        let versions = history.preset_versions(&first.id).expect("versions");
        let states: Vec<&str> = versions.iter().map(|v| v.state.as_str()).collect();
        assert_eq!(
            states,
            [r#"{"model":"b"}"#, r#"{"model":"a"}"#],
            "newest first, the first save untouched"
        );
        let list = history.list_presets().expect("list");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].latest_version, 2);
    }

    #[test]
    fn names_and_states_are_checked() {
        let history = history();
        assert!(matches!(
            history.save_preset("  ", "{}"),
            Err(Error::InvalidInput(_))
        ));
        assert!(matches!(
            history.save_preset("x", "{nope"),
            Err(Error::InvalidInput(_))
        ));
        assert!(
            history.list_presets().expect("list").is_empty(),
            "a refused save leaves nothing behind"
        );
    }

    #[test]
    fn export_then_import_round_trips_every_version() {
        let source = history();
        let saved = source.save_preset("p", r#"{"model":"a"}"#).expect("save");
        source.save_preset("p", r#"{"model":"b"}"#).expect("save");
        let file = source.export_preset(&saved.id).expect("export");
        assert!(file.contains(PRESET_FORMAT), "the file says what it is");

        let target = history();
        let imported = target.import_preset(&file).expect("import");
        assert_eq!(imported.name, "p");
        assert_eq!(imported.latest_version, 2, "both versions came across");
        let versions = target.preset_versions(&imported.id).expect("versions");
        assert_eq!(
            versions[1].state, r#"{"model":"a"}"#,
            "oldest version first in the file"
        );
        assert!(matches!(
            target.import_preset(r#"{"format":"other"}"#),
            Err(Error::InvalidInput(_))
        ));
    }

    #[test]
    fn deleting_a_preset_removes_its_versions() {
        let history = history();
        let saved = history.save_preset("gone", "{}").expect("save");
        history.delete_preset(&saved.id).expect("delete");
        assert!(matches!(
            history.preset_versions(&saved.id),
            Err(Error::NotFound(_))
        ));
    }
}
