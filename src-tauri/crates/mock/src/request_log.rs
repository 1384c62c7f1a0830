//! A log of every request the server received, for tests to inspect. It
//! keeps the Authorization header on purpose (tests check the key arrived);
//! it lives only in memory of a test process and is never printed.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::api_error::ApiError;

/// Request bodies larger than this are refused with a 413, as a provider's
/// request size limit does: a PDF of 40 MB sent inline as base64 is over
/// it, the same PDF sent by file id is not.
pub(crate) const MAX_REQUEST_BYTES: usize = 50 * 1024 * 1024;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// The path without the query string, e.g. `/v1/responses`.
    pub path: String,
    pub query: Option<String>,
    /// Header names are lower-case.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON; `None` when empty or not JSON.
    pub body: Option<Value>,
}

impl RecordedRequest {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

pub(crate) type RequestLog = Arc<Mutex<Vec<RecordedRequest>>>;

pub(crate) async fn record(
    State(log): State<RequestLog>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    // An upload streams through unread: the files route applies its own
    // size limit (a 413) as it reads, and the log keeps no file bytes.
    let multipart = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    if multipart {
        if let Ok(mut entries) = log.lock() {
            entries.push(entry_of(&parts, None));
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    let Some(bytes) = read_within_limit(body).await else {
        return ApiError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_error",
            format!("Request too large: the maximum request size is {MAX_REQUEST_BYTES} bytes."),
        )
        .with_code("request_too_large")
        .into_response();
    };
    let entry = entry_of(&parts, serde_json::from_slice(&bytes).ok());
    if let Ok(mut entries) = log.lock() {
        entries.push(entry);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn entry_of(parts: &axum::http::request::Parts, body: Option<Value>) -> RecordedRequest {
    RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    }
}

/// The body when it is within [`MAX_REQUEST_BYTES`]. A larger one is read
/// to its end and dropped before the 413 goes out: answering while the
/// client still sends would reset its connection, and it would see a
/// network error instead of the status.
async fn read_within_limit(body: Body) -> Option<bytes::Bytes> {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    let mut over = false;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.ok()?;
        if over || kept.len() + chunk.len() > MAX_REQUEST_BYTES {
            over = true;
            kept = Vec::new();
            continue;
        }
        kept.extend_from_slice(&chunk);
    }
    (!over).then(|| kept.into())
}
