//! Writes one long conversation into a history file through the history API
//! (the same calls a chat turn makes), for `./x bench`'s "open a 10,000-message
//! conversation" figures. Prints the new conversation's id. With 0 messages
//! it only creates the file. Either way it records an update check and the
//! day's automatic backup as just done, so an app started on the folder does
//! not look for updates online (a release build has no switch for that) nor
//! write a backup while it is measured.
//!
//!     cargo run -p halley-core --example seed_conversation -- <history.sqlite3> <messages> [title]

use std::path::PathBuf;
use std::process::ExitCode;

use halley_core::history::{AssistantOutcome, MessageParts, MessageStatus, NewConversation, Usage};
use halley_core::History;
use serde_json::Value;

/// Answers of a few shapes the renderer meets in real use, cycled.
const ANSWERS: &[&str] = &[
    "Here is a short answer with **bold** text, `inline code` and a [link](https://example.com).",
    "Three steps:\n\n1. Read the question.\n2. Think about it.\n3. Answer it plainly.\n\nThat is all.",
    "A code block:\n\n```rust\nfn main() {\n    println!(\"hello\");\n}\n```\n\nIt prints a greeting.",
    "A longer paragraph to give the list some height: the quick brown fox jumps over the lazy dog, \
     again and again, until the line wraps at least once or twice in a window of ordinary width.\n\n\
     > A quote, for variety.\n\nAnd a closing line.",
];

fn run(path: PathBuf, messages: usize, title: String) -> Result<String, halley_core::Error> {
    let history = History::open(&path)?;
    history.record_update_check()?;
    // Nor write the day's automatic backup in the middle of a measurement.
    history.record_automatic_backup()?;
    if messages == 0 {
        return Ok(String::new());
    }
    let conversation = history.create_conversation(NewConversation {
        title,
        model: Some("echo".into()),
        provider_id: None,
        settings: Value::Null,
    })?;
    let mut parent: Option<String> = None;
    for n in 0..messages {
        let id = if n % 2 == 0 {
            let text = format!(
                "Question {} of the seeded conversation: what comes next?",
                n / 2 + 1
            );
            history
                .append_user_message(&conversation.id, parent.as_deref(), &text, &[])?
                .id
        } else {
            let Some(question) = parent.as_deref() else {
                unreachable!("an answer always follows a question");
            };
            let answer = history.begin_assistant_message(question, "echo")?;
            let text = format!(
                "{} (answer {})",
                ANSWERS[(n / 2) % ANSWERS.len()],
                n / 2 + 1
            );
            history.finish_assistant_message(
                &answer.id,
                &AssistantOutcome {
                    status: MessageStatus::Complete,
                    text,
                    reasoning: String::new(),
                    parts: MessageParts::default(),
                    response_id: None,
                    request: None,
                    response: None,
                    usage: Usage::default(),
                    error: None,
                },
            )?;
            answer.id
        };
        parent = Some(id);
    }
    Ok(conversation.id)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(Ok(messages))) = (args.next(), args.next().map(|n| n.parse())) else {
        eprintln!("usage: seed_conversation <history.sqlite3> <messages> [title]");
        return ExitCode::from(2);
    };
    let title = args
        .next()
        .unwrap_or_else(|| format!("{messages} messages"));
    match run(PathBuf::from(path), messages, title) {
        Ok(id) => {
            println!("{id}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("seed_conversation: {error}");
            ExitCode::FAILURE
        }
    }
}
