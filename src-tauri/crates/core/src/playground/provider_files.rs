//! The Playground's view of the provider's files and vector stores: what a
//! prompt engineer picks from (uploaded files, stores and each store file's
//! indexing state) as small typed records for the UI, and the one way a
//! store is made from uploaded files (a store, then one file batch). The
//! wire calls are `halley_responses::client::files`; the key never leaves
//! the backend, and nothing the provider sends is passed on unbounded.

use halley_responses::files::{
    CreateVectorStore, FileObject, FilePurpose, IndexingStatus, VectorStore, VectorStoreFile,
};
use halley_responses::{Client, Endpoint, Error, Nullable};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Names and reasons from the provider are cut here: they are shown, and a
/// hostile server could send megabytes.
const MAX_TEXT_CHARS: usize = 400;

/// Files a store is made from at once (the API's file batch takes 500; a
/// form with more than this is a mistake, not a use).
pub const MAX_STORE_FILES: usize = 100;

fn bounded(text: &str) -> String {
    text.chars().take(MAX_TEXT_CHARS).collect()
}

/// What an upload is for: `assistants` for file search and code interpreter,
/// `user_data` for a file in a message, `vision` for an image in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "UploadPurpose.ts")]
pub enum UploadPurpose {
    Assistants,
    UserData,
    Vision,
}

impl From<UploadPurpose> for FilePurpose {
    fn from(purpose: UploadPurpose) -> Self {
        match purpose {
            UploadPurpose::Assistants => FilePurpose::Assistants,
            UploadPurpose::UserData => FilePurpose::UserData,
            UploadPurpose::Vision => FilePurpose::Vision,
        }
    }
}

/// How far an upload is: bytes handed to the connection, of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "FileUploadProgress.ts")]
pub struct FileUploadProgress {
    #[ts(type = "number")]
    pub sent: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// A file at the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "ProviderFile.ts")]
pub struct ProviderFile {
    pub id: String,
    pub filename: String,
    #[ts(type = "number | null")]
    pub bytes: Option<u64>,
    /// Seconds since 1970, as the provider says.
    #[ts(type = "number | null")]
    pub created_at: Option<u64>,
    pub purpose: String,
}

impl From<FileObject> for ProviderFile {
    fn from(file: FileObject) -> Self {
        ProviderFile {
            filename: bounded(file.filename.get().map_or("", String::as_str)),
            bytes: file.bytes.get().copied(),
            created_at: file.created_at.get().copied(),
            purpose: bounded(file.purpose.get().map_or("", String::as_str)),
            id: bounded(&file.id),
        }
    }
}

/// Where a file's indexing in a store stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "FileIndexing.ts")]
pub enum FileIndexing {
    InProgress,
    Completed,
    Cancelled,
    Failed,
    /// A status this version does not know: shown as still indexing.
    Unknown,
}

impl From<IndexingStatus> for FileIndexing {
    fn from(status: IndexingStatus) -> Self {
        match status {
            IndexingStatus::InProgress => FileIndexing::InProgress,
            IndexingStatus::Completed => FileIndexing::Completed,
            IndexingStatus::Cancelled => FileIndexing::Cancelled,
            IndexingStatus::Failed => FileIndexing::Failed,
            IndexingStatus::Unknown => FileIndexing::Unknown,
        }
    }
}

/// One file of a store, with its indexing state and, when it failed, why
/// (in the provider's words).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "StoreFile.ts")]
pub struct StoreFile {
    pub id: String,
    pub status: FileIndexing,
    pub error: Option<String>,
}

impl From<VectorStoreFile> for StoreFile {
    fn from(file: VectorStoreFile) -> Self {
        let error = match &file.last_error {
            Nullable::Value(error) if !error.message.is_empty() => Some(bounded(&error.message)),
            Nullable::Value(error) => error.code.get().map(|code| bounded(code)),
            _ => None,
        };
        StoreFile {
            id: bounded(&file.id),
            status: file.status.into(),
            error,
        }
    }
}

/// A vector store, as the picker lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "StoreSummary.ts")]
pub struct StoreSummary {
    pub id: String,
    pub name: String,
    /// `in_progress`, `completed`, `expired`, as the provider says.
    pub status: String,
    #[ts(type = "number")]
    pub files_total: u64,
    #[ts(type = "number")]
    pub files_completed: u64,
    #[ts(type = "number")]
    pub files_failed: u64,
    #[ts(type = "number | null")]
    pub created_at: Option<u64>,
}

impl From<VectorStore> for StoreSummary {
    fn from(store: VectorStore) -> Self {
        let counts = store.file_counts.get().cloned().unwrap_or_default();
        StoreSummary {
            name: bounded(store.name.get().map_or("", String::as_str)),
            status: bounded(store.status.get().map_or("", String::as_str)),
            files_total: counts.total,
            files_completed: counts.completed,
            files_failed: counts.failed,
            created_at: store.created_at.get().copied(),
            id: bounded(&store.id),
        }
    }
}

/// Makes a store named `name` holding `file_ids`: the store first, then
/// one file batch (the provider indexes them in the background; follow
/// with `list_vector_store_files`). A batch the provider refuses deletes
/// the empty store again, so nothing half-made is left behind.
pub async fn create_store_from_files(
    client: &Client,
    endpoint: &Endpoint,
    name: &str,
    file_ids: &[String],
) -> Result<StoreSummary, Error> {
    if file_ids.len() > MAX_STORE_FILES {
        return Err(Error::InvalidRequest(format!(
            "a store is made from at most {MAX_STORE_FILES} files at once"
        )));
    }
    let request = CreateVectorStore {
        name: if name.trim().is_empty() {
            Nullable::Absent
        } else {
            Nullable::Value(name.trim().to_owned())
        },
        ..CreateVectorStore::default()
    };
    let store = client.create_vector_store(endpoint, &request).await?;
    if file_ids.is_empty() {
        return Ok(store.into());
    }
    if let Err(error) = client
        .create_file_batch(endpoint, &store.id, file_ids)
        .await
    {
        if let Err(cleanup) = client.delete_vector_store(endpoint, &store.id).await {
            tracing::warn!(%cleanup, "an empty vector store could not be deleted at the provider");
        }
        return Err(error);
    }
    // The store as it now is (its file counts include the batch).
    Ok(client
        .retrieve_vector_store(endpoint, &store.id)
        .await
        .unwrap_or(store)
        .into())
}

/// Files looked at one by one per look, at most: a store of thousands is
/// listed, not fetched file by file.
const MAX_FILES_LOOKED_AT: usize = 20;

/// A store's files with their indexing state. The list says where each
/// stood; a file still in progress is asked for on its own too (as the SDKs'
/// `poll` does), which is the freshest answer a provider gives.
pub async fn store_files(
    client: &Client,
    endpoint: &Endpoint,
    store_id: &str,
) -> Result<Vec<StoreFile>, Error> {
    let mut files = client.list_vector_store_files(endpoint, store_id).await?;
    for file in files
        .iter_mut()
        .filter(|f| !f.status.is_final())
        .take(MAX_FILES_LOOKED_AT)
    {
        match client
            .retrieve_vector_store_file(endpoint, store_id, &file.id)
            .await
        {
            Ok(fresh) => *file = fresh,
            // Gone since the listing (removed meanwhile): the list's word stands.
            Err(error) if error.http_status() == Some(404) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(files.into_iter().map(StoreFile::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_file_says_why_in_the_providers_words_and_long_text_is_cut() {
        let file: VectorStoreFile = serde_json::from_str(
            r#"{"id":"file_1","status":"failed","last_error":{"code":"unsupported_file","message":"The file type is not supported."}}"#,
        )
        .expect("parses");
        let view = StoreFile::from(file);
        assert_eq!(view.status, FileIndexing::Failed);
        assert_eq!(
            view.error.as_deref(),
            Some("The file type is not supported.")
        );

        let long = "x".repeat(10_000);
        let file: FileObject =
            serde_json::from_str(&format!(r#"{{"id":"file_2","filename":"{long}"}}"#))
                .expect("parses");
        assert_eq!(
            ProviderFile::from(file).filename.chars().count(),
            MAX_TEXT_CHARS
        );
    }
}
