//! The `assistants` table: create, edit, duplicate, delete, list.

use rusqlite::{params, OptionalExtension, Row};
use serde::de::DeserializeOwned;

use super::{Assistant, AssistantInput, AssistantTools};
use crate::history::{new_id, now_ms};
use crate::{Error, History};

const COLUMNS: &str = "id, name, emoji, instructions, model, reasoning_effort, verbosity, tools, \
                       starter_prompts, created_at, updated_at";

/// A stored closed-set value (effort, verbosity) this version does not know
/// reads as "the model's default", with a warning: never a failed list.
fn known<T: DeserializeOwned>(id: &str, column: &str, text: Option<String>) -> Option<T> {
    let text = text?;
    match serde_json::from_value(serde_json::Value::String(text.clone())) {
        Ok(value) => Some(value),
        Err(_) => {
            tracing::warn!(assistant_id = %id, column, value = %text, "an assistant's setting is not known; the model's default applies");
            None
        }
    }
}

/// A damaged JSON column reads as its empty value, with a warning.
fn json_column<T: DeserializeOwned + Default>(id: &str, column: &str, text: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|problem| {
        tracing::warn!(assistant_id = %id, column, %problem, "an assistant's column is not readable; left empty");
        T::default()
    })
}

fn assistant_from_row(row: &Row<'_>) -> rusqlite::Result<Assistant> {
    let id: String = row.get(0)?;
    let tools: String = row.get(7)?;
    let starters: String = row.get(8)?;
    Ok(Assistant {
        name: row.get(1)?,
        emoji: row.get(2)?,
        instructions: row.get(3)?,
        model: row.get(4)?,
        reasoning_effort: known(&id, "reasoning_effort", row.get(5)?),
        verbosity: known(&id, "verbosity", row.get(6)?),
        tools: json_column::<AssistantTools>(&id, "tools", &tools),
        starter_prompts: json_column::<Vec<String>>(&id, "starter_prompts", &starters),
        created_at: row.get(9)?,
        updated_at: row.get(10)?,
        id,
    })
}

fn not_found(id: &str) -> Error {
    Error::NotFound(format!("no assistant {id}"))
}

impl History {
    /// Every assistant, by name.
    pub fn list_assistants(&self) -> Result<Vec<Assistant>, Error> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM assistants ORDER BY name COLLATE NOCASE, created_at"
            ))?;
            let rows = statement.query_map([], assistant_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    pub fn get_assistant(&self, id: &str) -> Result<Assistant, Error> {
        self.read(|conn| {
            conn.query_row(
                &format!("SELECT {COLUMNS} FROM assistants WHERE id = ?1"),
                [id],
                assistant_from_row,
            )
            .optional()?
            .ok_or_else(|| not_found(id))
        })
    }

    /// Creates (`input.id` is `None`) or replaces an assistant, after
    /// checking it ([`AssistantInput::checked`]).
    pub fn save_assistant(&self, input: AssistantInput) -> Result<Assistant, Error> {
        let input = input.checked()?;
        let now = now_ms();
        // Plain structs and strings: serializing them cannot fail.
        let tools = serde_json::to_string(&input.tools).unwrap_or_else(|_| "{}".into());
        let starters =
            serde_json::to_string(&input.starter_prompts).unwrap_or_else(|_| "[]".into());
        let effort = input.reasoning_effort.map(|e| e.as_str());
        let verbosity = input.verbosity.map(|v| v.as_str());
        let id = self.write(|tx| match &input.id {
            Some(id) => {
                let changed = tx.execute(
                    "UPDATE assistants SET name = ?2, emoji = ?3, instructions = ?4, model = ?5,
                     reasoning_effort = ?6, verbosity = ?7, tools = ?8, starter_prompts = ?9,
                     updated_at = ?10 WHERE id = ?1",
                    params![
                        id,
                        input.name,
                        input.emoji,
                        input.instructions,
                        input.model,
                        effort,
                        verbosity,
                        tools,
                        starters,
                        now
                    ],
                )?;
                match changed {
                    0 => Err(not_found(id)),
                    _ => Ok(id.clone()),
                }
            }
            None => {
                let id = new_id();
                tx.execute(
                    &format!("INSERT INTO assistants ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)"),
                    params![
                        id,
                        input.name,
                        input.emoji,
                        input.instructions,
                        input.model,
                        effort,
                        verbosity,
                        tools,
                        starters,
                        now
                    ],
                )?;
                Ok(id)
            }
        })?;
        self.get_assistant(&id)
    }

    /// A copy named "<name> (copy)", to change without touching the original.
    pub fn duplicate_assistant(&self, id: &str, copy_suffix: &str) -> Result<Assistant, Error> {
        let original = self.get_assistant(id)?;
        let mut name = format!("{} {copy_suffix}", original.name);
        if name.chars().count() > super::MAX_NAME_CHARS {
            name = name.chars().take(super::MAX_NAME_CHARS).collect();
        }
        self.save_assistant(AssistantInput {
            id: None,
            name,
            emoji: original.emoji,
            instructions: original.instructions,
            model: original.model,
            reasoning_effort: original.reasoning_effort,
            verbosity: original.verbosity,
            tools: original.tools,
            starter_prompts: original.starter_prompts,
        })
    }

    /// Deletes an assistant. Conversations made with it keep their copy of
    /// it and go on as they were.
    pub fn delete_assistant(&self, id: &str) -> Result<(), Error> {
        self.write(
            |tx| match tx.execute("DELETE FROM assistants WHERE id = ?1", [id])? {
                0 => Err(not_found(id)),
                _ => Ok(()),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::{ReasoningEffort, Verbosity};

    fn tutor() -> AssistantInput {
        AssistantInput {
            id: None,
            name: "Tutor".into(),
            emoji: "🦉".into(),
            instructions: "Explain step by step.".into(),
            model: "gpt-5".into(),
            reasoning_effort: Some(ReasoningEffort::XHigh),
            verbosity: Some(Verbosity::Low),
            tools: AssistantTools {
                web_search: true,
                mcp_servers: vec!["srv1".into()],
                ..AssistantTools::default()
            },
            starter_prompts: vec!["Quiz me on fractions".into()],
        }
    }

    #[test]
    fn an_assistant_is_created_edited_duplicated_and_deleted() {
        let history = History::open_in_memory().expect("opens");
        let made = history.save_assistant(tutor()).expect("saved");
        assert_eq!(
            history.list_assistants().expect("list"),
            std::slice::from_ref(&made)
        );
        assert_eq!(made.reasoning_effort, Some(ReasoningEffort::XHigh));
        assert_eq!(made.tools.mcp_servers, ["srv1"]);

        let edited = history
            .save_assistant(AssistantInput {
                id: Some(made.id.clone()),
                name: "Maths tutor".into(),
                reasoning_effort: Some(ReasoningEffort::None),
                ..tutor()
            })
            .expect("edited");
        assert_eq!(edited.id, made.id);
        assert_eq!(edited.name, "Maths tutor");
        assert_eq!(edited.reasoning_effort, Some(ReasoningEffort::None));
        assert_eq!(edited.created_at, made.created_at);

        let copy = history
            .duplicate_assistant(&made.id, "(copy)")
            .expect("copy");
        assert_ne!(copy.id, made.id);
        assert_eq!(copy.name, "Maths tutor (copy)");
        assert_eq!(copy.instructions, edited.instructions);
        assert_eq!(history.list_assistants().expect("list").len(), 2);

        history.delete_assistant(&made.id).expect("deleted");
        assert!(matches!(
            history.get_assistant(&made.id),
            Err(Error::NotFound(_))
        ));
        assert!(matches!(
            history.delete_assistant(&made.id),
            Err(Error::NotFound(_))
        ));
        let unknown = AssistantInput {
            id: Some("nope".into()),
            ..tutor()
        };
        assert!(matches!(
            history.save_assistant(unknown),
            Err(Error::NotFound(_))
        ));
    }

    #[test]
    fn an_unknown_stored_effort_reads_as_the_default() {
        let history = History::open_in_memory().expect("opens");
        let made = history.save_assistant(tutor()).expect("saved");
        history
            .write(|tx| {
                tx.execute(
                    "UPDATE assistants SET reasoning_effort = 'ultra', tools = 'x' WHERE id = ?1",
                    [&made.id],
                )?;
                Ok(())
            })
            .expect("doctored");
        let read = history.get_assistant(&made.id).expect("still reads");
        assert_eq!(read.reasoning_effort, None);
        assert_eq!(read.tools, AssistantTools::default());
        assert_eq!(read.verbosity, Some(Verbosity::Low));
    }
}
