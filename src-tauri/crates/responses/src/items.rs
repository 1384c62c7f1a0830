//! Output items and their content: what a response's `output` holds, what
//! `output_item.*` events carry, and what goes back as input next turn.
//!
//! Every enum falls back to `Other(Value)` for types this crate does not
//! model (new ones appear often: `program`, `compaction`, `shell_call`...),
//! and every struct keeps unknown keys in `extra`, so an item serializes back
//! to the JSON it came from. Numbers that may be floats are
//! `serde_json::Number`, which keeps `1` and `1.0` apart.

use crate::nullable::Nullable;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

/// Unknown keys of a known type, kept so nothing is dropped.
pub type Extra = Map<String, Value>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutputItem {
    Message(MessageItem),
    Reasoning(ReasoningItem),
    FunctionCall(FunctionCallItem),
    CustomToolCall(CustomToolCallItem),
    WebSearchCall(WebSearchCallItem),
    FileSearchCall(FileSearchCallItem),
    CodeInterpreterCall(CodeInterpreterCallItem),
    ImageGenerationCall(ImageGenerationCallItem),
    McpListTools(McpListToolsItem),
    McpCall(McpCallItem),
    McpApprovalRequest(McpApprovalRequestItem),
    /// Any other item type (or a known type in a shape we cannot read), whole.
    #[serde(untagged)]
    Other(Value),
}

impl OutputItem {
    /// The wire `type` of the item (`"message"`, `"function_call"`, ...).
    pub fn item_type(&self) -> &str {
        match self {
            OutputItem::Message(_) => "message",
            OutputItem::Reasoning(_) => "reasoning",
            OutputItem::FunctionCall(_) => "function_call",
            OutputItem::CustomToolCall(_) => "custom_tool_call",
            OutputItem::WebSearchCall(_) => "web_search_call",
            OutputItem::FileSearchCall(_) => "file_search_call",
            OutputItem::CodeInterpreterCall(_) => "code_interpreter_call",
            OutputItem::ImageGenerationCall(_) => "image_generation_call",
            OutputItem::McpListTools(_) => "mcp_list_tools",
            OutputItem::McpCall(_) => "mcp_call",
            OutputItem::McpApprovalRequest(_) => "mcp_approval_request",
            OutputItem::Other(v) => v.get("type").and_then(Value::as_str).unwrap_or(""),
        }
    }

    pub fn id(&self) -> Option<&str> {
        match self {
            OutputItem::Message(i) => i.id.as_str(),
            OutputItem::Reasoning(i) => i.id.as_str(),
            OutputItem::FunctionCall(i) => i.id.as_str(),
            OutputItem::CustomToolCall(i) => i.id.as_str(),
            OutputItem::WebSearchCall(i) => i.id.as_str(),
            OutputItem::FileSearchCall(i) => i.id.as_str(),
            OutputItem::CodeInterpreterCall(i) => i.id.as_str(),
            OutputItem::ImageGenerationCall(i) => i.id.as_str(),
            OutputItem::McpListTools(i) => i.id.as_str(),
            OutputItem::McpCall(i) => i.id.as_str(),
            OutputItem::McpApprovalRequest(i) => i.id.as_str(),
            OutputItem::Other(v) => v.get("id").and_then(Value::as_str),
        }
    }

    pub fn status(&self) -> Option<&str> {
        match self {
            OutputItem::Message(i) => i.status.as_str(),
            OutputItem::Reasoning(i) => i.status.as_str(),
            OutputItem::FunctionCall(i) => i.status.as_str(),
            OutputItem::CustomToolCall(i) => i.status.as_str(),
            OutputItem::WebSearchCall(i) => i.status.as_str(),
            OutputItem::FileSearchCall(i) => i.status.as_str(),
            OutputItem::CodeInterpreterCall(i) => i.status.as_str(),
            OutputItem::ImageGenerationCall(i) => i.status.as_str(),
            OutputItem::McpListTools(i) => i.status.as_str(),
            OutputItem::McpCall(i) => i.status.as_str(),
            OutputItem::McpApprovalRequest(i) => i.status.as_str(),
            OutputItem::Other(v) => v.get("status").and_then(Value::as_str),
        }
    }

    /// Sets `status` (tool progress events carry only the new status).
    pub fn set_status(&mut self, status: &str) {
        let slot = match self {
            OutputItem::Message(i) => &mut i.status,
            OutputItem::Reasoning(i) => &mut i.status,
            OutputItem::FunctionCall(i) => &mut i.status,
            OutputItem::CustomToolCall(i) => &mut i.status,
            OutputItem::WebSearchCall(i) => &mut i.status,
            OutputItem::FileSearchCall(i) => &mut i.status,
            OutputItem::CodeInterpreterCall(i) => &mut i.status,
            OutputItem::ImageGenerationCall(i) => &mut i.status,
            OutputItem::McpListTools(i) => &mut i.status,
            OutputItem::McpCall(i) => &mut i.status,
            OutputItem::McpApprovalRequest(i) => &mut i.status,
            OutputItem::Other(Value::Object(map)) => {
                map.insert("status".into(), Value::String(status.into()));
                return;
            }
            OutputItem::Other(_) => return,
        };
        *slot = Nullable::Value(status.to_owned());
    }

    /// The concatenated text of a message's `output_text` parts.
    pub fn text(&self) -> Option<String> {
        match self {
            OutputItem::Message(m) => Some(
                m.content
                    .iter()
                    .filter_map(|p| match p {
                        ContentPart::OutputText(t) => Some(t.text.as_str()),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MessageItem {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub role: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    /// Written even when empty: `output_item.added` carries `"content": []`
    /// and must round-trip byte for byte.
    #[serde(default)]
    pub content: Vec<ContentPart>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReasoningItem {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub id: Nullable<String>,
    #[serde(default)]
    pub summary: Vec<SummaryPart>,
    /// `reasoning_text` parts (gpt-oss, DeepSeek through gateways).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub content: Nullable<Vec<ContentPart>>,
    /// Opaque; must go back verbatim for stateless multi-turn.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub encrypted_content: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SummaryPart {
    #[serde(rename = "type", default = "summary_text")]
    pub kind: String,
    #[serde(default)]
    pub text: String,
    #[serde(flatten)]
    pub extra: Extra,
}

fn summary_text() -> String {
    "summary_text".to_owned()
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionCallItem {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub call_id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub name: Nullable<String>,
    /// A JSON document as a string, as the model wrote it.
    #[serde(default)]
    pub arguments: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomToolCallItem {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub call_id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub name: Nullable<String>,
    #[serde(default)]
    pub input: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WebSearchCallItem {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    /// `{type: search|open_page|find, query, sources...}`; only on `.done`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub action: Nullable<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileSearchCallItem {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub queries: Nullable<Vec<String>>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub results: Nullable<Vec<Value>>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CodeInterpreterCallItem {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub code: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub container_id: Nullable<String>,
    /// `[{type: logs, logs} | {type: image, url}]`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub outputs: Nullable<Vec<Value>>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageGenerationCallItem {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    /// Base64 image.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub result: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub revised_prompt: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct McpListToolsItem {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub server_label: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub tools: Nullable<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub error: Nullable<Value>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct McpCallItem {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub server_label: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub name: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub arguments: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub output: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub error: Nullable<Value>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub approval_request_id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct McpApprovalRequestItem {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub server_label: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub name: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub arguments: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub status: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A part of a message's `content` (input or output side), of a reasoning
/// item's `content`, or of a `content_part.*` event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentPart {
    InputText(TextPart),
    InputImage(InputImage),
    InputFile(InputFile),
    OutputText(OutputText),
    Refusal(RefusalPart),
    ReasoningText(TextPart),
    SummaryText(TextPart),
    #[serde(untagged)]
    Other(Value),
}

impl ContentPart {
    pub fn part_type(&self) -> &str {
        match self {
            ContentPart::InputText(_) => "input_text",
            ContentPart::InputImage(_) => "input_image",
            ContentPart::InputFile(_) => "input_file",
            ContentPart::OutputText(_) => "output_text",
            ContentPart::Refusal(_) => "refusal",
            ContentPart::ReasoningText(_) => "reasoning_text",
            ContentPart::SummaryText(_) => "summary_text",
            ContentPart::Other(v) => v.get("type").and_then(Value::as_str).unwrap_or(""),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TextPart {
    #[serde(default)]
    pub text: String,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InputImage {
    /// A URL or a `data:` URL.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub image_url: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub file_id: Nullable<String>,
    /// `low`, `high` or `auto`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub detail: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub file_id: Nullable<String>,
    /// A `data:` URL with base64 content.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub file_data: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub file_url: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub filename: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OutputText {
    #[serde(default)]
    pub text: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub annotations: Nullable<Vec<Annotation>>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub logprobs: Nullable<Vec<Logprob>>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RefusalPart {
    #[serde(default)]
    pub refusal: String,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Logprob {
    #[serde(default)]
    pub token: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub logprob: Nullable<Number>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub bytes: Nullable<Vec<u32>>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub top_logprobs: Nullable<Vec<Value>>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Annotation {
    UrlCitation(UrlCitation),
    FileCitation(FileCitation),
    ContainerFileCitation(ContainerFileCitation),
    FilePath(FilePath),
    #[serde(untagged)]
    Other(Value),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UrlCitation {
    #[serde(default)]
    pub url: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub title: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub start_index: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub end_index: Nullable<u64>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileCitation {
    #[serde(default)]
    pub file_id: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub filename: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub index: Nullable<u64>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerFileCitation {
    #[serde(default)]
    pub container_id: String,
    #[serde(default)]
    pub file_id: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub filename: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub start_index: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub end_index: Nullable<u64>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FilePath {
    #[serde(default)]
    pub file_id: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub index: Nullable<u64>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(doc: Value) -> OutputItem {
        let item: OutputItem = serde_json::from_value(doc.clone()).expect("item parses");
        assert_eq!(
            serde_json::to_value(&item).expect("serializes"),
            doc,
            "an item must go back to the API exactly as it came"
        );
        item
    }

    #[test]
    fn reasoning_with_encrypted_content_round_trips_exactly() {
        let item = round_trip(json!({
            "id": "rs_1", "type": "reasoning", "encrypted_content": "gAAAA==",
            "summary": [{"type": "summary_text", "text": "Thinking"}], "status": null
        }));
        assert!(
            matches!(item, OutputItem::Reasoning(_)),
            "reasoning is a known type"
        );
    }

    #[test]
    fn unknown_type_and_unknown_fields_are_kept() {
        let item = round_trip(json!({"type": "program", "id": "p1", "code": "x"}));
        assert!(
            matches!(item, OutputItem::Other(_)),
            "program is not modelled"
        );
        let item = round_trip(json!({
            "type": "message", "id": "m", "role": "assistant", "phase": "final_answer",
            "content": [{"type": "output_text", "text": "hi", "annotations": [
                {"type": "url_citation", "url": "u", "title": "t", "start_index": 0, "end_index": 2},
                {"type": "new_kind", "x": 1}
            ], "logprobs": []}]
        }));
        let OutputItem::Message(m) = item else {
            panic!("message is a known type")
        };
        assert_eq!(
            m.extra.get("phase"),
            Some(&json!("final_answer")),
            "phase kept in extra"
        );
    }

    #[test]
    fn known_type_in_unexpected_shape_falls_back_whole() {
        // `content` should be an array; the item must still be kept, not lost.
        let item = round_trip(json!({"type": "message", "content": "plain"}));
        assert!(matches!(item, OutputItem::Other(_)));
    }
}
