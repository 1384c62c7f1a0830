//! The Files, Vector Stores and container-file objects of the API, in the
//! same forward-compatible style as the rest of the crate: fields a server
//! may leave out are [`Nullable`], unknown fields are kept in `extra`, and
//! statuses Halley decides on are enums with a catch-all.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::items::Extra;
use crate::nullable::Nullable;

/// A page of a list endpoint (`GET /files`, `GET /vector_stores`, …).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub has_more: Nullable<bool>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub last_id: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// What an uploaded file is for (`purpose`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilePurpose {
    /// Input to a model: PDFs and other files attached to a message, and
    /// files for file search and code interpreter.
    UserData,
    Assistants,
    Vision,
    Batch,
    Evals,
    #[serde(other)]
    Other,
}

impl FilePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            FilePurpose::UserData => "user_data",
            FilePurpose::Assistants => "assistants",
            FilePurpose::Vision => "vision",
            FilePurpose::Batch => "batch",
            FilePurpose::Evals => "evals",
            FilePurpose::Other => "other",
        }
    }
}

/// `POST /files` answers with one, as do retrieve and list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileObject {
    pub id: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub object: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub bytes: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub created_at: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub expires_at: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub filename: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub purpose: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A file to upload: its bytes are in memory (the app reads the file
/// once; a retry sends the same bytes again).
#[derive(Clone, Debug)]
pub struct Upload {
    pub filename: String,
    /// The MIME type the user's file has (`application/pdf`).
    pub mime: String,
    pub bytes: bytes::Bytes,
    pub purpose: FilePurpose,
}

/// Where an indexing or a run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexingStatus {
    InProgress,
    Completed,
    Cancelled,
    Failed,
    /// A status this version does not know: treated as not finished.
    #[serde(other)]
    Unknown,
}

impl IndexingStatus {
    /// Whether waiting longer can change it.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            IndexingStatus::Completed | IndexingStatus::Cancelled | IndexingStatus::Failed
        )
    }
}

/// How many files of a store or batch are where.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileCounts {
    #[serde(default)]
    pub in_progress: u64,
    #[serde(default)]
    pub completed: u64,
    #[serde(default)]
    pub failed: u64,
    #[serde(default)]
    pub cancelled: u64,
    #[serde(default)]
    pub total: u64,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VectorStore {
    pub id: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub object: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub name: Nullable<String>,
    /// `expired`, `in_progress`, `completed`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub file_counts: Nullable<FileCounts>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub usage_bytes: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub created_at: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub expires_at: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub metadata: Nullable<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `POST /vector_stores`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateVectorStore {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub name: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub file_ids: Nullable<Vec<String>>,
    /// `{"anchor": "last_active_at", "days": N}`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub expires_after: Nullable<Value>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub chunking_strategy: Nullable<Value>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub metadata: Nullable<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Why a file could not be indexed, in the provider's words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileError {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub code: Nullable<String>,
    #[serde(default)]
    pub message: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A file in a vector store, with its indexing state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VectorStoreFile {
    /// The file's id (the same as the uploaded file's).
    pub id: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub object: Nullable<String>,
    pub status: IndexingStatus,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub last_error: Nullable<FileError>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub vector_store_id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub usage_bytes: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub created_at: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub attributes: Nullable<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Files added to a store in one go (`POST /vector_stores/{id}/file_batches`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileBatch {
    pub id: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub object: Nullable<String>,
    pub status: IndexingStatus,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub file_counts: Nullable<FileCounts>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub vector_store_id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub created_at: Nullable<u64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Where a Batch API batch stands (`GET /batches/{id}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    Validating,
    InProgress,
    Finalizing,
    Completed,
    Failed,
    Expired,
    Cancelling,
    Cancelled,
    /// A status this version does not know: not finished.
    #[serde(other)]
    Other,
}

impl BatchStatus {
    /// Whether the batch will not change any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            BatchStatus::Completed
                | BatchStatus::Failed
                | BatchStatus::Expired
                | BatchStatus::Cancelled
        )
    }
}

/// A batch of requests run by the provider from a JSONL file
/// (`POST /batches`, the Batch API).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    pub id: String,
    pub status: BatchStatus,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub input_file_id: Nullable<String>,
    /// The answered requests, one JSON line each, once completed.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub output_file_id: Nullable<String>,
    /// The refused requests, one JSON line each.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub error_file_id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub request_counts: Nullable<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A file in a code interpreter container (what the code wrote, or an
/// input it was given).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContainerFile {
    pub id: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub object: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub container_id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub bytes: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub created_at: Nullable<u64>,
    /// Where the code put it (`/mnt/data/chart.png`).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub path: Nullable<String>,
    /// `assistant` (the code wrote it) or `user`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub source: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_statuses_and_fields_are_kept_not_refused() {
        let file: VectorStoreFile = serde_json::from_str(
            r#"{"id":"file_1","object":"vector_store.file","status":"queued_for_later",
                "last_error":null,"new_field":{"a":1}}"#,
        )
        .expect("a future status still parses");
        assert_eq!(file.status, IndexingStatus::Unknown);
        assert!(!file.status.is_final());
        assert_eq!(file.last_error, Nullable::Null);
        assert!(file.extra.contains_key("new_field"));

        let failed: VectorStoreFile = serde_json::from_str(
            r#"{"id":"file_2","status":"failed","last_error":{"code":"unsupported_file","message":"The file type is not supported."}}"#,
        )
        .expect("parses");
        assert!(failed.status.is_final());
        assert_eq!(
            failed.last_error.get().map(|e| e.message.as_str()),
            Some("The file type is not supported.")
        );

        let page: Page<FileObject> = serde_json::from_str(
            r#"{"object":"list","data":[{"id":"file_1","bytes":3}],"has_more":false}"#,
        )
        .expect("a page");
        assert_eq!(page.data[0].bytes.get(), Some(&3));
        assert_eq!(page.extra.get("object"), Some(&Value::from("list")));
    }
}
