//! The `case:<name>` models: replay a recorded case folder
//! (`response.sse` byte for byte, or `response.json` with its recorded HTTP
//! status from `meta.json`).

use std::path::Path;
use std::time::Duration;

use axum::http::StatusCode;
use bytes::Bytes;
use serde_json::{json, Value};

use super::{Plan, Script};
use crate::api_error::ApiError;
use crate::response_object::new_id;
use crate::sse::{split_frames, Step};

/// Case folders under `dir` that hold a response body, sorted.
pub(crate) fn names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let path = entry.path();
            path.join("response.sse").is_file() || path.join("response.json").is_file()
        })
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

pub(crate) fn plan(dir: Option<&Path>, name: &str, delay: Duration) -> Plan {
    // Only names listed from the folder are opened, so a name like
    // `../x` can never reach outside it.
    let Some(dir) = dir.filter(|dir| names(dir).iter().any(|known| known == name)) else {
        return Plan::Error(unknown_model(&format!("case:{name}")));
    };
    let folder = dir.join(name);
    if let Ok(body) = std::fs::read(folder.join("response.sse")) {
        return Plan::Script(replay(&body, delay));
    }
    match std::fs::read(folder.join("response.json")) {
        Ok(body) => Plan::Json {
            status: recorded_status(&folder),
            body: Bytes::from(body),
        },
        Err(_) => Plan::Error(ApiError::server_error()),
    }
}

fn replay(body: &[u8], delay: Duration) -> Script {
    let frames = split_frames(body);
    let initial = frames
        .iter()
        .find_map(|frame| frame.response().cloned())
        .unwrap_or_else(|| json!({}));
    let id = initial
        .get("id")
        .and_then(Value::as_str)
        .map_or_else(|| new_id("resp"), str::to_owned);
    let steps = frames
        .into_iter()
        .enumerate()
        .map(|(index, frame)| Step::Send {
            frame,
            delay: if index == 0 { Duration::ZERO } else { delay },
        })
        .collect();
    Script { id, initial, steps }
}

fn recorded_status(folder: &Path) -> StatusCode {
    std::fs::read(folder.join("meta.json"))
        .ok()
        .and_then(|meta| serde_json::from_slice::<Value>(&meta).ok())
        .and_then(|meta| meta.pointer("/http/status").and_then(Value::as_u64))
        .and_then(|status| u16::try_from(status).ok())
        .and_then(|status| StatusCode::from_u16(status).ok())
        .unwrap_or(StatusCode::OK)
}

pub(crate) fn unknown_model(model: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        format!("The model `{model}` does not exist or you do not have access to it."),
    )
    .with_param("model")
    .with_code("model_not_found")
}
