//! What a running turn tells the UI. Small on purpose: one delta per update,
//! never a copy of the whole response.

use serde::Serialize;
use ts_rs::TS;

use crate::history::{MessageStatus, Usage};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "Citation.ts")]
pub struct Citation {
    pub url: String,
    pub title: Option<String>,
}

/// An error shown on the turn it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "TurnError.ts")]
pub struct TurnError {
    /// Stable machine code (`http_status`, `network`, `stream_error`,
    /// `response_failed`, `incomplete`, `connection_dropped`, ...).
    pub code: String,
    pub message: String,
    /// HTTP status when the API answered with one.
    pub status: Option<u16>,
    /// The API's own error code (`invalid_api_key`, `max_output_tokens`, ...).
    pub api_code: Option<String>,
}

impl TurnError {
    pub fn from_api(error: &halley_responses::Error) -> Self {
        let api_code = match error {
            halley_responses::Error::Incomplete { reason, .. } => reason.clone(),
            other => other.api_code().map(str::to_owned),
        };
        Self {
            code: error.code().to_owned(),
            message: error.to_string(),
            status: error.http_status(),
            api_code,
        }
    }
}

/// One small update of a running turn, streamed over the run's channel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export_to = "RunUpdate.ts")]
pub enum RunUpdate {
    /// A 429/5xx came back before any byte; the request is retried after `delay_ms`.
    #[serde(rename_all = "camelCase")]
    Retrying {
        attempt: u32,
        max_attempts: u32,
        delay_ms: u32,
    },
    /// Text appended to the answer.
    TextDelta { text: String },
    /// The whole answer text, when it arrived only in a `.done` event.
    TextReplaced { text: String },
    /// Text of the reasoning summary ("Thinking") appended.
    ReasoningDelta { text: String },
    /// A source the answer cites.
    Citation { citation: Citation },
    /// A hosted tool (e.g. web search) changed status.
    #[serde(rename_all = "camelCase")]
    Tool { item_type: String, status: String },
    /// Token usage at the end.
    Usage { usage: Usage },
    /// The run ended; `status` says how (complete / stopped / error).
    #[serde(rename_all = "camelCase")]
    Finished {
        status: MessageStatus,
        error: Option<TurnError>,
        response_id: Option<String>,
    },
}
