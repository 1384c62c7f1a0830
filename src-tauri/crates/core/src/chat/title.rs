//! A conversation's title: made locally from its first message at once (no
//! request, works offline), then — when the user lets it — named by the
//! model after the first answer, in the language the user wrote in. A title
//! the user changed meanwhile is never replaced.

const MAX_CHARS: usize = 48;

use halley_responses::{Client, CreateResponse, Endpoint, Nullable};

use crate::history::{Role, SideRequest};
use crate::words::{Language, Word};
use crate::{Error, History};

/// What the model is asked. The user's first message is the input, as it
/// is: the model names it, and a server that only repeats its input (a
/// gateway stand-in, halley-mock's echo) gives the local title back.
const NAMING: &str =
    "Name this conversation in two to six words, in the language the user wrote in. \
Answer with the name only: no quotes, no final full stop.";

/// How much of the first message the naming request carries.
const NAMING_INPUT_CHARS: usize = 2_000;

/// The request that names a conversation whose first message is `first`.
pub fn naming_request(model: &str, first: &str) -> CreateResponse {
    let input: String = first.chars().take(NAMING_INPUT_CHARS).collect();
    let mut request = CreateResponse::new(model, input);
    request.instructions = Nullable::Value(NAMING.to_owned());
    // Nothing of it is kept at the provider.
    request.store = Nullable::Value(false);
    request
}

/// The model's answer as a title: its first line, without quotes, a
/// "Title:" label or a final full stop, cut like a local title; `None`
/// when nothing is left.
pub fn clean_title(answer: &str, language: Language) -> Option<String> {
    let line = answer.lines().map(str::trim).find(|l| !l.is_empty())?;
    let mut line = line
        .strip_prefix("Title:")
        .or_else(|| line.strip_prefix("title:"))
        .unwrap_or(line);
    // Quotes, emphasis and a full stop in any order ("Name".), until none is left.
    loop {
        let trimmed = line
            .trim()
            .trim_matches(|c: char| matches!(c, '"' | '\'' | '“' | '”' | '*' | '#' | '`'))
            .trim_end_matches(['.', '。']);
        if trimmed == line {
            break;
        }
        line = trimmed;
    }
    (!line.is_empty()).then(|| title_from(line, language))
}

/// Names the conversation with `model` after its first answer, unless the
/// user renamed it meanwhile; the new title, or `None` when it stays. A
/// failed request changes nothing (the local title stays).
pub async fn name_conversation(
    history: &History,
    client: &Client,
    endpoint: &Endpoint,
    conversation_id: &str,
    model: &str,
) -> Result<Option<String>, Error> {
    let tree = history.get_conversation(conversation_id)?;
    let Some(first) = tree.messages.iter().find(|m| m.role == Role::User) else {
        return Ok(None);
    };
    let language = history.language();
    let local = title_from(&first.text, language);
    if tree.conversation.title != local {
        return Ok(None);
    }
    let answer = match client
        .create(endpoint, &naming_request(model, &first.text))
        .await
    {
        Ok(response) => {
            // Paid for like a turn: counted in the usage view.
            if let Some(usage) = response.usage.get() {
                history.record_side_request(
                    conversation_id,
                    SideRequest::Naming,
                    model,
                    super::run::usage_of(usage),
                )?;
            }
            response.output_text()
        }
        Err(error) => {
            tracing::info!(%error, "the conversation keeps its first words as its title");
            return Ok(None);
        }
    };
    let Some(title) = clean_title(&answer, language) else {
        return Ok(None);
    };
    // Read again: the user may have renamed it while the model answered.
    let now = history
        .get_conversation(conversation_id)?
        .conversation
        .title;
    if now != local || title == local {
        return Ok(None);
    }
    history.rename_conversation(conversation_id, &title)?;
    Ok(Some(title))
}

/// The first line of `text`, cut at a word; the words for "new chat" in
/// `language` when it has none.
pub fn title_from(text: &str, language: Language) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let collapsed: String = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= MAX_CHARS {
        return if collapsed.is_empty() {
            Word::NewChat.in_(language).to_owned()
        } else {
            collapsed
        };
    }
    let cut: String = collapsed.chars().take(MAX_CHARS).collect();
    // Cut at the last word boundary so a title never ends mid-word.
    let trimmed = match cut.rfind(' ') {
        Some(space) if space > MAX_CHARS / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", trimmed.trim_end_matches([',', '.', ';', ':']))
}

#[cfg(test)]
mod tests {
    use super::{clean_title, naming_request, title_from};
    use crate::words::Language;

    #[test]
    fn a_model_answer_becomes_a_clean_title() {
        let en = Language::En;
        assert_eq!(
            clean_title("\"Trip to Hà Nội\".\n", en).as_deref(),
            Some("Trip to Hà Nội")
        );
        assert_eq!(
            clean_title("Title: **Rust lifetimes**", en).as_deref(),
            Some("Rust lifetimes")
        );
        assert_eq!(clean_title("  \n\n", en), None);
        assert_eq!(clean_title("\"\"", en), None);
        let long = clean_title(&"word ".repeat(40), en).expect("a title");
        assert!(long.chars().count() <= 49, "{long}");
    }

    #[test]
    fn the_naming_request_keeps_nothing_and_carries_the_first_message() {
        let request = naming_request("gpt-5-mini", "Plan a trip");
        let body = serde_json::to_value(&request).expect("JSON");
        assert_eq!(body["store"], false);
        assert_eq!(body["input"], "Plan a trip");
        assert!(body["instructions"]
            .as_str()
            .is_some_and(|i| i.contains("language")));
    }

    #[test]
    fn short_first_line_is_the_title() {
        // The first non-empty line names the conversation, whitespace collapsed.
        assert_eq!(
            title_from("\n  Plan a   trip to Hà Nội\nmore", Language::En),
            "Plan a trip to Hà Nội"
        );
    }

    #[test]
    fn long_text_is_cut_at_a_word() {
        let title = title_from("Explain the difference between previous_response_id chaining and replaying items yourself", Language::En);
        // Ends with an ellipsis and never splits a word.
        assert!(title.ends_with('…'), "{title}");
        assert!(title.chars().count() <= 49, "{title}");
        assert!(!title.contains("chainin…"), "{title}");
    }

    #[test]
    fn empty_text_gets_a_default() {
        // An attachment-only message still needs a readable title.
        assert_eq!(title_from("   ", Language::En), "New chat");
        assert_eq!(title_from("", Language::Vi), "Cuộc trò chuyện mới");
    }
}
