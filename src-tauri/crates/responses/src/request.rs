//! `POST /responses`: the request body.
//!
//! Every parameter is optional (a stored prompt needs neither `model` nor
//! `input`), `null`s are kept apart from absent keys, and unknown parameters
//! land in `extra`, so a body read from disk serializes back unchanged.

use crate::items::{ContentPart, Extra, OutputItem};
use crate::nullable::Nullable;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateResponse {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub model: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub input: Nullable<Input>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub instructions: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub previous_response_id: Nullable<String>,
    /// A conversation id, or `{"id": ...}`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub conversation: Nullable<Value>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub background: Nullable<bool>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub stream: Nullable<bool>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub stream_options: Nullable<StreamOptionsParam>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub store: Nullable<bool>,
    /// e.g. `reasoning.encrypted_content`, `message.output_text.logprobs`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub include: Nullable<Vec<String>>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub max_output_tokens: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub max_tool_calls: Nullable<u64>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub metadata: Nullable<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub parallel_tool_calls: Nullable<bool>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub prompt: Nullable<PromptRef>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub prompt_cache_key: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub prompt_cache_retention: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub reasoning: Nullable<ReasoningConfig>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub safety_identifier: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub service_tier: Nullable<String>,
    /// `Number` keeps `1` and `1.0` apart; see [`CreateResponse::with_temperature`].
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub temperature: Nullable<Number>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub top_p: Nullable<Number>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub top_logprobs: Nullable<u32>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub text: Nullable<TextConfig>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub tool_choice: Nullable<ToolChoice>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub tools: Nullable<Vec<Tool>>,
    /// `auto` or `disabled`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub truncation: Nullable<String>,
    /// e.g. `[{"type": "compaction", "compact_threshold": ...}]`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub context_management: Nullable<Value>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub user: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl CreateResponse {
    pub fn new(model: impl Into<String>, input: impl Into<Input>) -> Self {
        CreateResponse {
            model: Nullable::Value(model.into()),
            input: Nullable::Value(input.into()),
            ..CreateResponse::default()
        }
    }

    /// Sets `temperature`; a non-finite value leaves it unset.
    pub fn with_temperature(mut self, value: f64) -> Self {
        self.temperature = Nullable::from_option(Number::from_f64(value));
        self
    }

    pub fn with_top_p(mut self, value: f64) -> Self {
        self.top_p = Nullable::from_option(Number::from_f64(value));
        self
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Input {
    Text(String),
    Items(Vec<InputItem>),
}

impl From<&str> for Input {
    fn from(text: &str) -> Self {
        Input::Text(text.to_owned())
    }
}

impl From<String> for Input {
    fn from(text: String) -> Self {
        Input::Text(text)
    }
}

impl From<Vec<InputItem>> for Input {
    fn from(items: Vec<InputItem>) -> Self {
        Input::Items(items)
    }
}

/// One entry of `input`. Tried in order: a message (`role` + `content`, with
/// or without `"type": "message"`), an input-only item, then any output item
/// sent back as it came (which falls back to raw JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum InputItem {
    Message(InputMessage),
    Input(InputOnlyItem),
    Output(OutputItem),
}

impl InputItem {
    pub fn user_text(text: impl Into<String>) -> Self {
        InputItem::Message(InputMessage {
            role: "user".into(),
            content: MessageContent::Text(text.into()),
            ..InputMessage::default()
        })
    }

    /// The result of a function call, answering `call_id`.
    pub fn function_call_output(call_id: impl Into<String>, output: impl Into<String>) -> Self {
        InputItem::Input(InputOnlyItem::FunctionCallOutput(FunctionCallOutput {
            call_id: call_id.into(),
            output: Value::String(output.into()),
            ..FunctionCallOutput::default()
        }))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InputMessage {
    /// `"message"` or absent (the short form); kept as sent.
    #[serde(rename = "type", default, skip_serializing_if = "Nullable::is_absent")]
    pub kind: Nullable<String>,
    /// `user`, `assistant`, `system`, `developer`.
    pub role: String,
    pub content: MessageContent,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MessageContent {
    Text(String),
    Parts(Vec<ContentPart>),
}

impl Default for MessageContent {
    fn default() -> Self {
        MessageContent::Text(String::new())
    }
}

/// Items that only exist on the input side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InputOnlyItem {
    FunctionCallOutput(FunctionCallOutput),
    McpApprovalResponse(McpApprovalResponse),
    ItemReference(ItemReference),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionCallOutput {
    pub call_id: String,
    /// A string, or a list of content parts.
    pub output: Value,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct McpApprovalResponse {
    pub approval_request_id: String,
    pub approve: bool,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub reason: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemReference {
    pub id: String,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StreamOptionsParam {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub include_obfuscation: Nullable<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PromptRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub version: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub variables: Nullable<Map<String, Value>>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReasoningConfig {
    /// `none`, `minimal`, `low`, `medium`, `high`, `xhigh`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub effort: Nullable<String>,
    /// `auto`, `concise`, `detailed`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub summary: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TextConfig {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub format: Nullable<TextFormat>,
    /// `low`, `medium`, `high`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub verbosity: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TextFormat {
    Text(Extra),
    JsonObject(Extra),
    JsonSchema(JsonSchemaFormat),
    #[serde(untagged)]
    Other(Value),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JsonSchemaFormat {
    pub name: String,
    pub schema: Value,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub strict: Nullable<bool>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub description: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `"auto" | "none" | "required"`, or a named tool (`{"type": "function", "name": ...}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ToolChoice {
    Mode(String),
    Named(NamedTool),
}

impl ToolChoice {
    pub fn function(name: impl Into<String>) -> Self {
        ToolChoice::Named(NamedTool {
            kind: "function".into(),
            name: Nullable::Value(name.into()),
            extra: Extra::new(),
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedTool {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub name: Nullable<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Tool {
    Function(FunctionTool),
    WebSearchPreview(WebSearchTool),
    WebSearch(WebSearchTool),
    FileSearch(FileSearchTool),
    CodeInterpreter(CodeInterpreterTool),
    Mcp(McpTool),
    /// `image_generation`, `shell`, `tool_search`, dated variants...
    #[serde(untagged)]
    Other(Value),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionTool {
    pub name: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub description: Nullable<String>,
    /// A JSON Schema.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub parameters: Nullable<Value>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub strict: Nullable<bool>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WebSearchTool {
    /// `low`, `medium`, `high`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub search_context_size: Nullable<String>,
    /// `{type: approximate, city, country, region, timezone}`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub user_location: Nullable<Value>,
    /// `{allowed_domains: [...]}`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub filters: Nullable<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileSearchTool {
    #[serde(default)]
    pub vector_store_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub max_num_results: Nullable<u32>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub ranking_options: Nullable<Value>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub filters: Nullable<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CodeInterpreterTool {
    /// A container id, or `{"type": "auto", "file_ids": [...]}`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub container: Nullable<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct McpTool {
    pub server_label: String,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub server_url: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub connector_id: Nullable<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub headers: Nullable<Map<String, Value>>,
    /// A list of names, or `{tool_names, read_only}`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub allowed_tools: Nullable<Value>,
    /// `"always"`, `"never"`, or `{always: {...}, never: {...}}`.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub require_approval: Nullable<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn built_request_serializes_only_what_was_set() {
        let req = CreateResponse::new("gpt-5", "hi").with_temperature(0.5);
        // Unset parameters must be omitted, not sent as null (the API
        // rejects some nulls, e.g. on reasoning models).
        assert_eq!(
            serde_json::to_value(&req).expect("serializes"),
            json!({"model": "gpt-5", "input": "hi", "temperature": 0.5})
        );
    }

    #[test]
    fn a_message_without_content_is_written_the_same_after_one_round_trip() {
        // Found by the request_roundtrip fuzz target. A message with no
        // `content` (which the API refuses anyway) is kept as an output
        // message and written back with `"content": []`; the next parse reads
        // that as an input message. The wire is what matters: from the first
        // write on, the request is written the same every time.
        let doc = json!({"model": "m", "input": [{"type": "message", "role": "assistant", "id": "msg_1"}]});
        let request: CreateResponse = serde_json::from_value(doc).expect("parses");
        let once = serde_json::to_value(&request).expect("serializes");
        assert_eq!(
            once["input"][0]["content"],
            json!([]),
            "an empty content is written"
        );
        let again: CreateResponse = serde_json::from_value(once.clone()).expect("parses again");
        assert_eq!(
            serde_json::to_value(&again).expect("serializes"),
            once,
            "a fixed point"
        );
    }

    #[test]
    fn input_items_keep_their_shapes() {
        let doc = json!([
            {"role": "user", "content": "short form"},
            {"type": "message", "role": "user", "content": [
                {"type": "input_text", "text": "t"},
                {"type": "input_image", "image_url": "data:image/png;base64,AA", "detail": "low"},
                {"type": "input_file", "file_data": "data:application/pdf;base64,AA", "filename": "a.pdf"}
            ]},
            {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c", "output": "42"},
            {"type": "mcp_approval_response", "approval_request_id": "a", "approve": false},
            {"type": "compaction", "encrypted_content": "x"}
        ]);
        let items: Vec<InputItem> = serde_json::from_value(doc.clone()).expect("parses");
        assert!(
            matches!(items[0], InputItem::Message(_)),
            "role+content is a message"
        );
        assert!(matches!(
            items[3],
            InputItem::Input(InputOnlyItem::FunctionCallOutput(_))
        ));
        assert!(matches!(
            items[2],
            InputItem::Output(OutputItem::FunctionCall(_))
        ));
        assert_eq!(
            serde_json::to_value(&items).expect("serializes"),
            doc,
            "nothing dropped"
        );
    }
}
