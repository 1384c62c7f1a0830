//! The Files API (upload, list, retrieve, delete, content), the Batch API
//! (a JSONL file of requests run by the provider), vector stores
//! and their files (with polling until a file is indexed), and the files of
//! a code interpreter container. Every call goes through the client's one
//! send path: the same retries, limits, redirects policy and errors as
//! `/responses`.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream;
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::{path_segment, Client, Endpoint, StreamOptions};
use crate::error::{truncate_for_error, Error};
use crate::files::{
    Batch, ContainerFile, CreateVectorStore, FileBatch, FileObject, FilePurpose, Page, Upload,
    VectorStore, VectorStoreFile,
};
use crate::response::Deleted;

/// Pages a list call follows at most: a bound against a server that never
/// says "done".
pub const MAX_LIST_PAGES: usize = 20;

/// How an upload goes: bytes handed to the connection so far, and the total.
pub type UploadProgress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Upload chunks: small enough for a smooth progress bar.
const UPLOAD_CHUNK: usize = 64 * 1024;

/// How long [`Client::wait_for_indexing`] waits at most, and between looks.
#[derive(Clone, Copy, Debug)]
pub struct Polling {
    pub interval: Duration,
    pub limit: Duration,
}

impl Default for Polling {
    fn default() -> Self {
        Polling {
            interval: Duration::from_secs(1),
            limit: Duration::from_secs(10 * 60),
        }
    }
}

impl Client {
    /// `POST /files` (multipart). `progress` hears how many bytes went out;
    /// `cancel` stops the upload at once, sent or not (a file the server
    /// finished receiving may still exist: the caller deletes it by id if
    /// one came back). A 413 or a size refusal is an error whose reading
    /// says the file is too large.
    pub async fn upload_file(
        &self,
        ep: &Endpoint,
        upload: &Upload,
        progress: Option<UploadProgress>,
        cancel: &CancellationToken,
    ) -> Result<FileObject, Error> {
        let url = ep.url("files");
        let total = upload.bytes.len() as u64;
        let build = || {
            let part = || {
                Part::stream_with_length(
                    reqwest::Body::wrap_stream(chunks(upload.bytes.clone(), progress.clone())),
                    total,
                )
                .file_name(upload.filename.clone())
            };
            // A MIME type the user's system gave that is not one lets the
            // server guess from the name, as for a file with no type.
            let part = part().mime_str(&upload.mime).unwrap_or_else(|_| part());
            let form = Form::new()
                .text("purpose", upload.purpose.as_str())
                .part("file", part);
            self.http.post(&url).multipart(form)
        };
        let opts = StreamOptions {
            cancel: cancel.clone(),
            ..StreamOptions::default()
        };
        let response = self.send(ep, build, &opts).await?;
        let bytes = self.read_body(response, cancel).await?;
        parse(&bytes)
    }

    /// `GET /files` (all pages), optionally only one purpose's.
    pub async fn list_files(
        &self,
        ep: &Endpoint,
        purpose: Option<FilePurpose>,
    ) -> Result<Vec<FileObject>, Error> {
        let base = match purpose {
            Some(purpose) => format!("files?limit=100&purpose={}", purpose.as_str()),
            None => "files?limit=100".to_owned(),
        };
        self.all_pages(ep, &base, |file: &FileObject| file.id.clone())
            .await
    }

    /// `GET /files/{id}`.
    pub async fn retrieve_file(&self, ep: &Endpoint, id: &str) -> Result<FileObject, Error> {
        self.get(ep, &format!("files/{}", path_segment(id))).await
    }

    /// `DELETE /files/{id}`.
    pub async fn delete_file(&self, ep: &Endpoint, id: &str) -> Result<Deleted, Error> {
        self.call(
            Method::DELETE,
            ep,
            &format!("files/{}", path_segment(id)),
            None,
        )
        .await
    }

    /// `GET /files/{id}/content`: the file's bytes, within the client's
    /// body limit.
    pub async fn file_content(&self, ep: &Endpoint, id: &str) -> Result<Bytes, Error> {
        self.download(ep, &format!("files/{}/content", path_segment(id)))
            .await
    }

    /// `POST /batches`: runs every request of the JSONL file `input_file_id`
    /// (uploaded with purpose `batch`) against `/v1/responses`.
    pub async fn create_batch(&self, ep: &Endpoint, input_file_id: &str) -> Result<Batch, Error> {
        let body = body(&json!({
            "input_file_id": input_file_id,
            "endpoint": "/v1/responses",
            "completion_window": "24h",
        }))?;
        self.call(Method::POST, ep, "batches", Some(body)).await
    }

    /// `GET /batches/{id}`.
    pub async fn retrieve_batch(&self, ep: &Endpoint, id: &str) -> Result<Batch, Error> {
        self.get(ep, &format!("batches/{}", path_segment(id))).await
    }

    /// `POST /batches/{id}/cancel`.
    pub async fn cancel_batch(&self, ep: &Endpoint, id: &str) -> Result<Batch, Error> {
        self.call(
            Method::POST,
            ep,
            &format!("batches/{}/cancel", path_segment(id)),
            None,
        )
        .await
    }

    /// `POST /vector_stores`.
    pub async fn create_vector_store(
        &self,
        ep: &Endpoint,
        store: &CreateVectorStore,
    ) -> Result<VectorStore, Error> {
        self.call(Method::POST, ep, "vector_stores", Some(body(store)?))
            .await
    }

    /// `GET /vector_stores` (all pages).
    pub async fn list_vector_stores(&self, ep: &Endpoint) -> Result<Vec<VectorStore>, Error> {
        self.all_pages(ep, "vector_stores?limit=100", |store: &VectorStore| {
            store.id.clone()
        })
        .await
    }

    /// `GET /vector_stores/{id}`.
    pub async fn retrieve_vector_store(
        &self,
        ep: &Endpoint,
        id: &str,
    ) -> Result<VectorStore, Error> {
        self.get(ep, &format!("vector_stores/{}", path_segment(id)))
            .await
    }

    /// `DELETE /vector_stores/{id}` (the files themselves stay; delete
    /// them with [`Client::delete_file`]).
    pub async fn delete_vector_store(&self, ep: &Endpoint, id: &str) -> Result<Deleted, Error> {
        self.call(
            Method::DELETE,
            ep,
            &format!("vector_stores/{}", path_segment(id)),
            None,
        )
        .await
    }

    /// `POST /vector_stores/{id}/files`: starts indexing an uploaded file.
    pub async fn add_vector_store_file(
        &self,
        ep: &Endpoint,
        store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, Error> {
        let path = format!("vector_stores/{}/files", path_segment(store_id));
        let body = body(&json!({ "file_id": file_id }))?;
        self.call(Method::POST, ep, &path, Some(body)).await
    }

    /// `GET /vector_stores/{id}/files` (all pages).
    pub async fn list_vector_store_files(
        &self,
        ep: &Endpoint,
        store_id: &str,
    ) -> Result<Vec<VectorStoreFile>, Error> {
        let base = format!("vector_stores/{}/files?limit=100", path_segment(store_id));
        self.all_pages(ep, &base, |file: &VectorStoreFile| file.id.clone())
            .await
    }

    /// `GET /vector_stores/{id}/files/{file_id}`.
    pub async fn retrieve_vector_store_file(
        &self,
        ep: &Endpoint,
        store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, Error> {
        let path = format!(
            "vector_stores/{}/files/{}",
            path_segment(store_id),
            path_segment(file_id)
        );
        self.get(ep, &path).await
    }

    /// `DELETE /vector_stores/{id}/files/{file_id}`: out of the store (the
    /// file itself stays).
    pub async fn remove_vector_store_file(
        &self,
        ep: &Endpoint,
        store_id: &str,
        file_id: &str,
    ) -> Result<Deleted, Error> {
        let path = format!(
            "vector_stores/{}/files/{}",
            path_segment(store_id),
            path_segment(file_id)
        );
        self.call(Method::DELETE, ep, &path, None).await
    }

    /// `POST /vector_stores/{id}/file_batches`.
    pub async fn create_file_batch(
        &self,
        ep: &Endpoint,
        store_id: &str,
        file_ids: &[String],
    ) -> Result<FileBatch, Error> {
        let path = format!("vector_stores/{}/file_batches", path_segment(store_id));
        let body = body(&json!({ "file_ids": file_ids }))?;
        self.call(Method::POST, ep, &path, Some(body)).await
    }

    /// `GET /vector_stores/{id}/file_batches/{batch_id}`.
    pub async fn retrieve_file_batch(
        &self,
        ep: &Endpoint,
        store_id: &str,
        batch_id: &str,
    ) -> Result<FileBatch, Error> {
        let path = format!(
            "vector_stores/{}/file_batches/{}",
            path_segment(store_id),
            path_segment(batch_id)
        );
        self.get(ep, &path).await
    }

    /// Looks at a store's file until its indexing ends (completed, failed
    /// or cancelled), `on_look` hearing each state; an error past
    /// `polling.limit`, or at once on `cancel`.
    pub async fn wait_for_indexing(
        &self,
        ep: &Endpoint,
        store_id: &str,
        file_id: &str,
        polling: Polling,
        cancel: &CancellationToken,
        on_look: impl Fn(&VectorStoreFile),
    ) -> Result<VectorStoreFile, Error> {
        let deadline = tokio::time::Instant::now() + polling.limit;
        loop {
            let file = tokio::select! {
                () = cancel.cancelled() => return Err(Error::Cancelled),
                file = self.retrieve_vector_store_file(ep, store_id, file_id) => file?,
            };
            on_look(&file);
            if file.status.is_final() {
                return Ok(file);
            }
            if tokio::time::Instant::now() + polling.interval > deadline {
                return Err(Error::Protocol {
                    message: format!(
                        "the file was still being indexed after {} s",
                        polling.limit.as_secs()
                    ),
                    line: file_id.to_owned(),
                });
            }
            tokio::select! {
                () = cancel.cancelled() => return Err(Error::Cancelled),
                () = tokio::time::sleep(polling.interval) => {}
            }
        }
    }

    /// `GET /containers/{id}/files` (all pages): what a code interpreter
    /// run wrote.
    pub async fn list_container_files(
        &self,
        ep: &Endpoint,
        container_id: &str,
    ) -> Result<Vec<ContainerFile>, Error> {
        let base = format!("containers/{}/files?limit=100", path_segment(container_id));
        self.all_pages(ep, &base, |file: &ContainerFile| file.id.clone())
            .await
    }

    /// `GET /containers/{id}/files/{file_id}/content`. A container expires
    /// (20 minutes idle at OpenAI): its files then answer 404.
    pub async fn container_file_content(
        &self,
        ep: &Endpoint,
        container_id: &str,
        file_id: &str,
    ) -> Result<Bytes, Error> {
        let path = format!(
            "containers/{}/files/{}/content",
            path_segment(container_id),
            path_segment(file_id)
        );
        self.download(ep, &path).await
    }

    async fn get<T: DeserializeOwned>(&self, ep: &Endpoint, path: &str) -> Result<T, Error> {
        self.call(Method::GET, ep, path, None).await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        ep: &Endpoint,
        path: &str,
        body: Option<Bytes>,
    ) -> Result<T, Error> {
        self.json(method, ep, path, body, &StreamOptions::default())
            .await
    }

    /// A body as bytes, bounded like every other body.
    async fn download(&self, ep: &Endpoint, path: &str) -> Result<Bytes, Error> {
        let url = ep.url(path);
        let opts = StreamOptions::default();
        let response = self.send(ep, || self.http.get(&url), &opts).await?;
        self.read_body(response, &opts.cancel).await
    }

    /// Every page of a list, following `after` (the last id seen) while
    /// the server says there is more, up to [`MAX_LIST_PAGES`].
    async fn all_pages<T: DeserializeOwned>(
        &self,
        ep: &Endpoint,
        base: &str,
        id_of: impl Fn(&T) -> String,
    ) -> Result<Vec<T>, Error> {
        let mut all: Vec<T> = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_LIST_PAGES {
            let path = match &after {
                Some(after) => format!("{base}&after={}", path_segment(after)),
                None => base.to_owned(),
            };
            let page: Page<T> = self.get(ep, &path).await?;
            let more = page.has_more.get() == Some(&true);
            let last = page
                .last_id
                .as_str()
                .map(str::to_owned)
                .or_else(|| page.data.last().map(&id_of));
            let empty = page.data.is_empty();
            all.extend(page.data);
            // A server that says "more" but sends nothing would loop forever.
            if !more || empty || last.is_none() {
                break;
            }
            after = last;
        }
        Ok(all)
    }
}

/// The file's bytes in small chunks, telling `progress` as each is taken.
fn chunks(
    bytes: Bytes,
    progress: Option<UploadProgress>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let total = bytes.len() as u64;
    let pieces: Vec<Bytes> = (0..bytes.len())
        .step_by(UPLOAD_CHUNK)
        .map(|start| bytes.slice(start..(start + UPLOAD_CHUNK).min(bytes.len())))
        .collect();
    let mut sent = 0u64;
    stream::iter(pieces.into_iter().map(move |piece| {
        sent += piece.len() as u64;
        if let Some(progress) = &progress {
            progress(sent, total);
        }
        Ok(piece)
    }))
}

fn body(value: &impl Serialize) -> Result<Bytes, Error> {
    serde_json::to_vec(value)
        .map(Into::into)
        .map_err(|e| Error::InvalidRequest(e.to_string()))
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::Protocol {
        message: format!("invalid JSON body: {e}"),
        line: truncate_for_error(&String::from_utf8_lossy(bytes)),
    })
}
