//! Create, retrieve (and resume), cancel and delete responses.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{json, Value};

use super::{json_response, sse_response, AppState};
use crate::api_error::ApiError;
use crate::create_request::CreateRequest;
use crate::playback::{follow, play, without_delays, CancelOnDrop};
use crate::scenarios::{self, Context, Plan, Script};
use crate::store::{Ending, Entry};

pub(crate) async fn create(State(app): State<Arc<AppState>>, body: Bytes) -> Response {
    let json: Value = match serde_json::from_slice(&body) {
        Ok(json) => json,
        Err(_) => {
            return ApiError::invalid_request(
                "We could not parse the JSON body of your request. (HINT: This likely means \
                 you aren't using your HTTP library correctly.)",
            )
            .into_response()
        }
    };
    let request = match CreateRequest::parse(json) {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    if let Some(missing) = {
        let files = app.files.lock();
        request
            .file_ids
            .iter()
            .find(|id| !files.files.contains_key(id.as_str()))
            .cloned()
    } {
        return ApiError::invalid_request(format!("No such File object: {missing}"))
            .with_param("input")
            .into_response();
    }
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    let context = Context {
        cases_dir: app.config.cases_dir.as_deref(),
        delta_delay: app.config.delta_delay,
        attempts: &app.attempts,
        body_hash: hasher.finish(),
        files: &app.files,
    };
    match scenarios::plan(&request, &context) {
        Plan::Error(error) => error.into_response(),
        Plan::Json { status, body } => {
            let mut response = (status, body).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Plan::Script(script) => run(&app, &request, script).await,
        Plan::Hostile(hostile) => hostile.respond(&app.shutdown),
    }
}

/// What `POST /v1/responses` answers for `body`, not streamed: the status
/// and the final response (or the error body). The Batch API answers each
/// of its requests this way.
pub(crate) async fn answer_once(app: &Arc<AppState>, mut body: Value) -> (StatusCode, Value) {
    if let Some(object) = body.as_object_mut() {
        object.insert("stream".into(), Value::Bool(false));
        object.insert("background".into(), Value::Bool(false));
    }
    let text = body.to_string();
    let response = create(State(app.clone()), Bytes::from(text)).await;
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// Stores the response, starts its events, and answers: a stream that
/// follows them, the queued response (background), or the final response.
async fn run(app: &AppState, request: &CreateRequest, script: Script) -> Response {
    let entry = Arc::new(Entry::new(
        script.id,
        request.background,
        request.input_items.clone(),
        script.initial.clone(),
        app.shutdown.child_token(),
    ));
    app.store.insert(entry.clone());
    let watched = request.stream || request.background;
    let steps = if watched {
        script.steps
    } else {
        without_delays(script.steps)
    };
    tokio::spawn(play(entry.clone(), steps));
    if request.stream {
        // A background response outlives its stream; any other one is
        // cancelled when its client goes away.
        let cut = crate::scenarios::fault::stream_cut(&request.model);
        let body = follow(entry, None, app.shutdown.clone(), !request.background, cut);
        return sse_response(body);
    }
    if request.background {
        return json_response(StatusCode::OK, &script.initial);
    }
    let _cancel_if_client_leaves = CancelOnDrop(entry.clone());
    match entry.wait_ended(&app.shutdown).await {
        Some(Ending::Finished) => json_response(StatusCode::OK, &entry.snapshot()),
        // The scenario drops the connection: a body that fails at once makes
        // the server cut it.
        Some(Ending::Aborted) | None => {
            let failing = futures_util::stream::once(async {
                Err::<Bytes, _>(std::io::Error::other("mock dropped the connection"))
            });
            (StatusCode::OK, Body::from_stream(failing)).into_response()
        }
    }
}

pub(crate) async fn retrieve(
    State(app): State<Arc<AppState>>,
    Path(id): Path<String>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return ApiError::invalid_request("The query string could not be parsed.").into_response();
    };
    let Some(entry) = app.store.get(&id) else {
        return ApiError::not_found_response(&id).into_response();
    };
    let starting_after = match query.get("starting_after").map(|n| n.parse::<u64>()) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            return ApiError::invalid_request(
                "Invalid 'starting_after': expected a non-negative integer.",
            )
            .with_param("starting_after")
            .into_response()
        }
    };
    if query.get("stream").is_some_and(|stream| stream == "true") {
        return sse_response(follow(
            entry,
            starting_after,
            app.shutdown.clone(),
            false,
            None,
        ));
    }
    json_response(StatusCode::OK, &entry.snapshot())
}

pub(crate) async fn cancel(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let Some(entry) = app.store.get(&id) else {
        return ApiError::not_found_response(&id).into_response();
    };
    if !entry.background {
        // As the real API: only background responses can be cancelled.
        return ApiError::invalid_request(
            "Only responses created with background=true can be cancelled.",
        )
        .into_response();
    }
    entry.cancel_if_running();
    json_response(StatusCode::OK, &entry.snapshot())
}

pub(crate) async fn delete(State(app): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    let Some(entry) = app.store.remove(&id) else {
        return ApiError::not_found_response(&id).into_response();
    };
    entry.cancel_if_running();
    json_response(
        StatusCode::OK,
        &json!({"id": id, "object": "response", "deleted": true}),
    )
}
