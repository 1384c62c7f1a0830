//! Assistants: a name, an emoji, instructions and the settings a chat runs
//! with (model, reasoning effort, verbosity, built-in tools, MCP servers),
//! plus starter prompts for an empty chat. Stored in the `assistants`
//! table (`store`); a conversation keeps a copy of the assistant it talks
//! to, its own instructions and every switch (`conversation`), so a
//! conversation goes on working as it was after its assistant is edited
//! or deleted.

mod conversation;
mod store;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::chat::{ReasoningEffort, Verbosity};
use crate::Error;

pub use conversation::{
    assistant_of, changes_of, composer_changes_of, instructions_of, own_instructions_of,
};
pub use conversation::{AssistantChange, AssistantLabel, ComposerChanges, EffortChange};

/// The longest name, in characters (a sidebar row shows about 30).
pub const MAX_NAME_CHARS: usize = 60;
/// An emoji is one grapheme, but a flag or a family is several code points.
pub const MAX_EMOJI_CHARS: usize = 16;
/// Instructions are a system message, not a document.
pub const MAX_INSTRUCTIONS_CHARS: usize = 100_000;
pub const MAX_STARTER_PROMPTS: usize = 4;
pub const MAX_STARTER_PROMPT_CHARS: usize = 500;

/// The built-in tools an assistant turns on, and the MCP servers (by id)
/// whose tools it offers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export_to = "AssistantTools.ts")]
pub struct AssistantTools {
    pub web_search: bool,
    pub code_interpreter: bool,
    pub image_generation: bool,
    pub mcp_servers: Vec<String>,
}

/// An assistant as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "Assistant.ts")]
pub struct Assistant {
    pub id: String,
    pub name: String,
    /// An emoji shown beside the name (may be empty).
    pub emoji: String,
    /// The system/developer message of every turn.
    pub instructions: String,
    /// Empty: the model the composer has.
    pub model: String,
    /// `None`: the model's default.
    pub reasoning_effort: Option<ReasoningEffort>,
    /// `None`: the model's default.
    pub verbosity: Option<Verbosity>,
    #[serde(default)]
    pub tools: AssistantTools,
    /// Shown as buttons on an empty chat with this assistant.
    #[serde(default)]
    pub starter_prompts: Vec<String>,
    pub created_at: f64,
    pub updated_at: f64,
}

/// What the editor saves: a new assistant (`id: None`) or an edit.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "AssistantInput.ts")]
pub struct AssistantInput {
    pub id: Option<String>,
    pub name: String,
    pub emoji: String,
    pub instructions: String,
    pub model: String,
    pub reasoning_effort: Option<ReasoningEffort>,
    pub verbosity: Option<Verbosity>,
    #[serde(default)]
    pub tools: AssistantTools,
    #[serde(default)]
    pub starter_prompts: Vec<String>,
}

/// Why an assistant cannot be saved. The UI checks the same rules first
/// (`ui/src/lib/assistants.ts`) and says them in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AssistantProblem {
    #[error("an assistant needs a name")]
    NoName,
    #[error("the name is longer than {MAX_NAME_CHARS} characters")]
    NameTooLong,
    #[error("the icon is longer than {MAX_EMOJI_CHARS} characters")]
    EmojiTooLong,
    #[error("the instructions are longer than {MAX_INSTRUCTIONS_CHARS} characters")]
    InstructionsTooLong,
    #[error("a model name has no spaces")]
    ModelHasSpaces,
    #[error("at most {MAX_STARTER_PROMPTS} starter prompts")]
    TooManyStarters,
    #[error("a starter prompt is longer than {MAX_STARTER_PROMPT_CHARS} characters")]
    StarterTooLong,
}

impl AssistantInput {
    /// The input as it is kept: names and prompts trimmed, empty starter
    /// prompts dropped; or the first rule it breaks.
    pub fn checked(mut self) -> Result<Self, AssistantProblem> {
        self.name = self.name.trim().to_owned();
        self.emoji = self.emoji.trim().to_owned();
        self.model = self.model.trim().to_owned();
        self.starter_prompts = self
            .starter_prompts
            .iter()
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect();
        let chars = |s: &str| s.chars().count();
        if self.name.is_empty() {
            return Err(AssistantProblem::NoName);
        }
        if chars(&self.name) > MAX_NAME_CHARS {
            return Err(AssistantProblem::NameTooLong);
        }
        if chars(&self.emoji) > MAX_EMOJI_CHARS {
            return Err(AssistantProblem::EmojiTooLong);
        }
        if chars(&self.instructions) > MAX_INSTRUCTIONS_CHARS {
            return Err(AssistantProblem::InstructionsTooLong);
        }
        if self.model.chars().any(char::is_whitespace) {
            return Err(AssistantProblem::ModelHasSpaces);
        }
        if self.starter_prompts.len() > MAX_STARTER_PROMPTS {
            return Err(AssistantProblem::TooManyStarters);
        }
        if self
            .starter_prompts
            .iter()
            .any(|p| chars(p) > MAX_STARTER_PROMPT_CHARS)
        {
            return Err(AssistantProblem::StarterTooLong);
        }
        Ok(self)
    }
}

impl From<AssistantProblem> for Error {
    fn from(problem: AssistantProblem) -> Self {
        Error::InvalidInput(problem.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> AssistantInput {
        AssistantInput {
            name: name.into(),
            ..AssistantInput::default()
        }
    }

    #[test]
    fn a_name_is_needed_and_what_is_kept_is_trimmed() {
        assert_eq!(input("  ").checked(), Err(AssistantProblem::NoName));
        let kept = AssistantInput {
            starter_prompts: vec!["  Quiz me ".into(), " ".into()],
            model: " gpt-5 ".into(),
            ..input(" Tutor ")
        }
        .checked()
        .expect("valid");
        assert_eq!(kept.name, "Tutor");
        assert_eq!(kept.model, "gpt-5");
        assert_eq!(kept.starter_prompts, ["Quiz me"]);
    }

    #[test]
    fn each_limit_is_its_own_problem() {
        let long = |n: usize| "x".repeat(n);
        assert_eq!(
            input(&long(MAX_NAME_CHARS + 1)).checked(),
            Err(AssistantProblem::NameTooLong)
        );
        // Counted in characters: a Vietnamese name of 60 letters is fine.
        assert!(input(&"ữ".repeat(MAX_NAME_CHARS)).checked().is_ok());
        let with = |f: fn(&mut AssistantInput)| {
            let mut i = input("Tutor");
            f(&mut i);
            i.checked()
        };
        assert_eq!(
            with(|i| i.emoji = "🙂".repeat(MAX_EMOJI_CHARS + 1)),
            Err(AssistantProblem::EmojiTooLong)
        );
        assert_eq!(
            with(|i| i.instructions = "x".repeat(MAX_INSTRUCTIONS_CHARS + 1)),
            Err(AssistantProblem::InstructionsTooLong)
        );
        assert_eq!(
            with(|i| i.model = "gpt 5".into()),
            Err(AssistantProblem::ModelHasSpaces)
        );
        assert_eq!(
            with(|i| i.starter_prompts = vec!["a".into(); MAX_STARTER_PROMPTS + 1]),
            Err(AssistantProblem::TooManyStarters)
        );
        assert_eq!(
            with(|i| i.starter_prompts = vec!["x".repeat(MAX_STARTER_PROMPT_CHARS + 1)]),
            Err(AssistantProblem::StarterTooLong)
        );
    }
}
