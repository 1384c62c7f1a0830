//! MCP tools in a chat turn: the servers' tools offered to the model as
//! function tools, and each `function_call` the model makes answered by
//! Halley: asked for approval (per tool: ask, always allow, never), called
//! on its server, and sent back as `function_call_output`. Every call is a
//! [`ToolStep`] the UI shows and the history keeps.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use halley_mcp::{OfferedTool, Supervisor, ToolResult};
use halley_responses::items::FunctionCallItem;
use halley_responses::{CreateResponse, Input, InputItem, Nullable, OutputItem, Response, Tool};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::run::Emit;
use super::updates::RunUpdate;
use crate::mcp_policies::{policy_for, ToolPolicy};
use crate::History;

/// Rounds of tool calls one turn may make before it must answer: enough for
/// a model that reads a few files, bounded so a model calling in circles
/// cannot run forever (the Playground's auto-reply is bounded the same way,
/// at 5 rounds by default, where the user watches every round).
pub const MAX_TOOL_ROUNDS: u32 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "ToolStepStatus.ts")]
pub enum ToolStepStatus {
    /// Waiting for the user's answer on the approval card.
    AwaitingApproval,
    Running,
    /// The server answered (its answer may itself say it failed: `isError`).
    Done,
    /// The call did not produce an answer (timeout, crash, bad arguments).
    Failed,
    /// The user (or a "never" permission) did not let it run.
    Declined,
}

/// One tool call of a turn, as the UI shows it and the history keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "ToolStep.ts")]
pub struct ToolStep {
    /// The model's `call_id`.
    pub call_id: String,
    /// Which round of the turn (0 is the first request).
    pub round: u32,
    pub server_id: String,
    pub server_name: String,
    pub tool: String,
    /// The arguments exactly as the model wrote them.
    pub arguments: String,
    pub status: ToolStepStatus,
    /// The server marks the tool destructive: it asks every time.
    pub destructive: bool,
    pub result: Option<ToolResult>,
    /// Why the call failed or was declined, in words.
    pub error: Option<String>,
    /// What the model was sent as `function_call_output`.
    pub output: Option<String>,
    /// How long the server took, in milliseconds.
    pub ms: Option<f64>,
}

/// The user's answer on an approval card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "ApprovalAnswer.ts")]
pub enum ApprovalAnswer {
    AllowOnce,
    AlwaysAllow,
    Deny,
}

/// The answer channel of each waiting card, by run id and call id.
type Waiting = HashMap<(String, String), oneshot::Sender<ApprovalAnswer>>;

/// Approval cards waiting for an answer, by run and call. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Approvals {
    waiting: Arc<Mutex<Waiting>>,
}

impl Approvals {
    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting> {
        // Every critical section is one insert or remove.
        self.waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn wait(&self, run_id: &str, call_id: &str) -> oneshot::Receiver<ApprovalAnswer> {
        let (tx, rx) = oneshot::channel();
        self.lock()
            .insert((run_id.to_owned(), call_id.to_owned()), tx);
        rx
    }

    fn forget(&self, run_id: &str, call_id: &str) {
        self.lock().remove(&(run_id.to_owned(), call_id.to_owned()));
    }

    /// Delivers the user's answer; false when no card waits for it (the
    /// turn was stopped, or it was answered already).
    pub fn answer(&self, run_id: &str, call_id: &str, answer: ApprovalAnswer) -> bool {
        match self.lock().remove(&(run_id.to_owned(), call_id.to_owned())) {
            Some(tx) => tx.send(answer).is_ok(),
            None => false,
        }
    }
}

/// What a turn needs to answer the model's tool calls.
#[derive(Clone)]
pub struct TurnTools {
    pub supervisor: Supervisor,
    pub offered: Vec<OfferedTool>,
    pub approvals: Approvals,
    pub max_rounds: u32,
}

impl std::fmt::Debug for TurnTools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnTools")
            .field(
                "offered",
                &self
                    .offered
                    .iter()
                    .map(|t| t.function.name.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("max_rounds", &self.max_rounds)
            .finish_non_exhaustive()
    }
}

/// `request` with the offered tools added to whatever tools it has.
pub fn offer(request: &mut CreateResponse, offered: &[OfferedTool]) {
    if offered.is_empty() {
        return;
    }
    let mut tools = match std::mem::take(&mut request.tools) {
        Nullable::Value(tools) => tools,
        _ => Vec::new(),
    };
    tools.extend(offered.iter().map(|t| Tool::Function(t.function.clone())));
    request.tools = Nullable::Value(tools);
}

/// The model's function calls in a finished response.
pub(super) fn function_calls(response: &Response) -> Vec<FunctionCallItem> {
    response
        .output()
        .iter()
        .filter_map(|item| match item {
            OutputItem::FunctionCall(call) => Some(call.clone()),
            _ => None,
        })
        .collect()
}

/// The next request of the turn: what was sent, the response's items, and
/// the calls' outputs after them. The branch goes on as input items rather
/// than by `previous_response_id`, which most gateways do not honour.
pub(super) fn follow_up(
    sent: &CreateResponse,
    response: &Response,
    outputs: Vec<InputItem>,
) -> CreateResponse {
    let mut next = sent.clone();
    let mut input = match &sent.input {
        Nullable::Value(Input::Items(items)) => items.clone(),
        Nullable::Value(Input::Text(text)) => vec![InputItem::user_text(text.clone())],
        _ => Vec::new(),
    };
    let stored = sent.store.get().copied().unwrap_or(true);
    for item in response.output() {
        match item {
            OutputItem::Reasoning(reasoning) => {
                // Without storage a reasoning item is only usable with its
                // encrypted content; the API refuses `status` on it as input.
                if stored || reasoning.encrypted_content.is_value() {
                    let mut reasoning = reasoning.clone();
                    reasoning.status = Nullable::Absent;
                    input.push(InputItem::Output(OutputItem::Reasoning(reasoning)));
                }
            }
            other => input.push(InputItem::Output(other.clone())),
        }
    }
    input.extend(outputs);
    next.input = Nullable::Value(Input::Items(input));
    next
}

fn step_of(call: &FunctionCallItem, round: u32, tool: Option<&OfferedTool>) -> ToolStep {
    ToolStep {
        call_id: call.call_id.as_str().unwrap_or_default().to_owned(),
        round,
        server_id: tool.map(|t| t.server_id.clone()).unwrap_or_default(),
        server_name: tool.map(|t| t.server_name.clone()).unwrap_or_default(),
        tool: tool.map_or_else(
            || call.name.as_str().unwrap_or_default().to_owned(),
            |t| t.tool.clone(),
        ),
        arguments: call.arguments.clone(),
        status: ToolStepStatus::Running,
        destructive: tool.is_some_and(|t| t.destructive),
        result: None,
        error: None,
        output: None,
        ms: None,
    }
}

async fn policies(history: &Arc<History>) -> Vec<crate::mcp_policies::ToolPolicyEntry> {
    let history = history.clone();
    match tokio::task::spawn_blocking(move || history.mcp_tool_policies()).await {
        Ok(Ok(entries)) => entries,
        // Unreadable permissions ask for everything: the safe side.
        Ok(Err(error)) => {
            tracing::warn!(%error, "MCP tool permissions could not be read; asking");
            Vec::new()
        }
        Err(_) => Vec::new(),
    }
}

async fn remember(history: &Arc<History>, server_id: &str, tool: &str) {
    let history = history.clone();
    let (server_id, tool) = (server_id.to_owned(), tool.to_owned());
    let kept = tokio::task::spawn_blocking(move || {
        history.set_mcp_tool_policy(&server_id, &tool, ToolPolicy::Allow)
    })
    .await;
    if !matches!(kept, Ok(Ok(_))) {
        // The call still runs (the user allowed it); only the memory is lost.
        tracing::warn!("an \"always allow\" could not be kept");
    }
}

/// What the model is told when a call does not run.
fn declined_output(tool: &str, by_policy: bool) -> String {
    if by_policy {
        format!("The user does not allow the tool {tool} to run. It did not run.")
    } else {
        format!("The user declined to run the tool {tool}. It did not run.")
    }
}

/// Answers one round's calls, in order. Each step is reported (and kept in
/// `steps`) as it changes. `None` when the turn was stopped meanwhile.
#[allow(clippy::too_many_arguments)]
pub(super) async fn answer_calls(
    history: &Arc<History>,
    tools: &TurnTools,
    run_id: &str,
    round: u32,
    calls: Vec<FunctionCallItem>,
    steps: &mut Vec<ToolStep>,
    cancel: &CancellationToken,
    emit: &Emit,
) -> Option<Vec<InputItem>> {
    let mut outputs = Vec::new();
    for call in calls {
        let name = call.name.as_str().unwrap_or_default().to_owned();
        let offered = tools.offered.iter().find(|t| t.function.name == name);
        let mut step = step_of(&call, round, offered);
        let at = steps.len();
        let output = match offered {
            None => {
                let message = format!("There is no tool named {name}.");
                step.status = ToolStepStatus::Failed;
                step.error = Some(message.clone());
                message
            }
            Some(tool) => {
                Box::pin(run_one(
                    history, tools, tool, run_id, &call, &mut step, steps, cancel, emit,
                ))
                .await?
            }
        };
        step.output = Some(output.clone());
        put(steps, at, step, emit);
        outputs.push(InputItem::function_call_output(
            call.call_id.as_str().unwrap_or_default(),
            output,
        ));
    }
    Some(outputs)
}

/// Puts `step` at `at` in `steps` (adding it when new) and reports it.
fn put(steps: &mut Vec<ToolStep>, at: usize, step: ToolStep, emit: &Emit) {
    emit(RunUpdate::ToolStep {
        step: Box::new(step.clone()),
    });
    if at < steps.len() {
        steps[at] = step;
    } else {
        steps.push(step);
    }
}

/// Approval, then the call. Returns the output for the model, `None` when
/// the turn was stopped (the step is kept, marked as such).
#[allow(clippy::too_many_arguments)]
async fn run_one(
    history: &Arc<History>,
    tools: &TurnTools,
    tool: &OfferedTool,
    run_id: &str,
    call: &FunctionCallItem,
    step: &mut ToolStep,
    steps: &mut Vec<ToolStep>,
    cancel: &CancellationToken,
    emit: &Emit,
) -> Option<String> {
    let at = steps.len();
    let stopped = |step: &mut ToolStep, steps: &mut Vec<ToolStep>| {
        step.status = ToolStepStatus::Failed;
        step.error = Some("Stopped before the tool answered.".into());
        put(steps, at, step.clone(), emit);
    };
    let entries = policies(history).await;
    match policy_for(&entries, &tool.server_id, &tool.tool, tool.destructive) {
        ToolPolicy::Never => {
            step.status = ToolStepStatus::Declined;
            step.error = Some("Not allowed in Settings.".into());
            return Some(declined_output(&tool.tool, true));
        }
        ToolPolicy::Allow => {}
        ToolPolicy::Ask => {
            let answer = tools.approvals.wait(run_id, &step.call_id);
            step.status = ToolStepStatus::AwaitingApproval;
            put(steps, at, step.clone(), emit);
            let answer = tokio::select! {
                answer = answer => answer.ok(),
                () = cancel.cancelled() => None,
            };
            tools.approvals.forget(run_id, &step.call_id);
            match answer {
                None => {
                    stopped(step, steps);
                    return None;
                }
                Some(ApprovalAnswer::Deny) => {
                    step.status = ToolStepStatus::Declined;
                    step.error = Some("Declined.".into());
                    return Some(declined_output(&tool.tool, false));
                }
                Some(ApprovalAnswer::AlwaysAllow) => {
                    remember(history, &tool.server_id, &tool.tool).await;
                }
                Some(ApprovalAnswer::AllowOnce) => {}
            }
        }
    }
    let arguments: Value = match call.arguments.trim() {
        "" => Value::Object(serde_json::Map::new()),
        text => match serde_json::from_str(text) {
            Ok(value) => value,
            Err(error) => {
                let message = format!("The arguments are not JSON: {error}");
                step.status = ToolStepStatus::Failed;
                step.error = Some(message.clone());
                return Some(message);
            }
        },
    };
    step.status = ToolStepStatus::Running;
    put(steps, at, step.clone(), emit);
    match tools
        .supervisor
        .call(&tool.server_id, &tool.tool, arguments, cancel)
        .await
    {
        Ok(outcome) => {
            step.status = ToolStepStatus::Done;
            step.ms = Some(outcome.ms);
            step.result = Some(outcome.result);
            Some(outcome.model_output)
        }
        Err(_) if cancel.is_cancelled() => {
            stopped(step, steps);
            None
        }
        Err(error) => {
            let message = error.to_string();
            step.status = ToolStepStatus::Failed;
            step.error = Some(message.clone());
            Some(format!("The tool call failed: {message}"))
        }
    }
}
