//! What the mock reads from a `POST /v1/responses` body. The body stays a
//! `serde_json::Value` (the mock is held to what real clients send, not to the
//! app's own types); this view pulls out the few things scenarios act on.

use std::time::Duration;

use serde_json::{json, Value};

use crate::api_error::ApiError;
use crate::response_object::new_id;

#[derive(Debug, Clone, Default)]
pub(crate) struct CreateRequest {
    /// The whole body, for echoing request fields into the response.
    pub body: Value,
    pub model: String,
    pub stream: bool,
    pub background: bool,
    /// Text of the last user message.
    pub user_text: String,
    /// Image and file parts in the last user message.
    pub images: usize,
    pub files: usize,
    /// Every `input_file` part's `file_id`, in any message: each must name
    /// an uploaded file.
    pub file_ids: Vec<String>,
    /// `output` of every `function_call_output` item, in order.
    pub function_outputs: Vec<String>,
    /// Names of the request's function tools.
    pub function_names: Vec<String>,
    pub web_search: bool,
    pub reasoning: bool,
    pub encrypted_reasoning: bool,
    /// `metadata.mock_delay_ms`, overriding the server's delta delay.
    pub delay_override: Option<Duration>,
    /// The input as items (a string input becomes one user message).
    pub input_items: Vec<Value>,
    /// Characters of text in the input and instructions, to estimate tokens.
    pub input_chars: usize,
    /// The first `mcp` tool whose calls need approval (`require_approval`
    /// absent or not `"never"`): its server label and first allowed tool.
    pub mcp_needing_approval: Option<(String, String)>,
    /// `approve` of every `mcp_approval_response` item in the input.
    pub mcp_approvals: Vec<bool>,
    /// Alternatives per token when the request asks for logprobs
    /// (`top_logprobs`, or `include` naming `message.output_text.logprobs`).
    pub logprobs: Option<usize>,
    /// The request's `include` values.
    pub include: Vec<String>,
    /// A `file_search` tool.
    pub file_search: Option<FileSearchTool>,
    /// A `code_interpreter` tool.
    pub code_interpreter: Option<CodeInterpreterTool>,
    /// An `image_generation` tool.
    pub image_generation: Option<ImageGenerationTool>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct FileSearchTool {
    pub vector_store_ids: Vec<String>,
    /// `max_num_results` (1..=50; 10 when absent).
    pub max_results: usize,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct CodeInterpreterTool {
    /// `container` given as a container id (else the mock makes one).
    pub container_id: Option<String>,
}

/// The image generation tool's options, as sent (absent stays `None`).
/// `output_format` is not read: the mock draws PNGs only.
#[derive(Debug, Clone, Default)]
pub(crate) struct ImageGenerationTool {
    /// 0..=3, as the API allows.
    pub partial_images: u32,
    pub size: Option<String>,
    pub quality: Option<String>,
    pub background: Option<String>,
}

/// The most partial images the API streams.
pub(crate) const MAX_PARTIAL_IMAGES: u64 = 3;

impl CreateRequest {
    pub fn parse(body: Value) -> Result<Self, ApiError> {
        let Some(object) = body.as_object() else {
            return Err(ApiError::invalid_request(
                "The request body must be a JSON object.",
            ));
        };
        let model = match object.get("model") {
            Some(Value::String(model)) => model.clone(),
            None | Some(Value::Null) => {
                return Err(
                    ApiError::invalid_request("Missing required parameter: 'model'.")
                        .with_param("model")
                        .with_code("missing_required_parameter"),
                )
            }
            Some(_) => return Err(invalid_type("model", "a string")),
        };
        let mut request = Self {
            model,
            stream: flag(object.get("stream"), "stream")?,
            background: flag(object.get("background"), "background")?,
            ..Self::default()
        };
        request.input_chars = object
            .get("instructions")
            .and_then(Value::as_str)
            .map_or(0, |text| text.chars().count());
        match object.get("input") {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) => {
                request.input_chars += text.chars().count();
                request.user_text = text.clone();
                request.input_items.push(json!({
                    "id": new_id("msg"),
                    "type": "message",
                    "role": "user",
                    "status": "completed",
                    "content": [{"type": "input_text", "text": text}],
                }));
            }
            Some(Value::Array(items)) => {
                for (index, item) in items.iter().enumerate() {
                    request.read_item(index, item)?;
                }
            }
            Some(_) => return Err(invalid_type("input", "a string or an array")),
        }
        request.include = object
            .get("include")
            .and_then(Value::as_array)
            .map(|include| {
                include
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        request.read_tools(object.get("tools"))?;
        request.reasoning = object.get("reasoning").is_some_and(Value::is_object)
            || request.model == "echo-reasoning";
        request.encrypted_reasoning = request.includes("reasoning.encrypted_content");
        let include_logprobs = request.includes("message.output_text.logprobs");
        let top_logprobs = object.get("top_logprobs").and_then(Value::as_u64);
        request.logprobs = match top_logprobs {
            Some(top) => Some(usize::try_from(top.min(20)).unwrap_or(20)),
            None if include_logprobs => Some(0),
            None => None,
        };
        request.delay_override = object
            .get("metadata")
            .and_then(|metadata| metadata.get("mock_delay_ms"))
            .and_then(|value| match value {
                Value::String(text) => text.trim().parse::<u64>().ok(),
                other => other.as_u64(),
            })
            .map(Duration::from_millis);
        request.body = body;
        Ok(request)
    }

    fn read_item(&mut self, index: usize, item: &Value) -> Result<(), ApiError> {
        let Some(object) = item.as_object() else {
            return Err(invalid_type(&format!("input[{index}]"), "an object"));
        };
        let kind = object.get("type").and_then(Value::as_str).unwrap_or(
            // An item with a role and no type is a message (EasyInputMessage).
            if object.contains_key("role") {
                "message"
            } else {
                ""
            },
        );
        let mut stored = item.clone();
        if let Some(stored) = stored.as_object_mut() {
            stored.entry("id").or_insert_with(|| new_id("msg").into());
            stored.entry("type").or_insert_with(|| kind.into());
        }
        match kind {
            "message" => {
                let role = object.get("role").and_then(Value::as_str).unwrap_or("user");
                let (text, images, files) = read_content(object.get("content"));
                self.file_ids.extend(file_ids(object.get("content")));
                self.input_chars += text.chars().count();
                if role == "user" {
                    self.user_text = text;
                    self.images = images;
                    self.files = files;
                }
                if let (Some(stored), Some(Value::String(content))) =
                    (stored.as_object_mut(), object.get("content"))
                {
                    // The API lists a string content as one input_text part.
                    let part = json!([{"type": "input_text", "text": content}]);
                    stored.insert("content".into(), part);
                }
            }
            "mcp_approval_response" => {
                let approve = object.get("approve").and_then(Value::as_bool) == Some(true);
                self.mcp_approvals.push(approve);
            }
            "function_call_output" => {
                let output = match object.get("output") {
                    Some(Value::String(text)) => text.clone(),
                    Some(Value::Array(parts)) => parts
                        .iter()
                        .filter_map(|part| part.get("text").and_then(Value::as_str))
                        .collect::<Vec<_>>()
                        .join(""),
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                self.input_chars += output.chars().count();
                self.function_outputs.push(output);
            }
            _ => self.input_chars += item.to_string().chars().count(),
        }
        self.input_items.push(stored);
        Ok(())
    }

    fn read_tools(&mut self, tools: Option<&Value>) -> Result<(), ApiError> {
        let tools = match tools {
            None | Some(Value::Null) => return Ok(()),
            Some(Value::Array(tools)) => tools,
            Some(_) => return Err(invalid_type("tools", "an array")),
        };
        for (index, tool) in tools.iter().enumerate() {
            let kind = tool.get("type").and_then(Value::as_str).unwrap_or("");
            if kind == "file_search" {
                self.file_search = Some(file_search_tool(index, tool)?);
            } else if kind == "code_interpreter" {
                self.code_interpreter = Some(CodeInterpreterTool {
                    container_id: tool
                        .get("container")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                });
            } else if kind == "image_generation" {
                self.image_generation = Some(image_generation_tool(index, tool)?);
            } else if kind == "function" {
                if let Some(name) = tool.get("name").and_then(Value::as_str) {
                    self.function_names.push(name.to_owned());
                }
            } else if kind.starts_with("web_search") {
                self.web_search = true;
            } else if kind == "mcp" && self.mcp_needing_approval.is_none() {
                let never = tool.get("require_approval").and_then(Value::as_str) == Some("never");
                if !never {
                    let label = tool
                        .get("server_label")
                        .and_then(Value::as_str)
                        .unwrap_or("mcp");
                    let name = tool
                        .get("allowed_tools")
                        .and_then(Value::as_array)
                        .and_then(|names| names.first())
                        .and_then(Value::as_str)
                        .unwrap_or("echo_tool");
                    self.mcp_needing_approval = Some((label.to_owned(), name.to_owned()));
                }
            }
        }
        Ok(())
    }

    pub fn field(&self, name: &str) -> Value {
        self.body.get(name).cloned().unwrap_or(Value::Null)
    }

    /// Whether `include` names this value.
    pub fn includes(&self, value: &str) -> bool {
        self.include.iter().any(|entry| entry == value)
    }
}

fn file_search_tool(index: usize, tool: &Value) -> Result<FileSearchTool, ApiError> {
    let param = format!("tools[{index}].vector_store_ids");
    let ids = match tool.get("vector_store_ids") {
        Some(Value::Array(ids)) => ids,
        None | Some(Value::Null) => {
            return Err(ApiError::invalid_request(format!(
                "Missing required parameter: '{param}'."
            ))
            .with_param(param)
            .with_code("missing_required_parameter"))
        }
        Some(_) => return Err(invalid_type(&param, "an array of strings")),
    };
    let mut vector_store_ids = Vec::new();
    for id in ids {
        match id.as_str() {
            Some(id) => vector_store_ids.push(id.to_owned()),
            None => return Err(invalid_type(&param, "an array of strings")),
        }
    }
    let max_results = tool
        .get("max_num_results")
        .and_then(Value::as_u64)
        .map_or(10, |n| usize::try_from(n.clamp(1, 50)).unwrap_or(10));
    Ok(FileSearchTool {
        vector_store_ids,
        max_results,
    })
}

fn image_generation_tool(index: usize, tool: &Value) -> Result<ImageGenerationTool, ApiError> {
    let text = |name: &str| tool.get(name).and_then(Value::as_str).map(str::to_owned);
    let partial_images = match tool.get("partial_images") {
        None | Some(Value::Null) => 0,
        Some(value) => match value.as_u64() {
            Some(n) if n <= MAX_PARTIAL_IMAGES => u32::try_from(n).unwrap_or(0),
            Some(_) => {
                let param = format!("tools[{index}].partial_images");
                return Err(ApiError::invalid_request(format!(
                    "Invalid '{param}': integer above maximum value. Expected a value \
                     <= {MAX_PARTIAL_IMAGES}, but got {value} instead."
                ))
                .with_param(param)
                .with_code("integer_above_max_value"));
            }
            None => {
                return Err(invalid_type(
                    &format!("tools[{index}].partial_images"),
                    "an integer",
                ))
            }
        },
    };
    let size = text("size");
    if let Some(size) = &size {
        let valid = size == "auto"
            || size.split_once('x').is_some_and(|(w, h)| {
                [w, h]
                    .iter()
                    .all(|n| n.parse::<u32>().is_ok_and(|n| (16..=3840).contains(&n)))
            });
        if !valid {
            return Err(ApiError::invalid_request(format!(
                "Invalid value: '{size}'. Supported values are: '1024x1024', '1024x1536', \
                 '1536x1024', and 'auto'."
            ))
            .with_param(format!("tools[{index}].size"))
            .with_code("invalid_value"));
        }
    }
    Ok(ImageGenerationTool {
        partial_images,
        size,
        quality: text("quality"),
        background: text("background"),
    })
}

/// The `file_id`s of a message's `input_file` parts.
fn file_ids(content: Option<&Value>) -> Vec<String> {
    let Some(Value::Array(parts)) = content else {
        return Vec::new();
    };
    parts
        .iter()
        .filter(|part| part.get("type").and_then(Value::as_str) == Some("input_file"))
        .filter_map(|part| part.get("file_id").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// Text of a message's content and how many images and files it holds.
fn read_content(content: Option<&Value>) -> (String, usize, usize) {
    match content {
        Some(Value::String(text)) => (text.clone(), 0, 0),
        Some(Value::Array(parts)) => {
            let mut texts = Vec::new();
            let (mut images, mut files) = (0, 0);
            for part in parts {
                match part.get("type").and_then(Value::as_str) {
                    Some("input_image") => images += 1,
                    Some("input_file") => files += 1,
                    _ => {
                        if let Some(text) = part.get("text").and_then(Value::as_str) {
                            texts.push(text);
                        }
                    }
                }
            }
            (texts.join("\n"), images, files)
        }
        _ => (String::new(), 0, 0),
    }
}

fn flag(value: Option<&Value>, name: &str) -> Result<bool, ApiError> {
    match value {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(_) => Err(invalid_type(name, "a boolean")),
    }
}

fn invalid_type(param: &str, expected: &str) -> ApiError {
    ApiError::invalid_request(format!("Invalid type for '{param}': expected {expected}."))
        .with_param(param)
        .with_code("invalid_type")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_user_message_and_its_attachments_are_read() {
        let body = json!({
            "model": "echo",
            "input": [
                {"role": "user", "content": "first"},
                {"role": "assistant", "content": "reply"},
                {"type": "message", "role": "user", "content": [
                    {"type": "input_text", "text": "second"},
                    {"type": "input_image", "image_url": "data:image/png;base64,AA"},
                    {"type": "input_file", "file_id": "file_1"},
                ]},
            ],
        });
        let request = CreateRequest::parse(body).expect("a valid request");
        // The echo answers the latest user turn, not the first one.
        assert_eq!(request.user_text, "second");
        assert_eq!((request.images, request.files), (1, 1));
        // Every input item is kept for input_items, with an id and a type.
        assert_eq!(request.input_items.len(), 3);
        assert!(request
            .input_items
            .iter()
            .all(|item| item["id"].is_string()));
        assert_eq!(request.input_items[0]["content"][0]["type"], "input_text");
    }

    #[test]
    fn odd_bodies_are_refused_with_a_parameter_name() {
        for (body, param) in [
            (json!({"input": "hi"}), Some("model")),
            (json!({"model": 3}), Some("model")),
            (json!({"model": "echo", "input": 7}), Some("input")),
            (json!({"model": "echo", "input": [1]}), Some("input[0]")),
            (json!({"model": "echo", "stream": "yes"}), Some("stream")),
            (json!([1, 2]), None),
        ] {
            let error = CreateRequest::parse(body).expect_err("odd bodies must be refused");
            // Clients show the param to point at the field at fault.
            assert_eq!(error.param.as_deref(), param);
            assert_eq!(error.status.as_u16(), 400);
        }
    }

    #[test]
    fn function_outputs_tools_and_delay_are_read() {
        let body = json!({
            "model": "echo",
            "input": [
                {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
                {"type": "function_call_output", "call_id": "c1", "output": "42"},
            ],
            "tools": [{"type": "function", "name": "f"}, {"type": "web_search_preview"}],
            "metadata": {"mock_delay_ms": "7"},
            "include": ["reasoning.encrypted_content"],
        });
        let request = CreateRequest::parse(body).expect("a valid request");
        assert_eq!(request.function_outputs, vec!["42"]);
        assert_eq!(request.function_names, vec!["f"]);
        assert!(
            request.web_search,
            "web_search_preview counts as web search"
        );
        assert!(request.encrypted_reasoning);
        // Metadata values are strings in the API; the delay parses from one.
        assert_eq!(request.delay_override, Some(Duration::from_millis(7)));
    }

    #[test]
    fn mcp_tools_needing_approval_and_approval_responses_are_read() {
        let body = json!({
            "model": "echo",
            "input": [{"type": "mcp_approval_response", "approval_request_id": "mcpr_1", "approve": false}],
            "tools": [
                {"type": "mcp", "server_label": "quiet", "require_approval": "never"},
                {"type": "mcp", "server_label": "docs", "allowed_tools": ["search"]},
            ],
        });
        let request = CreateRequest::parse(body).expect("a valid request");
        // The server with require_approval "never" is skipped: no approval is needed there.
        assert_eq!(
            request.mcp_needing_approval,
            Some(("docs".to_owned(), "search".to_owned()))
        );
        assert_eq!(request.mcp_approvals, vec![false]);
    }

    #[test]
    fn hosted_tools_and_include_are_read() {
        let body = json!({
            "model": "echo", "input": "hi",
            "include": ["file_search_call.results"],
            "tools": [
                {"type": "file_search", "vector_store_ids": ["vs_1"], "max_num_results": 99},
                {"type": "code_interpreter", "container": "cntr_given"},
                {"type": "image_generation", "partial_images": 2, "size": "1536x1024"},
            ],
        });
        let request = CreateRequest::parse(body).expect("a valid request");
        let search = request.file_search.as_ref().expect("file search");
        assert_eq!(search.vector_store_ids, vec!["vs_1"]);
        assert_eq!(search.max_results, 50, "bounded as the API bounds it");
        assert_eq!(
            request
                .code_interpreter
                .as_ref()
                .and_then(|c| c.container_id.as_deref()),
            Some("cntr_given")
        );
        let image = request.image_generation.clone().expect("image generation");
        assert_eq!(
            (image.partial_images, image.size.as_deref()),
            (2, Some("1536x1024"))
        );
        assert!(request.includes("file_search_call.results"));
        assert!(!request.includes("code_interpreter_call.outputs"));
    }

    #[test]
    fn bad_hosted_tool_options_are_refused_with_their_param() {
        for (tool, param) in [
            (json!({"type": "file_search"}), "tools[0].vector_store_ids"),
            (
                json!({"type": "file_search", "vector_store_ids": [1]}),
                "tools[0].vector_store_ids",
            ),
            (
                json!({"type": "image_generation", "partial_images": 4}),
                "tools[0].partial_images",
            ),
            (
                json!({"type": "image_generation", "size": "big"}),
                "tools[0].size",
            ),
        ] {
            let error = CreateRequest::parse(json!({"model": "echo", "tools": [tool]}))
                .expect_err("refused");
            assert_eq!(error.param.as_deref(), Some(param));
            assert_eq!(error.status.as_u16(), 400);
        }
    }
}
