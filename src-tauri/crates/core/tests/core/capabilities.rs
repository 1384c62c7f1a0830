//! What Halley learns about a provider, against halley-mock: a chat turn
//! refused for one parameter is answered without it and the lesson kept;
//! the next turn leaves it out from the start; chaining is used only where
//! the probe saw it honoured; the probe judges by what came back and never
//! turns a feature off on a transient failure.

use std::sync::{Arc, Mutex};

use halley_core::capabilities::{Feature, Finding, FindingSource, Verdict};
use halley_core::chat::{self, ChatOptions, ReasoningEffort, RunUpdate};
use halley_core::history::{MessageStatus, TurnNote};
use halley_core::providers::ProviderKind;
use halley_core::History;
use halley_responses::{Client, Endpoint, SecretString};
use tokio_util::sync::CancellationToken;

use crate::support::memory_history;

struct Gateway {
    _server: halley_mock::RunningServer,
    endpoint: Endpoint,
    history: Arc<History>,
    provider_id: String,
}

async fn gateway() -> Gateway {
    let server = halley_mock::serve(halley_mock::Config::default())
        .await
        .expect("mock starts");
    let endpoint = Endpoint::new(server.base_url(), SecretString::new("sk-test-capabilities"));
    let history = Arc::new(memory_history());
    let provider_id = history
        .add_provider("Mock", ProviderKind::Custom, Some(&server.base_url()))
        .expect("provider")
        .id;
    Gateway {
        _server: server,
        endpoint,
        history,
        provider_id,
    }
}

/// Sends `text` as a new turn (after `parent`) and runs it to its end.
async fn send(
    gateway: &Gateway,
    conversation: Option<String>,
    parent: Option<String>,
    text: &str,
    options: &ChatOptions,
) -> (
    chat::TurnOutcome,
    chat::PreparedTurn,
    Vec<RunUpdate>,
    chat::Turn,
) {
    let prepared = chat::prepare_send(
        &gateway.history,
        chat::Outgoing {
            conversation_id: conversation,
            parent_id: parent,
            text: text.into(),
            attachments: vec![],
            model: options.model.clone(),
            provider_id: Some(gateway.provider_id.clone()),
        },
    )
    .expect("prepared");
    let tree = gateway
        .history
        .get_conversation(&prepared.conversation_id)
        .expect("tree");
    let turn = chat::plan_turn(
        &gateway.history,
        &tree,
        prepared.user_message_id.as_deref().expect("user message"),
        options,
        &gateway.provider_id,
        &prepared.assistant_message_id,
    )
    .expect("planned");
    let updates = Arc::new(Mutex::new(Vec::new()));
    let sink = updates.clone();
    let outcome = chat::run_turn(
        &gateway.history,
        &Client::new().expect("client"),
        &gateway.endpoint,
        &turn,
        CancellationToken::new(),
        Arc::new(move |u| sink.lock().expect("updates").push(u)),
    )
    .await
    .expect("turn runs");
    let updates = updates.lock().expect("updates").clone();
    (outcome, prepared, updates, turn)
}

fn options(model: &str) -> ChatOptions {
    ChatOptions {
        model: model.into(),
        web_search: false,
        reasoning_effort: Some(ReasoningEffort::High),
        store: true,
        ..ChatOptions::default()
    }
}

#[tokio::test]
async fn a_refused_parameter_is_dropped_once_and_then_never_sent() {
    let gateway = gateway().await;
    let options = options("fault:no-reasoning");

    let (outcome, prepared, updates, _) = send(&gateway, None, None, "hello there", &options).await;
    assert_eq!(outcome.status, MessageStatus::Complete, "{outcome:?}");
    assert!(
        matches!(
            outcome.notes.as_slice(),
            [TurnNote::Refused { feature: Feature::ReasoningEffort, message }]
                if message.contains("reasoning.effort")
        ),
        "the answer says what was left out and why: {:?}",
        outcome.notes
    );
    assert!(updates.iter().any(|u| matches!(
        u,
        RunUpdate::Note {
            note: TurnNote::Refused { .. }
        }
    )));
    let answer = gateway
        .history
        .get_message(&prepared.assistant_message_id)
        .expect("answer");
    assert!(
        answer.text.contains("hello there"),
        "the answer arrived: {}",
        answer.text
    );
    assert_eq!(
        answer.parts.notes, outcome.notes,
        "the note is kept with the answer"
    );

    let learned = gateway
        .history
        .capabilities(&gateway.provider_id)
        .expect("capabilities");
    let finding = learned
        .finding(Feature::ReasoningEffort, "fault:no-reasoning")
        .expect("learned");
    assert_eq!(finding.verdict, Verdict::Unsupported);
    assert_eq!(finding.status, Some(400));
    assert_eq!(finding.source, FindingSource::Request);

    // The next turn does not pay for the same lesson.
    let (outcome, _, _, turn) = send(
        &gateway,
        Some(prepared.conversation_id.clone()),
        Some(prepared.assistant_message_id.clone()),
        "and again",
        &options,
    )
    .await;
    assert!(turn.request.reasoning.is_absent(), "reasoning is not sent");
    assert_eq!(
        outcome.notes,
        vec![TurnNote::Withheld {
            feature: Feature::ReasoningEffort
        }]
    );
    assert_eq!(outcome.status, MessageStatus::Complete);
}

#[tokio::test]
async fn turns_replay_the_branch_until_chaining_is_known_to_work() {
    let gateway = gateway().await;
    let options = ChatOptions {
        reasoning_effort: None,
        ..options("gpt-5")
    };
    let (_, first, _, _) = send(&gateway, None, None, "my name is Ada", &options).await;
    let (_, _, _, second) = send(
        &gateway,
        Some(first.conversation_id.clone()),
        Some(first.assistant_message_id.clone()),
        "what is my name?",
        &options,
    )
    .await;
    assert!(
        second.request.previous_response_id.is_absent(),
        "not chained while untested"
    );
    let sent = serde_json::to_string(&second.request.input).expect("json");
    assert!(
        sent.contains("my name is Ada"),
        "the first turn is replayed: {sent}"
    );

    gateway
        .history
        .record_finding(
            &gateway.provider_id,
            &Finding::new(
                Feature::Chaining,
                "gpt-5",
                Verdict::Supported,
                "the second turn knew the first",
                Some(200),
                FindingSource::Probe,
            ),
        )
        .expect("record");
    let (_, _, _, third) = send(
        &gateway,
        Some(first.conversation_id.clone()),
        Some(first.assistant_message_id.clone()),
        "what is my name, again?",
        &options,
    )
    .await;
    assert!(
        third.request.previous_response_id.is_value(),
        "chained once the probe saw it honoured"
    );
}

#[tokio::test]
async fn no_search_that_ran_is_said() {
    let gateway = gateway().await;
    let options = ChatOptions {
        web_search: true,
        reasoning_effort: None,
        ..options("fault:ignores-search")
    };
    let (outcome, _, _, _) = send(&gateway, None, None, "news today", &options).await;
    assert_eq!(outcome.notes, vec![TurnNote::NoSearchRan]);

    let searching = ChatOptions {
        model: "gpt-5".into(),
        ..options
    };
    let (outcome, _, _, _) = send(&gateway, None, None, "news today", &searching).await;
    assert!(
        outcome.notes.is_empty(),
        "a search ran: {:?}",
        outcome.notes
    );
}

fn verdicts(findings: &[Finding]) -> Vec<(Feature, Verdict)> {
    findings.iter().map(|f| (f.feature, f.verdict)).collect()
}

#[tokio::test]
async fn the_probe_judges_by_what_came_back() {
    let gateway = gateway().await;
    let client = Client::new().expect("client");
    let cancel = CancellationToken::new();

    let echo = halley_core::probe::probe(&client, &gateway.endpoint, "gpt-5", &cancel).await;
    let found = verdicts(&echo);
    for expected in [
        (Feature::ModelList, Verdict::Supported),
        (Feature::Responses, Verdict::Supported),
        (Feature::Streaming, Verdict::Supported),
        (Feature::SequenceNumbers, Verdict::Supported),
        (Feature::StoredResponses, Verdict::Supported),
        // The echo answers the second turn without the first: accepted, not honoured.
        (Feature::Chaining, Verdict::Ignored),
        (Feature::ReasoningEffort, Verdict::Supported),
        (Feature::ReasoningSummary, Verdict::Supported),
        (Feature::EncryptedReasoning, Verdict::Supported),
        (Feature::WebSearch, Verdict::Supported),
        (Feature::Background, Verdict::Supported),
        (Feature::InputTokens, Verdict::Supported),
        (Feature::CodeInterpreter, Verdict::Supported),
        (Feature::ImageGeneration, Verdict::Supported),
        // The echo searches vector stores, so it refuses the probe's made-up one by name.
        (Feature::FileSearch, Verdict::Supported),
    ] {
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
    let background = echo
        .iter()
        .find(|f| f.feature == Feature::Background)
        .expect("background judged");
    assert!(
        background
            .evidence
            .contains("resumed as a stream until completed")
            && !background.evidence.contains("cancel not checked")
            && !background.evidence.contains("cancel refused"),
        "a background run was followed to its end and a second one's cancel answered: {}",
        background.evidence
    );
    let chaining = echo
        .iter()
        .find(|f| f.feature == Feature::Chaining)
        .expect("chaining judged");
    assert!(
        chaining.evidence.contains("did not know"),
        "{}",
        chaining.evidence
    );

    let refusing =
        halley_core::probe::probe(&client, &gateway.endpoint, "fault:no-reasoning", &cancel).await;
    assert!(verdicts(&refusing).contains(&(Feature::ReasoningEffort, Verdict::Unsupported)));
    let ignoring =
        halley_core::probe::probe(&client, &gateway.endpoint, "fault:ignores-search", &cancel)
            .await;
    assert!(verdicts(&ignoring).contains(&(Feature::WebSearch, Verdict::Ignored)));

    // A provider that only rate-limits tells nothing: untested, never unsupported.
    let limited = halley_core::probe::probe(&client, &gateway.endpoint, "fault:429", &cancel).await;
    assert!(
        limited
            .iter()
            .filter(|f| f.feature != Feature::ModelList)
            .all(|f| f.verdict == Verdict::Untested),
        "{:?}",
        verdicts(&limited)
    );
    // And the key never appears in what is kept.
    for finding in echo.iter().chain(&refusing).chain(&limited) {
        assert!(!finding.evidence.contains("sk-test-capabilities"));
    }
}

/// The probe the app starts by itself: one per provider and model at a
/// time, its findings kept, watchers told when it starts and ends.
#[tokio::test]
async fn a_scheduled_probe_runs_once_at_a_time_and_keeps_what_it_found() {
    use halley_core::probe_schedule::{ProbeEvent, ProbeSchedule};

    let gateway = gateway().await;
    let client = Client::new().expect("client");
    let schedule = ProbeSchedule::default();
    let mut events = schedule.subscribe();
    let cancel = CancellationToken::new();
    let run = || {
        schedule.run(
            gateway.history.clone(),
            &client,
            &gateway.endpoint,
            &gateway.provider_id,
            "echo",
            &cancel,
        )
    };
    let (first, second) = tokio::join!(run(), run());
    let ran = [first.expect("stored"), second.expect("stored")];
    assert_eq!(
        ran.iter().filter(|r| **r).count(),
        1,
        "a second trigger while one runs is dropped: {ran:?}"
    );
    assert!(!schedule.is_running(&gateway.provider_id, "echo"));

    let known = gateway
        .history
        .capabilities(&gateway.provider_id)
        .expect("read");
    let probed = known
        .findings()
        .iter()
        .find(|f| f.feature == Feature::Responses && f.model == "echo")
        .expect("the probe's findings are stored");
    assert_eq!(probed.source, FindingSource::Probe);
    assert!(!halley_core::probe_schedule::is_due(
        &known,
        "echo",
        probed.learned_at
    ));
    let started = ProbeEvent::Started {
        provider_id: gateway.provider_id.clone(),
        model: "echo".into(),
    };
    let finished = ProbeEvent::Finished {
        provider_id: gateway.provider_id.clone(),
        model: "echo".into(),
    };
    assert_eq!(events.recv().await.expect("started"), started);
    assert_eq!(events.recv().await.expect("finished"), finished);
}

/// halley-mock's gateway personalities, each a quirk seen in the wild: the
/// turn ends in the right state and keeps every streamed word.
#[tokio::test]
async fn each_gateway_personality_ends_in_the_right_state() {
    let gateway = gateway().await;
    let plain = |model: &str| ChatOptions {
        reasoning_effort: None,
        ..options(model)
    };
    for model in ["fault:bare-events", "fault:done-marker"] {
        let (outcome, prepared, _, _) =
            send(&gateway, None, None, "hello personality", &plain(model)).await;
        assert_eq!(
            outcome.status,
            MessageStatus::Complete,
            "{model}: {outcome:?}"
        );
        let answer = gateway
            .history
            .get_message(&prepared.assistant_message_id)
            .expect("answer");
        assert_eq!(
            answer.text, "hello personality",
            "{model}: the whole answer"
        );
    }

    // `response.failed` with an empty output after the text streamed.
    let (outcome, prepared, _, _) = send(
        &gateway,
        None,
        None,
        "kept despite the failure",
        &plain("fault:failed-after-text"),
    )
    .await;
    assert_eq!(outcome.status, MessageStatus::Error, "{outcome:?}");
    let answer = gateway
        .history
        .get_message(&prepared.assistant_message_id)
        .expect("answer");
    assert_eq!(
        answer.text, "kept despite the failure",
        "the streamed text outlives an empty terminal event"
    );

    // What the probe makes of a gateway that numbers nothing.
    let client = Client::new().expect("client");
    let bare = halley_core::probe::probe(
        &client,
        &gateway.endpoint,
        "fault:bare-events",
        &CancellationToken::new(),
    )
    .await;
    let found = verdicts(&bare);
    assert!(
        found.contains(&(Feature::Streaming, Verdict::Supported)),
        "{found:?}"
    );
    assert!(
        found.contains(&(Feature::SequenceNumbers, Verdict::Unsupported)),
        "{found:?}"
    );
}

/// A provider that is down while the probe runs tells nothing: every check
/// is untested with the reason, none turns a feature off, and the probe
/// ends rather than waiting.
#[tokio::test]
async fn a_provider_that_is_down_leaves_everything_untested() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let endpoint = Endpoint::new(
        format!("http://127.0.0.1:{port}/v1"),
        SecretString::new("sk-test-capabilities"),
    );
    let client = Client::new().expect("client");
    let findings =
        halley_core::probe::probe(&client, &endpoint, "gpt-5", &CancellationToken::new()).await;
    assert!(!findings.is_empty());
    for finding in &findings {
        assert_eq!(finding.verdict, Verdict::Untested, "{finding:?}");
        assert!(
            !finding.evidence.is_empty(),
            "the reason is kept: {finding:?}"
        );
    }
}
