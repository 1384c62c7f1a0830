//! The HTTP surface: which path goes to which handler, and the layers every
//! request passes (the request log, then the bearer-key check).

mod batches;
mod files;
mod inputs;
mod models;
mod responses;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::api_error::ApiError;
use crate::config::Config;
use crate::request_log::{self, RequestLog};
use crate::scenarios::Attempts;
use crate::store::Store;

pub(crate) struct AppState {
    pub config: Config,
    pub store: Store,
    pub attempts: Attempts,
    pub files: crate::files::Files,
    pub batches: batches::Batches,
    /// Fires when the server stops; streams and background work end on it.
    pub shutdown: CancellationToken,
}

pub(crate) fn router(state: Arc<AppState>, log: RequestLog) -> Router {
    // The Batch API only where the config offers it (a gateway without one).
    let with_batches = if state.config.batch_api {
        Router::new()
            .route("/v1/batches", post(batches::create))
            .route("/v1/batches/{id}", get(batches::retrieve))
            .route("/v1/batches/{id}/cancel", post(batches::cancel))
    } else {
        Router::new()
    };
    with_batches
        .route("/v1/responses", post(responses::create))
        .route("/v1/responses/input_tokens", post(inputs::input_tokens))
        .route(
            "/v1/responses/{id}",
            get(responses::retrieve).delete(responses::delete),
        )
        .route("/v1/responses/{id}/cancel", post(responses::cancel))
        .route("/v1/responses/{id}/input_items", get(inputs::input_items))
        .route("/v1/models", get(models::list))
        .route(
            "/v1/files",
            // The size limit is the mock's own (a 413 as the API says it).
            post(files::upload)
                .layer(DefaultBodyLimit::disable())
                .get(files::list),
        )
        .route("/v1/files/{id}", get(files::retrieve).delete(files::delete))
        .route("/v1/files/{id}/content", get(files::content))
        .route(
            "/v1/vector_stores",
            post(files::create_store).get(files::list_stores),
        )
        .route(
            "/v1/vector_stores/{id}",
            get(files::retrieve_store).delete(files::delete_store),
        )
        .route(
            "/v1/vector_stores/{id}/files",
            post(files::add_store_file).get(files::list_store_files),
        )
        .route(
            "/v1/vector_stores/{id}/files/{file_id}",
            get(files::retrieve_store_file).delete(files::remove_store_file),
        )
        .route(
            "/v1/vector_stores/{id}/file_batches",
            post(files::create_batch),
        )
        .route(
            "/v1/vector_stores/{id}/file_batches/{batch_id}",
            get(files::retrieve_batch),
        )
        .route("/v1/containers/{id}/files", get(files::container_files))
        .route(
            "/v1/containers/{id}/files/{file_id}/content",
            get(files::container_file_content),
        )
        .fallback(unknown_url)
        .method_not_allowed_fallback(unknown_url)
        .with_state(state)
        .layer(middleware::from_fn(crate::auth::require_bearer))
        .layer(middleware::from_fn_with_state(log, request_log::record))
}

async fn unknown_url(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        format!(
            "Invalid URL ({} {})",
            request.method(),
            request.uri().path()
        ),
    )
}

/// A JSON body, pretty-printed like api.openai.com's.
pub(crate) fn json_response(status: StatusCode, value: &Value) -> Response {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    with_content_type((status, text).into_response(), "application/json")
}

pub(crate) fn sse_response(body: Body) -> Response {
    let mut response = with_content_type(
        (StatusCode::OK, body).into_response(),
        "text/event-stream; charset=utf-8",
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn with_content_type(mut response: Response, content_type: &'static str) -> Response {
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
