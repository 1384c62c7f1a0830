//! `/v1/batches`: the Batch API over the files of `/v1/files`. A batch is
//! `validating`, then `in_progress`, and `completed` at the
//! [`LOOKS_TO_FINISH`]th retrieve, when its requests are answered as
//! `/v1/responses` answers them (not streamed) into an output file (one
//! JSON line per answered request) and an error file (one per request the
//! scenario refused, or whose body says `[[batch:fail]]`: a 500). A request
//! whose body says `[[batch:drop]]` is in neither file, as a provider's
//! result with missing rows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{json, Value};

use super::{json_response, AppState};
use crate::api_error::ApiError;
use crate::files::{now_secs, StoredFile};

/// How many retrieves a batch takes to finish: a client must poll.
pub(crate) const LOOKS_TO_FINISH: u32 = 3;

#[derive(Debug, Clone)]
pub(crate) struct MockBatch {
    object: Value,
    looks: u32,
}

#[derive(Debug, Default)]
pub(crate) struct Batches {
    inner: Mutex<HashMap<String, MockBatch>>,
}

impl Batches {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, MockBatch>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn not_found(id: &str) -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        format!("No batch found with id '{id}'."),
    )
    .into_response()
}

/// `POST /v1/batches` `{input_file_id, endpoint, completion_window}`.
pub(crate) async fn create(State(app): State<Arc<AppState>>, body: Bytes) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return ApiError::invalid_request("The body is not JSON.").into_response();
    };
    let input = body["input_file_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let endpoint = body["endpoint"].as_str().unwrap_or_default();
    if endpoint != "/v1/responses" && endpoint != "/v1/chat/completions" {
        return ApiError::invalid_request(format!("Invalid endpoint '{endpoint}'."))
            .with_param("endpoint")
            .into_response();
    }
    let lines = {
        let files = app.files.lock();
        match files.files.get(&input) {
            None => {
                return ApiError::invalid_request(format!("No such File object: {input}"))
                    .with_param("input_file_id")
                    .into_response()
            }
            Some(file) if file.purpose != "batch" => {
                return ApiError::invalid_request(
                    "The input file must be uploaded with purpose 'batch'.",
                )
                .with_param("input_file_id")
                .into_response()
            }
            Some(file) => file
                .bytes
                .split(|b| *b == b'\n')
                .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
                .count(),
        }
    };
    let id = app.files.lock().new_id("batch_");
    let object = json!({
        "id": id, "object": "batch", "endpoint": endpoint, "errors": null,
        "input_file_id": input, "completion_window": "24h", "status": "validating",
        "output_file_id": null, "error_file_id": null, "created_at": now_secs(),
        "in_progress_at": null, "completed_at": null, "failed_at": null, "expires_at": null,
        "request_counts": {"total": lines, "completed": 0, "failed": 0},
        "metadata": body.get("metadata").cloned().unwrap_or(Value::Null),
    });
    app.batches.lock().insert(
        id,
        MockBatch {
            object: object.clone(),
            looks: 0,
        },
    );
    json_response(StatusCode::OK, &object)
}

/// `GET /v1/batches/{id}`: each look moves the batch on.
pub(crate) async fn retrieve(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let (looks, object) = {
        let mut batches = app.batches.lock();
        let Some(batch) = batches.get_mut(&id) else {
            return not_found(&id);
        };
        if batch.object["status"] == "completed" || batch.object["status"] == "cancelled" {
            return json_response(StatusCode::OK, &batch.object);
        }
        batch.looks += 1;
        (batch.looks, batch.object.clone())
    };
    if looks < LOOKS_TO_FINISH {
        let mut object = object;
        object["status"] = json!("in_progress");
        object["in_progress_at"] = json!(now_secs());
        if let Some(batch) = app.batches.lock().get_mut(&id) {
            batch.object = object.clone();
        }
        return json_response(StatusCode::OK, &object);
    }
    let finished = finish(&app, object).await;
    if let Some(batch) = app.batches.lock().get_mut(&id) {
        batch.object = finished.clone();
    }
    json_response(StatusCode::OK, &finished)
}

/// `POST /v1/batches/{id}/cancel`.
pub(crate) async fn cancel(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let mut batches = app.batches.lock();
    let Some(batch) = batches.get_mut(&id) else {
        return not_found(&id);
    };
    if batch.object["status"] != "completed" {
        batch.object["status"] = json!("cancelled");
    }
    json_response(StatusCode::OK, &batch.object)
}

/// Answers every request of the input file and writes the output and
/// error files.
async fn finish(app: &Arc<AppState>, mut object: Value) -> Value {
    let input = object["input_file_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let bytes = app
        .files
        .lock()
        .files
        .get(&input)
        .map(|f| f.bytes.clone())
        .unwrap_or_default();
    let (mut output, mut errors) = (String::new(), String::new());
    let (mut completed, mut failed) = (0u32, 0u32);
    for line in bytes.split(|b| *b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Ok(request) = serde_json::from_slice::<Value>(line) else {
            failed += 1;
            continue;
        };
        let custom_id = request["custom_id"].clone();
        let body = request["body"].clone();
        if body.to_string().contains("[[batch:drop]]") {
            continue;
        }
        let (status, answer) = if body.to_string().contains("[[batch:fail]]") {
            let error = ApiError::server_error();
            (StatusCode::INTERNAL_SERVER_ERROR, error.body())
        } else {
            super::responses::answer_once(app, body).await
        };
        let request_id = app.files.lock().new_id("req_");
        let line = json!({
            "id": app.files.lock().new_id("batch_req_"),
            "custom_id": custom_id,
            "response": {"status_code": status.as_u16(), "request_id": request_id, "body": answer},
            "error": null,
        });
        if status.is_success() {
            completed += 1;
            output.push_str(&line.to_string());
            output.push('\n');
        } else {
            failed += 1;
            errors.push_str(&line.to_string());
            errors.push('\n');
        }
    }
    let store = |text: String, name: &str| -> Value {
        if text.is_empty() {
            return Value::Null;
        }
        let mut files = app.files.lock();
        let id = files.new_id("file-");
        files.files.insert(
            id.clone(),
            StoredFile {
                filename: name.to_owned(),
                purpose: "batch_output".into(),
                bytes: text.into_bytes().into(),
                created_at: now_secs(),
            },
        );
        Value::String(id)
    };
    object["output_file_id"] = store(output, "batch_output.jsonl");
    object["error_file_id"] = store(errors, "batch_errors.jsonl");
    object["status"] = json!("completed");
    object["completed_at"] = json!(now_secs());
    object["request_counts"]["completed"] = json!(completed);
    object["request_counts"]["failed"] = json!(failed);
    object
}
