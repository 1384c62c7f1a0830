//! Builds the `POST /responses` body that answers one user message on its
//! branch of the conversation tree.
//!
//! Two ways to give the model the conversation so far:
//! - **previous_response_id** (`store: true`, the default): the server keeps
//!   the earlier turns; we send only what came after the last stored answer.
//! - **replay**: we send the whole branch ourselves — when the user turned
//!   server-side storage off, or the provider rejected the chain. Reasoning
//!   items go back with their `encrypted_content` so reasoning models keep
//!   their context.

use std::collections::BTreeMap;

use base64::Engine;
use halley_responses::items::{InputFile, InputImage, OutputText, TextPart};
use halley_responses::request::{
    CodeInterpreterTool, FileSearchTool, InputMessage, MessageContent, ReasoningConfig, TextConfig,
    WebSearchTool,
};
use halley_responses::{ContentPart, CreateResponse, InputItem, Nullable, OutputItem, Tool};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::history::{AttachmentKind, ConversationTree, Message, MessageStatus, Role};
use crate::{Error, History};

/// How hard a reasoning model thinks before it answers: every level of the
/// API's `reasoning.effort`. Which levels a model takes is the UI's
/// `lib/models.ts` (`none` and `xhigh` only newer GPT-5 models take).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "ReasoningEffort.ts")]
pub enum ReasoningEffort {
    /// No reasoning at all (GPT-5.1 and later): the fastest answer.
    None,
    Minimal,
    Low,
    Medium,
    High,
    #[serde(rename = "xhigh")]
    XHigh,
}

impl ReasoningEffort {
    /// Whether an answer at this effort may take minutes, so it had better
    /// survive a dropped connection ([`super::wants_background`]).
    pub fn takes_long(self) -> bool {
        match self {
            ReasoningEffort::High | ReasoningEffort::XHigh => true,
            ReasoningEffort::None
            | ReasoningEffort::Minimal
            | ReasoningEffort::Low
            | ReasoningEffort::Medium => false,
        }
    }

    /// The wire spelling of `reasoning.effort`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasoningEffort::None => "none",
            ReasoningEffort::Minimal => "minimal",
            ReasoningEffort::Low => "low",
            ReasoningEffort::Medium => "medium",
            ReasoningEffort::High => "high",
            ReasoningEffort::XHigh => "xhigh",
        }
    }
}

/// How long and detailed an answer is (`text.verbosity`, GPT-5 models).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "Verbosity.ts")]
pub enum Verbosity {
    Low,
    Medium,
    High,
}

impl Verbosity {
    /// The wire spelling of `text.verbosity`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verbosity::Low => "low",
            Verbosity::Medium => "medium",
            Verbosity::High => "high",
        }
    }
}

/// The size of a generated image (`tools[].size`); `Auto` lets the model
/// choose from the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export_to = "ImageSize.ts")]
pub enum ImageSize {
    #[default]
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "1024x1024")]
    Square,
    #[serde(rename = "1536x1024")]
    Landscape,
    #[serde(rename = "1024x1536")]
    Portrait,
}

/// `tools[].quality` of image generation: higher costs more tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "ImageQuality.ts")]
pub enum ImageQuality {
    #[default]
    Auto,
    Low,
    Medium,
    High,
}

/// `tools[].background` of image generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "ImageBackground.ts")]
pub enum ImageBackground {
    #[default]
    Auto,
    Opaque,
    Transparent,
}

/// How chat's image generation makes an image; each `Auto` is left out of
/// the request (the provider's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export_to = "ImageOptions.ts")]
pub struct ImageOptions {
    pub size: ImageSize,
    pub quality: ImageQuality,
    pub background: ImageBackground,
}

impl ImageOptions {
    /// The `image_generation` tool with these options.
    fn tool(self) -> serde_json::Value {
        let mut tool = serde_json::json!({
            "type": "image_generation",
            "partial_images": PARTIAL_IMAGES,
        });
        let chosen = [
            ("size", serde_json::to_value(self.size)),
            ("quality", serde_json::to_value(self.quality)),
            ("background", serde_json::to_value(self.background)),
        ];
        for (name, value) in chosen {
            match value {
                Ok(value) if value != "auto" => tool[name] = value,
                _ => {}
            }
        }
        tool
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatOptions {
    pub model: String,
    pub web_search: bool,
    /// Let the model run code (charts, data files) in a container.
    pub code_interpreter: bool,
    pub image_generation: bool,
    pub image_options: ImageOptions,
    /// The conversation's vector store, when it has files ready to search.
    pub knowledge_store: Option<String>,
    /// Attachments already in the provider's file storage (attachment id →
    /// file id): sent by id, not inline (`super::uploads`).
    pub uploaded_files: BTreeMap<String, String>,
    /// `None` leaves the model's default.
    pub reasoning_effort: Option<ReasoningEffort>,
    /// `None` leaves the model's default.
    pub verbosity: Option<Verbosity>,
    /// The system/developer message: the conversation's assistant's
    /// instructions, then its own (`crate::assistants::instructions_of`).
    pub instructions: Option<String>,
    /// Server-side storage (and so previous_response_id chaining).
    pub store: bool,
    /// Run the answer in background mode at the provider, so it can be
    /// picked up again after a drop or a restart ([`super::wants_background`];
    /// needs `store`).
    pub background: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chaining {
    /// Chain with previous_response_id when the branch has a stored answer.
    PreviousResponse,
    /// Send the whole branch.
    Replay,
}

/// The request body answering `user_message_id`.
pub fn build_request(
    history: &History,
    tree: &ConversationTree,
    user_message_id: &str,
    options: &ChatOptions,
    chaining: Chaining,
) -> Result<CreateResponse, Error> {
    let path = tree.path_to(user_message_id);
    if path.last().map(|m| m.role) != Some(Role::User) {
        return Err(Error::InvalidInput(format!(
            "{user_message_id} is not a user message"
        )));
    }

    let chain_from = match (options.store, chaining) {
        (true, Chaining::PreviousResponse) => path.iter().rposition(|m| {
            m.role == Role::Assistant
                && m.status == MessageStatus::Complete
                && m.response_id.is_some()
        }),
        _ => None,
    };

    let mut input = Vec::new();
    let start = chain_from.map_or(0, |i| i + 1);
    for message in &path[start..] {
        match message.role {
            Role::User => input.push(user_input(history, message, &options.uploaded_files)?),
            Role::Assistant => input.extend(assistant_replay(message, options.store)),
        }
    }

    let mut request = CreateResponse::new(options.model.clone(), input);
    request.stream = Nullable::Value(true);
    request.store = Nullable::Value(options.store);
    if options.background && options.store {
        request.background = Nullable::Value(true);
    }
    if let Some(index) = chain_from {
        request.previous_response_id = Nullable::from_option(path[index].response_id.clone());
    }
    if let Some(instructions) = options
        .instructions
        .as_ref()
        .filter(|i| !i.trim().is_empty())
    {
        // Sent on every turn: `instructions` are not carried over by
        // previous_response_id, so a chained turn needs them again.
        request.instructions = Nullable::Value(instructions.clone());
    }
    if let Some(verbosity) = options.verbosity {
        request.text = Nullable::Value(TextConfig {
            verbosity: Nullable::Value(verbosity.as_str().to_owned()),
            ..TextConfig::default()
        });
    }
    if let Some(effort) = options.reasoning_effort {
        let thinks = effort != ReasoningEffort::None;
        request.reasoning = Nullable::Value(ReasoningConfig {
            effort: Nullable::Value(effort.as_str().to_owned()),
            // No reasoning, nothing to summarize.
            summary: match thinks {
                true => Nullable::Value("auto".to_owned()),
                false => Nullable::Absent,
            },
            ..ReasoningConfig::default()
        });
        if !options.store && thinks {
            // Stateless reasoning needs the encrypted blob to send back next turn.
            request.include = Nullable::Value(vec!["reasoning.encrypted_content".to_owned()]);
        }
    }
    let (tools, include) = hosted_tools(options);
    if !tools.is_empty() {
        request.tools = Nullable::Value(tools);
    }
    if !include.is_empty() {
        request
            .include
            .get_or_insert_with(Vec::new)
            .extend(include.into_iter().map(str::to_owned));
    }
    Ok(request)
}

/// How many coarser images an image generation streams before the final
/// one: the answer shows something at once (each costs extra tokens).
pub const PARTIAL_IMAGES: u32 = 2;

/// The built-in tools the composer turned on, and what they need the
/// response to include for the answer to show their work.
fn hosted_tools(options: &ChatOptions) -> (Vec<Tool>, Vec<&'static str>) {
    let mut tools = Vec::new();
    let mut include = Vec::new();
    if options.web_search {
        tools.push(Tool::WebSearchPreview(WebSearchTool::default()));
    }
    if let Some(store) = &options.knowledge_store {
        tools.push(Tool::FileSearch(FileSearchTool {
            vector_store_ids: vec![store.clone()],
            ..FileSearchTool::default()
        }));
        // The passages, to quote beside the citations.
        include.push("file_search_call.results");
    }
    if options.code_interpreter {
        tools.push(Tool::CodeInterpreter(CodeInterpreterTool {
            container: Nullable::Value(serde_json::json!({"type": "auto"})),
            ..CodeInterpreterTool::default()
        }));
        // The logs and the charts, to show with the code.
        include.push("code_interpreter_call.outputs");
    }
    if options.image_generation {
        tools.push(Tool::Other(options.image_options.tool()));
    }
    (tools, include)
}

fn message(role: &str, content: Vec<ContentPart>) -> InputItem {
    InputItem::Message(InputMessage {
        // The API lets `type` be left out, but a gateway that reads only items
        // with an explicit `"type": "message"` turns the others into empty
        // prompts without an error (seen against real gateway software).
        kind: Nullable::Value("message".to_owned()),
        role: role.to_owned(),
        content: MessageContent::Parts(content),
        ..InputMessage::default()
    })
}

fn user_input(
    history: &History,
    message_: &Message,
    uploaded: &BTreeMap<String, String>,
) -> Result<InputItem, Error> {
    let mut content = Vec::new();
    if !message_.text.is_empty() {
        content.push(ContentPart::InputText(TextPart {
            text: message_.text.clone(),
            ..TextPart::default()
        }));
    }
    for attachment in &message_.attachments {
        if let Some(file_id) = uploaded.get(&attachment.id) {
            // The bytes are at the provider: not read, not sent again.
            content.push(ContentPart::InputFile(InputFile {
                file_id: Nullable::Value(file_id.clone()),
                ..InputFile::default()
            }));
            continue;
        }
        let (meta, bytes) = history.attachment_data(&attachment.id)?;
        let data_url = format!(
            "data:{};base64,{}",
            meta.mime,
            base64::engine::general_purpose::STANDARD.encode(bytes)
        );
        content.push(match meta.kind {
            AttachmentKind::Image => ContentPart::InputImage(InputImage {
                image_url: Nullable::Value(data_url),
                detail: Nullable::Value("auto".to_owned()),
                ..InputImage::default()
            }),
            AttachmentKind::Pdf => ContentPart::InputFile(InputFile {
                filename: Nullable::Value(meta.filename),
                file_data: Nullable::Value(data_url),
                ..InputFile::default()
            }),
        });
    }
    Ok(message("user", content))
}

/// An earlier answer sent back as input. Reasoning items go back whole (with
/// `encrypted_content`) only when not chaining on the server, and only when
/// the message item that followed them goes back too — a lone reasoning item
/// is a 400 from the API.
fn assistant_replay(answer: &Message, store: bool) -> Vec<InputItem> {
    if answer.text.is_empty() {
        return Vec::new();
    }
    let mut items = Vec::new();
    if !store && answer.status == MessageStatus::Complete {
        for item in &answer.parts.output {
            if let OutputItem::Reasoning(reasoning) = item {
                if reasoning.encrypted_content.is_value() {
                    let mut reasoning = reasoning.clone();
                    // The API refuses `status` on a reasoning item sent as input.
                    reasoning.status = Nullable::Absent;
                    items.push(InputItem::Output(OutputItem::Reasoning(reasoning)));
                }
            }
        }
    }
    items.push(message(
        "assistant",
        vec![ContentPart::OutputText(OutputText {
            text: answer.text.clone(),
            ..OutputText::default()
        })],
    ));
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_built_in_tool_goes_in_with_what_its_answer_needs_included() {
        let options = ChatOptions {
            model: "m".into(),
            web_search: true,
            code_interpreter: true,
            image_generation: true,
            knowledge_store: Some("vs_1".into()),
            ..ChatOptions::default()
        };
        let (tools, include) = hosted_tools(&options);
        let tools = serde_json::to_value(&tools).expect("serializes");
        assert_eq!(
            tools,
            serde_json::json!([
                {"type": "web_search_preview"},
                {"type": "file_search", "vector_store_ids": ["vs_1"]},
                {"type": "code_interpreter", "container": {"type": "auto"}},
                {"type": "image_generation", "partial_images": PARTIAL_IMAGES},
            ])
        );
        assert_eq!(
            include,
            vec!["file_search_call.results", "code_interpreter_call.outputs"]
        );
        let (none, nothing) = hosted_tools(&ChatOptions::default());
        assert!(none.is_empty() && nothing.is_empty());
    }

    fn one_question(history: &History) -> (ConversationTree, String) {
        use crate::history::NewConversation;
        let conversation = history
            .create_conversation(NewConversation {
                title: "t".into(),
                ..NewConversation::default()
            })
            .expect("conversation");
        let user = history
            .append_user_message(&conversation.id, None, "hi", &[])
            .expect("message");
        let tree = history.get_conversation(&conversation.id).expect("tree");
        (tree, user.id)
    }

    #[test]
    fn instructions_verbosity_and_every_effort_level_go_on_the_wire() {
        let history = History::open_in_memory().expect("opens");
        let (tree, user) = one_question(&history);
        let body = |options: &ChatOptions| {
            let request =
                build_request(&history, &tree, &user, options, Chaining::Replay).expect("request");
            serde_json::to_value(&request).expect("serializes")
        };
        let sent = body(&ChatOptions {
            model: "gpt-5.2".into(),
            instructions: Some("Be a tutor.".into()),
            verbosity: Some(Verbosity::Low),
            reasoning_effort: Some(ReasoningEffort::XHigh),
            store: true,
            ..ChatOptions::default()
        });
        assert_eq!(sent["instructions"], "Be a tutor.");
        assert_eq!(sent["text"], serde_json::json!({"verbosity": "low"}));
        assert_eq!(
            sent["reasoning"],
            serde_json::json!({"effort": "xhigh", "summary": "auto"})
        );
        // `none` thinks not at all: no summary to ask for, no encrypted
        // reasoning to carry, even without server-side storage.
        let none = body(&ChatOptions {
            model: "gpt-5.1".into(),
            reasoning_effort: Some(ReasoningEffort::None),
            store: false,
            ..ChatOptions::default()
        });
        assert_eq!(none["reasoning"], serde_json::json!({"effort": "none"}));
        assert!(none.get("include").is_none(), "{none}");
        let plain = body(&ChatOptions {
            model: "m".into(),
            instructions: Some("  ".into()),
            ..ChatOptions::default()
        });
        for absent in ["instructions", "text", "reasoning"] {
            assert!(plain.get(absent).is_none(), "{absent} left out: {plain}");
        }
        for (effort, wire) in [
            (ReasoningEffort::None, "none"),
            (ReasoningEffort::Minimal, "minimal"),
            (ReasoningEffort::Low, "low"),
            (ReasoningEffort::Medium, "medium"),
            (ReasoningEffort::High, "high"),
            (ReasoningEffort::XHigh, "xhigh"),
        ] {
            assert_eq!(effort.as_str(), wire);
            assert_eq!(serde_json::to_value(effort).expect("serializes"), wire);
        }
    }

    #[test]
    fn image_options_other_than_auto_go_into_the_tool() {
        let options = ChatOptions {
            image_generation: true,
            image_options: ImageOptions {
                size: ImageSize::Landscape,
                quality: ImageQuality::Auto,
                background: ImageBackground::Transparent,
            },
            ..ChatOptions::default()
        };
        let (tools, _) = hosted_tools(&options);
        assert_eq!(
            serde_json::to_value(&tools).expect("serializes"),
            serde_json::json!([{"type": "image_generation", "partial_images": PARTIAL_IMAGES,
                "size": "1536x1024", "background": "transparent"}])
        );
    }

    #[test]
    fn an_uploaded_pdf_goes_by_file_id_and_a_small_one_inline() {
        use crate::history::{AttachmentKind, NewAttachment, NewConversation};
        let history = History::open_in_memory().expect("opens");
        let conversation = history
            .create_conversation(NewConversation {
                title: "t".into(),
                model: None,
                provider_id: None,
                settings: serde_json::Value::Null,
            })
            .expect("conversation");
        let pdf = |name: &str| NewAttachment {
            kind: AttachmentKind::Pdf,
            filename: name.into(),
            mime: "application/pdf".into(),
            data: b"%PDF-1.4".to_vec(),
        };
        let user = history
            .append_user_message(
                &conversation.id,
                None,
                "read",
                &[pdf("a.pdf"), pdf("b.pdf")],
            )
            .expect("message");
        let uploaded_id = user.attachments[1].id.clone();
        let tree = history.get_conversation(&conversation.id).expect("tree");
        let options = ChatOptions {
            model: "m".into(),
            uploaded_files: BTreeMap::from([(uploaded_id, "file_9".to_owned())]),
            ..ChatOptions::default()
        };
        let request =
            build_request(&history, &tree, &user.id, &options, Chaining::Replay).expect("request");
        let body = serde_json::to_value(&request).expect("serializes");
        let parts = &body["input"][0]["content"];
        assert_eq!(parts[1]["type"], "input_file");
        assert!(parts[1]["file_data"]
            .as_str()
            .is_some_and(|d| d.starts_with("data:application/pdf;base64,")));
        assert_eq!(
            parts[2],
            serde_json::json!({"type": "input_file", "file_id": "file_9"})
        );
    }
}
