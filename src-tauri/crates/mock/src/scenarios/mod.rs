//! Scenarios, chosen by the request's `model`: `echo` (and any model the mock
//! does not know), `echo-reasoning`, `echo-json` and `judge` (for
//! evaluation runs, see `eval.rs`), `case:<name>` and `fault:<kind>`.

mod case;
mod code_interpreter;
mod echo;
mod eval;
pub(crate) mod fault;
mod file_search;
mod hostile;
mod image_generation;
mod lifecycle;
mod logprobs;
mod said;

use std::path::Path;
use std::time::Duration;

use axum::http::StatusCode;
use bytes::Bytes;
use serde_json::Value;

pub(crate) use fault::Attempts;
pub(crate) use hostile::Hostile;

use crate::api_error::ApiError;
use crate::create_request::CreateRequest;
use crate::files::Files;
use crate::sse::Step;

/// Events to play for one response.
#[derive(Debug)]
pub(crate) struct Script {
    /// The response id, under which it is stored.
    pub id: String,
    /// The response as first created (what a background create returns).
    pub initial: Value,
    pub steps: Vec<Step>,
}

/// What the server does with a create request.
#[derive(Debug)]
pub(crate) enum Plan {
    /// Answer with an HTTP error.
    Error(ApiError),
    /// Play a script (streamed, or folded into its final response).
    Script(Script),
    /// Send a recorded JSON body as it is.
    Json { status: StatusCode, body: Bytes },
    /// Answer as a hostile gateway would (headers, sizes, silence).
    Hostile(Hostile),
}

pub(crate) struct Context<'a> {
    pub cases_dir: Option<&'a Path>,
    pub delta_delay: Duration,
    pub attempts: &'a Attempts,
    /// Hash of the request body, for the `-once` faults.
    pub body_hash: u64,
    /// The uploaded files and vector stores, for `file_search`.
    pub files: &'a Files,
}

pub(crate) fn plan(request: &CreateRequest, context: &Context<'_>) -> Plan {
    let delay = request.delay_override.unwrap_or(context.delta_delay);
    let model = request.model.as_str();
    if let Some(name) = model.strip_prefix("case:") {
        return case::plan(context.cases_dir, name, delay);
    }
    if let Some(kind) = model.strip_prefix("fault:") {
        return match fault::Fault::parse(kind) {
            Some(fault) => fault::plan(fault, request, delay, context.attempts, context.body_hash),
            None => Plan::Error(case::unknown_model(model)),
        };
    }
    match model {
        "echo-json" => return Plan::Script(eval::echo_json(request, delay)),
        "judge" => return Plan::Script(eval::judge(request, delay)),
        _ => {}
    }
    let searched = match &request.file_search {
        Some(tool) => match file_search::search(&context.files.lock(), tool, &request.user_text) {
            Ok(hits) => Some(hits),
            Err(error) => return Plan::Error(error),
        },
        None => None,
    };
    Plan::Script(echo::script(request, delay, searched.as_deref()))
}

/// Every model `GET /v1/models` lists.
pub(crate) fn model_names(cases_dir: Option<&Path>) -> Vec<String> {
    let mut names = vec![
        "echo".to_owned(),
        "echo-reasoning".to_owned(),
        "echo-json".to_owned(),
        "judge".to_owned(),
    ];
    if let Some(dir) = cases_dir {
        names.extend(
            case::names(dir)
                .into_iter()
                .map(|name| format!("case:{name}")),
        );
    }
    names.extend(fault::KINDS.iter().map(|kind| format!("fault:{kind}")));
    names
}
