//! Importing conversations from another app's export (ChatGPT's
//! `conversations.json`) or from Halley's own JSON (one conversation or
//! every one). An import is one transaction: all of it or nothing. Ids are
//! kept, so importing the same file again adds nothing.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::chatgpt::{self, ChatGptConversation, LeftOutCounts};
use super::export::{insert_document, parse_all, parse_document, IdPolicy};
use super::messages::{insert_message, MessageRow};
use super::{History, MessageParts, MessageStatus, Usage, EXPORT_ALL_FORMAT, EXPORT_FORMAT};
use crate::Error;

/// Which kind of file the user picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "ImportSource.ts")]
pub enum ImportSource {
    /// `conversations.json` from a ChatGPT data export.
    Chatgpt,
    /// A `halley.conversation` or `halley.conversations` JSON export.
    Halley,
}

/// Why nothing was imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export_to = "ImportProblem.ts")]
pub enum ImportProblem {
    /// The file is not JSON at all.
    #[error("this file is not JSON ({detail})")]
    NotJson { detail: String },
    /// JSON, but not the kind of export that was chosen.
    #[error("this file is not that kind of export")]
    NotRecognised,
    /// A Halley export from a newer Halley.
    #[error("this export was written by a newer Halley (version {found}, this one reads {known}); update Halley to import it")]
    Newer { found: u32, known: u32 },
    /// One conversation's structure cannot be read; it is named.
    #[error("the conversation \"{conversation}\" cannot be read: {detail}")]
    Unreadable {
        conversation: String,
        detail: String,
    },
}

/// A kind of thing an import could not bring in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export_to = "LeftOutKind.ts")]
pub enum LeftOutKind {
    /// An image: the file is beside `conversations.json` in ChatGPT's zip, not in it.
    Image,
    /// Audio or video, likewise.
    Audio,
    /// A message with no author (so no role).
    MessageWithoutAuthor,
    /// A message with no content.
    MessageWithoutContent,
    /// An author role other than user, assistant, tool or system.
    #[serde(rename_all = "camelCase")]
    UnknownRole { name: String },
    /// Content of a kind this Halley does not know, with no text in it
    /// (`name` is the export's own `content_type`, empty when it had none).
    #[serde(rename_all = "camelCase")]
    UnknownContent { name: String },
}

/// Something the import could not bring in, and how often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "LeftOut.ts")]
pub struct LeftOut {
    pub what: LeftOutKind,
    pub count: u32,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "ImportReport.ts")]
pub struct ImportReport {
    pub source: ImportSource,
    pub conversations_added: u32,
    /// Already in the history (imported before): left as they are.
    pub conversations_already_here: u32,
    pub messages_added: u32,
    pub left_out: Vec<LeftOut>,
    /// The first conversation of the file, to open after the import.
    pub first_conversation_id: Option<String>,
}

impl History {
    /// Imports `text` as the export `source` says it is.
    pub fn import_file(&self, source: ImportSource, text: &str) -> Result<ImportReport, Error> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::Import(ImportProblem::NotJson {
                detail: e.to_string(),
            })
        })?;
        let mut report = ImportReport {
            source,
            conversations_added: 0,
            conversations_already_here: 0,
            messages_added: 0,
            left_out: Vec::new(),
            first_conversation_id: None,
        };
        match source {
            ImportSource::Halley => {
                let documents = match value.get("format").and_then(Value::as_str) {
                    Some(EXPORT_FORMAT) => vec![parse_document(value).map_err(unreadable)?],
                    Some(EXPORT_ALL_FORMAT) => parse_all(value).map_err(unreadable)?,
                    _ => return Err(Error::Import(ImportProblem::NotRecognised)),
                };
                self.write(|tx| {
                    for document in &documents {
                        match insert_document(tx, document, IdPolicy::Keep).map_err(unreadable)? {
                            Some(conversation) => {
                                report.conversations_added += 1;
                                report.messages_added += document.message_count();
                                report.first_conversation_id.get_or_insert(conversation.id);
                            }
                            None => report.conversations_already_here += 1,
                        }
                    }
                    Ok(())
                })?;
            }
            ImportSource::Chatgpt => {
                let mut left_out = LeftOutCounts::new();
                let conversations = chatgpt::read_export(value, &mut left_out)?;
                self.write(|tx| {
                    for conversation in &conversations {
                        let (new, messages) = insert_chatgpt(tx, conversation)?;
                        if new {
                            report.conversations_added += 1;
                        } else {
                            report.conversations_already_here += 1;
                        }
                        report.messages_added += messages;
                        report
                            .first_conversation_id
                            .get_or_insert_with(|| conversation.id.clone());
                    }
                    Ok(())
                })?;
                report.left_out = left_out
                    .into_iter()
                    .map(|(what, count)| LeftOut { what, count })
                    .collect();
            }
        }
        Ok(report)
    }
}

/// A Halley document that does not read names what is wrong with it.
fn unreadable(error: Error) -> Error {
    match error {
        Error::InvalidInput(detail) => Error::Import(ImportProblem::Unreadable {
            conversation: String::new(),
            detail,
        }),
        other => other,
    }
}

/// Stores a ChatGPT conversation, or the messages of it that are not here
/// yet. Returns whether the conversation is new and how many messages were added.
fn insert_chatgpt(
    tx: &rusqlite::Transaction<'_>,
    conversation: &ChatGptConversation,
) -> Result<(bool, u32), Error> {
    let new = tx.execute(
        "INSERT OR IGNORE INTO conversations (id, title, created_at, updated_at, model, settings)
         VALUES (?1, ?2, ?3, ?4, ?5, '{}')",
        params![
            conversation.id,
            conversation.title,
            conversation.created_at,
            conversation.updated_at,
            conversation.model
        ],
    )? == 1;
    let mut exists = tx.prepare_cached("SELECT 1 FROM messages WHERE id = ?1")?;
    let mut added = 0;
    for message in &conversation.messages {
        if exists.exists([&message.id])? {
            continue;
        }
        let parent = message.parent.map(|i| conversation.messages[i].id.as_str());
        insert_message(
            tx,
            &MessageRow {
                id: &message.id,
                conversation_id: &conversation.id,
                parent_id: parent,
                role: message.role,
                created_at: message.created_at,
                updated_at: message.created_at,
                status: MessageStatus::Complete,
                model: message.model.as_deref(),
                response_id: None,
                text: &message.text,
                reasoning: &message.reasoning,
                parts: &MessageParts::default(),
                error: None,
                usage: Usage::default(),
                request: None,
                response: None,
            },
        )?;
        added += 1;
    }
    if new {
        let leaf = conversation
            .current_leaf
            .map(|i| conversation.messages[i].id.as_str());
        tx.execute(
            "UPDATE conversations SET current_leaf_id = ?2 WHERE id = ?1",
            params![conversation.id, leaf],
        )?;
    }
    Ok((new, added))
}
