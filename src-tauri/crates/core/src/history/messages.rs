//! Messages of the tree: the user's turn, and the assistant's from its first
//! token to its end (or to the crash that interrupted it).

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::Value;

use super::conversations::{load_conversation, touch};
use super::usage::usage_at;
use super::{
    new_id, now_ms, AssistantOutcome, Attachment, AttachmentKind, History, Message, MessageError,
    MessageExchange, MessageParts, MessageStatus, NewAttachment, Role, Usage, HIGHLIGHT_END,
    HIGHLIGHT_START,
};
use crate::Error;

pub(super) const MESSAGE_COLUMNS: &str = "id, conversation_id, parent_id, role, created_at, updated_at, status, \
     model, response_id, text, reasoning, parts, error, input_tokens, cached_tokens, output_tokens, reasoning_tokens";

pub(super) fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    let role: String = row.get(3)?;
    let status: String = row.get(6)?;
    let parts: String = row.get(11)?;
    let error: Option<String> = row.get(12)?;
    let id: String = row.get(0)?;
    // A damaged column is logged and flagged on the message, never read as
    // "nothing there": the text is still shown, with a note that its
    // sources or error could not be read.
    let mut damaged = Vec::new();
    let parts = MessageParts::from_column(&parts).unwrap_or_else(|problem| {
        tracing::warn!(message_id = %id, %problem, "a message's parts column is unreadable");
        damaged.push("parts");
        MessageParts::default()
    });
    let error = error.and_then(|text| {
        serde_json::from_str::<MessageError>(&text)
            .inspect_err(|problem| {
                tracing::warn!(message_id = %id, %problem, "a message's error column is unreadable");
                damaged.push("error");
            })
            .ok()
    });
    let damaged = (!damaged.is_empty()).then(|| damaged.join(", "));
    Ok(Message {
        id,
        conversation_id: row.get(1)?,
        parent_id: row.get(2)?,
        children_ids: Vec::new(),
        role: if role == "assistant" {
            Role::Assistant
        } else {
            Role::User
        },
        created_at: row.get(4)?,
        updated_at: row.get(5)?,
        status: parse_status(&status),
        model: row.get(7)?,
        response_id: row.get(8)?,
        text: row.get(9)?,
        reasoning: row.get(10)?,
        parts,
        damaged,
        error,
        usage: usage_at(row, 13)?,
        attachments: Vec::new(),
    })
}

pub(super) fn role_name(role: Role) -> &'static str {
    match role {
        Role::User => "user",
        Role::Assistant => "assistant",
    }
}

pub(super) fn status_name(status: MessageStatus) -> &'static str {
    match status {
        MessageStatus::Complete => "complete",
        MessageStatus::Streaming => "streaming",
        MessageStatus::Interrupted => "interrupted",
        MessageStatus::Stopped => "stopped",
        MessageStatus::Error => "error",
    }
}

fn parse_status(name: &str) -> MessageStatus {
    match name {
        "complete" => MessageStatus::Complete,
        "streaming" => MessageStatus::Streaming,
        "stopped" => MessageStatus::Stopped,
        "error" => MessageStatus::Error,
        // The CHECK constraint allows nothing else.
        _ => MessageStatus::Interrupted,
    }
}

pub(super) fn kind_name(kind: AttachmentKind) -> &'static str {
    match kind {
        AttachmentKind::Image => "image",
        AttachmentKind::Pdf => "pdf",
    }
}

/// The search snippet's highlight markers must only ever come from the index,
/// so they are removed from stored text (they have no business in a chat anyway).
pub(super) fn clean_text(text: &str) -> String {
    text.replace([HIGHLIGHT_START, HIGHLIGHT_END], "")
}

pub(super) fn json_or_null(value: Option<&Value>) -> Option<String> {
    value.map(Value::to_string)
}

/// Every attachment of a conversation (without bytes), grouped by message id.
pub(super) fn attachments_by_message(
    conn: &Connection,
    conversation_id: &str,
) -> Result<HashMap<String, Vec<Attachment>>, Error> {
    let mut statement = conn.prepare_cached(
        "SELECT a.message_id, a.id, a.kind, a.filename, a.mime, length(a.data)
         FROM attachments a JOIN messages m ON m.id = a.message_id
         WHERE m.conversation_id = ?1 ORDER BY a.message_id, a.position",
    )?;
    let mut grouped: HashMap<String, Vec<Attachment>> = HashMap::new();
    let rows = statement.query_map([conversation_id], |row| {
        let kind: String = row.get(2)?;
        let size: i64 = row.get(5)?;
        Ok((
            row.get::<_, String>(0)?,
            Attachment {
                id: row.get(1)?,
                kind: if kind == "pdf" {
                    AttachmentKind::Pdf
                } else {
                    AttachmentKind::Image
                },
                filename: row.get(3)?,
                mime: row.get(4)?,
                size: size.clamp(0, u32::MAX as i64) as u32,
            },
        ))
    })?;
    for row in rows {
        let (message_id, attachment) = row?;
        grouped.entry(message_id).or_default().push(attachment);
    }
    Ok(grouped)
}

fn load_message(conn: &Connection, id: &str) -> Result<Message, Error> {
    let mut message = conn
        .query_row(
            &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?1"),
            [id],
            message_from_row,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("no message {id}")))?;
    let mut children =
        conn.prepare_cached("SELECT id FROM messages WHERE parent_id = ?1 ORDER BY seq")?;
    message.children_ids = children
        .query_map([id], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let mut attachments = attachments_by_message(conn, &message.conversation_id)?;
    message.attachments = attachments.remove(id).unwrap_or_default();
    Ok(message)
}

/// The conversation a parent message belongs to.
fn conversation_of(conn: &Connection, message_id: &str) -> Result<String, Error> {
    conn.query_row(
        "SELECT conversation_id FROM messages WHERE id = ?1",
        [message_id],
        |row| row.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("no message {message_id}")))
}

/// Everything one message row holds, for inserting (new turns and imports).
pub(super) struct MessageRow<'a> {
    pub id: &'a str,
    pub conversation_id: &'a str,
    pub parent_id: Option<&'a str>,
    pub role: Role,
    pub created_at: f64,
    pub updated_at: f64,
    pub status: MessageStatus,
    pub model: Option<&'a str>,
    pub response_id: Option<&'a str>,
    pub text: &'a str,
    pub reasoning: &'a str,
    pub parts: &'a MessageParts,
    pub error: Option<&'a MessageError>,
    pub usage: Usage,
    pub request: Option<&'a Value>,
    pub response: Option<&'a Value>,
}

pub(super) fn insert_message(conn: &Connection, row: &MessageRow<'_>) -> Result<(), Error> {
    let error = row
        .error
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| Error::InvalidInput(e.to_string()))?;
    conn.execute(
        "INSERT INTO messages (id, conversation_id, parent_id, role, created_at, updated_at, status, model,
             response_id, text, reasoning, parts, error, input_tokens, cached_tokens, output_tokens,
             reasoning_tokens, request, response)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        params![
            row.id,
            row.conversation_id,
            row.parent_id,
            role_name(row.role),
            row.created_at,
            row.updated_at,
            status_name(row.status),
            row.model,
            row.response_id,
            clean_text(row.text),
            row.reasoning,
            row.parts.to_column()?,
            error,
            row.usage.input_tokens,
            row.usage.cached_tokens,
            row.usage.output_tokens,
            row.usage.reasoning_tokens,
            json_or_null(row.request),
            json_or_null(row.response),
        ],
    )?;
    Ok(())
}

pub(super) fn insert_attachment(
    conn: &Connection,
    message_id: &str,
    position: usize,
    attachment: &NewAttachment,
) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO attachments (id, message_id, position, kind, filename, mime, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            new_id(),
            message_id,
            position as i64,
            kind_name(attachment.kind),
            attachment.filename,
            attachment.mime,
            attachment.data
        ],
    )?;
    Ok(())
}

impl History {
    /// Stores the user's message (and its attachments) and makes it the
    /// current leaf. Call it before the request goes out, so the user's words
    /// survive whatever happens to the request.
    pub fn append_user_message(
        &self,
        conversation_id: &str,
        parent_id: Option<&str>,
        text: &str,
        attachments: &[NewAttachment],
    ) -> Result<Message, Error> {
        self.write(|tx| {
            load_conversation(tx, conversation_id)?;
            if let Some(parent) = parent_id {
                if conversation_of(tx, parent)? != conversation_id {
                    return Err(Error::InvalidInput(format!(
                        "message {parent} is not in conversation {conversation_id}"
                    )));
                }
            }
            let id = new_id();
            let now = now_ms();
            insert_message(
                tx,
                &MessageRow {
                    id: &id,
                    conversation_id,
                    parent_id,
                    role: Role::User,
                    created_at: now,
                    updated_at: now,
                    status: MessageStatus::Complete,
                    model: None,
                    response_id: None,
                    text,
                    reasoning: "",
                    parts: &MessageParts::default(),
                    error: None,
                    usage: Usage::default(),
                    request: None,
                    response: None,
                },
            )?;
            for (position, attachment) in attachments.iter().enumerate() {
                insert_attachment(tx, &id, position, attachment)?;
            }
            tx.execute(
                "UPDATE conversations SET current_leaf_id = ?2 WHERE id = ?1",
                params![conversation_id, id],
            )?;
            touch(tx, conversation_id, now)?;
            load_message(tx, &id)
        })
    }

    /// Starts an assistant message under `parent_id`, status `Streaming`, and
    /// makes it the current leaf.
    pub fn begin_assistant_message(&self, parent_id: &str, model: &str) -> Result<Message, Error> {
        self.write(|tx| {
            let conversation_id = conversation_of(tx, parent_id)?;
            let id = new_id();
            let now = now_ms();
            insert_message(
                tx,
                &MessageRow {
                    id: &id,
                    conversation_id: &conversation_id,
                    parent_id: Some(parent_id),
                    role: Role::Assistant,
                    created_at: now,
                    updated_at: now,
                    status: MessageStatus::Streaming,
                    model: Some(model),
                    response_id: None,
                    text: "",
                    reasoning: "",
                    parts: &MessageParts::default(),
                    error: None,
                    usage: Usage::default(),
                    request: None,
                    response: None,
                },
            )?;
            tx.execute(
                "UPDATE conversations SET current_leaf_id = ?2 WHERE id = ?1",
                params![conversation_id, id],
            )?;
            touch(tx, &conversation_id, now)?;
            load_message(tx, &id)
        })
    }

    /// Saves what has arrived so far (the app calls this every ~500 ms), so a
    /// crash loses at most the last moments. Returns false, changing nothing,
    /// when the message is no longer streaming (a late update after the end).
    pub fn update_assistant_progress(
        &self,
        id: &str,
        text: &str,
        reasoning: &str,
        parts: &MessageParts,
    ) -> Result<bool, Error> {
        self.update_assistant_progress_at(id, text, reasoning, parts, None)
    }

    /// [`Self::update_assistant_progress`] for a background answer: `sequence`
    /// is the last stream event the text includes, written in the same
    /// transaction so that a resume after it never repeats or skips an event.
    pub fn update_assistant_progress_at(
        &self,
        id: &str,
        text: &str,
        reasoning: &str,
        parts: &MessageParts,
        sequence: Option<u64>,
    ) -> Result<bool, Error> {
        let parts = parts.to_column()?;
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE messages SET text = ?2, reasoning = ?3, parts = ?4, updated_at = ?5
                 WHERE id = ?1 AND status = 'streaming'",
                params![id, clean_text(text), reasoning, parts, now_ms()],
            )?;
            if changed == 0 {
                conversation_of(tx, id)?; // NotFound when the id is wrong, not merely finished
            }
            if let (1, Some(sequence)) = (changed, sequence) {
                tx.execute(
                    "UPDATE background_turns SET last_sequence = ?2 WHERE message_id = ?1",
                    params![id, i64::try_from(sequence).unwrap_or(i64::MAX)],
                )?;
            }
            Ok(changed == 1)
        })
    }

    /// Records how the assistant message ended. It must still be streaming
    /// (or interrupted, when a run is finished after the fact).
    pub fn finish_assistant_message(
        &self,
        id: &str,
        outcome: &AssistantOutcome,
    ) -> Result<Message, Error> {
        if outcome.status == MessageStatus::Streaming {
            return Err(Error::InvalidInput(
                "a finished message cannot be streaming".into(),
            ));
        }
        self.write(|tx| {
            let error = outcome
                .error
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| Error::InvalidInput(e.to_string()))?;
            let now = now_ms();
            let changed = tx.execute(
                "UPDATE messages SET status = ?2, text = ?3, reasoning = ?4, parts = ?5, response_id = ?6,
                     request = ?7, response = ?8, input_tokens = ?9, cached_tokens = ?10, output_tokens = ?11,
                     reasoning_tokens = ?12, error = ?13, updated_at = ?14
                 WHERE id = ?1 AND role = 'assistant' AND status IN ('streaming', 'interrupted')",
                params![
                    id,
                    status_name(outcome.status),
                    clean_text(&outcome.text),
                    outcome.reasoning,
                    outcome.parts.to_column()?,
                    outcome.response_id,
                    json_or_null(outcome.request.as_ref()),
                    json_or_null(outcome.response.as_ref()),
                    outcome.usage.input_tokens,
                    outcome.usage.cached_tokens,
                    outcome.usage.output_tokens,
                    outcome.usage.reasoning_tokens,
                    error,
                    now,
                ],
            )?;
            if changed == 0 {
                conversation_of(tx, id)?;
                return Err(Error::InvalidInput(format!("message {id} is not a running assistant message")));
            }
            // Finished: nothing is left to pick up at the provider.
            tx.execute("DELETE FROM background_turns WHERE message_id = ?1", params![id])?;
            let conversation_id = conversation_of(tx, id)?;
            touch(tx, &conversation_id, now)?;
            load_message(tx, id)
        })
    }

    /// At startup, before any run: every message still `streaming` was cut off
    /// by a crash or a kill; it becomes `interrupted`, keeping its partial text.
    /// A background answer is the exception: it goes on at the provider and
    /// is picked up ([`Self::streaming_background_turns`]). Returns how many
    /// were marked.
    pub fn mark_interrupted_on_startup(&self) -> Result<u32, Error> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'
                     AND id NOT IN (SELECT message_id FROM background_turns)",
                [],
            )? as u32)
        })
    }

    pub fn get_message(&self, id: &str) -> Result<Message, Error> {
        self.read(|conn| load_message(conn, id))
    }

    /// The raw request and response JSON of a message (for "view raw" and replay).
    pub fn message_exchange(&self, id: &str) -> Result<MessageExchange, Error> {
        self.read(|conn| {
            let (request, response): (Option<String>, Option<String>) = conn
                .query_row(
                    "SELECT request, response FROM messages WHERE id = ?1",
                    [id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?
                .ok_or_else(|| Error::NotFound(format!("no message {id}")))?;
            let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
            Ok(MessageExchange {
                request: parse(request),
                response: parse(response),
            })
        })
    }

    /// An attachment's description and bytes.
    pub fn attachment_data(&self, attachment_id: &str) -> Result<(Attachment, Vec<u8>), Error> {
        self.read(|conn| {
            conn.query_row(
                "SELECT id, kind, filename, mime, data FROM attachments WHERE id = ?1",
                [attachment_id],
                |row| {
                    let kind: String = row.get(1)?;
                    let data: Vec<u8> = row.get(4)?;
                    Ok((
                        Attachment {
                            id: row.get(0)?,
                            kind: if kind == "pdf" {
                                AttachmentKind::Pdf
                            } else {
                                AttachmentKind::Image
                            },
                            filename: row.get(2)?,
                            mime: row.get(3)?,
                            size: data.len().min(u32::MAX as usize) as u32,
                        },
                        data,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("no attachment {attachment_id}")))
        })
    }
}
