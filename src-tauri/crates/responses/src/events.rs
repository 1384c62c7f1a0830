//! Stream events: one `data:` payload of a streamed response.
//!
//! Dispatch is on the JSON `type` field (gateways omit the `event:` line, and
//! key order varies). A small peek reads only `type`; then the payload is
//! parsed straight into the event's struct. Unknown types, and known types in
//! a shape we cannot read, are kept whole as [`StreamEvent::Unknown`]. Unknown
//! fields (`obfuscation`, `logprobs` on older servers...) are ignored.

use crate::items::{Annotation, ContentPart, Logprob, OutputItem, SummaryPart};
use crate::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;

/// `response.created` / `in_progress` / `queued` / `completed` / `failed` / `incomplete`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResponseEvent {
    pub response: Box<Response>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutputItemEvent {
    pub output_index: u32,
    pub item: Box<OutputItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContentPartEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    #[serde(default)]
    pub content_index: u32,
    pub part: Box<ContentPart>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

/// A text delta inside a content part (`output_text`, `refusal`, `reasoning_text`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartDelta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    #[serde(default)]
    pub content_index: u32,
    pub delta: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<Vec<Logprob>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

/// The full text of a content part (`output_text.done`, `reasoning_text.done`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartTextDone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    #[serde(default)]
    pub content_index: u32,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<Vec<Logprob>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefusalDone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    #[serde(default)]
    pub content_index: u32,
    pub refusal: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnotationAdded {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    #[serde(default)]
    pub content_index: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotation_index: Option<u32>,
    pub annotation: Annotation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryPartEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    #[serde(default)]
    pub summary_index: u32,
    pub part: SummaryPart,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryTextDelta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    #[serde(default)]
    pub summary_index: u32,
    pub delta: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryTextDone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    #[serde(default)]
    pub summary_index: u32,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

/// A delta of an item-level string: function/MCP arguments, custom tool input, code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemDelta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    pub delta: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

/// `function_call_arguments.done` / `mcp_call_arguments.done`. Never carries
/// the `name` the spec requires, so it is optional.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArgumentsDone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    pub arguments: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomInputDone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    pub input: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodeDone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

/// A hosted tool's progress (`web_search_call.searching`, `mcp_call.completed`...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemProgress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartialImage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    pub output_index: u32,
    #[serde(default)]
    pub partial_image_index: u32,
    #[serde(default)]
    pub partial_image_b64: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

/// The `error` event. The spec puts `code`/`message`/`param` at the top
/// level; the API nests them under `error`. Both are read into this shape.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ErrorEvent {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// The nested error's `type` (`invalid_request_error`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<u64>,
}

impl<'de> Deserialize<'de> for ErrorEvent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        struct Fields {
            #[serde(default)]
            code: Value,
            #[serde(default)]
            message: Option<String>,
            #[serde(default)]
            param: Option<String>,
            #[serde(rename = "type", default)]
            kind: Option<String>,
        }
        #[derive(Deserialize)]
        struct Wire {
            #[serde(flatten)]
            flat: Fields,
            #[serde(default)]
            error: Option<Fields>,
            #[serde(default)]
            sequence_number: Option<u64>,
        }
        let wire = Wire::deserialize(deserializer)?;
        let nested = wire.error.unwrap_or_default();
        // Codes are open strings; a gateway may send a number.
        let code_of = |v: Value| match v {
            Value::String(s) => Some(s),
            Value::Null => None,
            other => Some(other.to_string()),
        };
        Ok(ErrorEvent {
            code: code_of(nested.code).or_else(|| code_of(wire.flat.code)),
            message: nested.message.or(wire.flat.message).unwrap_or_default(),
            param: nested.param.or(wire.flat.param),
            // The flat shape's `type` is the event type itself.
            error_type: nested.kind,
            sequence_number: wire.sequence_number,
        })
    }
}

macro_rules! stream_events {
    ($( $(#[$doc:meta])* $name:literal => $variant:ident($ty:ty), )*) => {
        /// One event of a streamed response.
        #[derive(Clone, Debug, PartialEq)]
        pub enum StreamEvent {
            $( $(#[$doc])* $variant($ty), )*
            /// Any other event, whole (e.g. `response.shell_call_command.delta`).
            Unknown(Value),
        }

        impl StreamEvent {
            /// Every event type parsed into its own variant.
            pub const KNOWN_TYPES: &'static [&'static str] = &[$($name),*];

            /// The wire `type`.
            pub fn event_type(&self) -> &str {
                match self {
                    $( StreamEvent::$variant(_) => $name, )*
                    StreamEvent::Unknown(v) => v.get("type").and_then(Value::as_str).unwrap_or(""),
                }
            }

            pub fn sequence_number(&self) -> Option<u64> {
                match self {
                    $( StreamEvent::$variant(e) => e.sequence_number, )*
                    StreamEvent::Unknown(v) => v.get("sequence_number").and_then(Value::as_u64),
                }
            }

            fn parse_known(kind: &str, json: &[u8]) -> Option<serde_json::Result<Self>> {
                match kind {
                    $( $name => Some(serde_json::from_slice(json).map(StreamEvent::$variant)), )*
                    _ => None,
                }
            }
        }

        impl Serialize for StreamEvent {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #[derive(Serialize)]
                struct Tagged<'a, T> {
                    #[serde(rename = "type")]
                    kind: &'a str,
                    #[serde(flatten)]
                    body: &'a T,
                }
                match self {
                    $( StreamEvent::$variant(e) => Tagged { kind: $name, body: e }.serialize(serializer), )*
                    StreamEvent::Unknown(v) => v.serialize(serializer),
                }
            }
        }
    };
}

stream_events! {
    "response.created" => Created(ResponseEvent),
    "response.in_progress" => InProgress(ResponseEvent),
    /// Background requests only.
    "response.queued" => Queued(ResponseEvent),
    "response.completed" => Completed(ResponseEvent),
    "response.failed" => Failed(ResponseEvent),
    "response.incomplete" => Incomplete(ResponseEvent),
    "response.output_item.added" => OutputItemAdded(OutputItemEvent),
    "response.output_item.done" => OutputItemDone(OutputItemEvent),
    "response.content_part.added" => ContentPartAdded(ContentPartEvent),
    "response.content_part.done" => ContentPartDone(ContentPartEvent),
    "response.output_text.delta" => OutputTextDelta(PartDelta),
    "response.output_text.done" => OutputTextDone(PartTextDone),
    "response.output_text.annotation.added" => OutputTextAnnotationAdded(AnnotationAdded),
    "response.refusal.delta" => RefusalDelta(PartDelta),
    "response.refusal.done" => RefusalDone(RefusalDone),
    "response.reasoning_summary_part.added" => ReasoningSummaryPartAdded(SummaryPartEvent),
    "response.reasoning_summary_part.done" => ReasoningSummaryPartDone(SummaryPartEvent),
    "response.reasoning_summary_text.delta" => ReasoningSummaryTextDelta(SummaryTextDelta),
    "response.reasoning_summary_text.done" => ReasoningSummaryTextDone(SummaryTextDone),
    "response.reasoning_text.delta" => ReasoningTextDelta(PartDelta),
    "response.reasoning_text.done" => ReasoningTextDone(PartTextDone),
    "response.function_call_arguments.delta" => FunctionCallArgumentsDelta(ItemDelta),
    "response.function_call_arguments.done" => FunctionCallArgumentsDone(ArgumentsDone),
    "response.custom_tool_call_input.delta" => CustomToolCallInputDelta(ItemDelta),
    "response.custom_tool_call_input.done" => CustomToolCallInputDone(CustomInputDone),
    "response.web_search_call.in_progress" => WebSearchCallInProgress(ItemProgress),
    "response.web_search_call.searching" => WebSearchCallSearching(ItemProgress),
    "response.web_search_call.completed" => WebSearchCallCompleted(ItemProgress),
    "response.file_search_call.in_progress" => FileSearchCallInProgress(ItemProgress),
    "response.file_search_call.searching" => FileSearchCallSearching(ItemProgress),
    "response.file_search_call.completed" => FileSearchCallCompleted(ItemProgress),
    "response.code_interpreter_call.in_progress" => CodeInterpreterCallInProgress(ItemProgress),
    "response.code_interpreter_call.interpreting" => CodeInterpreterCallInterpreting(ItemProgress),
    "response.code_interpreter_call.completed" => CodeInterpreterCallCompleted(ItemProgress),
    "response.code_interpreter_call_code.delta" => CodeInterpreterCallCodeDelta(ItemDelta),
    "response.code_interpreter_call_code.done" => CodeInterpreterCallCodeDone(CodeDone),
    "response.image_generation_call.in_progress" => ImageGenerationCallInProgress(ItemProgress),
    "response.image_generation_call.generating" => ImageGenerationCallGenerating(ItemProgress),
    "response.image_generation_call.partial_image" => ImageGenerationCallPartialImage(PartialImage),
    "response.image_generation_call.completed" => ImageGenerationCallCompleted(ItemProgress),
    "response.mcp_list_tools.in_progress" => McpListToolsInProgress(ItemProgress),
    "response.mcp_list_tools.completed" => McpListToolsCompleted(ItemProgress),
    "response.mcp_list_tools.failed" => McpListToolsFailed(ItemProgress),
    "response.mcp_call.in_progress" => McpCallInProgress(ItemProgress),
    "response.mcp_call.completed" => McpCallCompleted(ItemProgress),
    "response.mcp_call.failed" => McpCallFailed(ItemProgress),
    "response.mcp_call_arguments.delta" => McpCallArgumentsDelta(ItemDelta),
    "response.mcp_call_arguments.done" => McpCallArgumentsDone(ArgumentsDone),
    "error" => Error(ErrorEvent),
}

/// The payload holds `name` as a whole JSON string (see the fast path of
/// [`StreamEvent::from_slice_with_name`]).
fn carries_name(json: &[u8], name: &str) -> bool {
    // Cheapest check first: `type` is the first key on every recorded server,
    // and this avoids allocating the quoted name and building a searcher for
    // each of the (mostly tiny) delta events.
    crate::peek::first_key_type(json) == Some(name.as_bytes())
        || memchr::memmem::find(json, format!("\"{name}\"").as_bytes()).is_some()
}

/// Just the `type` of an event; everything else is skipped unparsed.
#[derive(Deserialize)]
struct Tag<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
}

impl StreamEvent {
    /// Parses one `data:` payload. Fails only on invalid JSON; anything that
    /// is JSON but not a known event is kept as [`StreamEvent::Unknown`].
    pub fn from_slice(json: &[u8]) -> serde_json::Result<StreamEvent> {
        Self::from_slice_with_name(json, None)
    }

    /// As [`StreamEvent::from_slice`], using the SSE `event:` name when the
    /// payload itself has no `type`.
    pub fn from_slice_with_name(
        json: &[u8],
        event_name: Option<&str>,
    ) -> serde_json::Result<StreamEvent> {
        // Fast path: api.openai.com names every event on its `event:` line, and
        // the name always equals the payload's `type`. When the payload holds
        // that name as a JSON string, parse once, straight into the typed
        // event, instead of first scanning the whole payload for its tag.
        // (Item and part types — "message", "output_text" — never look like an
        // event type, and a quote inside a JSON string is escaped, so the
        // quoted name can only be the `type` value.)
        if let Some(name) = event_name.filter(|n| !n.is_empty() && !n.contains('"')) {
            if carries_name(json, name) {
                if let Some(Ok(event)) = StreamEvent::parse_known(name, json) {
                    return Ok(event);
                }
            }
        }
        let tag: Tag<'_> = match serde_json::from_slice(json) {
            Ok(tag) => tag,
            // Not an object with a string `type` (an array, `"type": 1`...):
            // keep it if it is JSON at all.
            Err(_) => return serde_json::from_slice(json).map(StreamEvent::Unknown),
        };
        let kind = tag.kind.as_deref().or(event_name).unwrap_or("");
        match StreamEvent::parse_known(kind, json) {
            Some(Ok(event)) => Ok(event),
            // A known type in a shape we cannot read is kept, not lost.
            Some(Err(_)) | None => serde_json::from_slice(json).map(StreamEvent::Unknown),
        }
    }

    /// The response carried by a lifecycle event.
    pub fn response(&self) -> Option<&Response> {
        match self {
            StreamEvent::Created(e)
            | StreamEvent::InProgress(e)
            | StreamEvent::Queued(e)
            | StreamEvent::Completed(e)
            | StreamEvent::Failed(e)
            | StreamEvent::Incomplete(e) => Some(&e.response),
            _ => None,
        }
    }

    /// `completed`, `failed` or `incomplete`: nothing follows these.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            StreamEvent::Completed(_) | StreamEvent::Failed(_) | StreamEvent::Incomplete(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_event_reads_both_shapes() {
        let flat = br#"{"type":"error","code":"server_error","message":"boom","param":null,"sequence_number":3}"#;
        let nested = br#"{"type":"error","error":{"type":"server_error","code":"server_error","message":"boom","param":null},"sequence_number":3}"#;
        for json in [&flat[..], &nested[..]] {
            let StreamEvent::Error(e) = StreamEvent::from_slice(json).expect("parses") else {
                panic!("`error` must be recognised in either shape");
            };
            assert_eq!(
                (e.code.as_deref(), e.message.as_str()),
                (Some("server_error"), "boom")
            );
            assert_eq!(e.sequence_number, Some(3));
        }
    }

    #[test]
    fn type_anywhere_and_unknown_fields_ignored() {
        let json = br#"{"delta":"Hi","obfuscation":"xyz","output_index":0,"content_index":0,"item_id":"m","type":"response.output_text.delta"}"#;
        let event = StreamEvent::from_slice(json).expect("parses");
        // `type` last and an undeclared `obfuscation` must not matter.
        assert!(matches!(&event, StreamEvent::OutputTextDelta(d) if d.delta == "Hi"));
        assert_eq!(event.sequence_number(), None, "sequence_number is optional");
    }

    #[test]
    fn unknown_and_malformed_known_events_are_kept() {
        let json = br#"{"type":"response.shell_call_command.delta","delta":"ls"}"#;
        let event = StreamEvent::from_slice(json).expect("parses");
        assert_eq!(event.event_type(), "response.shell_call_command.delta");
        let bad = br#"{"type":"response.output_text.delta","delta":5}"#;
        assert!(matches!(
            StreamEvent::from_slice(bad),
            Ok(StreamEvent::Unknown(_))
        ));
        assert!(
            StreamEvent::from_slice(b"{not json").is_err(),
            "invalid JSON is an error"
        );
    }
}
