//! What the model asked for that the chat did not do: a function or custom
//! tool call no step of the turn answered (a gateway's model calling a tool
//! chat never offered, a round limit reached), or an MCP approval request of
//! a hosted MCP tool. An answer that is only such a call would otherwise be
//! an empty bubble; it says what was asked instead.

use halley_responses::OutputItem;
use serde::Serialize;
use ts_rs::TS;

use super::tools::ToolStep;

/// The kind of request, for the words the UI puts around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "AskedKind.ts")]
pub enum AskedKind {
    FunctionCall,
    CustomToolCall,
    McpApproval,
}

/// One request the model made that nothing answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "AskedFor.ts")]
pub struct AskedFor {
    pub kind: AskedKind,
    /// The tool's name (with its MCP server's label, `label/name`).
    pub name: String,
    /// Its arguments or input as the model wrote them.
    pub arguments: String,
}

/// The most a call's arguments are shown with: the rest is cut, said with "…".
const MAX_ARGUMENTS: usize = 2_000;

fn shown(text: &str) -> String {
    match text.char_indices().nth(MAX_ARGUMENTS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The calls in `output` that no step in `steps` answered.
pub fn unanswered(output: &[OutputItem], steps: &[ToolStep]) -> Vec<AskedFor> {
    let answered = |call_id: Option<&str>| {
        call_id.is_some_and(|id| steps.iter().any(|step| step.call_id == id))
    };
    output
        .iter()
        .filter_map(|item| match item {
            OutputItem::FunctionCall(call) if !answered(call.call_id.as_str()) => Some(AskedFor {
                kind: AskedKind::FunctionCall,
                name: call.name.as_str().unwrap_or("?").to_owned(),
                arguments: shown(&call.arguments),
            }),
            OutputItem::CustomToolCall(call) if !answered(call.call_id.as_str()) => {
                Some(AskedFor {
                    kind: AskedKind::CustomToolCall,
                    name: call.name.as_str().unwrap_or("?").to_owned(),
                    arguments: shown(&call.input),
                })
            }
            OutputItem::McpApprovalRequest(request) => Some(AskedFor {
                kind: AskedKind::McpApproval,
                name: format!(
                    "{}/{}",
                    request.server_label.as_str().unwrap_or("?"),
                    request.name.as_str().unwrap_or("?")
                ),
                arguments: shown(request.arguments.as_str().unwrap_or("")),
            }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(json: serde_json::Value) -> OutputItem {
        serde_json::from_value(json).expect("an output item")
    }

    #[test]
    fn only_calls_nothing_answered_are_listed() {
        let output = [
            item(
                serde_json::json!({"type": "function_call", "call_id": "c1", "name": "get_weather", "arguments": "{\"city\":\"Hue\"}"}),
            ),
            item(
                serde_json::json!({"type": "function_call", "call_id": "c2", "name": "fs__read", "arguments": "{}"}),
            ),
            item(
                serde_json::json!({"type": "mcp_approval_request", "id": "a1", "server_label": "deepwiki", "name": "ask", "arguments": "{}"}),
            ),
            item(serde_json::json!({"type": "message", "role": "assistant", "content": []})),
        ];
        let answered: ToolStep = serde_json::from_value(serde_json::json!({
            "callId": "c2", "round": 0, "serverId": "s", "serverName": "fs", "tool": "read",
            "arguments": "{}", "status": "done", "destructive": false, "result": null,
            "error": null, "output": null, "ms": null
        }))
        .expect("a step");
        let asked = unanswered(&output, &[answered]);
        assert_eq!(
            asked
                .iter()
                .map(|a| (a.kind, a.name.as_str()))
                .collect::<Vec<_>>(),
            [
                (AskedKind::FunctionCall, "get_weather"),
                (AskedKind::McpApproval, "deepwiki/ask")
            ]
        );
        assert_eq!(asked[0].arguments, "{\"city\":\"Hue\"}");
    }

    #[test]
    fn long_arguments_are_cut() {
        let long = "x".repeat(MAX_ARGUMENTS + 10);
        assert_eq!(shown(&long).chars().count(), MAX_ARGUMENTS + 1);
        assert!(shown(&long).ends_with('…'));
    }
}
