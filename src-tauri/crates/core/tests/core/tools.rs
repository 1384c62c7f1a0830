//! A chat turn with MCP tools, against halley-mock as the model and the real
//! `server-everything` from npm (tests/mcp) as the server: a call waits on
//! its approval and comes back as `function_call_output`; a declined call
//! tells the model so; a model that never stops calling is stopped after
//! the bound on rounds; a server killed mid-call is an error on that step
//! and the turn goes on. Every step is kept on the stored message.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use halley_core::chat::{
    self, ApprovalAnswer, Approvals, ChatOptions, RunUpdate, ToolStep, ToolStepStatus, TurnTools,
};
use halley_core::history::{MessageStatus, TurnNote};
use halley_core::mcp_policies::ToolPolicy;
use halley_core::providers::ProviderKind;
use halley_core::History;
use halley_mcp::{
    SecretSlot, SecretSource, SecretString, ServerConfig, Supervisor, TransportConfig,
};
use halley_responses::{Client, Endpoint};
use tokio_util::sync::CancellationToken;

use crate::support::file_history;

struct NoSecrets;

impl SecretSource for NoSecrets {
    fn secret(&self, _: &ServerConfig, _: &SecretSlot) -> Result<Option<SecretString>, String> {
        Ok(None)
    }
}

/// tests/mcp/node_modules, or a loud skip (fails unless HALLEY_ALLOW_SKIPS=1).
fn everything() -> Option<PathBuf> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
        "../../../tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js",
    );
    if script.is_file() {
        return Some(script);
    }
    let allowed = std::env::var_os("HALLEY_ALLOW_SKIPS").is_some_and(|v| v == "1")
        && std::env::var_os("CI").is_none();
    assert!(
        allowed,
        "server-everything is not installed in tests/mcp/node_modules: run `npm ci` in tests/mcp \
         (./x test does it), or set HALLEY_ALLOW_SKIPS=1 to skip these checks"
    );
    eprintln!(
        "\nSKIPPED: the chat tool loop checks (no tests/mcp/node_modules); they checked nothing\n"
    );
    None
}

struct Setup {
    _dir: tempfile::TempDir,
    _mock: halley_mock::RunningServer,
    endpoint: Endpoint,
    history: Arc<History>,
    provider_id: String,
    supervisor: Supervisor,
    approvals: Approvals,
}

async fn setup() -> Option<Setup> {
    let script = everything()?;
    let mock = halley_mock::serve(halley_mock::Config::default())
        .await
        .expect("mock starts");
    let endpoint = Endpoint::new(mock.base_url(), SecretString::new("sk-test-tools"));
    let (dir, history) = file_history();
    let history = Arc::new(history);
    let provider_id = history
        .add_provider("Mock", ProviderKind::Custom, Some(&mock.base_url()))
        .expect("provider")
        .id;
    let supervisor = Supervisor::new(
        halley_mcp::Limits::default(),
        Arc::new(NoSecrets),
        Some(std::env::temp_dir()),
    );
    supervisor
        .set_servers(vec![ServerConfig {
            id: "everything-id".into(),
            name: "everything".into(),
            enabled: true,
            transport: TransportConfig::Stdio {
                command: "node".into(),
                args: vec![script.to_string_lossy().into_owned(), "stdio".into()],
                env: vec![],
                cwd: None,
            },
        }])
        .await;
    Some(Setup {
        _dir: dir,
        _mock: mock,
        endpoint,
        history,
        provider_id,
        supervisor,
        approvals: Approvals::default(),
    })
}

type Updates = Arc<Mutex<Vec<RunUpdate>>>;

/// Starts a turn answering `text` with the server's tools; returns its
/// run id (the assistant message), its updates and its task.
async fn start(
    setup: &Setup,
    text: &str,
    store: bool,
    max_rounds: u32,
) -> (
    String,
    Updates,
    tokio::task::JoinHandle<chat::TurnOutcome>,
    CancellationToken,
) {
    let options = ChatOptions {
        model: "echo".into(),
        web_search: false,
        reasoning_effort: None,
        store,
        ..ChatOptions::default()
    };
    let prepared = chat::prepare_send(
        &setup.history,
        chat::Outgoing {
            conversation_id: None,
            parent_id: None,
            text: text.into(),
            attachments: vec![],
            model: options.model.clone(),
            provider_id: Some(setup.provider_id.clone()),
        },
    )
    .expect("prepared");
    let tree = setup
        .history
        .get_conversation(&prepared.conversation_id)
        .expect("tree");
    let mut turn = chat::plan_turn(
        &setup.history,
        &tree,
        prepared.user_message_id.as_deref().expect("user message"),
        &options,
        &setup.provider_id,
        &prepared.assistant_message_id,
    )
    .expect("planned");
    let (offered, failures) = setup.supervisor.offered_tools(None).await;
    assert!(
        failures.is_empty(),
        "server-everything starts: {failures:?}"
    );
    assert!(
        offered
            .iter()
            .any(|t| t.function.name == "everything__echo"),
        "echo is offered by its namespaced name"
    );
    turn.offer_tools(TurnTools {
        supervisor: setup.supervisor.clone(),
        offered,
        approvals: setup.approvals.clone(),
        max_rounds,
    });
    let updates: Updates = Arc::default();
    let sink = updates.clone();
    let cancel = CancellationToken::new();
    let history = setup.history.clone();
    let endpoint = setup.endpoint.clone();
    let token = cancel.clone();
    let task = tokio::spawn(async move {
        chat::run_turn(
            &history,
            &Client::new().expect("client"),
            &endpoint,
            &turn,
            token,
            Arc::new(move |u| sink.lock().expect("updates").push(u)),
        )
        .await
        .expect("the turn is kept")
    });
    (prepared.assistant_message_id, updates, task, cancel)
}

fn steps(updates: &Updates) -> Vec<ToolStep> {
    updates
        .lock()
        .expect("updates")
        .iter()
        .filter_map(|u| match u {
            RunUpdate::ToolStep { step } => Some(step.as_ref().clone()),
            _ => None,
        })
        .collect()
}

/// Waits until a step in `status` was reported; returns it.
async fn step_in(updates: &Updates, status: ToolStepStatus) -> ToolStep {
    for _ in 0..600 {
        if let Some(step) = steps(updates).into_iter().find(|s| s.status == status) {
            return step;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no step became {status:?}: {:?}", steps(updates));
}

fn stored_steps(history: &History, message_id: &str) -> (String, Vec<ToolStep>, MessageStatus) {
    let message = history
        .get_message(message_id)
        .expect("the answer is stored");
    (message.text, message.parts.tool_steps, message.status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_call_runs_on_the_server_and_its_output_goes_back_to_the_model() {
    let Some(setup) = setup().await else { return };
    let (run_id, updates, task, _) = start(
        &setup,
        r#"call:everything__echo {"message": "heliotrope"}"#,
        true,
        chat::MAX_TOOL_ROUNDS,
    )
    .await;
    let waiting = step_in(&updates, ToolStepStatus::AwaitingApproval).await;
    assert_eq!(
        (waiting.server_name.as_str(), waiting.tool.as_str()),
        ("everything", "echo")
    );
    assert_eq!(
        waiting.arguments, r#"{"message":"heliotrope"}"#,
        "the card shows the arguments exactly as the model wrote them"
    );
    assert!(
        setup
            .approvals
            .answer(&run_id, &waiting.call_id, ApprovalAnswer::AllowOnce),
        "the card was waiting"
    );
    let outcome = task.await.expect("the turn ends");
    assert_eq!(outcome.status, MessageStatus::Complete, "{outcome:?}");
    let (text, kept, status) = stored_steps(&setup.history, &run_id);
    assert_eq!(status, MessageStatus::Complete);
    assert_eq!(
        text, "Got outputs: Echo: heliotrope",
        "the model answered with the server's output"
    );
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].status, ToolStepStatus::Done);
    assert_eq!(kept[0].output.as_deref(), Some("Echo: heliotrope"));
    assert!(kept[0].ms.is_some(), "the server's time is kept");
    let reported: Vec<u32> = updates
        .lock()
        .expect("updates")
        .iter()
        .filter_map(|u| match u {
            RunUpdate::Usage { usage } => Some(usage.input_tokens),
            _ => None,
        })
        .collect();
    assert_eq!(reported.len(), 2, "each round reports its usage");
    let message = setup.history.get_message(&run_id).expect("stored");
    assert_eq!(
        message.usage.input_tokens,
        reported.iter().sum::<u32>(),
        "the turn costs both requests, not only the last"
    );
    let exchange = setup.history.message_exchange(&run_id).expect("stored");
    let request = exchange
        .request
        .expect("the last request is kept")
        .to_string();
    assert!(
        request.contains(r#""type":"function_call_output""#)
            && request.contains("Echo: heliotrope"),
        "the follow-up carried the output: {request}"
    );
    assert!(
        !setup
            .approvals
            .answer(&run_id, &waiting.call_id, ApprovalAnswer::AllowOnce),
        "an answered card waits no more"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_call_does_not_run_and_the_model_is_told_the_user_declined() {
    let Some(setup) = setup().await else { return };
    let (run_id, updates, task, _) = start(
        &setup,
        r#"call:everything__echo {"message": "secret plans"}"#,
        true,
        chat::MAX_TOOL_ROUNDS,
    )
    .await;
    let waiting = step_in(&updates, ToolStepStatus::AwaitingApproval).await;
    setup
        .approvals
        .answer(&run_id, &waiting.call_id, ApprovalAnswer::Deny);
    let outcome = task.await.expect("the turn ends");
    assert_eq!(outcome.status, MessageStatus::Complete);
    let (text, kept, _) = stored_steps(&setup.history, &run_id);
    assert_eq!(
        text,
        "Got outputs: The user declined to run the tool echo. It did not run."
    );
    assert_eq!(kept[0].status, ToolStepStatus::Declined);
    assert!(kept[0].result.is_none(), "nothing ran");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_that_keeps_calling_is_stopped_after_the_bound_and_always_allow_skips_the_card() {
    let Some(setup) = setup().await else { return };
    setup
        .history
        .set_mcp_tool_policy("everything-id", "echo", ToolPolicy::Allow)
        .expect("allowed");
    // Without storage the branch goes back whole each round, so the mock
    // sees the user's `call-again:` every time.
    let (run_id, updates, task, _) = start(
        &setup,
        r#"call-again:everything__echo {"message": "again"}"#,
        false,
        2,
    )
    .await;
    let outcome = task.await.expect("the turn ends");
    assert_eq!(outcome.status, MessageStatus::Complete, "{outcome:?}");
    assert!(
        outcome
            .notes
            .contains(&TurnNote::ToolRoundsExhausted { rounds: 2 }),
        "the answer says it stopped calling: {:?}",
        outcome.notes
    );
    assert!(
        !steps(&updates)
            .iter()
            .any(|s| s.status == ToolStepStatus::AwaitingApproval),
        "an allowed tool shows no card"
    );
    let (_, kept, _) = stored_steps(&setup.history, &run_id);
    assert_eq!(
        kept.iter().map(|s| s.round).collect::<Vec<_>>(),
        vec![0, 1],
        "two rounds of calls, then no more"
    );
    assert!(kept.iter().all(|s| s.status == ToolStepStatus::Done));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_call_is_an_error_on_its_step_and_the_turn_goes_on() {
    let Some(setup) = setup().await else { return };
    setup
        .history
        .set_mcp_tool_policy(
            "everything-id",
            "trigger-long-running-operation",
            ToolPolicy::Allow,
        )
        .expect("allowed");
    let (run_id, updates, task, _) = start(
        &setup,
        r#"call:everything__trigger-long-running-operation {"duration": 30, "steps": 3}"#,
        true,
        chat::MAX_TOOL_ROUNDS,
    )
    .await;
    step_in(&updates, ToolStepStatus::Running).await;
    let pid = setup
        .supervisor
        .status("everything-id")
        .expect("status")
        .pid
        .expect("a running stdio server has a pid");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let outcome = tokio::time::timeout(Duration::from_secs(30), task)
        .await
        .expect("the turn does not wait for the dead server")
        .expect("the turn ends");
    assert_eq!(outcome.status, MessageStatus::Complete, "{outcome:?}");
    let (text, kept, status) = stored_steps(&setup.history, &run_id);
    assert_eq!(status, MessageStatus::Complete, "the conversation is kept");
    assert_eq!(kept[0].status, ToolStepStatus::Failed, "{kept:?}");
    let error = kept[0].error.clone().expect("the step says why");
    assert!(!error.is_empty());
    assert!(
        text.starts_with("Got outputs: The tool call failed: "),
        "the model was told the call failed: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_while_a_card_waits_ends_the_turn_and_keeps_the_step() {
    let Some(setup) = setup().await else { return };
    let (run_id, updates, task, cancel) = start(
        &setup,
        r#"call:everything__echo {"message": "later"}"#,
        true,
        chat::MAX_TOOL_ROUNDS,
    )
    .await;
    let waiting = step_in(&updates, ToolStepStatus::AwaitingApproval).await;
    cancel.cancel();
    let outcome = tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("Stop does not wait for an answer on the card")
        .expect("the turn ends");
    assert_eq!(outcome.status, MessageStatus::Stopped);
    let (_, kept, status) = stored_steps(&setup.history, &run_id);
    assert_eq!(
        status,
        MessageStatus::Stopped,
        "the answer is kept, marked stopped"
    );
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].status, ToolStepStatus::Failed, "{kept:?}");
    assert!(kept[0].result.is_none(), "the tool never ran");
    assert!(
        !setup
            .approvals
            .answer(&run_id, &waiting.call_id, ApprovalAnswer::AllowOnce),
        "no card waits after Stop"
    );
}
