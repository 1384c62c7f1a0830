//! What a running turn tells the UI. Small on purpose: one delta per update,
//! never a copy of the whole response.

use halley_responses::{OutputItem, ToolProgress};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::history::{Citation, TurnErrorCode};
use crate::history::{FileCitation, GeneratedFile, MessageError, MessageStatus, TurnNote, Usage};

/// An error shown on the turn it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "TurnError.ts")]
pub struct TurnError {
    pub code: TurnErrorCode,
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
            code: TurnErrorCode::from(error),
            // The UI shows the status beside it: not "HTTP 500: …" twice.
            message: error.detail(),
            status: error.http_status(),
            api_code,
        }
    }
}

impl From<MessageError> for TurnError {
    fn from(error: MessageError) -> Self {
        TurnError {
            code: error.code,
            message: error.message,
            status: error.status.and_then(|s| u16::try_from(s).ok()),
            api_code: error.api_code,
        }
    }
}

impl From<&TurnError> for MessageError {
    fn from(error: &TurnError) -> Self {
        MessageError {
            code: error.code,
            message: error.message.clone(),
            status: error.status.map(u32::from),
            api_code: error.api_code.clone(),
        }
    }
}

/// Which kind of tool item a [`RunUpdate::Tool`] is about: the wire `type`
/// of the output item, for the types the API defines; `other` for an item
/// type this version does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "ToolItemType.ts")]
pub enum ToolItemType {
    WebSearchCall,
    FileSearchCall,
    CodeInterpreterCall,
    ImageGenerationCall,
    McpCall,
    McpListTools,
    McpApprovalRequest,
    FunctionCall,
    CustomToolCall,
    Other,
}

impl ToolItemType {
    /// The tool an output item is; `None` for what is not a tool (the
    /// answer's message, its reasoning).
    pub fn of(item: &OutputItem) -> Option<Self> {
        Some(match item {
            OutputItem::Message(_) | OutputItem::Reasoning(_) => return None,
            OutputItem::WebSearchCall(_) => ToolItemType::WebSearchCall,
            OutputItem::FileSearchCall(_) => ToolItemType::FileSearchCall,
            OutputItem::CodeInterpreterCall(_) => ToolItemType::CodeInterpreterCall,
            OutputItem::ImageGenerationCall(_) => ToolItemType::ImageGenerationCall,
            OutputItem::McpCall(_) => ToolItemType::McpCall,
            OutputItem::McpListTools(_) => ToolItemType::McpListTools,
            OutputItem::McpApprovalRequest(_) => ToolItemType::McpApprovalRequest,
            OutputItem::FunctionCall(_) => ToolItemType::FunctionCall,
            OutputItem::CustomToolCall(_) => ToolItemType::CustomToolCall,
            // A known type in a shape this version cannot read lands here
            // too; "message" and "reasoning" are still not tools.
            OutputItem::Other(_) => match item.item_type() {
                "message" | "reasoning" => return None,
                _ => ToolItemType::Other,
            },
        })
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
    /// A PDF too large to send inline is on its way to the provider's file
    /// storage; the request goes when every such file is there.
    #[serde(rename_all = "camelCase")]
    Uploading {
        filename: String,
        #[ts(type = "number")]
        sent_bytes: u64,
        #[ts(type = "number")]
        total_bytes: u64,
    },
    /// A background answer's stream broke; it is being picked up again
    /// after its last event (attempt `attempt`). Cleared by what follows.
    Reconnecting { attempt: u32 },
    /// The answer so far of a background answer picked up after a restart
    /// (or of a running one a window starts to follow): replaces the text
    /// and reasoning shown; later updates add to it.
    Resumed { text: String, reasoning: String },
    /// Text appended to the answer.
    TextDelta { text: String },
    /// The whole answer text, when it arrived only in a `.done` event.
    TextReplaced { text: String },
    /// Text of the reasoning summary ("Thinking") appended.
    ReasoningDelta { text: String },
    /// A source the answer cites.
    Citation { citation: Citation },
    /// A passage of the conversation's files the answer cites.
    FileCitation { citation: FileCitation },
    /// A hosted tool's item finished (a code run with its code and logs,
    /// an image generation, a file search with its passages).
    ToolOutput { output: super::outputs::ToolOutput },
    /// A coarser image of an image generation still under way; the next
    /// one (or the final file) replaces it.
    #[serde(rename_all = "camelCase")]
    PartialImage { item_id: String, image_b64: String },
    /// An image or file of the turn was kept in the history (or could not
    /// be fetched: `missing` says why).
    File { file: GeneratedFile },
    /// A hosted tool (e.g. web search) changed status.
    #[serde(rename_all = "camelCase")]
    Tool {
        item_type: ToolItemType,
        status: ToolProgress,
    },
    /// An MCP tool call of the turn changed: waiting for approval, running,
    /// answered, failed or declined (the whole step, replacing the one with
    /// its `callId`).
    /// Boxed: a step (with its result) is much larger than the other updates.
    ToolStep { step: Box<super::tools::ToolStep> },
    /// Token usage at the end.
    Usage { usage: Usage },
    /// The turn did something differently from what was asked (a refused
    /// parameter left out, no search run); shown beside the answer.
    Note { note: TurnNote },
    /// The run ended; `status` says how (complete / stopped / error).
    #[serde(rename_all = "camelCase")]
    Finished {
        status: MessageStatus,
        error: Option<TurnError>,
        response_id: Option<String>,
    },
}
