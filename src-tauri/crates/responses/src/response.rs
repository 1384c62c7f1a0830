//! The `response` object and the bodies of the sibling endpoints.
//!
//! Everything is optional: gateways and older recordings omit fields the spec
//! calls required, and `usage` is `null` until the end.

use crate::items::{Extra, OutputItem};
use crate::nullable::Nullable;
use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// `resp_…` at OpenAI; a bare UUID at DeepSeek, `gen-…` at OpenRouter.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub object: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub created_at: Nullable<Number>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub completed_at: Nullable<Number>,
    /// `queued`, `in_progress`, `completed`, `failed`, `incomplete`, `cancelled`, ...
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub error: Nullable<ResponseError>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub incomplete_details: Nullable<IncompleteDetails>,
    /// A string, or the prompt template's input items.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub instructions: Nullable<Value>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub model: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub output: Nullable<Vec<OutputItem>>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub usage: Nullable<Usage>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub previous_response_id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub service_tier: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub temperature: Nullable<Number>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub top_p: Nullable<Number>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub max_output_tokens: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub metadata: Nullable<Value>,
    /// Echo of the request's `tools`, `text`, `reasoning`, `tool_choice`...;
    /// kept as JSON since the app only displays them.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub tools: Nullable<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub text: Nullable<Value>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub reasoning: Nullable<Value>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub background: Nullable<bool>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub store: Nullable<bool>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub user: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Response {
    pub fn output(&self) -> &[OutputItem] {
        self.output.get().map_or(&[], Vec::as_slice)
    }

    /// The concatenated `output_text` of all message items.
    pub fn output_text(&self) -> String {
        self.output().iter().filter_map(OutputItem::text).collect()
    }
}

/// `response.error`: set when `status` is `failed`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponseError {
    /// An open string (`server_error`, `rate_limit_exceeded`, `insufficient_quota`...).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub code: Nullable<String>,
    #[serde(default)]
    pub message: String,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IncompleteDetails {
    /// `max_output_tokens`, `content_filter`, ...
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub reason: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub input_tokens: u64,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub input_tokens_details: Nullable<InputTokensDetails>,
    #[serde(default)]
    pub output_tokens: u64,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub output_tokens_details: Nullable<OutputTokensDetails>,
    #[serde(default)]
    pub total_tokens: u64,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InputTokensDetails {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub cached_tokens: Nullable<u64>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OutputTokensDetails {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub reasoning_tokens: Nullable<u64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of an HTTP error: `{"error": {message, type, param, code}}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub error: ApiError,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    #[serde(default)]
    pub message: String,
    #[serde(rename = "type", default, skip_serializing_if = "Nullable::is_absent")]
    pub kind: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub param: Nullable<String>,
    /// May be `null`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub code: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `POST /responses/input_tokens`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InputTokens {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub object: Nullable<String>,
    #[serde(default)]
    pub input_tokens: u64,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `DELETE /responses/{id}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Deleted {
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub object: Nullable<String>,
    #[serde(default)]
    pub deleted: bool,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A list page (`GET /responses/{id}/input_items`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemList {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub object: Nullable<String>,
    #[serde(default)]
    pub data: Vec<Value>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub first_id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub last_id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub has_more: Nullable<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// An entry of `GET /models`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub id: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub object: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub created: Nullable<Number>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub owned_by: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelList {
    #[serde(default)]
    pub data: Vec<Model>,
    #[serde(flatten)]
    pub extra: Extra,
}
