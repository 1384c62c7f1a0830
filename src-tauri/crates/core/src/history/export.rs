//! Export a conversation (or every one) as Markdown (to read) or JSON (to
//! keep: everything, every branch), and store such JSON again — as the same
//! conversation with its own ids ([`IdPolicy::Keep`], Settings → Your data's
//! import, see `import.rs`) or as a new copy ([`IdPolicy::Fresh`],
//! `import_json`).
//!
//! For a copy, JSON export → import → export gives the same document except
//! for ids (conversation, messages, and the references to them: `parentId`,
//! `currentLeafId`, which are renumbered consistently) and the
//! conversation's `updatedAt`, which an import sets to the time of import so
//! the copy appears at the top of the list. Everything else, including
//! message timestamps, is kept. Kept ids give back the very document.

use std::collections::HashMap;
use std::fmt::Write as _;

use base64::Engine as _;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::conversations::{load_conversation, load_tree, settings_json};
use super::messages::{insert_attachment, insert_message, MessageRow};
use super::{
    new_id, now_ms, AttachmentKind, Conversation, History, Message, MessageError, MessageParts,
    MessageStatus, NewAttachment, Role, Usage,
};
use crate::words::{Language, Word};
use crate::Error;

pub const EXPORT_FORMAT: &str = "halley.conversation";
pub const EXPORT_VERSION: u32 = 1;
/// Every conversation in one document (Settings → Your data → Export all).
pub const EXPORT_ALL_FORMAT: &str = "halley.conversations";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ExportDocument {
    format: String,
    version: u32,
    conversation: ExportConversation,
    /// Parents before children.
    messages: Vec<ExportMessage>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ExportConversation {
    id: String,
    title: String,
    pinned: bool,
    created_at: f64,
    updated_at: f64,
    model: Option<String>,
    provider_id: Option<String>,
    settings: Value,
    current_leaf_id: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ExportMessage {
    id: String,
    parent_id: Option<String>,
    role: Role,
    created_at: f64,
    updated_at: f64,
    status: MessageStatus,
    model: Option<String>,
    response_id: Option<String>,
    text: String,
    reasoning: String,
    /// [`MessageParts`]: written as its object; files exported before it
    /// existed hold `[]` for messages without parts, read the same way.
    parts: Value,
    error: Option<MessageError>,
    usage: Usage,
    request: Option<Value>,
    response: Option<Value>,
    attachments: Vec<ExportAttachment>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ExportAttachment {
    kind: AttachmentKind,
    filename: String,
    mime: String,
    /// Standard base64 with padding.
    data: String,
}

impl ExportDocument {
    pub(super) fn message_count(&self) -> u32 {
        self.messages.len().min(u32::MAX as usize) as u32
    }
}

/// Every conversation (not in the trash), each a [`ExportDocument`].
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ExportAll {
    format: String,
    version: u32,
    /// Pinned first, then the most recently updated, as the sidebar lists them.
    conversations: Vec<ExportDocument>,
}

/// How an imported document's ids are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IdPolicy {
    /// A new copy: new ids, updated now (the copy appears at the top).
    Fresh,
    /// The same conversation: its own ids, so importing it again adds
    /// nothing (a conversation whose id or any message id is already here
    /// is skipped).
    Keep,
}

impl History {
    /// The conversation's current branch as readable Markdown.
    pub fn export_markdown(&self, conversation_id: &str) -> Result<String, Error> {
        let tree = self.get_conversation(conversation_id)?;
        Ok(render_markdown(
            &tree.conversation,
            &tree.current_branch(),
            self.language(),
        ))
    }

    /// The whole conversation (all branches, parts, usage, raw JSON,
    /// attachment bytes) as a pretty-printed `halley.conversation` v1 document.
    pub fn export_json(&self, conversation_id: &str) -> Result<String, Error> {
        let document = self.read(|conn| document_of(conn, conversation_id))?;
        to_pretty_json(&document)
    }

    /// Every conversation (not in the trash) as one `halley.conversations`
    /// document: each one as [`History::export_json`] writes it.
    pub fn export_all_json(&self) -> Result<String, Error> {
        let document = self.read(|conn| {
            let conversations = listed_ids(conn)?
                .iter()
                .map(|id| document_of(conn, id))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ExportAll {
                format: EXPORT_ALL_FORMAT.to_owned(),
                version: EXPORT_VERSION,
                conversations,
            })
        })?;
        to_pretty_json(&document)
    }

    /// Every conversation's current branch as Markdown, one after the other
    /// in one file, each under its own `#` title.
    pub fn export_all_markdown(&self) -> Result<String, Error> {
        let language = self.language();
        self.read(|conn| {
            let mut out = String::new();
            for id in listed_ids(conn)? {
                let tree = load_tree(conn, &id)?;
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&render_markdown(
                    &tree.conversation,
                    &tree.current_branch(),
                    language,
                ));
            }
            Ok(out)
        })
    }

    /// Imports a `halley.conversation` document as a NEW conversation with new
    /// ids and the same content and tree. Nothing is stored unless all of it is.
    pub fn import_json(&self, json: &str) -> Result<Conversation, Error> {
        let value: Value = serde_json::from_str(json)
            .map_err(|e| Error::InvalidInput(format!("not a Halley conversation export: {e}")))?;
        // This older entry point answers every refusal as invalid input.
        let document = parse_document(value).map_err(|e| match e {
            Error::Import(problem) => Error::InvalidInput(problem.to_string()),
            other => other,
        })?;
        self.write(|tx| {
            insert_document(tx, &document, IdPolicy::Fresh)?
                .ok_or_else(|| Error::InvalidInput("the conversation was not imported".into()))
        })
    }
}

fn to_pretty_json(value: &impl Serialize) -> Result<String, Error> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Error::InvalidInput(format!("export failed: {e}")))
}

/// Conversations as the sidebar lists them (the trash left out).
fn listed_ids(conn: &rusqlite::Connection) -> Result<Vec<String>, Error> {
    let mut statement = conn.prepare_cached(
        "SELECT id FROM conversations WHERE deleted_at IS NULL
         ORDER BY pinned DESC, updated_at DESC, rowid DESC",
    )?;
    let ids = statement.query_map([], |row| row.get(0))?;
    Ok(ids.collect::<Result<_, _>>()?)
}

fn document_of(
    conn: &rusqlite::Connection,
    conversation_id: &str,
) -> Result<ExportDocument, Error> {
    let tree = load_tree(conn, conversation_id)?;
    let mut raw = conn.prepare_cached("SELECT request, response FROM messages WHERE id = ?1")?;
    let mut blobs = conn.prepare_cached(
        "SELECT kind, filename, mime, data FROM attachments WHERE message_id = ?1 ORDER BY position",
    )?;
    let mut messages = Vec::with_capacity(tree.messages.len());
    for message in tree.messages {
        let (request, response): (Option<String>, Option<String>) =
            raw.query_row([&message.id], |row| Ok((row.get(0)?, row.get(1)?)))?;
        let attachments = blobs
            .query_map([&message.id], |row| {
                let kind: String = row.get(0)?;
                let data: Vec<u8> = row.get(3)?;
                Ok(ExportAttachment {
                    kind: if kind == "pdf" {
                        AttachmentKind::Pdf
                    } else {
                        AttachmentKind::Image
                    },
                    filename: row.get(1)?,
                    mime: row.get(2)?,
                    data: base64::engine::general_purpose::STANDARD.encode(data),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        messages.push(export_message(message, request, response, attachments)?);
    }
    let c = tree.conversation;
    Ok(ExportDocument {
        format: EXPORT_FORMAT.to_owned(),
        version: EXPORT_VERSION,
        conversation: ExportConversation {
            id: c.id,
            title: c.title,
            pinned: c.pinned,
            created_at: c.created_at,
            updated_at: c.updated_at,
            model: c.model,
            provider_id: c.provider_id,
            settings: c.settings,
            current_leaf_id: c.current_leaf_id,
        },
        messages,
    })
}

/// Reads a `halley.conversation` document, refusing another format and a
/// newer version.
pub(super) fn parse_document(value: Value) -> Result<ExportDocument, Error> {
    let format = value
        .get("format")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if format != EXPORT_FORMAT {
        return Err(Error::InvalidInput(format!(
            "not a Halley conversation export (format {format:?})"
        )));
    }
    check_version(&value)?;
    serde_json::from_value(value)
        .map_err(|e| Error::InvalidInput(format!("not a Halley conversation export: {e}")))
}

/// Reads a `halley.conversations` document (every conversation).
pub(super) fn parse_all(value: Value) -> Result<Vec<ExportDocument>, Error> {
    check_version(&value)?;
    let all: ExportAll = serde_json::from_value(value)
        .map_err(|e| Error::InvalidInput(format!("not a Halley conversations export: {e}")))?;
    for document in &all.conversations {
        if document.format != EXPORT_FORMAT || document.version > EXPORT_VERSION {
            return Err(Error::InvalidInput(format!(
                "conversation {} of the export is in another format ({} {})",
                document.conversation.id, document.format, document.version
            )));
        }
    }
    Ok(all.conversations)
}

fn check_version(value: &Value) -> Result<(), Error> {
    let version = value.get("version").and_then(Value::as_u64).unwrap_or(0);
    if version > u64::from(EXPORT_VERSION) {
        return Err(Error::Import(super::ImportProblem::Newer {
            found: version.min(u64::from(u32::MAX)) as u32,
            known: EXPORT_VERSION,
        }));
    }
    Ok(())
}

/// Stores one document in the caller's transaction. `None` when, keeping
/// ids, the conversation (or one of its messages) is already here.
pub(super) fn insert_document(
    tx: &rusqlite::Transaction<'_>,
    document: &ExportDocument,
    policy: IdPolicy,
) -> Result<Option<Conversation>, Error> {
    let attachments = document
        .messages
        .iter()
        .map(|m| {
            m.attachments
                .iter()
                .map(decode_attachment)
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let parts = document
        .messages
        .iter()
        .map(|m| {
            MessageParts::from_value(m.parts.clone()).map_err(|problem| {
                Error::InvalidInput(format!(
                    "message {} of the export has unreadable parts: {problem}",
                    m.id
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let c = &document.conversation;
    if policy == IdPolicy::Keep && already_here(tx, document)? {
        return Ok(None);
    }
    let (conversation_id, updated_at) = match policy {
        IdPolicy::Fresh => (new_id(), now_ms()),
        IdPolicy::Keep => (c.id.clone(), c.updated_at),
    };
    tx.execute(
        "INSERT INTO conversations (id, title, pinned, created_at, updated_at, model, provider_id, settings)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            conversation_id,
            c.title,
            c.pinned,
            c.created_at,
            updated_at,
            c.model,
            c.provider_id,
            settings_json(&c.settings)
        ],
    )?;
    let mut new_ids: HashMap<&str, String> = HashMap::new();
    for ((message, attachments), parts) in document.messages.iter().zip(&attachments).zip(&parts) {
        let parent_id = match &message.parent_id {
            None => None,
            Some(old) => Some(new_ids.get(old.as_str()).cloned().ok_or_else(|| {
                Error::InvalidInput(format!(
                    "message {} comes before its parent {old}",
                    message.id
                ))
            })?),
        };
        let id = match policy {
            IdPolicy::Fresh => new_id(),
            IdPolicy::Keep => message.id.clone(),
        };
        insert_message(
            tx,
            &MessageRow {
                id: &id,
                conversation_id: &conversation_id,
                parent_id: parent_id.as_deref(),
                role: message.role,
                created_at: message.created_at,
                updated_at: message.updated_at,
                status: message.status,
                model: message.model.as_deref(),
                response_id: message.response_id.as_deref(),
                text: &message.text,
                reasoning: &message.reasoning,
                parts,
                error: message.error.as_ref(),
                usage: message.usage,
                request: message.request.as_ref(),
                response: message.response.as_ref(),
            },
        )?;
        for (position, attachment) in attachments.iter().enumerate() {
            insert_attachment(tx, &id, position, attachment)?;
        }
        if new_ids.insert(&message.id, id).is_some() {
            return Err(Error::InvalidInput(format!(
                "message id {} appears twice",
                message.id
            )));
        }
    }
    let leaf = c
        .current_leaf_id
        .as_deref()
        .and_then(|old| new_ids.get(old));
    tx.execute(
        "UPDATE conversations SET current_leaf_id = ?2 WHERE id = ?1",
        params![conversation_id, leaf],
    )?;
    load_conversation(tx, &conversation_id).map(Some)
}

fn already_here(conn: &rusqlite::Connection, document: &ExportDocument) -> Result<bool, Error> {
    let mut conversation = conn.prepare_cached("SELECT 1 FROM conversations WHERE id = ?1")?;
    if conversation.exists([&document.conversation.id])? {
        return Ok(true);
    }
    let mut message = conn.prepare_cached("SELECT 1 FROM messages WHERE id = ?1")?;
    for m in &document.messages {
        if message.exists([&m.id])? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn export_message(
    message: Message,
    request: Option<String>,
    response: Option<String>,
    attachments: Vec<ExportAttachment>,
) -> Result<ExportMessage, Error> {
    // The raw exchange is JSON the app wrote itself; a damaged one is left
    // out of the file with a warning rather than failing the whole export.
    let id = message.id.clone();
    let parse = |column: &str, text: Option<String>| {
        text.and_then(|t| {
            serde_json::from_str(&t)
                .inspect_err(|problem| {
                    tracing::warn!(message_id = %id, column, %problem, "left out of the export: not JSON");
                })
                .ok()
        })
    };
    let parts = serde_json::to_value(&message.parts)
        .map_err(|e| Error::InvalidInput(format!("the answer's parts cannot be written: {e}")))?;
    Ok(ExportMessage {
        id: message.id,
        parent_id: message.parent_id,
        role: message.role,
        created_at: message.created_at,
        updated_at: message.updated_at,
        status: message.status,
        model: message.model,
        response_id: message.response_id,
        text: message.text,
        reasoning: message.reasoning,
        parts,
        error: message.error,
        usage: message.usage,
        request: parse("request", request),
        response: parse("response", response),
        attachments,
    })
}

fn decode_attachment(attachment: &ExportAttachment) -> Result<NewAttachment, Error> {
    let data = base64::engine::general_purpose::STANDARD
        .decode(&attachment.data)
        .map_err(|e| {
            Error::InvalidInput(format!(
                "attachment {} is not valid base64: {e}",
                attachment.filename
            ))
        })?;
    Ok(NewAttachment {
        kind: attachment.kind,
        filename: attachment.filename.clone(),
        mime: attachment.mime.clone(),
        data,
    })
}

/// The branch as Markdown, its headings in `language` (the text itself is
/// the conversation's own).
fn render_markdown(conversation: &Conversation, branch: &[&Message], language: Language) -> String {
    let word = |w: Word| w.in_(language);
    let mut out = String::new();
    // `write!` into a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(out, "# {}\n", one_line(&conversation.title));
    let exported = word(Word::ExportedFromHalley);
    if let Some(model) = &conversation.model {
        let _ = writeln!(out, "*{exported} · {model}*\n");
    } else {
        let _ = writeln!(out, "*{exported}*\n");
    }
    for message in branch {
        let heading = match (message.role, &message.model) {
            (Role::User, _) => word(Word::You).to_owned(),
            (Role::Assistant, Some(model)) => format!("{} · {model}", word(Word::Assistant)),
            (Role::Assistant, None) => word(Word::Assistant).to_owned(),
        };
        let _ = writeln!(out, "---\n\n## {heading}\n");
        if !message.reasoning.trim().is_empty() {
            let _ = writeln!(
                out,
                "<details><summary>{}</summary>\n\n{}\n\n</details>\n",
                word(Word::Reasoning),
                message.reasoning.trim()
            );
        }
        if !message.text.is_empty() {
            let _ = writeln!(out, "{}\n", message.text.trim_end());
        }
        if !message.attachments.is_empty() {
            let names: Vec<String> = message
                .attachments
                .iter()
                .map(|a| format!("`{}`", one_line(&a.filename)))
                .collect();
            let _ = writeln!(out, "{}: {}\n", word(Word::Attachments), names.join(", "));
        }
        let status = match message.status {
            MessageStatus::Complete => None,
            MessageStatus::Streaming => Some(word(Word::StillBeingWritten).to_owned()),
            MessageStatus::Interrupted => Some(word(Word::Interrupted).to_owned()),
            MessageStatus::Stopped => Some(word(Word::Stopped).to_owned()),
            MessageStatus::Error => {
                let detail = message
                    .error
                    .as_ref()
                    .map(|e| e.message.clone())
                    .unwrap_or_else(|| word(Word::UnknownError).to_owned());
                Some(format!("{}: {}", word(Word::Error), one_line(&detail)))
            }
        };
        if let Some(status) = status {
            let _ = writeln!(out, "*({status})*\n");
        }
    }
    out
}

/// Keeps a title or a file name from breaking the Markdown structure.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
