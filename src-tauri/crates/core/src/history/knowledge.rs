//! The rows of a conversation's knowledge (`knowledge_files`): which files
//! went to which provider, and where their indexing stands. The uploads
//! themselves are `crate::knowledge`'s.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{new_id, now_ms, History};
use crate::Error;

/// Where a knowledge file stands, in the order a file goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "KnowledgeState.ts")]
pub enum KnowledgeState {
    Uploading,
    Indexing,
    Ready,
    Failed,
}

impl KnowledgeState {
    fn as_str(self) -> &'static str {
        match self {
            KnowledgeState::Uploading => "uploading",
            KnowledgeState::Indexing => "indexing",
            KnowledgeState::Ready => "ready",
            KnowledgeState::Failed => "failed",
        }
    }

    fn parse(text: &str) -> KnowledgeState {
        match text {
            "uploading" => KnowledgeState::Uploading,
            "indexing" => KnowledgeState::Indexing,
            "ready" => KnowledgeState::Ready,
            // The CHECK constraint allows nothing else.
            _ => KnowledgeState::Failed,
        }
    }
}

/// Why a knowledge file is not ready: a code the UI says in the user's
/// language, and the provider's own words beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "KnowledgeErrorCode.ts")]
pub enum KnowledgeErrorCode {
    /// Over the provider's size limit (a 413) or Halley's own.
    TooLarge,
    /// The provider refused the file (its type, its content).
    Refused,
    /// The upload could not reach the provider or was cut off.
    Network,
    /// The file was uploaded but could not be indexed for search.
    IndexingFailed,
    /// The app closed while the file was on its way; it was not finished.
    Interrupted,
    /// The provider's key is missing or refused.
    Key,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "KnowledgeError.ts")]
pub struct KnowledgeError {
    pub code: KnowledgeErrorCode,
    /// What the provider (or the network) said; may be empty.
    pub detail: String,
}

/// One file of a conversation's knowledge, as the UI lists it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "KnowledgeFile.ts")]
pub struct KnowledgeFile {
    pub id: String,
    pub conversation_id: String,
    pub provider_id: String,
    pub name: String,
    /// Sizes stay far below 2^53: a number in TypeScript, not a bigint.
    #[ts(type = "number")]
    pub bytes: u64,
    pub state: KnowledgeState,
    pub error: Option<KnowledgeError>,
    /// Bytes sent so far, while uploading (never stored).
    #[ts(type = "number | null")]
    pub sent: Option<u64>,
    /// The provider's ids: the backend's business, not the UI's.
    #[serde(skip)]
    #[ts(skip)]
    pub file_id: Option<String>,
    #[serde(skip)]
    #[ts(skip)]
    pub vector_store_id: Option<String>,
}

const COLUMNS: &str =
    "id, conversation_id, provider_id, name, bytes, state, error, file_id, vector_store_id";

fn from_row(row: &Row<'_>) -> rusqlite::Result<KnowledgeFile> {
    let state: String = row.get(5)?;
    let error: Option<String> = row.get(6)?;
    let bytes: i64 = row.get(4)?;
    Ok(KnowledgeFile {
        id: row.get(0)?,
        conversation_id: row.get(1)?,
        provider_id: row.get(2)?,
        name: row.get(3)?,
        bytes: u64::try_from(bytes).unwrap_or(0),
        state: KnowledgeState::parse(&state),
        // A damaged error column still says the file failed.
        error: error.map(|text| {
            serde_json::from_str(&text).unwrap_or(KnowledgeError {
                code: KnowledgeErrorCode::Other,
                detail: text,
            })
        }),
        sent: None,
        file_id: row.get(7)?,
        vector_store_id: row.get(8)?,
    })
}

impl History {
    /// Starts a knowledge file (state `uploading`).
    pub fn add_knowledge_file(
        &self,
        conversation_id: &str,
        provider_id: &str,
        name: &str,
        bytes: u64,
    ) -> Result<KnowledgeFile, Error> {
        let id = new_id();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO knowledge_files (id, conversation_id, provider_id, name, bytes, state, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'uploading', ?6)",
                params![id, conversation_id, provider_id, name, i64::try_from(bytes).unwrap_or(i64::MAX), now_ms()],
            )?;
            Ok(())
        })?;
        self.knowledge_file(&id)
    }

    pub fn knowledge_file(&self, id: &str) -> Result<KnowledgeFile, Error> {
        self.read(|conn| {
            conn.query_row(
                &format!("SELECT {COLUMNS} FROM knowledge_files WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("no knowledge file {id}")))
        })
    }

    /// A conversation's knowledge, oldest first.
    pub fn list_knowledge(&self, conversation_id: &str) -> Result<Vec<KnowledgeFile>, Error> {
        self.read(|conn| {
            let mut statement = conn.prepare(&format!(
                "SELECT {COLUMNS} FROM knowledge_files WHERE conversation_id = ?1 ORDER BY created_at, rowid"
            ))?;
            let rows = statement.query_map([conversation_id], from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Records where a file got to. `file_id` and `vector_store_id` are
    /// kept when `None` (they are only ever learned, never forgotten).
    pub fn set_knowledge_state(
        &self,
        id: &str,
        state: KnowledgeState,
        error: Option<&KnowledgeError>,
        file_id: Option<&str>,
        vector_store_id: Option<&str>,
    ) -> Result<(), Error> {
        let error = error
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| Error::InvalidInput(e.to_string()))?;
        self.write(|tx| {
            tx.execute(
                "UPDATE knowledge_files SET state = ?2, error = ?3,
                    file_id = COALESCE(?4, file_id), vector_store_id = COALESCE(?5, vector_store_id)
                 WHERE id = ?1",
                params![id, state.as_str(), error, file_id, vector_store_id],
            )?;
            Ok(())
        })
    }

    pub fn remove_knowledge_file(&self, id: &str) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute("DELETE FROM knowledge_files WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    /// The vector store a conversation's files at `provider_id` are in.
    pub fn knowledge_store(
        &self,
        conversation_id: &str,
        provider_id: &str,
    ) -> Result<Option<String>, Error> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT vector_store_id FROM knowledge_files
                     WHERE conversation_id = ?1 AND provider_id = ?2 AND vector_store_id IS NOT NULL
                     ORDER BY created_at LIMIT 1",
                    [conversation_id, provider_id],
                    |row| row.get(0),
                )
                .optional()?)
        })
    }

    /// Files left `uploading` or `indexing` by an app that closed: their
    /// tasks are gone, so they are failed (the user can add them again).
    pub fn interrupt_unfinished_knowledge(&self) -> Result<Vec<KnowledgeFile>, Error> {
        let unfinished: Vec<KnowledgeFile> = self.read(|conn| {
            let mut statement = conn.prepare(&format!(
                "SELECT {COLUMNS} FROM knowledge_files WHERE state IN ('uploading', 'indexing')"
            ))?;
            let rows = statement.query_map([], from_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })?;
        let error = KnowledgeError {
            code: KnowledgeErrorCode::Interrupted,
            detail: String::new(),
        };
        for file in &unfinished {
            self.set_knowledge_state(&file.id, KnowledgeState::Failed, Some(&error), None, None)?;
        }
        Ok(unfinished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::NewConversation;

    fn conversation(history: &History) -> String {
        history
            .create_conversation(NewConversation {
                title: "t".into(),
                model: None,
                provider_id: None,
                settings: serde_json::Value::Null,
            })
            .expect("creates")
            .id
    }

    #[test]
    fn a_file_goes_from_uploading_to_ready_and_keeps_its_ids() {
        let history = History::open_in_memory().expect("opens");
        let c = conversation(&history);
        let file = history
            .add_knowledge_file(&c, "p", "report.pdf", 10)
            .expect("adds");
        assert_eq!(file.state, KnowledgeState::Uploading);
        history
            .set_knowledge_state(
                &file.id,
                KnowledgeState::Indexing,
                None,
                Some("file_1"),
                Some("vs_1"),
            )
            .expect("sets");
        history
            .set_knowledge_state(&file.id, KnowledgeState::Ready, None, None, None)
            .expect("sets");
        let listed = history.list_knowledge(&c).expect("lists");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].state, KnowledgeState::Ready);
        assert_eq!(listed[0].file_id.as_deref(), Some("file_1"));
        assert_eq!(
            history.knowledge_store(&c, "p").expect("reads").as_deref(),
            Some("vs_1")
        );
        assert_eq!(history.knowledge_store(&c, "other").expect("reads"), None);
    }

    #[test]
    fn files_left_on_their_way_by_a_closed_app_are_failed_as_interrupted() {
        let history = History::open_in_memory().expect("opens");
        let c = conversation(&history);
        let file = history
            .add_knowledge_file(&c, "p", "a.txt", 1)
            .expect("adds");
        let interrupted = history.interrupt_unfinished_knowledge().expect("runs");
        assert_eq!(interrupted.len(), 1);
        let file = history.knowledge_file(&file.id).expect("reads");
        assert_eq!(file.state, KnowledgeState::Failed);
        assert_eq!(
            file.error.map(|e| e.code),
            Some(KnowledgeErrorCode::Interrupted)
        );
    }

    #[test]
    fn a_purged_conversation_takes_its_knowledge_rows_with_it() {
        let history = History::open_in_memory().expect("opens");
        let c = conversation(&history);
        history
            .add_knowledge_file(&c, "p", "a.txt", 1)
            .expect("adds");
        history.purge_conversation(&c).expect("purges");
        assert!(history.list_knowledge(&c).expect("lists").is_empty());
    }
}
