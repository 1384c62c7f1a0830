//! `/v1/files`, `/v1/vector_stores` (with files and file batches) and
//! `/v1/containers/{id}/files`, shaped as the OpenAI API reference has them.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{json_response, AppState};
use crate::api_error::ApiError;
use crate::files::{
    self as store, file_counts, now_secs, IndexedFile, VectorStore, EXPIRED_CONTAINER,
    INDEXING_LOOKS, UNINDEXABLE,
};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    after: Option<String>,
    limit: Option<usize>,
    purpose: Option<String>,
}

/// A list page of `items` (id, object) after `after`, `limit` long.
fn page(items: Vec<(String, Value)>, query: &ListQuery) -> Response {
    let limit = query.limit.unwrap_or(20).clamp(1, 10_000);
    let start = query
        .after
        .as_ref()
        .and_then(|after| items.iter().position(|(id, _)| id == after))
        .map_or(0, |at| at + 1);
    let rest = &items[start.min(items.len())..];
    let data: Vec<Value> = rest.iter().take(limit).map(|(_, v)| v.clone()).collect();
    let has_more = rest.len() > limit;
    json_response(
        StatusCode::OK,
        &json!({
            "object": "list",
            "first_id": data.first().and_then(|v| v.get("id")).cloned(),
            "last_id": data.last().and_then(|v| v.get("id")).cloned(),
            "has_more": has_more,
            "data": data,
        }),
    )
}

fn not_found(what: &str, id: &str) -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        format!("No such {what}: '{id}'"),
    )
    .into_response()
}

fn deleted(id: &str, object: &str) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"id": id, "object": object, "deleted": true}),
    )
}

/// `POST /v1/files`: multipart with `purpose` and `file`. Larger than the
/// server's limit is a 413 in the API's error shape, said as it happens
/// (the rest of the body is not read).
pub(crate) async fn upload(State(app): State<Arc<AppState>>, mut form: Multipart) -> Response {
    let limit = app.config.max_file_bytes;
    let (mut purpose, mut file) = (None, None);
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                return ApiError::invalid_request(format!("The upload could not be read: {error}"))
                    .into_response()
            }
        };
        match field.name() {
            Some("purpose") => purpose = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or("file").to_owned();
                let mut field = field;
                let mut bytes = Vec::new();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            bytes.extend_from_slice(&chunk);
                            if bytes.len() > limit {
                                return too_large(limit);
                            }
                        }
                        Ok(None) => break,
                        Err(error) => {
                            return ApiError::invalid_request(format!(
                                "The upload ended before the file did: {error}"
                            ))
                            .into_response()
                        }
                    }
                }
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let (Some(purpose), Some((filename, bytes))) = (purpose, file) else {
        return ApiError::invalid_request("Both 'file' and 'purpose' are required.")
            .with_param("file")
            .into_response();
    };
    let mut files = app.files.lock();
    let id = files.new_id("file-");
    let stored = crate::files::StoredFile {
        filename,
        purpose,
        bytes: bytes.into(),
        created_at: now_secs(),
    };
    let object = stored.object(&id);
    files.files.insert(id, stored);
    json_response(StatusCode::OK, &object)
}

/// Said before the body's end: the connection closes after it (the rest of
/// the body is never read), so the client must not send its next request
/// on it — `Connection: close` says so, as a server refusing early does.
fn too_large(limit: usize) -> Response {
    let mut response = ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "invalid_request_error",
        format!("File too large: the maximum file size is {limit} bytes."),
    )
    .with_code("file_too_large")
    .into_response();
    response.headers_mut().insert(
        axum::http::header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    response
}

pub(crate) async fn list(
    State(app): State<Arc<AppState>>,
    Query(query): Query<ListQuery>,
) -> Response {
    let files = app.files.lock();
    let items = files
        .files
        .iter()
        .filter(|(_, f)| query.purpose.as_ref().is_none_or(|p| *p == f.purpose))
        .map(|(id, f)| (id.clone(), f.object(id)))
        .collect();
    page(items, &query)
}

pub(crate) async fn retrieve(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    match app.files.lock().files.get(&id) {
        Some(file) => json_response(StatusCode::OK, &file.object(&id)),
        None => not_found("file", &id),
    }
}

pub(crate) async fn delete(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut files = app.files.lock();
    if files.files.remove(&id).is_none() {
        return not_found("file", &id);
    }
    // As the API: the file leaves every store it was in.
    for store in files.stores.values_mut() {
        store.files.retain(|f| f.file_id != id);
    }
    deleted(&id, "file")
}

pub(crate) async fn content(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    match app.files.lock().files.get(&id) {
        Some(file) => bytes_response(file.bytes.clone(), "application/octet-stream"),
        None => not_found("file", &id),
    }
}

fn bytes_response(bytes: impl Into<Body>, mime: &'static str) -> Response {
    ([(header::CONTENT_TYPE, mime)], bytes.into()).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NewStore {
    name: Option<String>,
    #[serde(default)]
    file_ids: Vec<String>,
    #[serde(default)]
    metadata: Option<Value>,
}

/// Adds `file_id` to the store, as `in_progress` (a name that says so
/// will fail); `None` when the file does not exist.
fn index(
    files: &crate::files::FilesInner,
    store: &mut VectorStore,
    file_id: &str,
) -> Option<usize> {
    let file = files.files.get(file_id)?;
    if let Some(at) = store.files.iter().position(|f| f.file_id == file_id) {
        return Some(at);
    }
    store.files.push(IndexedFile {
        file_id: file_id.to_owned(),
        looks_left: INDEXING_LOOKS,
        fails: file.filename.contains(UNINDEXABLE),
        created_at: now_secs(),
    });
    Some(store.files.len() - 1)
}

pub(crate) async fn create_store(
    State(app): State<Arc<AppState>>,
    axum::Json(body): axum::Json<NewStore>,
) -> Response {
    let mut files = app.files.lock();
    let id = files.new_id("vs_");
    let mut store = VectorStore {
        name: body.name,
        files: Vec::new(),
        created_at: now_secs(),
        metadata: body.metadata.unwrap_or_else(|| json!({})),
    };
    for file_id in &body.file_ids {
        if index(&files, &mut store, file_id).is_none() {
            return not_found("file", file_id);
        }
    }
    let object = store.object(&id);
    files.stores.insert(id, store);
    json_response(StatusCode::OK, &object)
}

pub(crate) async fn list_stores(
    State(app): State<Arc<AppState>>,
    Query(query): Query<ListQuery>,
) -> Response {
    let files = app.files.lock();
    let items = files
        .stores
        .iter()
        .map(|(id, s)| (id.clone(), s.object(id)))
        .collect();
    page(items, &query)
}

pub(crate) async fn retrieve_store(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Response {
    match app.files.lock().stores.get(&id) {
        Some(store) => json_response(StatusCode::OK, &store.object(&id)),
        None => not_found("vector store", &id),
    }
}

pub(crate) async fn delete_store(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Response {
    match app.files.lock().stores.remove(&id) {
        Some(_) => deleted(&id, "vector_store.deleted"),
        None => not_found("vector store", &id),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct AddFile {
    file_id: String,
}

pub(crate) async fn add_store_file(
    State(app): State<Arc<AppState>>,
    Path(store_id): Path<String>,
    axum::Json(body): axum::Json<AddFile>,
) -> Response {
    let mut guard = app.files.lock();
    let files = &mut *guard;
    let Some(mut store) = files.stores.remove(&store_id) else {
        return not_found("vector store", &store_id);
    };
    let answer = match index(files, &mut store, &body.file_id) {
        Some(at) => json_response(StatusCode::OK, &store.files[at].object(&store_id)),
        None => not_found("file", &body.file_id),
    };
    files.stores.insert(store_id, store);
    answer
}

pub(crate) async fn list_store_files(
    State(app): State<Arc<AppState>>,
    Path(store_id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Response {
    let files = app.files.lock();
    let Some(store) = files.stores.get(&store_id) else {
        return not_found("vector store", &store_id);
    };
    let items = store
        .files
        .iter()
        .map(|f| (f.file_id.clone(), f.object(&store_id)))
        .collect();
    page(items, &query)
}

/// Each look moves indexing on by one step.
pub(crate) async fn retrieve_store_file(
    State(app): State<Arc<AppState>>,
    Path((store_id, file_id)): Path<(String, String)>,
) -> Response {
    let mut files = app.files.lock();
    let Some(store) = files.stores.get_mut(&store_id) else {
        return not_found("vector store", &store_id);
    };
    let Some(file) = store.files.iter_mut().find(|f| f.file_id == file_id) else {
        return not_found("vector store file", &file_id);
    };
    file.looks_left = file.looks_left.saturating_sub(1);
    json_response(StatusCode::OK, &file.object(&store_id))
}

pub(crate) async fn remove_store_file(
    State(app): State<Arc<AppState>>,
    Path((store_id, file_id)): Path<(String, String)>,
) -> Response {
    let mut files = app.files.lock();
    let Some(store) = files.stores.get_mut(&store_id) else {
        return not_found("vector store", &store_id);
    };
    let before = store.files.len();
    store.files.retain(|f| f.file_id != file_id);
    if store.files.len() == before {
        return not_found("vector store file", &file_id);
    }
    deleted(&file_id, "vector_store.file.deleted")
}

#[derive(Debug, Deserialize)]
pub(crate) struct NewBatch {
    file_ids: Vec<String>,
}

/// A batch's id names its store's files, so retrieving it reads them.
fn batch_object(store_id: &str, batch_id: &str, store: &VectorStore, ids: &[&str]) -> Value {
    let (counts, indexing) = file_counts(
        store
            .files
            .iter()
            .filter(|f| ids.contains(&f.file_id.as_str())),
    );
    json!({
        "id": batch_id, "object": "vector_store.files_batch",
        "status": if indexing { "in_progress" } else { "completed" },
        "vector_store_id": store_id, "created_at": store.created_at,
        "file_counts": counts,
    })
}

pub(crate) async fn create_batch(
    State(app): State<Arc<AppState>>,
    Path(store_id): Path<String>,
    axum::Json(body): axum::Json<NewBatch>,
) -> Response {
    let mut guard = app.files.lock();
    let batch_id = format!("vsfb_{}", body.file_ids.join("+"));
    let files = &mut *guard;
    let Some(mut store) = files.stores.remove(&store_id) else {
        return not_found("vector store", &store_id);
    };
    let missing = body
        .file_ids
        .iter()
        .find(|id| index(files, &mut store, id).is_none())
        .cloned();
    let ids: Vec<&str> = body.file_ids.iter().map(String::as_str).collect();
    let object = batch_object(&store_id, &batch_id, &store, &ids);
    files.stores.insert(store_id, store);
    match missing {
        Some(id) => not_found("file", &id),
        None => json_response(StatusCode::OK, &object),
    }
}

/// Looking at a batch moves each of its files on by one step.
pub(crate) async fn retrieve_batch(
    State(app): State<Arc<AppState>>,
    Path((store_id, batch_id)): Path<(String, String)>,
) -> Response {
    let mut files = app.files.lock();
    let Some(store) = files.stores.get_mut(&store_id) else {
        return not_found("vector store", &store_id);
    };
    let Some(list) = batch_id.strip_prefix("vsfb_") else {
        return not_found("file batch", &batch_id);
    };
    let ids: Vec<&str> = list.split('+').collect();
    for file in store
        .files
        .iter_mut()
        .filter(|f| ids.contains(&f.file_id.as_str()))
    {
        file.looks_left = file.looks_left.saturating_sub(1);
    }
    json_response(
        StatusCode::OK,
        &batch_object(&store_id, &batch_id, store, &ids),
    )
}

pub(crate) async fn container_files(
    Path(container_id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Response {
    if container_id == EXPIRED_CONTAINER {
        return not_found("container", &container_id);
    }
    let items = store::container_files()
        .iter()
        .map(|f| {
            (
                f.id.to_owned(),
                json!({
                    "id": f.id, "object": "container.file", "container_id": container_id,
                    "bytes": f.bytes.len(), "created_at": 0, "path": f.path,
                    "source": "assistant",
                }),
            )
        })
        .collect();
    page(items, &query)
}

pub(crate) async fn container_file_content(
    Path((container_id, file_id)): Path<(String, String)>,
) -> Response {
    if container_id == EXPIRED_CONTAINER {
        return not_found("container", &container_id);
    }
    match store::container_files().iter().find(|f| f.id == file_id) {
        Some(file) => bytes_response(
            Body::from(file.bytes.as_slice()),
            "application/octet-stream",
        ),
        None => not_found("container file", &file_id),
    }
}
