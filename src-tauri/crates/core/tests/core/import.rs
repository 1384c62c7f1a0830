//! The importers: a ChatGPT export shaped as ChatGPT writes it (made by
//! `tests/chatgpt-export/make.mjs`), Halley's own JSON of every
//! conversation, and the files they refuse.

use halley_core::history::{ImportProblem, ImportSource, LeftOutKind, Role};
use halley_core::{Error, History};

use crate::support::{memory_history, new_conversation, turn};

const CHATGPT_EXPORT: &str = include_str!("../../../../../tests/chatgpt-export/conversations.json");

fn by_title(history: &History, title: &str) -> halley_core::history::ConversationTree {
    let id = history
        .list_conversations()
        .expect("list")
        .into_iter()
        .find(|c| c.title == title)
        .unwrap_or_else(|| panic!("{title} was imported"))
        .id;
    history.get_conversation(&id).expect("tree")
}

#[test]
fn a_chatgpt_export_comes_in_with_its_branches_and_the_leaf_it_showed() {
    let history = memory_history();
    let report = history
        .import_file(ImportSource::Chatgpt, CHATGPT_EXPORT)
        .expect("imports");
    assert_eq!(report.conversations_added, 5);
    assert_eq!(report.conversations_already_here, 0);

    let platypus = by_title(&history, "Platypus facts");
    let texts = |ids: &[String]| -> Vec<String> {
        ids.iter()
            .map(|id| {
                platypus
                    .messages
                    .iter()
                    .find(|m| &m.id == id)
                    .expect("child")
                    .text
                    .clone()
            })
            .collect()
    };
    let first_answer = platypus
        .messages
        .iter()
        .find(|m| m.text.starts_with("The platypus is one of"))
        .expect("first answer");
    assert_eq!(
        texts(&first_answer.children_ids),
        ["And its bill?", "How does it hunt underwater?"],
        "the edited question is a branch beside the first, in ChatGPT's order"
    );
    let edited = platypus
        .messages
        .iter()
        .find(|m| m.text == "How does it hunt underwater?")
        .expect("edited question");
    assert_eq!(
        edited.children_ids.len(),
        2,
        "the regenerated answer is a branch too"
    );
    let branch: Vec<(Role, &str)> = platypus
        .current_branch()
        .iter()
        .map(|m| (m.role, m.text.as_str()))
        .collect();
    assert_eq!(
        branch,
        [
            (Role::User, "Tell me one fact about the platypus."),
            (
                Role::Assistant,
                "The platypus is one of the few mammals that lay eggs."
            ),
            (Role::User, "How does it hunt underwater?"),
            (
                Role::Assistant,
                "With its eyes shut, it finds shrimp by the **electric fields** they make."
            ),
        ],
        "current_node is the leaf Halley opens on; the hidden system root is left out"
    );
    assert_eq!(
        platypus.messages[1].model.as_deref(),
        Some("gpt-4o"),
        "the model is kept"
    );

    let sine = by_title(&history, "Plot a sine wave");
    assert_eq!(
        sine.messages.len(),
        2,
        "code, its output and the answer are one turn"
    );
    assert!(sine.messages[0]
        .text
        .starts_with("[image]\n\nPlot a sine wave"));
    let answer = &sine.messages[1].text;
    assert!(answer.starts_with("```\nimport numpy as np"), "{answer}");
    assert!(
        answer.contains("```\n[ 0.  1.  0. -1. -0.]\n```"),
        "{answer}"
    );
    assert!(answer.ends_with("back to 0 over one period."), "{answer}");

    let sky = by_title(&history, "Why is the sky blue?");
    assert_eq!(
        sky.messages.len(),
        2,
        "custom instructions are not a message"
    );
    assert_eq!(
        sky.messages[1].reasoning,
        "**Recalling Rayleigh scattering**\n\nScattering goes with the inverse fourth power of the wavelength."
    );
    assert!(sky.messages[1].text.starts_with("Air scatters"));
    assert!(
        !sky.messages[1].text.contains("Thought for"),
        "the recap is ChatGPT's chrome"
    );

    let hanoi = by_title(&history, "Thời tiết Hà Nội");
    assert_eq!(hanoi.messages.len(), 2);
    assert!(hanoi.messages[1]
        .text
        .contains("> Trời nhiều mây, nhiệt độ 24°C.\n\n— [Dự báo thời tiết Hà Nội](https://example.vn/thoi-tiet/ha-noi)"));
    assert!(hanoi.messages[1].text.ends_with("khoảng 24°C."));

    let future = by_title(&history, "Content from the future");
    assert_eq!(
        future.messages.last().expect("answer").text,
        "Here is the widget, described in words.",
        "an unknown kind's text is kept"
    );
    let left_out: Vec<(LeftOutKind, u32)> = report
        .left_out
        .iter()
        .map(|l| (l.what.clone(), l.count))
        .collect();
    assert_eq!(
        left_out,
        [
            (LeftOutKind::Image, 1),
            (
                LeftOutKind::UnknownContent {
                    name: "future_widget".into()
                },
                1
            )
        ]
    );

    let again = history
        .import_file(ImportSource::Chatgpt, CHATGPT_EXPORT)
        .expect("imports again");
    assert_eq!(again.conversations_added, 0);
    assert_eq!(again.conversations_already_here, 5);
    assert_eq!(again.messages_added, 0, "importing twice adds nothing");
    assert_eq!(history.list_conversations().expect("list").len(), 5);
}

#[test]
fn a_broken_chatgpt_export_imports_nothing_and_says_which_conversation() {
    let history = memory_history();
    let mut export: serde_json::Value = serde_json::from_str(CHATGPT_EXPORT).expect("json");
    export[2]
        .as_object_mut()
        .expect("conversation")
        .remove("mapping");
    match history.import_file(ImportSource::Chatgpt, &export.to_string()) {
        Err(Error::Import(ImportProblem::Unreadable {
            conversation,
            detail,
        })) => {
            assert_eq!(conversation, "Why is the sky blue?");
            assert!(detail.contains("mapping"), "{detail}");
        }
        other => panic!("not refused: {other:?}"),
    }
    assert!(
        history.list_conversations().expect("list").is_empty(),
        "the two before it were not kept either"
    );

    let mut missing_parent: serde_json::Value = serde_json::from_str(CHATGPT_EXPORT).expect("json");
    // A node whose parent is not in the mapping becomes a root, not a failure.
    for node in missing_parent[0]["mapping"]
        .as_object_mut()
        .expect("mapping")
        .values_mut()
    {
        if node["message"]["content"]["parts"][0] == "And its bill?" {
            node["parent"] = "gone".into();
        }
    }
    history
        .import_file(ImportSource::Chatgpt, &missing_parent.to_string())
        .expect("imports");

    let refused = |source, text: &str| match history.import_file(source, text) {
        Err(Error::Import(problem)) => problem,
        other => panic!("{text:.40} was not refused: {other:?}"),
    };
    assert!(matches!(
        refused(ImportSource::Chatgpt, "{not json"),
        ImportProblem::NotJson { .. }
    ));
    assert_eq!(
        refused(ImportSource::Chatgpt, r#"{"a": 1}"#),
        ImportProblem::NotRecognised
    );
    assert_eq!(
        refused(ImportSource::Chatgpt, r#"[{"b": 2}]"#),
        ImportProblem::NotRecognised
    );
    assert_eq!(
        refused(ImportSource::Halley, CHATGPT_EXPORT),
        ImportProblem::NotRecognised
    );
}

#[test]
fn halleys_json_of_every_conversation_imports_whole_and_only_once() {
    let source = memory_history();
    let c = new_conversation(&source, "Moved between machines");
    let (q, _) = turn(&source, &c, None, "question", "answer");
    turn(
        &source,
        &c,
        q.parent_id.as_deref(),
        "question, edited",
        "answer two",
    );
    let other = new_conversation(&source, "Second");
    turn(&source, &other, None, "hello", "hi");
    let exported = source.export_all_json().expect("export");

    let target = memory_history();
    let report = target
        .import_file(ImportSource::Halley, &exported)
        .expect("imports");
    assert_eq!(report.conversations_added, 2);
    assert_eq!(report.messages_added, 6);
    assert_eq!(
        target.export_all_json().expect("export"),
        exported,
        "the same conversations, ids and times included"
    );
    let again = target
        .import_file(ImportSource::Halley, &exported)
        .expect("again");
    assert_eq!(
        (again.conversations_added, again.conversations_already_here),
        (0, 2)
    );

    // One conversation's own export imports the same way.
    let single = source.export_json(&c).expect("export one");
    let fresh = memory_history();
    let one = fresh
        .import_file(ImportSource::Halley, &single)
        .expect("one");
    assert_eq!(one.first_conversation_id.as_deref(), Some(c.as_str()));

    let mut newer: serde_json::Value = serde_json::from_str(&exported).expect("json");
    newer["version"] = 7.into();
    assert!(matches!(
        fresh.import_file(ImportSource::Halley, &newer.to_string()),
        Err(Error::Import(ImportProblem::Newer { found: 7, .. }))
    ));
}

#[test]
fn export_all_as_markdown_has_every_conversation_under_its_title() {
    let history = memory_history();
    let a = new_conversation(&history, "Alpha");
    turn(&history, &a, None, "alpha question", "alpha answer");
    let b = new_conversation(&history, "Beta");
    turn(&history, &b, None, "beta question", "beta answer");
    let trashed = new_conversation(&history, "Gamma");
    history.delete_conversation(&trashed).expect("trash");
    let markdown = history.export_all_markdown().expect("markdown");
    assert!(
        markdown.starts_with("# Beta\n"),
        "newest first: {markdown:.80}"
    );
    assert!(markdown.contains("\n# Alpha\n"));
    assert!(markdown.contains("alpha answer") && markdown.contains("beta question"));
    assert!(!markdown.contains("Gamma"), "the trash is not exported");
}

/// Random damage to the real-shaped export — a field removed, or made null,
/// a number, a string, an empty list or object, anywhere in the tree — never
/// panics the importer, and every import is all or nothing.
#[test]
fn a_damaged_chatgpt_export_never_panics_and_is_all_or_nothing() {
    use serde_json::Value;
    let pristine: Value = serde_json::from_str(CHATGPT_EXPORT).expect("json");
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        // xorshift64*: deterministic, so a failure replays.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let (mut imported, mut refused) = (0, 0);
    for round in 0..300 {
        let mut export = pristine.clone();
        for _ in 0..=next() % 3 {
            damage(&mut export, &mut next);
        }
        let history = memory_history();
        match history.import_file(ImportSource::Chatgpt, &export.to_string()) {
            Ok(report) => {
                imported += 1;
                let listed = history.list_conversations().expect("list");
                assert_eq!(
                    listed.len() as u32,
                    report.conversations_added,
                    "round {round}"
                );
                for c in listed {
                    let tree = history.get_conversation(&c.id).expect("tree");
                    let branch = tree.current_branch();
                    assert!(
                        branch
                            .windows(2)
                            .all(|w| w[1].parent_id.as_deref() == Some(w[0].id.as_str())),
                        "round {round}: the current branch is a path"
                    );
                    assert!(c.created_at.is_finite() && c.updated_at.is_finite());
                }
            }
            Err(Error::Import(_)) => {
                refused += 1;
                assert!(
                    history.list_conversations().expect("list").is_empty(),
                    "round {round}: a refused import keeps nothing"
                );
            }
            Err(other) => panic!("round {round}: not an import problem: {other:?}"),
        }
    }
    assert!(
        imported > 50 && refused > 5,
        "both outcomes were reached: {imported} / {refused}"
    );
}

fn damage(value: &mut serde_json::Value, next: &mut impl FnMut() -> u64) {
    use serde_json::Value;
    let deeper = !next().is_multiple_of(5);
    match value {
        Value::Object(map) if deeper && !map.is_empty() => {
            let key = map
                .keys()
                .nth((next() % map.len() as u64) as usize)
                .cloned();
            let Some(key) = key else { return };
            if next().is_multiple_of(6) {
                map.remove(&key);
            } else if let Some(child) = map.get_mut(&key) {
                damage(child, next);
            }
        }
        Value::Array(items) if deeper && !items.is_empty() => {
            let index = (next() % items.len() as u64) as usize;
            damage(&mut items[index], next);
        }
        _ => {
            *value = match next() % 5 {
                0 => Value::Null,
                1 => 7.into(),
                2 => "x".into(),
                3 => Value::Array(Vec::new()),
                _ => Value::Object(Default::default()),
            }
        }
    }
}
