//! Long answers that survive, against halley-mock (whose background
//! responses play on without their client): a cut stream is picked up after
//! its last event, an answer left by a killed app is picked up after a
//! restart from what was kept, Stop cancels it at the provider, a provider
//! without background mode answers plainly (said once), and one that no
//! longer has the answer says so keeping what arrived.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use halley_core::chat::{self, ChatOptions, Outgoing, RunUpdate};
use halley_core::history::{MessageStatus, TurnErrorCode, TurnNote};
use halley_core::providers::ProviderKind;
use halley_core::History;
use halley_responses::{Client, Endpoint, SecretString};
use tokio_util::sync::CancellationToken;

use crate::support::file_history;

struct Setup {
    _dir: tempfile::TempDir,
    mock: halley_mock::RunningServer,
    history: Arc<History>,
    client: Client,
    endpoint: Endpoint,
    provider_id: String,
}

async fn setup() -> Setup {
    let mock = halley_mock::serve(halley_mock::Config::default())
        .await
        .expect("mock starts");
    let endpoint = Endpoint::new(mock.base_url(), SecretString::new("sk-test-background"));
    let (dir, history) = file_history();
    let provider_id = history
        .add_provider("Mock", ProviderKind::Custom, Some(&mock.base_url()))
        .expect("provider")
        .id;
    Setup {
        _dir: dir,
        mock,
        history: Arc::new(history),
        client: Client::new().expect("client"),
        endpoint,
        provider_id,
    }
}

type Heard = Arc<Mutex<Vec<RunUpdate>>>;

fn sink() -> (Heard, chat::Emit) {
    let heard: Heard = Arc::default();
    let into = heard.clone();
    (
        heard,
        Arc::new(move |update| into.lock().expect("updates").push(update)),
    )
}

impl Setup {
    /// Sends `text` to `model` in a new conversation (or after `parent`)
    /// and plans the turn as the app does, in background mode.
    fn plan(&self, model: &str, text: &str, parent: Option<(&str, &str)>) -> chat::Turn {
        let prepared = chat::prepare_send(
            &self.history,
            Outgoing {
                conversation_id: parent.map(|(c, _)| c.to_owned()),
                parent_id: parent.map(|(_, m)| m.to_owned()),
                text: text.into(),
                attachments: Vec::new(),
                model: model.into(),
                provider_id: Some(self.provider_id.clone()),
            },
        )
        .expect("sent");
        let user = prepared.user_message_id.clone().expect("a user message");
        let options = ChatOptions {
            model: model.into(),
            store: true,
            background: true,
            ..ChatOptions::default()
        };
        let tree = self
            .history
            .get_conversation(&prepared.conversation_id)
            .expect("tree");
        chat::plan_turn(
            &self.history,
            &tree,
            &user,
            &options,
            &self.provider_id,
            &prepared.assistant_message_id,
        )
        .expect("planned")
    }

    fn answer_text(&self, message_id: &str) -> (MessageStatus, String) {
        let message = self.history.get_message(message_id).expect("message");
        (message.status, message.text)
    }

    /// How many times the mock was asked to create a response.
    fn creates(&self) -> usize {
        self.mock
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path == "/v1/responses")
            .count()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_stream_is_picked_up_after_its_last_event_and_completes_in_place() {
    let s = setup().await;
    let text = "cut me off and pick me up again";
    let turn = s.plan("fault:cut-after-8", text, None);
    assert_eq!(turn.request.background.get(), Some(&true));
    let (heard, emit) = sink();
    let outcome = chat::run_turn(
        &s.history,
        &s.client,
        &s.endpoint,
        &turn,
        CancellationToken::new(),
        emit,
    )
    .await
    .expect("runs");
    assert_eq!(outcome.status, MessageStatus::Complete, "{outcome:?}");
    assert_eq!(
        s.answer_text(&turn.assistant_message_id),
        (MessageStatus::Complete, text.to_owned()),
        "nothing lost, nothing repeated"
    );
    let heard = heard.lock().expect("updates").clone();
    assert!(heard.contains(&RunUpdate::Reconnecting { attempt: 1 }));
    let streamed: String = heard
        .iter()
        .filter_map(|u| match u {
            RunUpdate::TextDelta { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(streamed, text, "the UI heard each piece once");
    let resumed = s
        .mock
        .requests()
        .into_iter()
        .find(|r| r.method == "GET" && r.path.starts_with("/v1/responses/"))
        .expect("picked up at the provider");
    let query = resumed.query.unwrap_or_default();
    assert!(
        query.contains("stream=true") && query.contains("starting_after=7"),
        "after the 8th event (sequence 7): {query}"
    );
    assert_eq!(
        s.creates(),
        1,
        "the answer was not asked for (and billed) twice"
    );
    assert_eq!(
        s.history
            .background_turn(&turn.assistant_message_id)
            .expect("reads"),
        None,
        "finished: nothing left to pick up"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_left_by_a_killed_app_is_picked_up_after_the_restart() {
    let s = setup().await;
    let text = "answer slowly: one two three four five six seven eight nine ten";
    let turn = s.plan("echo", text, None);
    let id = turn.assistant_message_id.clone();
    let (history, client, endpoint) = (s.history.clone(), s.client.clone(), s.endpoint.clone());
    let (_, emit) = sink();
    let running = tokio::spawn(async move {
        chat::run_turn(
            &history,
            &client,
            &endpoint,
            &turn,
            CancellationToken::new(),
            emit,
        )
        .await
    });
    // Until a progress write kept some text with its event number.
    let kept = loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let row = s.history.background_turn(&id).expect("reads");
        let (_, partial) = s.answer_text(&id);
        if let Some(row) = row.filter(|r| r.last_sequence.is_some() && !partial.is_empty()) {
            break (row, partial);
        }
    };
    // The app is killed: its turn stops where it was, mid-answer.
    running.abort();
    let _ = running.await;
    let (row, partial) = kept;
    assert!(partial.len() < text.len(), "killed mid-answer: {partial:?}");

    // The next start leaves it streaming and finds it to pick up.
    assert_eq!(s.history.mark_interrupted_on_startup().expect("marks"), 0);
    let found = s.history.streaming_background_turns().expect("rows");
    assert_eq!(found.len(), 1);
    let kept = &found[0];
    assert_eq!(kept.response_id, row.response_id);
    let (heard, emit) = sink();
    let outcome = chat::resume_turn(
        &s.history,
        &s.client,
        &s.endpoint,
        kept,
        CancellationToken::new(),
        emit,
    )
    .await
    .expect("picks up");
    assert_eq!(outcome.status, MessageStatus::Complete, "{outcome:?}");
    assert_eq!(
        s.answer_text(&id),
        (MessageStatus::Complete, text.to_owned()),
        "completed in place, without repeating what was kept"
    );
    let heard = heard.lock().expect("updates").clone();
    assert!(
        matches!(&heard[0], RunUpdate::Resumed { text, .. } if text.starts_with(&partial[..partial.len().min(4)])),
        "a window following it is first told what was kept: {:?}",
        heard.first()
    );
    assert_eq!(s.creates(), 1, "picked up, not asked again");
    let exchange = s.history.message_exchange(&id).expect("exchange");
    let request = exchange
        .request
        .expect("the request as sent is kept on the answer");
    assert_eq!(request["background"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_cancels_a_background_answer_at_the_provider() {
    let s = setup().await;
    let turn = s.plan(
        "echo",
        "answer slowly, I will stop you halfway through this",
        None,
    );
    let cancel = CancellationToken::new();
    let stopper = cancel.clone();
    let history = s.history.clone();
    let id = turn.assistant_message_id.clone();
    tokio::spawn(async move {
        // Stopped once the provider has named the response.
        while history.background_turn(&id).ok().flatten().is_none() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        stopper.cancel();
    });
    let (_, emit) = sink();
    let outcome = chat::run_turn(&s.history, &s.client, &s.endpoint, &turn, cancel, emit)
        .await
        .expect("runs");
    assert_eq!(outcome.status, MessageStatus::Stopped);
    let response_id = outcome.response_id.expect("the response is known");
    let at_provider = s
        .client
        .retrieve(&s.endpoint, &response_id)
        .await
        .expect("retrieves");
    assert_eq!(
        at_provider.status.as_str(),
        Some("cancelled"),
        "not left running (and billed) at the provider"
    );
    assert!(s
        .mock
        .requests()
        .iter()
        .any(|r| r.method == "POST" && r.path.ends_with("/cancel")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_without_background_mode_answers_plainly_and_it_is_said_once() {
    let s = setup().await;
    let first = s.plan("fault:no-background", "first question", None);
    let (_, emit) = sink();
    let outcome = chat::run_turn(
        &s.history,
        &s.client,
        &s.endpoint,
        &first,
        CancellationToken::new(),
        emit,
    )
    .await
    .expect("runs");
    assert_eq!(outcome.status, MessageStatus::Complete);
    assert!(
        outcome.notes.iter().any(|n| matches!(
            n,
            TurnNote::Refused {
                feature: halley_core::capabilities::Feature::Background,
                ..
            }
        )),
        "the first refusal is said: {:?}",
        outcome.notes
    );
    let conversation = s
        .history
        .get_message(&first.assistant_message_id)
        .expect("message")
        .conversation_id;
    let second = s.plan(
        "fault:no-background",
        "second question",
        Some((&conversation, &first.assistant_message_id)),
    );
    assert_eq!(second.request.background.get(), None, "known: left out");
    assert!(
        second.notes.is_empty(),
        "and not said again: {:?}",
        second.notes
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_the_provider_no_longer_has_says_so_and_keeps_what_arrived() {
    let s = setup().await;
    let turn = s.plan("echo", "never sent", None);
    let id = turn.assistant_message_id;
    s.history
        .record_background_turn(&id, &s.provider_id, "resp_gone", "{\"model\":\"echo\"}")
        .expect("recorded");
    s.history
        .update_assistant_progress_at(&id, "What arrived", "", &Default::default(), Some(4))
        .expect("kept");
    let kept = s.history.background_turn(&id).expect("reads").expect("row");
    let (_, emit) = sink();
    let outcome = chat::resume_turn(
        &s.history,
        &s.client,
        &s.endpoint,
        &kept,
        CancellationToken::new(),
        emit,
    )
    .await
    .expect("ends");
    assert_eq!(outcome.status, MessageStatus::Error);
    assert_eq!(
        outcome.error.map(|e| e.code),
        Some(TurnErrorCode::AnswerExpired)
    );
    assert_eq!(
        s.answer_text(&id),
        (MessageStatus::Error, "What arrived".to_owned())
    );
}
