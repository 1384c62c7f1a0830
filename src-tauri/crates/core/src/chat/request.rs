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

use base64::Engine;
use serde_json::{json, Value};

use crate::history::{AttachmentKind, ConversationTree, Message, MessageStatus, Role};
use crate::{Error, History};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatOptions {
    pub model: String,
    pub web_search: bool,
    /// `minimal` / `low` / `medium` / `high`; `None` leaves the model's default.
    pub reasoning_effort: Option<String>,
    /// Server-side storage (and so previous_response_id chaining).
    pub store: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chaining {
    /// Chain with previous_response_id when the branch has a stored answer.
    PreviousResponse,
    /// Send the whole branch.
    Replay,
}

/// The request body answering `user_message_id`, as JSON ready for the wire.
pub fn build_request(
    history: &History,
    tree: &ConversationTree,
    user_message_id: &str,
    options: &ChatOptions,
    chaining: Chaining,
) -> Result<Value, Error> {
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
            Role::User => input.push(user_input(history, message)?),
            Role::Assistant => input.extend(assistant_replay(message, options.store)),
        }
    }

    let mut body = json!({
        "model": options.model,
        "input": input,
        "stream": true,
        "store": options.store,
    });
    if let Some(index) = chain_from {
        body["previous_response_id"] = json!(path[index].response_id);
    }
    if let Some(effort) = &options.reasoning_effort {
        body["reasoning"] = json!({ "effort": effort, "summary": "auto" });
        if !options.store {
            // Stateless reasoning needs the encrypted blob to send back next turn.
            body["include"] = json!(["reasoning.encrypted_content"]);
        }
    }
    if options.web_search {
        body["tools"] = json!([{ "type": "web_search_preview" }]);
    }
    Ok(body)
}

fn user_input(history: &History, message: &Message) -> Result<Value, Error> {
    let mut content = Vec::new();
    if !message.text.is_empty() {
        content.push(json!({ "type": "input_text", "text": message.text }));
    }
    for attachment in &message.attachments {
        let (meta, bytes) = history.attachment_data(&attachment.id)?;
        let data_url = format!(
            "data:{};base64,{}",
            meta.mime,
            base64::engine::general_purpose::STANDARD.encode(bytes)
        );
        content.push(match meta.kind {
            AttachmentKind::Image => {
                json!({ "type": "input_image", "image_url": data_url, "detail": "auto" })
            }
            AttachmentKind::Pdf => {
                json!({ "type": "input_file", "filename": meta.filename, "file_data": data_url })
            }
        });
    }
    Ok(json!({ "role": "user", "content": content }))
}

/// An earlier answer sent back as input. Reasoning items go back whole (with
/// `encrypted_content`) only when not chaining on the server, and only when
/// the message item that followed them goes back too — a lone reasoning item
/// is a 400 from the API.
fn assistant_replay(message: &Message, store: bool) -> Vec<Value> {
    if message.text.is_empty() {
        return Vec::new();
    }
    let mut items = Vec::new();
    if !store && message.status == MessageStatus::Complete {
        let output = message.parts.get("output").and_then(Value::as_array);
        for item in output.into_iter().flatten() {
            if item.get("type").and_then(Value::as_str) == Some("reasoning")
                && item.get("encrypted_content").is_some_and(|c| !c.is_null())
            {
                let mut reasoning = item.clone();
                if let Some(object) = reasoning.as_object_mut() {
                    object.remove("status");
                }
                items.push(reasoning);
            }
        }
    }
    items.push(json!({
        "role": "assistant",
        "content": [{ "type": "output_text", "text": message.text }],
    }));
    items
}
