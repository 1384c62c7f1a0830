//! What the history hands out. These cross IPC as they are: camelCase, ids as
//! strings, timestamps as f64 milliseconds since the Unix epoch, counters u32
//! (no 64-bit integers, which JavaScript cannot hold exactly).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub use super::parts::{
    Citation, FileCitation, GeneratedFile, GeneratedFileKind, MessageParts, TurnNote,
};

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "Conversation.ts")]
pub struct Conversation {
    pub id: String,
    pub title: String,
    pub pinned: bool,
    pub created_at: f64,
    pub updated_at: f64,
    /// Set while the conversation sits in the trash (undo possible).
    pub deleted_at: Option<f64>,
    pub model: Option<String>,
    pub provider_id: Option<String>,
    /// Per-conversation request settings (instructions, reasoning effort…), as the app wrote them.
    pub settings: Value,
    /// The message the UI showed last; reopen on its branch.
    pub current_leaf_id: Option<String>,
}

/// What a new conversation starts with.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewConversation {
    pub title: String,
    pub model: Option<String>,
    pub provider_id: Option<String>,
    /// `Value::Null` is stored as `{}`.
    pub settings: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "Role.ts")]
pub enum Role {
    User,
    Assistant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "MessageStatus.ts")]
pub enum MessageStatus {
    Complete,
    /// A response is still arriving (or the app crashed while it was).
    Streaming,
    /// The app stopped while streaming; found and marked on the next start.
    Interrupted,
    /// The user stopped the response.
    Stopped,
    Error,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "Usage.ts")]
pub struct Usage {
    pub input_tokens: u32,
    /// Part of `input_tokens` served from the provider's cache.
    pub cached_tokens: u32,
    pub output_tokens: u32,
    /// Part of `output_tokens` spent on reasoning.
    pub reasoning_tokens: u32,
}

/// What kind of failure ended a turn: one per [`halley_responses::Error`]
/// variant, plus `storage` when the answer could not be saved. Stored with
/// the message and sent to the UI as these snake_case names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "TurnErrorCode.ts")]
pub enum TurnErrorCode {
    Network,
    ConnectionDropped,
    HttpStatus,
    StreamError,
    ResponseFailed,
    Incomplete,
    Cancelled,
    Protocol,
    InvalidRequest,
    TooLarge,
    Stalled,
    RedirectRefused,
    /// The answer could not be written to the history.
    Storage,
    /// A PDF too large to send inline could not be put in the provider's
    /// file storage, so the turn was not sent.
    UploadFailed,
    /// A background answer could not be picked up again: the provider no
    /// longer has it (expired or deleted). What arrived is kept.
    AnswerExpired,
    /// A code this version does not know (a row written by a newer Halley).
    #[serde(other)]
    Unknown,
}

impl From<&halley_responses::Error> for TurnErrorCode {
    fn from(error: &halley_responses::Error) -> Self {
        use halley_responses::Error as E;
        match error {
            E::Network { .. } => TurnErrorCode::Network,
            E::ConnectionDropped { .. } => TurnErrorCode::ConnectionDropped,
            E::HttpStatus { .. } => TurnErrorCode::HttpStatus,
            E::Stream { .. } => TurnErrorCode::StreamError,
            E::ResponseFailed { .. } => TurnErrorCode::ResponseFailed,
            E::Incomplete { .. } => TurnErrorCode::Incomplete,
            E::Cancelled => TurnErrorCode::Cancelled,
            E::Protocol { .. } => TurnErrorCode::Protocol,
            E::InvalidRequest(_) => TurnErrorCode::InvalidRequest,
            E::TooLarge { .. } => TurnErrorCode::TooLarge,
            E::Stalled { .. } => TurnErrorCode::Stalled,
            E::RedirectRefused { .. } => TurnErrorCode::RedirectRefused,
        }
    }
}

/// Why a turn failed, as stored with its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "MessageError.ts")]
pub struct MessageError {
    pub code: TurnErrorCode,
    pub message: String,
    /// HTTP status when the error came from one.
    pub status: Option<u32>,
    /// The API's own error code (`invalid_api_key`, `max_output_tokens`…).
    /// Optional in storage: rows written before it existed read as `None`.
    #[serde(default)]
    pub api_code: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "AttachmentKind.ts")]
pub enum AttachmentKind {
    Image,
    Pdf,
}

/// An attachment as listed with its message; the bytes come from `History::attachment_data`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "Attachment.ts")]
pub struct Attachment {
    pub id: String,
    pub kind: AttachmentKind,
    pub filename: String,
    pub mime: String,
    pub size: u32,
}

/// An attachment to store with a new user message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub kind: AttachmentKind,
    pub filename: String,
    pub mime: String,
    pub data: Vec<u8>,
}

/// One message of the tree. The raw request and response JSON are not here
/// (they can be large); read them with `History::message_exchange`.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: String,
    pub conversation_id: String,
    /// `None` for a root message (a conversation may have several roots when
    /// the first message was edited).
    pub parent_id: Option<String>,
    /// Oldest first.
    pub children_ids: Vec<String>,
    pub role: Role,
    pub created_at: f64,
    pub updated_at: f64,
    pub status: MessageStatus,
    pub model: Option<String>,
    pub response_id: Option<String>,
    pub text: String,
    /// Reasoning summary text.
    pub reasoning: String,
    /// The answer's output items and citations.
    pub parts: MessageParts,
    /// What of the stored row could not be read (its `parts` or `error`
    /// column is damaged): logged when read, shown with the message. The
    /// text is still there.
    pub damaged: Option<String>,
    pub error: Option<MessageError>,
    pub usage: Usage,
    pub attachments: Vec<Attachment>,
}

/// The raw JSON exchanged for one assistant message.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "MessageExchange.ts")]
pub struct MessageExchange {
    pub request: Option<Value>,
    pub response: Option<Value>,
}

/// How an assistant message ended.
#[derive(Debug, Clone, PartialEq)]
pub struct AssistantOutcome {
    /// Anything but `Streaming`.
    pub status: MessageStatus,
    pub text: String,
    pub reasoning: String,
    pub parts: MessageParts,
    pub response_id: Option<String>,
    pub request: Option<Value>,
    pub response: Option<Value>,
    pub usage: Usage,
    pub error: Option<MessageError>,
}

/// A conversation with all its messages (every branch).
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationTree {
    pub conversation: Conversation,
    /// In the order they were stored, so a parent always precedes its children.
    pub messages: Vec<Message>,
}

/// Where a message sits among its siblings, for "‹ 2/3 ›".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "Siblings.ts")]
pub struct Siblings {
    /// The message and its siblings, oldest first.
    pub ids: Vec<String>,
    /// Position of the message in `ids`.
    pub index: u32,
}

impl ConversationTree {
    pub fn message(&self, id: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// The branch from its root down to `leaf_id`; empty if the id is unknown.
    pub fn path_to(&self, leaf_id: &str) -> Vec<&Message> {
        let mut path = Vec::new();
        let mut next = self.message(leaf_id);
        while let Some(message) = next {
            path.push(message);
            // The tree is acyclic by construction; the length guard only
            // keeps a corrupted file from looping forever.
            if path.len() > self.messages.len() {
                break;
            }
            next = message.parent_id.as_deref().and_then(|id| self.message(id));
        }
        path.reverse();
        path
    }

    /// The message and its siblings (same parent; roots are siblings of each other).
    pub fn siblings(&self, message_id: &str) -> Option<Siblings> {
        let message = self.message(message_id)?;
        let ids: Vec<String> = self
            .messages
            .iter()
            .filter(|m| m.parent_id == message.parent_id)
            .map(|m| m.id.clone())
            .collect();
        let index = ids.iter().position(|id| id == message_id)? as u32;
        Some(Siblings { ids, index })
    }

    /// The leaf reached from `message_id` by always following the newest
    /// child: where the UI lands after switching to a sibling.
    pub fn newest_leaf_from(&self, message_id: &str) -> Option<&Message> {
        let mut current = self.message(message_id)?;
        for _ in 0..self.messages.len() {
            match current.children_ids.last().and_then(|id| self.message(id)) {
                Some(child) => current = child,
                None => break,
            }
        }
        Some(current)
    }

    /// The branch to show: the stored current leaf when it still exists,
    /// else the newest message's branch.
    pub fn current_branch(&self) -> Vec<&Message> {
        let leaf = self
            .conversation
            .current_leaf_id
            .as_deref()
            .and_then(|id| self.message(id))
            .or_else(|| self.messages.last());
        leaf.map(|leaf| self.path_to(&leaf.id)).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "SearchHit.ts")]
pub struct SearchHit {
    pub message_id: String,
    pub conversation_id: String,
    pub conversation_title: String,
    /// An excerpt of the message text with each match wrapped in
    /// U+0002 (start of text) … U+0003 (end of text): control characters that
    /// never occur in HTML or Markdown, so the UI can escape the snippet first
    /// and then turn the markers into highlights. Both are removed from the text
    /// itself when it is stored, so they only ever come from the index.
    pub snippet: String,
    pub created_at: f64,
    /// Who wrote it, so a hit reads as a question or an answer.
    pub role: Role,
}

/// What a search found, and whether the query was cut to its bounds
/// (too long, too many words) before it ran.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "SearchResults.ts")]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub cut: bool,
}

/// Highlight markers of `SearchHit::snippet`.
pub const HIGHLIGHT_START: char = '\u{2}';
pub const HIGHLIGHT_END: char = '\u{3}';

#[cfg(test)]
mod tests {
    use super::TurnErrorCode;
    use halley_responses::Error;

    #[test]
    fn turn_error_codes_are_the_wire_crates_codes() {
        // One of each variant: the stored and shown name is the one the
        // responses crate gives the error, so logs and the UI agree.
        let errors = [
            Error::Network {
                kind: halley_responses::NetworkKind::Dns,
                message: String::new(),
            },
            Error::ConnectionDropped {
                events_received: 0,
                message: String::new(),
            },
            Error::from_status(500, b"", None),
            Error::Stream {
                code: None,
                message: String::new(),
                param: None,
            },
            Error::ResponseFailed {
                code: None,
                message: String::new(),
                response: Box::default(),
            },
            Error::Incomplete {
                reason: None,
                response: Box::default(),
            },
            Error::Cancelled,
            Error::Protocol {
                message: String::new(),
                line: String::new(),
            },
            Error::InvalidRequest(String::new()),
            Error::TooLarge {
                limit: halley_responses::LimitKind::Body,
                max_bytes: 1,
            },
            Error::Stalled {
                idle: std::time::Duration::from_secs(1),
                events_received: 0,
            },
            Error::RedirectRefused {
                status: 307,
                target_origin: String::new(),
            },
        ];
        for error in &errors {
            let code = serde_json::to_value(TurnErrorCode::from(error)).expect("serializes");
            assert_eq!(code, error.code(), "{error:?}");
        }
    }

    #[test]
    fn a_code_from_a_newer_version_reads_as_unknown() {
        let code: TurnErrorCode = serde_json::from_str(r#""quota_exhausted""#).expect("reads");
        assert_eq!(code, TurnErrorCode::Unknown);
        let code: TurnErrorCode = serde_json::from_str(r#""stalled""#).expect("reads");
        assert_eq!(code, TurnErrorCode::Stalled);
    }
}
