//! Models for evaluation runs, whose answers depend on the input so a
//! grader has something to grade:
//!
//! - `echo-json`: the user's text as a JSON object,
//!   `{"text": …, "chars": N, "words": N}` (for JSON Schema and JSON path
//!   graders);
//! - `judge`: a grader model. It answers with the number N of the first
//!   `[[score:N]]` in its input (the graded answer, echoed from a dataset
//!   row, carries it), or `3` when there is none; `[[judge:refuse]]` makes
//!   it answer words without a number (an off-scale or unreadable grade).

use std::time::Duration;

use serde_json::json;

use super::lifecycle::{Item, Lifecycle, Terminal};
use super::Script;
use crate::create_request::CreateRequest;

fn message(request: &CreateRequest, delay: Duration, text: String) -> Script {
    let mut lifecycle = Lifecycle::open(request, delay);
    lifecycle.item(
        &Item::Message {
            text,
            annotations: Vec::new(),
        },
        Terminal::Completed,
    );
    lifecycle.close(Terminal::Completed)
}

pub(crate) fn echo_json(request: &CreateRequest, delay: Duration) -> Script {
    let text = &request.user_text;
    let answer = json!({
        "text": text,
        "chars": text.chars().count(),
        "words": text.split_whitespace().count(),
    });
    message(request, delay, answer.to_string())
}

pub(crate) fn judge(request: &CreateRequest, delay: Duration) -> Script {
    let text = &request.user_text;
    let answer = if text.contains("[[judge:refuse]]") {
        "I would rather not say.".to_owned()
    } else {
        score_in(text).unwrap_or_else(|| "3".to_owned())
    };
    message(request, delay, answer)
}

/// The N of the first `[[score:N]]` (any digits, so off-scale numbers too).
fn score_in(text: &str) -> Option<String> {
    let start = text.find("[[score:")? + "[[score:".len();
    let rest = &text[start..];
    let end = rest.find("]]")?;
    let number = rest[..end].trim();
    (!number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '-'))
        .then(|| number.to_owned())
}

#[cfg(test)]
mod tests {
    use super::score_in;

    #[test]
    fn reads_the_first_score_marker() {
        assert_eq!(
            score_in("a [[score:4]] b [[score:1]]").as_deref(),
            Some("4")
        );
        assert_eq!(score_in("[[score:9]]").as_deref(), Some("9"));
        assert_eq!(score_in("no marker"), None);
        assert_eq!(score_in("[[score:x]]"), None);
    }
}
