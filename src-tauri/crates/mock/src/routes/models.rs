//! `GET /v1/models`: the scenario models, so a client's model picker can
//! offer them.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::{json_response, AppState};
use crate::scenarios::model_names;

pub(crate) async fn list(State(app): State<Arc<AppState>>) -> Response {
    let data: Vec<_> = model_names(app.config.cases_dir.as_deref())
        .into_iter()
        .map(|id| json!({"id": id, "object": "model", "created": 1_700_000_000, "owned_by": "halley-mock"}))
        .collect();
    json_response(StatusCode::OK, &json!({"object": "list", "data": data}))
}
