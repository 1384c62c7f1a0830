//! `GET /v1/responses/{id}/input_items` and `POST /v1/responses/input_tokens`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{json, Value};

use super::{json_response, AppState};
use crate::api_error::ApiError;
use crate::create_request::CreateRequest;
use crate::response_object::estimate_tokens;

pub(crate) async fn input_items(
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
    let limit = match query.get("limit").map(|limit| limit.parse::<usize>()) {
        None => 20,
        Some(Ok(limit)) if (1..=100).contains(&limit) => limit,
        Some(_) => {
            return ApiError::invalid_request("Invalid 'limit': expected an integer from 1 to 100.")
                .with_param("limit")
                .into_response()
        }
    };
    let mut items = entry.input_items.clone();
    // The API lists newest first unless asked for `order=asc`.
    if query.get("order").map(String::as_str) != Some("asc") {
        items.reverse();
    }
    if let Some(after) = query.get("after") {
        let position = items
            .iter()
            .position(|item| item["id"].as_str() == Some(after));
        items.drain(..position.map_or(0, |p| p + 1));
    }
    let has_more = items.len() > limit;
    items.truncate(limit);
    let first_id = items.first().map_or(Value::Null, |item| item["id"].clone());
    let last_id = items.last().map_or(Value::Null, |item| item["id"].clone());
    json_response(
        StatusCode::OK,
        &json!({"object": "list", "data": items, "first_id": first_id,
            "last_id": last_id, "has_more": has_more}),
    )
}

pub(crate) async fn input_tokens(body: Bytes) -> Response {
    let mut json: Value = match serde_json::from_slice(&body) {
        Ok(json @ Value::Object(_)) => json,
        _ => {
            return ApiError::invalid_request("The request body must be a JSON object.")
                .into_response()
        }
    };
    // The model is optional here; the input is read as for a create.
    if json.get("model").is_none_or(Value::is_null) {
        json["model"] = "echo".into();
    }
    match CreateRequest::parse(json) {
        Ok(request) => json_response(
            StatusCode::OK,
            &json!({"object": "response.input_tokens",
                "input_tokens": estimate_tokens(request.input_chars)}),
        ),
        Err(error) => error.into_response(),
    }
}
