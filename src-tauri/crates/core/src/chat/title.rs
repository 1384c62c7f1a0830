//! A conversation's title, made locally from its first message: no extra
//! request, no cost, and it works offline.

const MAX_CHARS: usize = 48;

use crate::words::{Language, Word};

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
    use super::title_from;
    use crate::words::Language;

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
