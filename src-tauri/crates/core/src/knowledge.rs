//! A conversation's knowledge: files the user gives a conversation to
//! search. Each goes to the provider once (`POST /files`), into one vector
//! store per conversation and provider (made on the first file), and is
//! watched until it is indexed; a turn then offers `file_search` over that
//! store. Nothing is left at the provider behind the user's back: a file
//! that fails to index, or whose upload is cancelled, is deleted there, and
//! removing a file or the conversation deletes it (and the store) too.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use halley_responses::client::Polling;
use halley_responses::files::{CreateVectorStore, FilePurpose, IndexingStatus, Upload};
use halley_responses::{Client, Endpoint, ErrorKind, Nullable};
use serde::Serialize;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::history::{KnowledgeError, KnowledgeErrorCode, KnowledgeFile, KnowledgeState};
use crate::{Error, History};

/// Halley's own bound on one knowledge file (the API allows 512 MB; a file
/// is read into memory once to upload it).
pub const MAX_KNOWLEDGE_BYTES: u64 = 100 * 1024 * 1024;

/// How often an upload's progress is told: smooth enough for a bar.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// What the UI hears about knowledge files (any conversation's: the UI
/// shows the open one's).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export_to = "KnowledgeEvent.ts")]
pub enum KnowledgeEvent {
    /// A file was added or changed state (or, while uploading, progress).
    Changed { file: KnowledgeFile },
    /// A file was removed (and deleted at the provider).
    #[serde(rename_all = "camelCase")]
    Removed { id: String, conversation_id: String },
}

/// The knowledge uploads of the running app: their cancel handles and the
/// events the UI follows.
#[derive(Clone)]
pub struct Knowledge {
    events: broadcast::Sender<KnowledgeEvent>,
    uploads: Arc<Mutex<HashMap<String, CancellationToken>>>,
    /// Held while a conversation's store is looked up or made, so two files
    /// added at once land in one store, not two.
    store_lock: Arc<tokio::sync::Mutex<()>>,
    polling: Polling,
}

impl Default for Knowledge {
    fn default() -> Self {
        Knowledge::new(Polling::default())
    }
}

/// Where a knowledge file goes: the provider's endpoint and its id.
#[derive(Clone)]
pub struct Destination {
    pub provider_id: String,
    pub endpoint: Endpoint,
}

/// Whether the provider no longer has what was to be deleted (fine: it is gone).
fn already_gone(error: &halley_responses::Error) -> bool {
    error.http_status() == Some(404)
}

/// A file to add, as the user picked it.
pub struct NewKnowledge {
    pub conversation_id: String,
    pub name: String,
    pub mime: String,
    pub bytes: bytes::Bytes,
}

/// What removing a conversation's knowledge at the provider did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "KnowledgeCleanup.ts")]
pub struct KnowledgeCleanup {
    pub files_deleted: u32,
    pub stores_deleted: u32,
    /// What could not be deleted, in the provider's words: the user is told.
    pub failures: Vec<String>,
}

fn problem(error: &halley_responses::Error) -> KnowledgeError {
    use halley_responses::Error as E;
    let code = match error {
        E::TooLarge { .. } => KnowledgeErrorCode::TooLarge,
        E::Network { .. } | E::ConnectionDropped { .. } | E::Stalled { .. } => {
            KnowledgeErrorCode::Network
        }
        _ => match error.reading().map(|r| r.kind) {
            Some(ErrorKind::TooLarge) => KnowledgeErrorCode::TooLarge,
            Some(ErrorKind::BadKey | ErrorKind::NoAccess) => KnowledgeErrorCode::Key,
            Some(_) => KnowledgeErrorCode::Refused,
            None => KnowledgeErrorCode::Other,
        },
    };
    KnowledgeError {
        code,
        detail: error.detail(),
    }
}

impl Knowledge {
    pub fn new(polling: Polling) -> Self {
        Knowledge {
            events: broadcast::channel(256).0,
            uploads: Arc::default(),
            store_lock: Arc::default(),
            polling,
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<KnowledgeEvent> {
        self.events.subscribe()
    }

    fn tell(&self, event: KnowledgeEvent) {
        // Nobody listening (no window) is fine: the rows say the same.
        let _ = self.events.send(event);
    }

    fn uploads(&self) -> std::sync::MutexGuard<'_, HashMap<String, CancellationToken>> {
        self.uploads.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records the file (state `uploading`) and starts its upload and
    /// indexing in the background; returns the row at once.
    pub fn add(
        &self,
        history: &Arc<History>,
        client: &Client,
        destination: Destination,
        file: NewKnowledge,
    ) -> Result<KnowledgeFile, Error> {
        let size = file.bytes.len() as u64;
        if size > MAX_KNOWLEDGE_BYTES {
            return Err(Error::InvalidInput(format!(
                "{} is larger than {} MB",
                file.name,
                MAX_KNOWLEDGE_BYTES / (1024 * 1024)
            )));
        }
        if size == 0 {
            return Err(Error::InvalidInput(format!("{} is empty", file.name)));
        }
        let row = history.add_knowledge_file(
            &file.conversation_id,
            &destination.provider_id,
            &file.name,
            size,
        )?;
        let cancel = CancellationToken::new();
        self.uploads().insert(row.id.clone(), cancel.clone());
        self.tell(KnowledgeEvent::Changed { file: row.clone() });
        let knowledge = self.clone();
        let history = history.clone();
        let client = client.clone();
        let started = row.clone();
        tokio::spawn(async move {
            knowledge
                .upload_and_index(&history, &client, &destination, &started, file, &cancel)
                .await;
            knowledge.uploads().remove(&started.id);
        });
        Ok(row)
    }

    async fn upload_and_index(
        &self,
        history: &Arc<History>,
        client: &Client,
        destination: &Destination,
        row: &KnowledgeFile,
        file: NewKnowledge,
        cancel: &CancellationToken,
    ) {
        let id = row.id.as_str();
        let endpoint = &destination.endpoint;
        let upload = Upload {
            filename: file.name.clone(),
            mime: file.mime.clone(),
            bytes: file.bytes,
            purpose: FilePurpose::Assistants,
        };
        let progress = {
            let knowledge = self.clone();
            // The row as added: progress is told from memory (this runs on
            // the connection's task, where SQLite must not be waited for).
            let row = row.clone();
            let last = Arc::new(Mutex::new(None::<Instant>));
            Arc::new(move |sent: u64, total: u64| {
                let mut last = last.lock().unwrap_or_else(PoisonError::into_inner);
                if sent < total && last.is_some_and(|t| t.elapsed() < PROGRESS_EVERY) {
                    return;
                }
                *last = Some(Instant::now());
                let mut file = row.clone();
                file.sent = Some(sent);
                knowledge.tell(KnowledgeEvent::Changed { file });
            }) as halley_responses::client::UploadProgress
        };
        let uploaded = client
            .upload_file(endpoint, &upload, Some(progress), cancel)
            .await;
        let uploaded = match uploaded {
            Ok(uploaded) => uploaded,
            Err(halley_responses::Error::Cancelled) => return,
            Err(error) => return self.fail(history, id, problem(&error)).await,
        };
        let file_id = uploaded.id;
        let store = match self
            .store_for(history, client, destination, &file.conversation_id)
            .await
        {
            Ok(store) => store,
            Err(error) => {
                self.delete_quietly(client, endpoint, &file_id).await;
                return self.fail(history, id, problem(&error)).await;
            }
        };
        self.set(
            history,
            id,
            KnowledgeState::Indexing,
            None,
            (Some(&file_id), Some(&store)),
        )
        .await;
        let indexed = async {
            client
                .add_vector_store_file(endpoint, &store, &file_id)
                .await?;
            client
                .wait_for_indexing(endpoint, &store, &file_id, self.polling, cancel, |_| {})
                .await
        }
        .await;
        match indexed {
            Ok(done) if done.status == IndexingStatus::Completed => {
                self.set(history, id, KnowledgeState::Ready, None, (None, None))
                    .await;
            }
            Ok(done) => {
                // Not searchable: nothing of it is left at the provider.
                self.delete_quietly(client, endpoint, &file_id).await;
                let detail = match done.last_error {
                    Nullable::Value(error) => error.message,
                    _ => String::new(),
                };
                self.fail(
                    history,
                    id,
                    KnowledgeError {
                        code: KnowledgeErrorCode::IndexingFailed,
                        detail,
                    },
                )
                .await;
            }
            Err(halley_responses::Error::Cancelled) => {
                self.delete_quietly(client, endpoint, &file_id).await;
            }
            Err(error) => {
                self.delete_quietly(client, endpoint, &file_id).await;
                self.fail(history, id, problem(&error)).await;
            }
        }
    }

    /// Records a file's new state (on the blocking pool) and tells the UI.
    async fn set(
        &self,
        history: &Arc<History>,
        id: &str,
        state: KnowledgeState,
        error: Option<KnowledgeError>,
        ids: (Option<&str>, Option<&str>),
    ) {
        let history = history.clone();
        let (id, file_id, store) = (
            id.to_owned(),
            ids.0.map(str::to_owned),
            ids.1.map(str::to_owned),
        );
        let written = on_pool(move || {
            history.set_knowledge_state(
                &id,
                state,
                error.as_ref(),
                file_id.as_deref(),
                store.as_deref(),
            )?;
            history.knowledge_file(&id)
        })
        .await;
        match written {
            Ok(file) => self.tell(KnowledgeEvent::Changed { file }),
            Err(error) => tracing::warn!(%error, "a knowledge file's state could not be kept"),
        }
    }

    async fn fail(&self, history: &Arc<History>, id: &str, error: KnowledgeError) {
        self.set(
            history,
            id,
            KnowledgeState::Failed,
            Some(error),
            (None, None),
        )
        .await;
    }

    /// Deletes a file that must not stay at the provider; a failure is
    /// logged (the file row says what happened to the user's file).
    async fn delete_quietly(&self, client: &Client, endpoint: &Endpoint, file_id: &str) {
        if let Err(error) = client.delete_file(endpoint, file_id).await {
            tracing::warn!(%error, "an unfinished upload could not be deleted at the provider");
        }
    }

    /// The conversation's store at this provider, made on first use.
    async fn store_for(
        &self,
        history: &Arc<History>,
        client: &Client,
        destination: &Destination,
        conversation_id: &str,
    ) -> Result<String, halley_responses::Error> {
        let _held = self.store_lock.lock().await;
        let known = {
            let (history, conversation_id, provider_id) = (
                history.clone(),
                conversation_id.to_owned(),
                destination.provider_id.clone(),
            );
            on_pool(move || {
                let store = history.knowledge_store(&conversation_id, &provider_id)?;
                let title = history
                    .get_conversation(&conversation_id)?
                    .conversation
                    .title;
                Ok((store, title))
            })
            .await
        };
        let title = match known {
            Ok((Some(store), _)) => return Ok(store),
            Ok((None, title)) => title,
            Err(_) => String::new(),
        };
        let store = client
            .create_vector_store(
                &destination.endpoint,
                &CreateVectorStore {
                    name: Nullable::Value(format!("Halley: {title}")),
                    ..CreateVectorStore::default()
                },
            )
            .await?;
        // Known before the lock is let go, so the next file finds it.
        let (history, conversation_id, provider_id, store_id) = (
            history.clone(),
            conversation_id.to_owned(),
            destination.provider_id.clone(),
            store.id.clone(),
        );
        let kept = on_pool(move || {
            let first = history
                .list_knowledge(&conversation_id)?
                .into_iter()
                .find(|f| f.provider_id == provider_id);
            if let Some(first) = first {
                history.set_knowledge_state(
                    &first.id,
                    first.state,
                    first.error.as_ref(),
                    None,
                    Some(&store_id),
                )?;
            }
            Ok(())
        })
        .await;
        if let Err(error) = kept {
            tracing::warn!(%error, "a knowledge store could not be remembered");
        }
        Ok(store.id)
    }

    /// Removes one file: stops its upload, deletes it at the provider (from
    /// the store, then the file), then forgets it. A provider that cannot
    /// be reached leaves the row, so the user can try again.
    pub async fn remove(
        &self,
        history: &Arc<History>,
        client: &Client,
        endpoint: Option<&Endpoint>,
        id: &str,
    ) -> Result<(), Error> {
        if let Some(cancel) = self.uploads().remove(id) {
            cancel.cancel();
        }
        let file = {
            let (history, id) = (history.clone(), id.to_owned());
            on_pool(move || history.knowledge_file(&id)).await?
        };
        if let (Some(endpoint), Some(file_id)) = (endpoint, &file.file_id) {
            if let Some(store) = &file.vector_store_id {
                // Already gone from the store (it failed to index) is fine.
                let _ = client
                    .remove_vector_store_file(endpoint, store, file_id)
                    .await;
            }
            match client.delete_file(endpoint, file_id).await {
                Ok(_) => {}
                Err(error) if already_gone(&error) => {}
                Err(error) => {
                    return Err(Error::InvalidInput(format!(
                        "{} could not be deleted at the provider: {}",
                        file.name,
                        error.detail()
                    )))
                }
            }
        }
        {
            let (history, id) = (history.clone(), id.to_owned());
            on_pool(move || history.remove_knowledge_file(&id)).await?;
        }
        self.tell(KnowledgeEvent::Removed {
            id: id.to_owned(),
            conversation_id: file.conversation_id,
        });
        Ok(())
    }

    /// Deletes all of a conversation's knowledge at the provider (files and
    /// stores) and forgets it. `endpoint_of` gives the endpoint of each
    /// provider the files went to (`None`: that provider is gone or has no
    /// key, so its files are reported, not deleted).
    pub async fn forget_conversation(
        &self,
        history: &Arc<History>,
        client: &Client,
        conversation_id: &str,
        endpoint_of: impl Fn(&str) -> Option<Endpoint>,
    ) -> Result<KnowledgeCleanup, Error> {
        let mut cleanup = KnowledgeCleanup::default();
        let files = {
            let (history, id) = (history.clone(), conversation_id.to_owned());
            on_pool(move || history.list_knowledge(&id)).await?
        };
        let mut stores: Vec<(String, String)> = Vec::new();
        for file in &files {
            if let Some(cancel) = self.uploads().remove(&file.id) {
                cancel.cancel();
            }
            let Some(endpoint) = endpoint_of(&file.provider_id) else {
                if file.file_id.is_some() {
                    cleanup
                        .failures
                        .push(format!("{}: its provider is not set up", file.name));
                }
                continue;
            };
            if let Some(store) = &file.vector_store_id {
                if !stores.iter().any(|(_, s)| s == store) {
                    stores.push((file.provider_id.clone(), store.clone()));
                }
            }
            if let Some(file_id) = &file.file_id {
                match client.delete_file(&endpoint, file_id).await {
                    Ok(_) => cleanup.files_deleted += 1,
                    Err(error) if already_gone(&error) => {}
                    Err(error) => {
                        cleanup
                            .failures
                            .push(format!("{}: {}", file.name, error.detail()))
                    }
                }
            }
        }
        for (provider_id, store) in stores {
            let Some(endpoint) = endpoint_of(&provider_id) else {
                continue;
            };
            match client.delete_vector_store(&endpoint, &store).await {
                Ok(_) => cleanup.stores_deleted += 1,
                Err(error) if already_gone(&error) => {}
                Err(error) => cleanup.failures.push(error.detail()),
            }
        }
        // PDFs that went by file id (`chat::uploads`) are the conversation's
        // files at the provider too.
        let uploads = {
            let (history, id) = (history.clone(), conversation_id.to_owned());
            on_pool(move || history.attachment_uploads(&id)).await?
        };
        for upload in uploads {
            let Some(endpoint) = endpoint_of(&upload.provider_id) else {
                cleanup
                    .failures
                    .push(format!("{}: its provider is not set up", upload.filename));
                continue;
            };
            match client.delete_file(&endpoint, &upload.file_id).await {
                Ok(_) => cleanup.files_deleted += 1,
                Err(error) if already_gone(&error) => {}
                Err(error) => {
                    cleanup
                        .failures
                        .push(format!("{}: {}", upload.filename, error.detail()));
                    continue;
                }
            }
            let history = history.clone();
            on_pool(move || {
                history.remove_attachment_upload(&upload.attachment_id, &upload.provider_id)
            })
            .await?;
        }
        for file in files {
            {
                let (history, id) = (history.clone(), file.id.clone());
                on_pool(move || history.remove_knowledge_file(&id)).await?;
            }
            self.tell(KnowledgeEvent::Removed {
                id: file.id,
                conversation_id: conversation_id.to_owned(),
            });
        }
        Ok(cleanup)
    }
}

/// Runs SQLite work on the blocking pool (never on the async workers).
pub(crate) async fn on_pool<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::TaskLost(format!("a database task did not finish: {e}")))?
}

/// The store a turn at `provider_id` searches: the conversation's, when at
/// least one of its files there is ready.
pub fn searchable_store(
    history: &History,
    conversation_id: &str,
    provider_id: &str,
) -> Result<Option<String>, Error> {
    let ready = history
        .list_knowledge(conversation_id)?
        .into_iter()
        .any(|f| f.provider_id == provider_id && f.state == KnowledgeState::Ready);
    if !ready {
        return Ok(None);
    }
    history.knowledge_store(conversation_id, provider_id)
}
