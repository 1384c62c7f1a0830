//! A Playground preset's state (the form as JSON, `ui/src/lib/playground/
//! state.ts`) turned into a typed request for one dataset row, with its
//! `{{variables}}` filled. The same rules as the UI's `buildRequest` for the
//! fields an evaluation sends; a form that needs the Playground's own
//! machinery (function tools answered by hand, MCP servers, hosted tools
//! over files made in the form, chaining, background mode) is refused with
//! the reason, because a batch of rows cannot click through approvals or
//! reuse one conversation.

use std::collections::BTreeSet;

use halley_responses::items::{OutputText, TextPart};
use halley_responses::request::{
    InputMessage, JsonSchemaFormat, MessageContent, ReasoningConfig, TextConfig, TextFormat,
    WebSearchTool,
};
use halley_responses::{ContentPart, CreateResponse, Input, InputItem, Nullable, Tool};
use serde::Deserialize;
use serde_json::{Map, Number, Value};

use super::template::{self, TemplateProblem};
use crate::Error;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Message {
    role: String,
    parts: Vec<String>,
    attachments: Vec<Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Enabled {
    enabled: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct WebSearch {
    enabled: bool,
    variant: String,
    context_size: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Format {
    #[serde(rename = "type")]
    kind: String,
    name: String,
    description: String,
    strict: bool,
    schema: String,
}

impl Default for Format {
    fn default() -> Self {
        Format {
            kind: "text".into(),
            name: "reply".into(),
            description: String::new(),
            strict: true,
            schema: String::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct KeyValue {
    key: String,
    value: String,
}

/// The fields of the form an evaluation reads (everything else is ignored
/// or, when it would change what is sent, refused by [`PresetForm::check`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PresetForm {
    pub model: String,
    instructions: String,
    messages: Vec<Message>,
    temperature: Option<f64>,
    top_p: Option<f64>,
    max_output_tokens: Option<u64>,
    top_logprobs: Option<u32>,
    truncation: String,
    store: Option<bool>,
    background: bool,
    service_tier: String,
    include: Vec<String>,
    metadata: Vec<KeyValue>,
    prompt_cache_key: String,
    safety_identifier: String,
    reasoning_effort: String,
    reasoning_summary: String,
    verbosity: String,
    previous_response_id: String,
    conversation: String,
    web_search: WebSearch,
    file_search: Enabled,
    code_interpreter: Enabled,
    image_generation: Enabled,
    mcp: Vec<Value>,
    functions: Vec<Value>,
    format: Format,
}

/// What a variant may change in a preset without saving a new version.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export_to = "EvalOverrides.ts", rename = "EvalOverrides")]
pub struct Overrides {
    pub model: Option<String>,
    pub temperature: Option<f64>,
    #[ts(type = "number | null")]
    pub max_output_tokens: Option<u64>,
    /// `none`, `minimal`, `low`, `medium`, `high`, `xhigh`.
    pub reasoning_effort: Option<String>,
}

impl PresetForm {
    /// Reads a preset version's state and refuses what an evaluation cannot
    /// send (see the module comment).
    pub fn parse(state: &str) -> Result<Self, Error> {
        let form: PresetForm = serde_json::from_str(state).map_err(|e| {
            Error::InvalidInput(format!("the preset's saved form cannot be read: {e}"))
        })?;
        form.check()?;
        Ok(form)
    }

    fn check(&self) -> Result<(), Error> {
        let refuse = |what: &str| {
            Err(Error::InvalidInput(format!(
                "this preset uses {what}, which an evaluation cannot run row by row; \
                 save a version without it"
            )))
        };
        if !self.functions.is_empty() {
            return refuse("function tools");
        }
        if !self.mcp.is_empty() {
            return refuse("MCP servers");
        }
        if self.file_search.enabled || self.code_interpreter.enabled {
            return refuse("file search or code interpreter");
        }
        if self.image_generation.enabled {
            return refuse("image generation");
        }
        if self.background {
            return refuse("background mode");
        }
        if !self.previous_response_id.trim().is_empty() || !self.conversation.trim().is_empty() {
            return refuse("a previous response or conversation");
        }
        if self
            .messages
            .iter()
            .any(|m| m.attachments.iter().any(|a| !a.is_null()))
        {
            return refuse("attached images or files");
        }
        Ok(())
    }

    /// Every `{{variable}}` of the instructions and messages.
    pub fn variables(&self) -> BTreeSet<String> {
        let mut names = template::variables_of(&self.instructions);
        for message in &self.messages {
            for part in &message.parts {
                names.extend(template::variables_of(part));
            }
        }
        names
    }

    /// The request for one row: variables filled by `lookup`, `overrides`
    /// applied, `stream: true`.
    pub fn request<'v>(
        &self,
        row: u32,
        lookup: impl Fn(&str) -> Option<&'v str> + Copy,
        overrides: &Overrides,
    ) -> Result<CreateResponse, TemplateProblem> {
        let model = overrides
            .model
            .clone()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| self.model.trim().to_owned());
        let mut input = Vec::new();
        for message in &self.messages {
            let mut content = Vec::new();
            for part in message.parts.iter().filter(|p| !p.trim().is_empty()) {
                let text = TextPart {
                    text: template::fill(part, row, lookup)?,
                    ..TextPart::default()
                };
                // Earlier assistant turns are model output (as in the UI).
                content.push(if message.role == "assistant" {
                    ContentPart::OutputText(OutputText {
                        text: text.text,
                        ..Default::default()
                    })
                } else {
                    ContentPart::InputText(text)
                });
            }
            if content.is_empty() {
                continue;
            }
            input.push(InputItem::Message(InputMessage {
                role: message.role.clone(),
                content: MessageContent::Parts(content),
                ..InputMessage::default()
            }));
        }
        let mut request = CreateResponse {
            model: Nullable::Value(model),
            stream: Nullable::Value(true),
            ..CreateResponse::default()
        };
        if !input.is_empty() {
            request.input = Nullable::Value(Input::Items(input));
        }
        if !self.instructions.trim().is_empty() {
            request.instructions =
                Nullable::Value(template::fill(&self.instructions, row, lookup)?);
        }
        let number = |v: f64| Nullable::from_option(Number::from_f64(v));
        if let Some(t) = overrides.temperature.or(self.temperature) {
            request.temperature = number(t);
        }
        if let Some(p) = self.top_p {
            request.top_p = number(p);
        }
        if let Some(n) = overrides.max_output_tokens.or(self.max_output_tokens) {
            request.max_output_tokens = Nullable::Value(n);
        }
        if let Some(n) = self.top_logprobs {
            request.top_logprobs = Nullable::Value(n);
        }
        let text_field = |s: &str| {
            Nullable::from_option(Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned))
        };
        request.truncation = text_field(&self.truncation);
        request.service_tier = text_field(&self.service_tier);
        request.prompt_cache_key = text_field(&self.prompt_cache_key);
        request.safety_identifier = text_field(&self.safety_identifier);
        if let Some(store) = self.store {
            request.store = Nullable::Value(store);
        }
        if !self.include.is_empty() {
            request.include = Nullable::Value(self.include.clone());
        }
        let metadata: Map<String, Value> = self
            .metadata
            .iter()
            .filter(|kv| !kv.key.is_empty())
            .map(|kv| (kv.key.clone(), Value::String(kv.value.clone())))
            .collect();
        if !metadata.is_empty() {
            request.metadata = Nullable::Value(metadata);
        }
        let effort = overrides
            .reasoning_effort
            .as_deref()
            .unwrap_or(&self.reasoning_effort);
        if !effort.is_empty() || !self.reasoning_summary.is_empty() {
            request.reasoning = Nullable::Value(ReasoningConfig {
                effort: text_field(effort),
                summary: text_field(&self.reasoning_summary),
                ..ReasoningConfig::default()
            });
        }
        let format = match self.format.kind.as_str() {
            "json_object" => Some(TextFormat::JsonObject(Default::default())),
            "json_schema" => Some(TextFormat::JsonSchema(JsonSchemaFormat {
                name: self.format.name.clone(),
                schema: serde_json::from_str(&self.format.schema).unwrap_or(Value::Null),
                strict: Nullable::Value(self.format.strict),
                description: text_field(&self.format.description),
                ..JsonSchemaFormat::default()
            })),
            _ => None,
        };
        if format.is_some() || !self.verbosity.is_empty() {
            request.text = Nullable::Value(TextConfig {
                format: Nullable::from_option(format),
                verbosity: text_field(&self.verbosity),
                ..TextConfig::default()
            });
        }
        if self.web_search.enabled {
            let tool = WebSearchTool {
                search_context_size: text_field(&self.web_search.context_size),
                ..WebSearchTool::default()
            };
            request.tools = Nullable::Value(vec![if self.web_search.variant == "web_search" {
                Tool::WebSearch(tool)
            } else {
                Tool::WebSearchPreview(tool)
            }]);
        }
        Ok(request)
    }

    /// The JSON schema of a `json_schema` reply format, for the schema grader
    /// when it names none of its own.
    pub fn reply_schema(&self) -> Option<&str> {
        (self.format.kind == "json_schema").then_some(self.format.schema.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn state(extra: Value) -> String {
        let mut form = json!({
            "model": "echo",
            "instructions": "Answer in {{lang}}.",
            "messages": [{"id": "r1", "role": "user", "parts": ["Say {{word}}", ""], "attachments": []}],
            "temperature": 0.5,
            "reasoningEffort": "",
            "format": {"type": "text", "name": "reply", "description": "", "strict": true, "schema": ""},
            "functions": [], "mcp": [],
            "webSearch": {"enabled": false}, "fileSearch": {"enabled": false},
            "codeInterpreter": {"enabled": false}, "imageGeneration": {"enabled": false}
        });
        if let (Some(form), Some(extra)) = (form.as_object_mut(), extra.as_object()) {
            form.extend(extra.clone());
        }
        form.to_string()
    }

    #[test]
    fn fills_the_row_into_instructions_and_messages() {
        let form = PresetForm::parse(&state(json!({}))).expect("form");
        assert_eq!(
            form.variables().into_iter().collect::<Vec<_>>(),
            ["lang", "word"]
        );
        let cells = [("lang", "French"), ("word", "bonjour")];
        let lookup = |name: &str| cells.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        let request = form
            .request(1, lookup, &Overrides::default())
            .expect("request");
        let body = serde_json::to_value(&request).expect("json");
        assert_eq!(body["instructions"], "Answer in French.");
        assert_eq!(
            body["input"],
            json!([{"role": "user", "content": [{"type": "input_text", "text": "Say bonjour"}]}])
        );
        assert_eq!(body["temperature"], 0.5);
        assert_eq!(body["stream"], true);
    }

    #[test]
    fn overrides_replace_the_presets_values() {
        let form = PresetForm::parse(&state(json!({}))).expect("form");
        let overrides = Overrides {
            model: Some("other".into()),
            temperature: Some(0.0),
            max_output_tokens: Some(64),
            reasoning_effort: Some("low".into()),
        };
        let request = form.request(1, |_| Some("x"), &overrides).expect("request");
        let body = serde_json::to_value(&request).expect("json");
        assert_eq!(body["model"], "other");
        assert_eq!(body["temperature"], 0.0);
        assert_eq!(body["max_output_tokens"], 64);
        assert_eq!(body["reasoning"]["effort"], "low");
    }

    #[test]
    fn a_missing_variable_is_the_templates_error() {
        let form = PresetForm::parse(&state(json!({}))).expect("form");
        let error = form
            .request(
                3,
                |name| (name == "lang").then_some("en"),
                &Overrides::default(),
            )
            .expect_err("word missing");
        assert_eq!(
            error.to_string(),
            "row 3 has no value for the variable {{word}}"
        );
    }

    #[test]
    fn forms_that_need_the_playground_are_refused_with_the_reason() {
        for (extra, words) in [
            (json!({"functions": [{"name": "f"}]}), "function tools"),
            (json!({"mcp": [{"label": "m"}]}), "MCP servers"),
            (json!({"background": true}), "background mode"),
            (json!({"previousResponseId": "resp_1"}), "previous response"),
        ] {
            let error = PresetForm::parse(&state(extra)).expect_err("refused");
            assert!(error.to_string().contains(words), "{error}");
        }
        assert!(PresetForm::parse("{not json").is_err());
    }
}
