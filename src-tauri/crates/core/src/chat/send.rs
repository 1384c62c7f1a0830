//! Saving what the user sent before anything goes out, and starting the
//! assistant message that will hold the answer.

use crate::chat::title_from;
use crate::history::{Message, NewAttachment, NewConversation, Role};
use crate::{Error, History};

#[derive(Debug, Clone)]
pub struct Outgoing {
    /// `None` starts a new conversation titled from the text.
    pub conversation_id: Option<String>,
    /// The message this one follows; `None` is a root (editing the first
    /// message makes a second root, i.e. a branch).
    pub parent_id: Option<String>,
    pub text: String,
    pub attachments: Vec<NewAttachment>,
    pub model: String,
    pub provider_id: Option<String>,
}

/// Ids of a turn whose messages are saved and whose answer can now stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedTurn {
    pub conversation_id: String,
    pub user_message_id: Option<String>,
    pub assistant_message_id: String,
}

/// Commits the user's message (so it survives anything that follows) and
/// opens an empty assistant message under it.
pub fn prepare_send(history: &History, outgoing: Outgoing) -> Result<PreparedTurn, Error> {
    if outgoing.text.trim().is_empty() && outgoing.attachments.is_empty() {
        return Err(Error::InvalidInput("the message is empty".into()));
    }
    let conversation_id = match outgoing.conversation_id {
        Some(id) => id,
        None => {
            let title = title_from(&outgoing.text, history.language());
            history
                .create_conversation(NewConversation {
                    title,
                    model: Some(outgoing.model.clone()),
                    provider_id: outgoing.provider_id.clone(),
                    settings: serde_json::Value::Null,
                })?
                .id
        }
    };
    let user: Message = history.append_user_message(
        &conversation_id,
        outgoing.parent_id.as_deref(),
        &outgoing.text,
        &outgoing.attachments,
    )?;
    let assistant = history.begin_assistant_message(&user.id, &outgoing.model)?;
    Ok(PreparedTurn {
        conversation_id,
        user_message_id: Some(user.id),
        assistant_message_id: assistant.id,
    })
}

/// A new answer to the same user message: a sibling of `assistant_message_id`.
pub fn prepare_regenerate(
    history: &History,
    assistant_message_id: &str,
    model: &str,
) -> Result<(PreparedTurn, String), Error> {
    let old = history.get_message(assistant_message_id)?;
    let parent = match (old.role, old.parent_id) {
        (Role::Assistant, Some(parent)) => parent,
        _ => {
            return Err(Error::InvalidInput(format!(
                "{assistant_message_id} is not an answer"
            )))
        }
    };
    let assistant = history.begin_assistant_message(&parent, model)?;
    Ok((
        PreparedTurn {
            conversation_id: old.conversation_id,
            user_message_id: None,
            assistant_message_id: assistant.id,
        },
        parent,
    ))
}
