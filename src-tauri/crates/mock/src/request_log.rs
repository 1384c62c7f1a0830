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

/// Request bodies larger than this are refused (base64 images can be big).
const BODY_LIMIT: usize = 64 * 1024 * 1024;

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
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return ApiError::invalid_request("The request body could not be read or is too large.")
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
