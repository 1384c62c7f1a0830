//! The `echo` scenario: answers with the user's own text, and shows off the
//! parts of the API a request asks for (reasoning, web search, function
//! calls, MCP, and the hosted tools `file_search`, `code_interpreter` and
//! `image_generation`), so a client can be driven through every kind of
//! item.

use std::time::Duration;

use serde_json::{json, Value};

use super::file_search::Hit;
use super::lifecycle::{Item, Lifecycle, Terminal};
use super::said::Said;
use super::{code_interpreter, file_search, image_generation, Script};
use crate::create_request::CreateRequest;

const CITATION: &str = " ([example.com](https://example.com/source))";

/// The whole echo answer as a script. `searched` is what the request's
/// `file_search` found (`None`: no file search runs).
pub(crate) fn script(request: &CreateRequest, delay: Duration, searched: Option<&[Hit]>) -> Script {
    let mut lifecycle = Lifecycle::open(request, delay);
    let response_id = lifecycle.response_id().to_owned();
    for item in items(request, searched, &response_id) {
        lifecycle.item(&item, Terminal::Completed);
        if matches!(&item, Item::ImageGeneration(call) if call.fails) {
            return lifecycle.close(image_generation::FAILED);
        }
    }
    lifecycle.close(Terminal::Completed)
}

/// The output items the echo sends for this request, in order: reasoning,
/// then function calls or MCP items (which end the answer there), or each
/// hosted tool's call and a message saying what they gave.
pub(crate) fn items(
    request: &CreateRequest,
    searched: Option<&[Hit]>,
    response_id: &str,
) -> Vec<Item> {
    let mut items = Vec::new();
    if request.reasoning {
        let topic: String = request.user_text.chars().take(60).collect();
        items.push(Item::Reasoning {
            summary: format!("**Echoing**\n\nThe user wrote \"{topic}\"; I will say it back."),
            encrypted: request.encrypted_reasoning,
        });
    }
    if let Some(calls) = function_calls(request) {
        items.extend(calls);
        return items;
    }
    if let Some(mcp) = mcp_items(request) {
        items.extend(mcp);
        return items;
    }
    let mut said = Vec::new();
    if request.web_search {
        items.push(Item::WebSearch {
            query: request.user_text.chars().take(100).collect(),
        });
        let mut text = answer_text(request);
        let start = text.chars().count();
        text.push_str(CITATION);
        let citation = json!({"type": "url_citation", "end_index": text.chars().count(),
            "start_index": start, "title": "Example source",
            "url": "https://example.com/source"});
        said.push(Said::new(text, vec![citation]));
    }
    if let Some(hits) = searched.filter(|_| request.file_search.is_some()) {
        let (item, part) = file_search::answer(request, hits);
        items.push(item);
        said.push(part);
    }
    if request.code_interpreter.is_some() {
        let (item, part) = code_interpreter::answer(request, response_id);
        items.push(item);
        said.push(part);
    }
    if let Some(tool) = &request.image_generation {
        let (item, part) = image_generation::answer(request, tool);
        items.push(item);
        said.push(part);
    }
    if said.is_empty() {
        said.push(Said::plain(answer_text(request)));
    }
    let Said { text, annotations } = Said::join(said);
    items.push(Item::Message { text, annotations });
    items
}

/// `call:<name> [json args]` or `call:all` when the request has function
/// tools and is not already answering calls; `call-again:` calls even then,
/// every round (a model that never stops calling, for a client's bound on
/// rounds).
fn function_calls(request: &CreateRequest) -> Option<Vec<Item>> {
    let text = request.user_text.trim();
    let (command, again) = match text.strip_prefix("call-again:") {
        Some(command) => (command, true),
        None => (text.strip_prefix("call:")?, false),
    };
    if request.function_names.is_empty() || (!again && !request.function_outputs.is_empty()) {
        return None;
    }
    let (target, rest) = command
        .trim()
        .split_once(char::is_whitespace)
        .unwrap_or((command.trim(), ""));
    let arguments = match serde_json::from_str::<Value>(rest.trim()) {
        Ok(value) if value.is_object() => value.to_string(),
        _ => "{}".to_owned(),
    };
    let names: Vec<&String> = if target == "all" {
        request.function_names.iter().collect()
    } else {
        let named = request.function_names.iter().find(|name| *name == target);
        named
            .or(request.function_names.first())
            .into_iter()
            .collect()
    };
    Some(
        names
            .into_iter()
            .map(|name| Item::FunctionCall {
                name: name.clone(),
                arguments: arguments.clone(),
            })
            .collect(),
    )
}

/// An MCP tool that needs approval: first an `mcp_approval_request` (and
/// the response ends there); once the input answers it, the call (when
/// approved) and a message saying which way it went.
fn mcp_items(request: &CreateRequest) -> Option<Vec<Item>> {
    let (label, name) = request.mcp_needing_approval.clone()?;
    let arguments = json!({"text": request.user_text}).to_string();
    let Some(&approved) = request.mcp_approvals.last() else {
        return Some(vec![Item::Whole(json!({
            "type": "mcp_approval_request",
            "arguments": arguments,
            "name": name,
            "server_label": label,
        }))]);
    };
    let mut items = Vec::new();
    let text = if approved {
        items.push(Item::Whole(json!({
            "type": "mcp_call",
            "approval_request_id": null,
            "arguments": arguments,
            "error": null,
            "name": name,
            "output": format!("{name} ran on {label}"),
            "server_label": label,
        })));
        format!("The MCP call was approved: {name} ran on {label}.")
    } else {
        format!("The MCP call was denied: {name} did not run.")
    };
    items.push(Item::Message {
        text,
        annotations: Vec::new(),
    });
    Some(items)
}

pub(crate) fn answer_text(request: &CreateRequest) -> String {
    if !request.function_outputs.is_empty() {
        return format!("Got outputs: {}", request.function_outputs.join(", "));
    }
    let mut text = if request.user_text.is_empty() {
        "(no text)".to_owned()
    } else {
        request.user_text.clone()
    };
    let mut attachments = Vec::new();
    if request.images > 0 {
        attachments.push(plural(request.images, "image"));
    }
    if request.files > 0 {
        attachments.push(plural(request.files, "file"));
    }
    if !attachments.is_empty() {
        text = format!("{text} [{}]", attachments.join(", "));
    }
    if request.user_text.to_lowercase().contains("markdown") {
        text = markdown(&text);
    }
    text
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// A small document with each block kind a renderer must handle.
fn markdown(echo: &str) -> String {
    format!(
        "# Echo\n\nYou said: **{echo}**\n\n## A list\n\n- first point\n- second point with `code`\n\n\
         ```rust\nfn main() {{\n    println!(\"hello\");\n}}\n```\n\n\
         | column | value |\n| --- | --- |\n| chars | {} |\n| words | {} |\n",
        echo.chars().count(),
        echo.split_whitespace().count()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: Value) -> CreateRequest {
        CreateRequest::parse(body).expect("a valid request")
    }

    fn items(request: &CreateRequest) -> Vec<Item> {
        super::items(request, None, "resp_test")
    }

    #[test]
    fn attachments_are_mentioned_after_the_text() {
        let request = request(
            json!({"model": "echo", "input": [{"role": "user", "content": [
                {"type": "input_text", "text": "look"},
                {"type": "input_image", "image_url": "x"},
                {"type": "input_image", "image_url": "y"},
                {"type": "input_file", "file_id": "f"},
            ]}]}),
        );
        assert_eq!(answer_text(&request), "look [2 images, 1 file]");
    }

    #[test]
    fn markdown_requests_get_every_block_kind() {
        let text = answer_text(&request(
            json!({"model": "echo", "input": "some Markdown please"}),
        ));
        // A heading, a list, a code block and a table, for renderer tests.
        for block in ["# Echo", "\n- first", "```rust", "| --- |"] {
            assert!(text.contains(block), "missing {block:?} in {text}");
        }
    }

    #[test]
    fn call_again_calls_even_when_answering_calls() {
        let tools = json!([{"type": "function", "name": "a"}]);
        let input = json!([
            {"role": "user", "content": "call-again:a"},
            {"type": "function_call", "call_id": "c1", "name": "a", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "1"},
        ]);
        let again = items(&request(
            json!({"model": "echo", "input": input, "tools": tools}),
        ));
        assert!(
            matches!(again.as_slice(), [Item::FunctionCall { name, .. }] if name == "a"),
            "{again:?}"
        );
        let mut plain = input.clone();
        plain[0]["content"] = json!("call:a");
        let answered = items(&request(
            json!({"model": "echo", "input": plain, "tools": tools}),
        ));
        assert!(
            matches!(answered.as_slice(), [Item::Message { .. }]),
            "call: answers once the outputs are in: {answered:?}"
        );
    }

    #[test]
    fn call_all_calls_every_function_and_call_name_one() {
        let tools = json!([{"type": "function", "name": "a"}, {"type": "function", "name": "b"}]);
        let all = items(&request(
            json!({"model": "echo", "input": "call:all", "tools": tools}),
        ));
        assert_eq!(all.len(), 2, "one call per function for call:all");
        let one = items(&request(
            json!({"model": "echo", "input": "call:b {\"x\":1}", "tools": tools}),
        ));
        match one.as_slice() {
            [Item::FunctionCall { name, arguments }] => {
                assert_eq!(name, "b");
                assert_eq!(
                    arguments, "{\"x\":1}",
                    "JSON after the name is the arguments"
                );
            }
            other => panic!("expected one call, got {other:?}"),
        }
    }

    #[test]
    fn an_mcp_tool_asks_for_approval_then_says_how_it_was_answered() {
        let tools = json!([{"type": "mcp", "server_label": "docs", "server_url": "https://x",
            "allowed_tools": ["search"]}]);
        let asked = items(&request(
            json!({"model": "echo", "input": "find it", "tools": tools}),
        ));
        match asked.as_slice() {
            [Item::Whole(item)] => {
                assert_eq!(item["type"], "mcp_approval_request");
                assert_eq!(item["server_label"], "docs");
                assert_eq!(item["name"], "search");
            }
            other => panic!("expected one approval request, got {other:?}"),
        }
        for (approve, word, items_expected) in [(true, "approved", 2), (false, "denied", 1)] {
            let answered = items(&request(json!({"model": "echo", "tools": tools, "input": [
                {"type": "mcp_approval_response", "approval_request_id": "mcpr_1", "approve": approve}
            ]})));
            // An approved call runs (an mcp_call item) before the message; a denied one does not.
            assert_eq!(answered.len(), items_expected, "{word}: {answered:?}");
            let Some(Item::Message { text, .. }) = answered.last() else {
                panic!("a message ends the answer");
            };
            assert!(text.contains(word), "{text} should say {word}");
        }
    }

    #[test]
    fn web_search_cites_the_example_source() {
        let request = request(json!({"model": "echo", "input": "find",
            "tools": [{"type": "web_search"}]}));
        let items = items(&request);
        assert!(
            matches!(items[0], Item::WebSearch { .. }),
            "the search comes first"
        );
        let Item::Message { text, annotations } = &items[1] else {
            panic!("a cited message follows");
        };
        let start = annotations[0]["start_index"].as_u64().expect("a start") as usize;
        let end = annotations[0]["end_index"].as_u64().expect("an end") as usize;
        let cited: String = text.chars().skip(start).take(end - start).collect();
        // The annotation's range must cover the link in the text.
        assert!(cited.contains("https://example.com/source"));
    }
}
