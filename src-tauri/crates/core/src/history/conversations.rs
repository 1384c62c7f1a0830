//! Conversations: create, list, rename, pin, soft delete with undo, purge,
//! read as a tree, usage totals.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::Value;

use super::messages::{attachments_by_message, message_from_row, MESSAGE_COLUMNS};
use super::usage::usage_at;
use super::{new_id, now_ms, Conversation, ConversationTree, History, NewConversation, Usage};
use crate::Error;

pub(super) const CONVERSATION_COLUMNS: &str =
    "id, title, pinned, created_at, updated_at, deleted_at, model, provider_id, settings, current_leaf_id";

pub(super) fn conversation_from_row(row: &Row<'_>) -> rusqlite::Result<Conversation> {
    let settings: String = row.get(8)?;
    let id: String = row.get(0)?;
    let settings = serde_json::from_str(&settings).unwrap_or_else(|problem| {
        // Kept out of the way, not silently replaced: the warning names the
        // conversation, and the column is only rewritten when the user
        // changes the conversation's options.
        tracing::warn!(conversation_id = %id, %problem, "a conversation's settings are not JSON; none are used");
        Value::Null
    });
    Ok(Conversation {
        id,
        title: row.get(1)?,
        pinned: row.get(2)?,
        created_at: row.get(3)?,
        updated_at: row.get(4)?,
        deleted_at: row.get(5)?,
        model: row.get(6)?,
        provider_id: row.get(7)?,
        settings,
        current_leaf_id: row.get(9)?,
    })
}

pub(super) fn load_conversation(conn: &Connection, id: &str) -> Result<Conversation, Error> {
    conn.query_row(
        &format!("SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = ?1"),
        [id],
        conversation_from_row,
    )
    .optional()?
    .ok_or_else(|| not_found(id))
}

pub(super) fn not_found(id: &str) -> Error {
    Error::NotFound(format!("no conversation {id}"))
}

/// Marks a conversation as changed now (it moves up the list).
pub(super) fn touch(conn: &Connection, id: &str, now: f64) -> Result<(), Error> {
    conn.execute(
        "UPDATE conversations SET updated_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

const MCP_SERVERS_SETTING: &str = "mcpServers";

/// The MCP servers a conversation's settings choose (none when unset).
pub fn mcp_servers_of(settings: &Value) -> Vec<String> {
    settings
        .get(MCP_SERVERS_SETTING)
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn settings_json(settings: &Value) -> String {
    match settings {
        Value::Null => "{}".to_owned(),
        other => other.to_string(),
    }
}

/// Turns "no row changed" into NotFound.
fn expect_one(changed: usize, id: &str) -> Result<(), Error> {
    if changed == 0 {
        return Err(not_found(id));
    }
    Ok(())
}

impl History {
    pub fn create_conversation(&self, new: NewConversation) -> Result<Conversation, Error> {
        let now = now_ms();
        let id = new_id();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO conversations (id, title, created_at, updated_at, model, provider_id, settings)
                 VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6)",
                params![id, new.title, now, new.model, new.provider_id, settings_json(&new.settings)],
            )?;
            load_conversation(tx, &id)
        })
    }

    /// Conversations not in the trash: pinned first, then most recently updated.
    pub fn list_conversations(&self) -> Result<Vec<Conversation>, Error> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE deleted_at IS NULL
                 ORDER BY pinned DESC, updated_at DESC, rowid DESC"
            ))?;
            let rows = statement.query_map([], conversation_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Conversations in the trash, most recently deleted first.
    pub fn list_deleted_conversations(&self) -> Result<Vec<Conversation>, Error> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC"
            ))?;
            let rows = statement.query_map([], conversation_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    pub fn rename_conversation(&self, id: &str, title: &str) -> Result<(), Error> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE conversations SET title = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, title, now_ms()],
            )?;
            expect_one(changed, id)
        })
    }

    /// Sets the title without moving the conversation up the list (automatic titles).
    pub fn set_title(&self, id: &str, title: &str) -> Result<(), Error> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE conversations SET title = ?2 WHERE id = ?1",
                params![id, title],
            )?;
            expect_one(changed, id)
        })
    }

    pub fn set_pinned(&self, id: &str, pinned: bool) -> Result<(), Error> {
        // Pinning does not count as an update: the order among pinned ones stays by activity.
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE conversations SET pinned = ?2 WHERE id = ?1",
                params![id, pinned],
            )?;
            expect_one(changed, id)
        })
    }

    /// Saves the per-conversation model, provider and settings.
    pub fn set_conversation_options(
        &self,
        id: &str,
        model: Option<&str>,
        provider_id: Option<&str>,
        settings: &Value,
    ) -> Result<(), Error> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE conversations SET model = ?2, provider_id = ?3, settings = ?4 WHERE id = ?1",
                params![id, model, provider_id, settings_json(settings)],
            )?;
            expect_one(changed, id)
        })
    }

    /// Keeps which MCP servers the conversation offers the model (its
    /// `mcpServers` setting), beside its other settings. Settings that are
    /// not a JSON object are left as they are (and the choice not kept):
    /// nothing the user had is overwritten.
    pub fn set_conversation_mcp_servers(&self, id: &str, servers: &[String]) -> Result<(), Error> {
        let wanted = Value::from(servers.to_vec());
        let kept = self.update_conversation_settings(id, |settings| {
            if settings.get(MCP_SERVERS_SETTING) == Some(&wanted) {
                return false;
            }
            settings.insert(MCP_SERVERS_SETTING.to_owned(), wanted);
            true
        })?;
        if !kept {
            tracing::warn!(conversation_id = %id, "a conversation's settings are not an object; its MCP servers are not kept");
        }
        Ok(())
    }

    /// Changes a conversation's settings object in one transaction: `change`
    /// says whether it changed anything (nothing is written otherwise).
    /// `Ok(false)` when the settings are not a JSON object: they are left as
    /// they are, never overwritten.
    pub(crate) fn update_conversation_settings(
        &self,
        id: &str,
        change: impl FnOnce(&mut serde_json::Map<String, Value>) -> bool,
    ) -> Result<bool, Error> {
        self.write(|tx| {
            let text: String = tx
                .query_row(
                    "SELECT settings FROM conversations WHERE id = ?1",
                    params![id],
                    |row| row.get(0),
                )
                .optional()?
                .ok_or_else(|| not_found(id))?;
            let mut settings = match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => map,
                _ => return Ok(false),
            };
            if !change(&mut settings) {
                return Ok(true);
            }
            let changed = tx.execute(
                "UPDATE conversations SET settings = ?2 WHERE id = ?1",
                params![id, settings_json(&Value::Object(settings))],
            )?;
            expect_one(changed, id)?;
            Ok(true)
        })
    }

    /// Moves a conversation to the trash; `undo_delete` brings it back.
    pub fn delete_conversation(&self, id: &str) -> Result<(), Error> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE conversations SET deleted_at = ?2 WHERE id = ?1",
                params![id, now_ms()],
            )?;
            expect_one(changed, id)
        })
    }

    pub fn undo_delete(&self, id: &str) -> Result<(), Error> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE conversations SET deleted_at = NULL WHERE id = ?1",
                [id],
            )?;
            expect_one(changed, id)
        })
    }

    /// Removes a conversation for good, with its messages and attachments
    /// (foreign keys cascade; the search index follows through its triggers).
    pub fn purge_conversation(&self, id: &str) -> Result<(), Error> {
        self.write(|tx| {
            let changed = tx.execute("DELETE FROM conversations WHERE id = ?1", [id])?;
            expect_one(changed, id)
        })
    }

    /// Purges every conversation that has been in the trash since before `before_ms`.
    pub fn purge_deleted_before(&self, before_ms: f64) -> Result<u32, Error> {
        self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?1",
                [before_ms],
            )? as u32)
        })
    }

    /// Remembers which branch the UI shows. The leaf must belong to the conversation.
    pub fn set_current_leaf(&self, conversation_id: &str, message_id: &str) -> Result<(), Error> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE conversations SET current_leaf_id = ?2 WHERE id = ?1
                 AND EXISTS (SELECT 1 FROM messages WHERE id = ?2 AND conversation_id = ?1)",
                params![conversation_id, message_id],
            )?;
            if changed == 0 {
                return Err(Error::NotFound(format!(
                    "no message {message_id} in conversation {conversation_id}"
                )));
            }
            Ok(())
        })
    }

    pub fn get_conversation(&self, id: &str) -> Result<ConversationTree, Error> {
        self.read(|conn| load_tree(conn, id))
    }

    /// Tokens used by every message of the conversation, all branches, and
    /// by the requests made for it beside its turns (naming it).
    pub fn conversation_usage(&self, id: &str) -> Result<Usage, Error> {
        self.read(|conn| {
            load_conversation(conn, id)?;
            Ok(conn.query_row(
                "SELECT COALESCE(SUM(input_tokens), 0), COALESCE(SUM(cached_tokens), 0),
                        COALESCE(SUM(output_tokens), 0), COALESCE(SUM(reasoning_tokens), 0)
                 FROM (SELECT input_tokens, cached_tokens, output_tokens, reasoning_tokens
                       FROM messages WHERE conversation_id = ?1
                       UNION ALL
                       SELECT input_tokens, cached_tokens, output_tokens, reasoning_tokens
                       FROM side_requests WHERE conversation_id = ?1)",
                [id],
                |row| usage_at(row, 0),
            )?)
        })
    }
}

pub(super) fn load_tree(conn: &Connection, id: &str) -> Result<ConversationTree, Error> {
    let conversation = load_conversation(conn, id)?;
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?1 ORDER BY seq"
    ))?;
    let mut messages = statement
        .query_map([id], message_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    let mut attachments = attachments_by_message(conn, id)?;
    // Children in storage order: messages are sorted by seq, so pushing in
    // that order keeps each children list oldest first.
    let index: std::collections::HashMap<String, usize> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.clone(), i))
        .collect();
    for i in 0..messages.len() {
        if let Some(parent) = messages[i]
            .parent_id
            .as_ref()
            .and_then(|p| index.get(p))
            .copied()
        {
            let child_id = messages[i].id.clone();
            messages[parent].children_ids.push(child_id);
        }
        if let Some(list) = attachments.remove(&messages[i].id) {
            messages[i].attachments = list;
        }
    }
    Ok(ConversationTree {
        conversation,
        messages,
    })
}
