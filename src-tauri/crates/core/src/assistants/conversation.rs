//! What a conversation keeps of its assistant, in its `settings` (beside
//! `mcpServers`, so a backup and an export carry it as they carry those):
//! - `assistant`: a copy of the assistant as it was when picked, so editing
//!   or deleting the assistant never changes what a conversation sends;
//!   picking it again takes its current settings;
//! - `instructions`: the conversation's own, added after the assistant's;
//! - `assistantChanges`: every switch made after the conversation began,
//!   each after the message that was last then, which the message list shows
//!   as "Now talking to …";
//! - `composerChanges`: what the user changed in the composer for this
//!   conversation over its assistant's settings (cleared by a switch).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::Assistant;
use crate::history::now_ms;
use crate::{Error, History};

const ASSISTANT: &str = "assistant";
const INSTRUCTIONS: &str = "instructions";
const CHANGES: &str = "assistantChanges";
const COMPOSER: &str = "composerChanges";

/// A reasoning effort the user chose in the composer (`None`: the model's
/// default, which is a choice too: it differs from "not changed").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "EffortChange.ts")]
pub struct EffortChange {
    pub effort: Option<crate::chat::ReasoningEffort>,
}

/// What the user changed in the composer for a conversation with an
/// assistant; each `None` is the assistant's setting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export_to = "ComposerChanges.ts")]
pub struct ComposerChanges {
    pub model: Option<String>,
    pub web_search: Option<bool>,
    pub code_interpreter: Option<bool>,
    pub image_generation: Option<bool>,
    pub reasoning_effort: Option<EffortChange>,
}

/// Who a switch went to, as the marker shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "AssistantLabel.ts")]
pub struct AssistantLabel {
    pub id: String,
    pub name: String,
    pub emoji: String,
}

/// One switch of assistant in a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "AssistantChange.ts")]
pub struct AssistantChange {
    /// The message the switch came after (the branch's last one then).
    pub after_message_id: Option<String>,
    /// `None`: no assistant from here on.
    pub assistant: Option<AssistantLabel>,
    pub at: f64,
}

/// The assistant a conversation talks to (its kept copy).
pub fn assistant_of(settings: &Value) -> Option<Assistant> {
    let value = settings.get(ASSISTANT)?;
    match serde_json::from_value(value.clone()) {
        Ok(assistant) => Some(assistant),
        Err(problem) => {
            tracing::warn!(%problem, "a conversation's assistant is not readable; none is used");
            None
        }
    }
}

/// The conversation's own instructions ("" when none).
pub fn own_instructions_of(settings: &Value) -> String {
    settings
        .get(INSTRUCTIONS)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Every switch of assistant, oldest first.
pub fn changes_of(settings: &Value) -> Vec<AssistantChange> {
    settings
        .get(CHANGES)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// The composer changes a conversation keeps (none when unset or unreadable).
pub fn composer_changes_of(settings: &Value) -> ComposerChanges {
    settings
        .get(COMPOSER)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

/// What a turn sends as `instructions`: the assistant's, then the
/// conversation's own (a blank line between), or `None` when neither has
/// any. The conversation's come last so they can narrow the assistant's.
pub fn instructions_of(settings: &Value) -> Option<String> {
    let assistant = assistant_of(settings).map(|a| a.instructions);
    let own = own_instructions_of(settings);
    let parts: Vec<&str> = [assistant.as_deref().unwrap_or_default(), own.as_str()]
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    match parts.is_empty() {
        true => None,
        false => Some(parts.join("\n\n")),
    }
}

fn damaged(id: &str) -> Error {
    Error::InvalidInput(format!(
        "the settings of conversation {id} are damaged; they were left as they are"
    ))
}

impl History {
    /// The conversation talks to `assistant_id` (`None`: to no assistant)
    /// from its next turn. A switch in a conversation that has messages is
    /// recorded after its current last message, so the list shows where.
    pub fn set_conversation_assistant(
        &self,
        conversation_id: &str,
        assistant_id: Option<&str>,
    ) -> Result<(), Error> {
        self.put_assistant(conversation_id, assistant_id, true)
    }

    /// The assistant a new conversation starts with: no switch to record,
    /// even though its first message is already kept.
    pub fn begin_conversation_with(
        &self,
        conversation_id: &str,
        assistant_id: &str,
    ) -> Result<(), Error> {
        self.put_assistant(conversation_id, Some(assistant_id), false)
    }

    fn put_assistant(
        &self,
        conversation_id: &str,
        assistant_id: Option<&str>,
        record: bool,
    ) -> Result<(), Error> {
        let assistant = assistant_id.map(|id| self.get_assistant(id)).transpose()?;
        let conversation = self.get_conversation(conversation_id)?;
        let after = conversation.conversation.current_leaf_id.clone();
        let begun = record && !conversation.messages.is_empty();
        let label = assistant.as_ref().map(|a| AssistantLabel {
            id: a.id.clone(),
            name: a.name.clone(),
            emoji: a.emoji.clone(),
        });
        let copy = assistant.map(|a| serde_json::to_value(a).unwrap_or(Value::Null));
        let kept = self.update_conversation_settings(conversation_id, |settings| {
            match copy {
                Some(copy) => settings.insert(ASSISTANT.to_owned(), copy),
                None => settings.remove(ASSISTANT),
            };
            // Another assistant: its settings, not the changes made over the last one's.
            settings.remove(COMPOSER);
            if begun {
                let mut changes = changes_of(&Value::Object(settings.clone()));
                changes.push(AssistantChange {
                    after_message_id: after,
                    assistant: label,
                    at: now_ms(),
                });
                settings.insert(
                    CHANGES.to_owned(),
                    serde_json::to_value(changes).unwrap_or(Value::Null),
                );
            }
            true
        })?;
        match kept {
            true => Ok(()),
            false => Err(damaged(conversation_id)),
        }
    }

    /// Keeps what the user changed in the composer for this conversation.
    pub fn set_conversation_composer(
        &self,
        conversation_id: &str,
        changes: &ComposerChanges,
    ) -> Result<(), Error> {
        let value = serde_json::to_value(changes).unwrap_or(Value::Null);
        let kept = self.update_conversation_settings(conversation_id, |settings| {
            match *changes == ComposerChanges::default() {
                true => settings.remove(COMPOSER).is_some(),
                false => {
                    settings.insert(COMPOSER.to_owned(), value);
                    true
                }
            }
        })?;
        match kept {
            true => Ok(()),
            false => Err(damaged(conversation_id)),
        }
    }

    /// The conversation's own instructions (empty: none), sent after its
    /// assistant's from the next turn.
    pub fn set_conversation_instructions(
        &self,
        conversation_id: &str,
        instructions: &str,
    ) -> Result<(), Error> {
        if instructions.chars().count() > super::MAX_INSTRUCTIONS_CHARS {
            return Err(super::AssistantProblem::InstructionsTooLong.into());
        }
        let text = instructions.trim();
        let kept =
            self.update_conversation_settings(conversation_id, |settings| match text.is_empty() {
                true => settings.remove(INSTRUCTIONS).is_some(),
                false => {
                    settings.insert(INSTRUCTIONS.to_owned(), Value::from(text));
                    true
                }
            })?;
        match kept {
            true => Ok(()),
            false => Err(damaged(conversation_id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assistants::AssistantInput;
    use crate::history::NewConversation;

    fn conversation(history: &History) -> String {
        history
            .create_conversation(NewConversation {
                title: "t".into(),
                ..NewConversation::default()
            })
            .expect("conversation")
            .id
    }

    fn assistant(history: &History, name: &str, instructions: &str) -> Assistant {
        history
            .save_assistant(AssistantInput {
                name: name.into(),
                instructions: instructions.into(),
                ..AssistantInput::default()
            })
            .expect("assistant")
    }

    #[test]
    fn instructions_are_the_assistants_then_the_conversations() {
        let history = History::open_in_memory().expect("opens");
        let id = conversation(&history);
        let settings = |h: &History| h.get_conversation(&id).expect("tree").conversation.settings;
        assert_eq!(instructions_of(&settings(&history)), None);
        history
            .set_conversation_instructions(&id, "  Answer in French. ")
            .expect("own");
        assert_eq!(
            instructions_of(&settings(&history)).as_deref(),
            Some("Answer in French.")
        );
        let tutor = assistant(&history, "Tutor", "You are a patient tutor.");
        history
            .set_conversation_assistant(&id, Some(&tutor.id))
            .expect("assistant");
        assert_eq!(
            instructions_of(&settings(&history)).as_deref(),
            Some("You are a patient tutor.\n\nAnswer in French.")
        );
        assert!(
            changes_of(&settings(&history)).is_empty(),
            "an assistant picked before the first message is no switch"
        );
        history
            .set_conversation_instructions(&id, " ")
            .expect("cleared");
        assert_eq!(own_instructions_of(&settings(&history)), "");
    }

    #[test]
    fn a_switch_after_messages_is_recorded_after_the_last_one() {
        let history = History::open_in_memory().expect("opens");
        let id = conversation(&history);
        let user = history
            .append_user_message(&id, None, "hi", &[])
            .expect("user");
        let tutor = assistant(&history, "Tutor", "Teach.");
        history
            .set_conversation_assistant(&id, Some(&tutor.id))
            .expect("switch");
        history.set_conversation_assistant(&id, None).expect("none");
        let settings = history
            .get_conversation(&id)
            .expect("tree")
            .conversation
            .settings;
        let changes = changes_of(&settings);
        assert_eq!(changes.len(), 2);
        assert_eq!(
            changes[0].after_message_id.as_deref(),
            Some(user.id.as_str())
        );
        assert_eq!(
            changes[0].assistant.as_ref().map(|a| a.name.as_str()),
            Some("Tutor")
        );
        assert_eq!(changes[1].assistant, None);
        assert_eq!(assistant_of(&settings), None);
        assert!(matches!(
            history.set_conversation_assistant(&id, Some("gone")),
            Err(Error::NotFound(_))
        ));
    }

    #[test]
    fn composer_changes_are_kept_until_another_assistant_is_picked() {
        let history = History::open_in_memory().expect("opens");
        let id = conversation(&history);
        let tutor = assistant(&history, "Tutor", "Teach.");
        history
            .set_conversation_assistant(&id, Some(&tutor.id))
            .expect("picked");
        let changes = ComposerChanges {
            model: Some("gpt-4o".into()),
            reasoning_effort: Some(EffortChange { effort: None }),
            ..ComposerChanges::default()
        };
        history
            .set_conversation_composer(&id, &changes)
            .expect("kept");
        let settings = |h: &History| h.get_conversation(&id).expect("tree").conversation.settings;
        assert_eq!(composer_changes_of(&settings(&history)), changes);
        // "Back to the default effort" is a change, not "unchanged".
        assert_ne!(
            composer_changes_of(&settings(&history)).reasoning_effort,
            None
        );
        history
            .set_conversation_assistant(&id, Some(&tutor.id))
            .expect("picked again");
        assert_eq!(
            composer_changes_of(&settings(&history)),
            ComposerChanges::default()
        );
    }

    #[test]
    fn a_new_conversations_assistant_is_no_switch() {
        let history = History::open_in_memory().expect("opens");
        let id = conversation(&history);
        // The first message is kept before the turn records its assistant.
        history
            .append_user_message(&id, None, "hi", &[])
            .expect("user");
        let tutor = assistant(&history, "Tutor", "Teach.");
        history
            .begin_conversation_with(&id, &tutor.id)
            .expect("begun");
        let settings = history
            .get_conversation(&id)
            .expect("tree")
            .conversation
            .settings;
        assert!(changes_of(&settings).is_empty());
        assert_eq!(
            assistant_of(&settings).map(|a| a.name),
            Some("Tutor".into())
        );
    }

    #[test]
    fn a_deleted_assistant_goes_on_in_the_conversations_made_with_it() {
        let history = History::open_in_memory().expect("opens");
        let id = conversation(&history);
        let tutor = assistant(&history, "Tutor", "Teach.");
        history
            .set_conversation_assistant(&id, Some(&tutor.id))
            .expect("picked");
        history.delete_assistant(&tutor.id).expect("deleted");
        let settings = history
            .get_conversation(&id)
            .expect("tree")
            .conversation
            .settings;
        assert_eq!(
            assistant_of(&settings).map(|a| a.name),
            Some("Tutor".into())
        );
        assert_eq!(instructions_of(&settings).as_deref(), Some("Teach."));
    }
}
