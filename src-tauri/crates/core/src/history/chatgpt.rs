//! Reading a ChatGPT data export's `conversations.json` into Halley's tree.
//!
//! Each conversation is a `mapping` of nodes (`id`, `parent`, `children`,
//! `message`); an edited question or a regenerated answer is a second child
//! of the same parent, which is exactly how Halley stores a branch (siblings
//! under one parent, ordered by when they were stored). `current_node` is
//! the leaf ChatGPT showed last, Halley's `current_leaf_id`.
//!
//! Halley has two roles, so the rest is folded in: system messages, hidden
//! ones (custom instructions, memory) and the root (no message) are passed
//! through — their children hang on the nearest kept ancestor — and a tool's
//! output or an assistant's follow-up that comes alone after an assistant
//! turn (code → its output → the answer) is appended to that turn's message.
//! What cannot be shown (images, audio: not in `conversations.json`; content
//! of a kind this code does not know and that has no text) is counted in the
//! report instead of failing the import. A conversation whose structure is
//! unreadable (no id, no mapping, a node that is not an object, a tree that
//! loops) fails the whole import with its title: nothing is half-imported.
//!
//! Ids are kept (`chatgpt-<conversation id>`, `chatgpt-<node id>`), so
//! importing the same export twice adds nothing, and a later export of the
//! same conversation adds only its new messages.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value};

use super::{ImportProblem, LeftOutKind, Role};
use crate::Error;

/// What could not be brought in, by kind.
pub(super) type LeftOutCounts = BTreeMap<LeftOutKind, u32>;

pub(super) struct ChatGptConversation {
    pub id: String,
    pub title: String,
    pub created_at: f64,
    pub updated_at: f64,
    pub model: Option<String>,
    /// Parents before children.
    pub messages: Vec<ChatGptMessage>,
    /// Index into `messages` of the leaf ChatGPT showed.
    pub current_leaf: Option<usize>,
}

pub(super) struct ChatGptMessage {
    pub id: String,
    pub parent: Option<usize>,
    pub role: Role,
    pub created_at: f64,
    pub text: String,
    pub reasoning: String,
    pub model: Option<String>,
}

/// Reads the whole export (a JSON array of conversations).
pub(super) fn read_export(
    value: Value,
    left_out: &mut LeftOutCounts,
) -> Result<Vec<ChatGptConversation>, Error> {
    let Value::Array(items) = value else {
        return Err(Error::Import(ImportProblem::NotRecognised));
    };
    // An array of things that are not conversations is another file.
    if items
        .first()
        .is_some_and(|first| first.get("mapping").is_none() && first.get("title").is_none())
    {
        return Err(Error::Import(ImportProblem::NotRecognised));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            read_conversation(item, left_out).map_err(|detail| {
                let title = item
                    .get("title")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("#{}", i + 1));
                Error::Import(ImportProblem::Unreadable {
                    conversation: title,
                    detail,
                })
            })
        })
        .collect()
}

struct Node<'a> {
    parent: Option<&'a str>,
    listed_children: Vec<&'a str>,
    message: Option<&'a Value>,
}

fn read_conversation(
    item: &Value,
    left_out: &mut LeftOutCounts,
) -> Result<ChatGptConversation, String> {
    let object = item.as_object().ok_or("it is not a JSON object")?;
    let id = text_of(object, "conversation_id")
        .or_else(|| text_of(object, "id"))
        .ok_or("it has no id (conversation_id)")?;
    let mapping = object
        .get("mapping")
        .and_then(Value::as_object)
        .ok_or("it has no mapping (the tree of its messages)")?;
    let now = super::now_ms();
    let created_at = seconds_to_ms(object.get("create_time")).unwrap_or(now);
    let updated_at = seconds_to_ms(object.get("update_time")).unwrap_or(created_at);
    let title = text_of(object, "title")
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "ChatGPT".to_owned());

    let mut nodes: HashMap<&str, Node<'_>> = HashMap::with_capacity(mapping.len());
    for (key, node) in mapping {
        let node = node
            .as_object()
            .ok_or_else(|| format!("its node {key} is not a JSON object"))?;
        let listed_children = match node.get("children") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(children)) => children.iter().filter_map(Value::as_str).collect(),
            Some(_) => return Err(format!("the children of node {key} are not a list")),
        };
        nodes.insert(
            key.as_str(),
            Node {
                parent: node.get("parent").and_then(Value::as_str),
                listed_children,
                message: node.get("message").filter(|m| !m.is_null()),
            },
        );
    }
    // Children from the parent links (each node has one parent, so a node
    // cannot be reached twice), in the order the parent lists them.
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut roots = Vec::new();
    let mut keys: Vec<&str> = nodes.keys().copied().collect();
    keys.sort_unstable();
    for key in &keys {
        match nodes[key].parent.filter(|p| nodes.contains_key(p)) {
            Some(parent) => children.entry(parent).or_default().push(key),
            None => roots.push(*key),
        }
    }
    for (parent, list) in children.iter_mut() {
        let order = &nodes[parent].listed_children;
        list.sort_by_key(|c| order.iter().position(|o| o == c).unwrap_or(usize::MAX));
    }

    let mut messages: Vec<ChatGptMessage> = Vec::new();
    // The Halley message each node went into (or the nearest one above it).
    let mut landed: HashMap<&str, Option<usize>> = HashMap::new();
    let mut visited: HashSet<&str> = HashSet::new();
    // (node, the Halley message above it, whether the node's parent went into
    // that message and has no other child: then an assistant-side node is
    // the same turn going on).
    let mut stack: Vec<(&str, Option<usize>, bool)> =
        roots.iter().rev().map(|r| (*r, None, false)).collect();
    while let Some((key, above, continues)) = stack.pop() {
        visited.insert(key);
        let converted = nodes[key]
            .message
            .map(|m| convert(m, left_out))
            .unwrap_or(Converted::Skip);
        let mut contributed = false;
        let here = match converted {
            Converted::Skip => above,
            Converted::Message {
                role,
                text,
                reasoning,
                model,
                created_at: at,
            } => {
                let continuing = role == Role::Assistant
                    && continues
                    && above.is_some_and(|i| messages[i].role == Role::Assistant);
                contributed = true;
                match (continuing, above) {
                    (true, Some(i)) => {
                        append(&mut messages[i].text, &text);
                        append(&mut messages[i].reasoning, &reasoning);
                        if messages[i].model.is_none() {
                            messages[i].model = model;
                        }
                        Some(i)
                    }
                    _ => {
                        messages.push(ChatGptMessage {
                            id: format!("chatgpt-{key}"),
                            parent: above,
                            role,
                            created_at: at.unwrap_or(created_at),
                            text,
                            reasoning,
                            model,
                        });
                        Some(messages.len() - 1)
                    }
                }
            }
        };
        landed.insert(key, here);
        let kids = children.get(key).map(Vec::as_slice).unwrap_or_default();
        let single = kids.len() == 1;
        // A node passed through (a reasoning recap, what a browser read)
        // keeps the turn going if it was going on.
        let next = single && if contributed { true } else { continues };
        for kid in kids.iter().rev() {
            stack.push((kid, here, next));
        }
    }
    if visited.len() < nodes.len() {
        return Err(format!(
            "{} of its nodes loop back on themselves instead of reaching the root",
            nodes.len() - visited.len()
        ));
    }
    let current_leaf = text_of(object, "current_node")
        .and_then(|node| landed.get(node.as_str()).copied().flatten())
        .or_else(|| messages.len().checked_sub(1));
    Ok(ChatGptConversation {
        id: format!("chatgpt-{id}"),
        title,
        created_at,
        updated_at,
        model: text_of(object, "default_model_slug"),
        messages,
        current_leaf,
    })
}

enum Converted {
    Skip,
    Message {
        role: Role,
        text: String,
        reasoning: String,
        model: Option<String>,
        created_at: Option<f64>,
    },
}

fn convert(message: &Value, left_out: &mut LeftOutCounts) -> Converted {
    let role = message
        .get("author")
        .and_then(|a| a.get("role"))
        .and_then(Value::as_str);
    let role = match role {
        Some("user") => Role::User,
        Some("assistant" | "tool") => Role::Assistant,
        // The system prompt (and the empty one every export starts with).
        Some("system") => return Converted::Skip,
        Some(other) => {
            count(
                left_out,
                LeftOutKind::UnknownRole {
                    name: other.to_owned(),
                },
            );
            return Converted::Skip;
        }
        None => {
            count(left_out, LeftOutKind::MessageWithoutAuthor);
            return Converted::Skip;
        }
    };
    let metadata = message.get("metadata");
    if metadata
        .and_then(|m| m.get("is_visually_hidden_from_conversation"))
        .and_then(Value::as_bool)
        == Some(true)
    {
        return Converted::Skip;
    }
    let Some(content) = message.get("content").and_then(Value::as_object) else {
        count(left_out, LeftOutKind::MessageWithoutContent);
        return Converted::Skip;
    };
    let mut text = String::new();
    let mut reasoning = String::new();
    let content_type = content
        .get("content_type")
        .and_then(Value::as_str)
        .unwrap_or("");
    match content_type {
        "text" => {
            for part in parts(content) {
                match part.as_str() {
                    Some(s) => append(&mut text, s),
                    None => count(left_out, unknown("text")),
                }
            }
        }
        "multimodal_text" => {
            for part in parts(content) {
                match part {
                    Value::String(s) => append(&mut text, s),
                    Value::Object(object) => {
                        let kind = object
                            .get("content_type")
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        if kind == "image_asset_pointer" {
                            // The image file is beside conversations.json in
                            // the export's zip, not in it.
                            append(&mut text, "[image]");
                            count(left_out, LeftOutKind::Image);
                        } else if let Some(s) = object.get("text").and_then(Value::as_str) {
                            append(&mut text, s);
                        } else if kind.contains("audio") || kind.contains("video") {
                            count(left_out, LeftOutKind::Audio);
                        } else {
                            count(left_out, unknown(kind));
                        }
                    }
                    _ => {}
                }
            }
        }
        "code" => {
            let code = content.get("text").and_then(Value::as_str).unwrap_or("");
            let language = content
                .get("language")
                .and_then(Value::as_str)
                .filter(|l| *l != "unknown")
                .unwrap_or("");
            if !code.trim().is_empty() {
                append(&mut text, &fenced(language, code));
            }
        }
        "execution_output" => {
            let output = content.get("text").and_then(Value::as_str).unwrap_or("");
            if !output.trim().is_empty() {
                append(&mut text, &fenced("", output));
            }
        }
        "thoughts" => {
            for thought in content
                .get("thoughts")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                if let Some(summary) = thought.get("summary").and_then(Value::as_str) {
                    append(&mut reasoning, &format!("**{summary}**"));
                }
                if let Some(body) = thought.get("content").and_then(Value::as_str) {
                    append(&mut reasoning, body);
                }
            }
        }
        "tether_quote" => {
            let quoted = content.get("text").and_then(Value::as_str).unwrap_or("");
            let quote: Vec<String> = quoted.lines().map(|l| format!("> {l}")).collect();
            append(&mut text, &quote.join("\n"));
            if let Some(url) = content.get("url").and_then(Value::as_str) {
                let title = content.get("title").and_then(Value::as_str).unwrap_or(url);
                append(&mut text, &format!("— [{title}]({url})"));
            }
        }
        "system_error" => {
            let detail = content.get("text").and_then(Value::as_str).unwrap_or("");
            append(&mut text, &format!("*({detail})*"));
        }
        // What ChatGPT shows nobody: "Thought for 5 s", what a browsing tool
        // read, custom instructions and memory.
        "reasoning_recap"
        | "tether_browsing_display"
        | "user_editable_context"
        | "model_editable_context" => return Converted::Skip,
        other => {
            // A kind this code does not know: its text, if it has any.
            let mut found = false;
            if let Some(s) = content.get("text").and_then(Value::as_str) {
                append(&mut text, s);
                found = true;
            }
            for part in parts(content) {
                if let Some(s) = part.as_str() {
                    append(&mut text, s);
                    found = true;
                }
            }
            if !found {
                count(left_out, unknown(other));
            }
        }
    }
    if text.trim().is_empty() && reasoning.trim().is_empty() {
        return Converted::Skip;
    }
    Converted::Message {
        role,
        text,
        reasoning,
        model: metadata
            .and_then(|m| m.get("model_slug"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        created_at: seconds_to_ms(message.get("create_time")),
    }
}

fn parts(content: &Map<String, Value>) -> &[Value] {
    content
        .get("parts")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn fenced(language: &str, body: &str) -> String {
    // A fence longer than any run of backticks inside, so the block holds.
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!(
        "{fence}{language}\n{}\n{fence}",
        body.trim_end_matches('\n')
    )
}

/// Joins pieces of one message with a blank line.
fn append(into: &mut String, piece: &str) {
    if piece.trim().is_empty() {
        return;
    }
    if !into.is_empty() {
        into.push_str("\n\n");
    }
    into.push_str(piece);
}

fn count(left_out: &mut LeftOutCounts, what: LeftOutKind) {
    *left_out.entry(what).or_default() += 1;
}

fn unknown(content_type: &str) -> LeftOutKind {
    LeftOutKind::UnknownContent {
        name: content_type.to_owned(),
    }
}

fn text_of(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Later than any real export (the year 5138): a time past it is damage.
const LATEST_SECONDS: f64 = 1e11;

/// ChatGPT's times are seconds since the epoch (with a fraction), or null.
/// One that cannot be a time reads as missing, never as infinity (which
/// JSON cannot carry to the UI).
fn seconds_to_ms(value: Option<&Value>) -> Option<f64> {
    value
        .and_then(Value::as_f64)
        .filter(|s| s.is_finite() && (0.0..LATEST_SECONDS).contains(s))
        .map(|s| s * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(id: &str, parent: Option<&str>, children: &[&str], message: Value) -> (String, Value) {
        (
            id.to_owned(),
            json!({"id": id, "parent": parent, "children": children, "message": message}),
        )
    }

    fn said(role: &str, text: &str) -> Value {
        json!({"author": {"role": role}, "content": {"content_type": "text", "parts": [text]}})
    }

    #[test]
    fn a_tool_round_folds_into_one_answer_and_a_loop_is_refused() {
        let mapping: Map<String, Value> = [
            node("root", None, &["u"], Value::Null),
            node("u", Some("root"), &["a"], said("user", "run it")),
            node(
                "a",
                Some("u"),
                &["t"],
                json!({"author": {"role": "assistant"}, "content": {"content_type": "code", "language": "python", "text": "print(1)"}}),
            ),
            node(
                "t",
                Some("a"),
                &["b"],
                json!({"author": {"role": "tool"}, "content": {"content_type": "execution_output", "text": "1"}}),
            ),
            node("b", Some("t"), &[], said("assistant", "It printed 1.")),
        ]
        .into_iter()
        .collect();
        let mut left_out = LeftOutCounts::new();
        let c = read_conversation(
            &json!({"id": "c", "title": "t", "mapping": mapping, "current_node": "b"}),
            &mut left_out,
        )
        .expect("reads");
        assert_eq!(c.messages.len(), 2, "question, and one answer");
        assert_eq!(
            c.messages[1].text,
            "```python\nprint(1)\n```\n\n```\n1\n```\n\nIt printed 1."
        );
        assert_eq!(c.current_leaf, Some(1));

        let looped: Map<String, Value> = [
            node("x", Some("y"), &["y"], said("user", "a")),
            node("y", Some("x"), &["x"], said("assistant", "b")),
        ]
        .into_iter()
        .collect();
        let problem = read_conversation(&json!({"id": "c", "mapping": looped}), &mut left_out)
            .err()
            .expect("a loop is refused");
        assert!(problem.contains("loop"), "{problem}");
    }

    #[test]
    fn a_fence_is_longer_than_the_backticks_inside() {
        assert_eq!(fenced("", "a ``` b"), "````\na ``` b\n````");
    }
}
