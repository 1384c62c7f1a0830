//! A PDF too large to send inline, against halley-mock (whose request size
//! limit refuses a 40 MB PDF as base64): uploaded once with
//! `purpose: user_data`, sent by file id on this turn and the next, deleted
//! at the provider with the conversation; an upload the provider refuses
//! or the user stops ends the turn before anything is sent, keeping the
//! user's message.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use halley_core::chat::{self, ChatOptions, Outgoing, RunUpdate, TurnIds};
use halley_core::history::{AttachmentKind, MessageStatus, NewAttachment, TurnErrorCode};
use halley_core::knowledge::Knowledge;
use halley_core::providers::ProviderKind;
use halley_core::History;
use halley_responses::client::Polling;
use halley_responses::files::FilePurpose;
use halley_responses::{Client, Endpoint, SecretString};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::support::file_history;

/// Over the mock's 50 MiB request limit once it is base64.
const BIG: usize = 40 * 1024 * 1024;

struct Setup {
    _dir: tempfile::TempDir,
    _mock: halley_mock::RunningServer,
    history: Arc<History>,
    client: Client,
    endpoint: Endpoint,
    provider_id: String,
}

async fn setup(max_file_bytes: usize) -> Setup {
    let mock = halley_mock::serve(halley_mock::Config {
        max_file_bytes,
        ..halley_mock::Config::default()
    })
    .await
    .expect("mock starts");
    let endpoint = Endpoint::new(mock.base_url(), SecretString::new("sk-test-large-pdf"));
    let (dir, history) = file_history();
    let provider_id = history
        .add_provider("Mock", ProviderKind::Custom, Some(&mock.base_url()))
        .expect("provider")
        .id;
    Setup {
        _dir: dir,
        _mock: mock,
        history: Arc::new(history),
        client: Client::new().expect("client"),
        endpoint,
        provider_id,
    }
}

fn pdf(name: &str, size: usize) -> NewAttachment {
    let mut data = b"%PDF-1.4\n".to_vec();
    data.resize(size, b'%');
    NewAttachment {
        kind: AttachmentKind::Pdf,
        filename: name.into(),
        mime: "application/pdf".into(),
        data,
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
    /// Sends `text` with `attachments` after `parent` and plans the turn
    /// the way the app does: uploads first when a PDF needs it.
    async fn send(
        &self,
        conversation: Option<String>,
        parent: Option<String>,
        attachments: Vec<NewAttachment>,
        cancel: &CancellationToken,
    ) -> (
        chat::PreparedTurn,
        Result<chat::Turn, chat::TurnError>,
        Heard,
    ) {
        let prepared = chat::prepare_send(
            &self.history,
            Outgoing {
                conversation_id: conversation,
                parent_id: parent,
                text: "what does section 3 say?".into(),
                attachments,
                model: "gpt-4.1-mini".into(),
                provider_id: Some(self.provider_id.clone()),
            },
        )
        .expect("sent");
        let user = prepared.user_message_id.clone().expect("a user message");
        let mut options = ChatOptions {
            model: "gpt-4.1-mini".into(),
            store: false,
            ..ChatOptions::default()
        };
        options.uploaded_files = self
            .history
            .uploaded_attachments(&prepared.conversation_id, &self.provider_id)
            .expect("uploads");
        let tree = self
            .history
            .get_conversation(&prepared.conversation_id)
            .expect("tree");
        let pending = chat::pending_uploads(&tree, &user, &options.uploaded_files);
        let (heard, emit) = sink();
        let turn = chat::upload_and_plan(
            &self.history,
            &self.client,
            &self.endpoint,
            TurnIds {
                conversation_id: prepared.conversation_id.clone(),
                user_message_id: user,
                assistant_message_id: prepared.assistant_message_id.clone(),
                provider_id: self.provider_id.clone(),
            },
            options,
            pending,
            cancel,
            &emit,
        )
        .await;
        (prepared, turn, heard)
    }

    async fn provider_files(&self) -> Vec<halley_responses::files::FileObject> {
        self.client
            .list_files(&self.endpoint, None)
            .await
            .expect("lists")
    }
}

/// The `input_file` parts of a request, as JSON.
fn input_files(request: &halley_responses::CreateResponse) -> Vec<Value> {
    let body = serde_json::to_value(request).expect("JSON");
    body["input"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|item| item["content"].as_array().cloned().unwrap_or_default())
        .filter(|part| part["type"] == "input_file")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_40_mb_pdf_is_uploaded_once_sent_by_id_and_deleted_with_the_conversation() {
    let s = setup(64 * 1024 * 1024).await;
    let never = CancellationToken::new();
    let (first, turn, heard) = s
        .send(None, None, vec![pdf("report.pdf", BIG)], &never)
        .await;
    let turn = turn.expect("uploaded and planned");

    let files = s.provider_files().await;
    assert_eq!(files.len(), 1, "one upload");
    assert_eq!(
        files[0].purpose.as_str(),
        Some(FilePurpose::UserData.as_str())
    );
    assert_eq!(files[0].bytes.get().copied(), Some(BIG as u64));
    let parts = input_files(&turn.request);
    assert_eq!(
        parts,
        vec![serde_json::json!({"type": "input_file", "file_id": files[0].id})],
        "by id, no bytes inline"
    );
    let last_progress = heard
        .lock()
        .expect("updates")
        .iter()
        .rev()
        .find_map(|u| match u {
            RunUpdate::Uploading {
                filename,
                sent_bytes,
                total_bytes,
            } => Some((filename.clone(), *sent_bytes, *total_bytes)),
            _ => None,
        });
    assert_eq!(
        last_progress,
        Some(("report.pdf".to_owned(), BIG as u64, BIG as u64)),
        "the upload's progress is told, to the end"
    );

    let (_, emit) = sink();
    let outcome = chat::run_turn(
        &s.history,
        &s.client,
        &s.endpoint,
        &turn,
        never.clone(),
        emit,
    )
    .await
    .expect("the turn runs");
    assert_eq!(
        outcome.status,
        MessageStatus::Complete,
        "{:?}",
        outcome.error
    );
    let answer = s
        .history
        .get_message(&first.assistant_message_id)
        .expect("answer");
    assert!(
        answer.text.contains("[1 file]"),
        "the mock read the file: {}",
        answer.text
    );

    // The next turn replays the branch: the same file, by the same id.
    let (_, next, _) = s
        .send(
            Some(first.conversation_id.clone()),
            Some(first.assistant_message_id.clone()),
            Vec::new(),
            &never,
        )
        .await;
    let next = next.expect("planned");
    assert_eq!(input_files(&next.request), parts, "not uploaded again");
    assert_eq!(s.provider_files().await.len(), 1);

    let knowledge = Knowledge::new(Polling {
        interval: Duration::from_millis(20),
        limit: Duration::from_secs(5),
    });
    let endpoint = s.endpoint.clone();
    let cleanup = knowledge
        .forget_conversation(&s.history, &s.client, &first.conversation_id, |_| {
            Some(endpoint.clone())
        })
        .await
        .expect("forgets");
    assert_eq!(cleanup.files_deleted, 1, "{:?}", cleanup.failures);
    assert!(
        s.provider_files().await.is_empty(),
        "nothing left at the provider"
    );
    assert!(s
        .history
        .attachment_uploads(&first.conversation_id)
        .expect("uploads")
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_or_stopped_upload_ends_the_turn_unsent_and_keeps_the_message() {
    // The provider takes files up to 10 MB only.
    let s = setup(10 * 1024 * 1024).await;
    let never = CancellationToken::new();
    let (prepared, turn, _) = s
        .send(None, None, vec![pdf("scan.pdf", 12 * 1024 * 1024)], &never)
        .await;
    let error = turn.expect_err("refused");
    assert_eq!(error.code, TurnErrorCode::UploadFailed);
    assert_eq!(error.status, Some(413));
    assert!(
        error.message.starts_with("scan.pdf could not be uploaded"),
        "names the file: {}",
        error.message
    );
    let (heard, emit) = sink();
    chat::end_unsent(&s.history, &prepared.assistant_message_id, error, &emit)
        .await
        .expect("ended");
    let answer = s
        .history
        .get_message(&prepared.assistant_message_id)
        .expect("answer");
    assert_eq!(answer.status, MessageStatus::Error);
    assert!(answer.error.is_some_and(|e| e.message.contains("scan.pdf")));
    assert!(matches!(
        heard.lock().expect("updates").last(),
        Some(RunUpdate::Finished {
            status: MessageStatus::Error,
            ..
        })
    ));
    let user = s
        .history
        .get_message(prepared.user_message_id.as_deref().expect("user"))
        .expect("the user's message is kept");
    assert_eq!(user.attachments.len(), 1, "with its PDF");
    assert!(s.provider_files().await.is_empty());

    // Stop before the upload ends: stopped, not an error.
    let stopped = CancellationToken::new();
    stopped.cancel();
    let (prepared, turn, _) = s
        .send(
            None,
            None,
            vec![pdf("other.pdf", 9 * 1024 * 1024)],
            &stopped,
        )
        .await;
    let error = turn.expect_err("stopped");
    assert_eq!(error.code, TurnErrorCode::Cancelled);
    let (_, emit) = sink();
    let outcome = chat::end_unsent(&s.history, &prepared.assistant_message_id, error, &emit)
        .await
        .expect("ended");
    assert_eq!(outcome.status, MessageStatus::Stopped);
    assert!(
        s.provider_files().await.is_empty(),
        "nothing half-uploaded left"
    );
}
