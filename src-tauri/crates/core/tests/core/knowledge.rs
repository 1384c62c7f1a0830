//! A conversation's knowledge against halley-mock's Files and Vector Stores:
//! a file goes uploading → indexing → ready; one that cannot be indexed
//! fails with the provider's reason and is deleted there; removing a file
//! or forgetting the conversation deletes what was uploaded (checked on
//! the mock's side, through its own API).

use std::sync::Arc;
use std::time::Duration;

use halley_core::history::{KnowledgeErrorCode, KnowledgeState};
use halley_core::knowledge::{self, Destination, Knowledge, KnowledgeEvent, NewKnowledge};
use halley_core::providers::ProviderKind;
use halley_core::History;
use halley_responses::client::Polling;
use halley_responses::{Client, Endpoint, SecretString};

use crate::support::{file_history, new_conversation};

struct Setup {
    _dir: tempfile::TempDir,
    _mock: halley_mock::RunningServer,
    history: Arc<History>,
    client: Client,
    endpoint: Endpoint,
    destination: Destination,
    knowledge: Knowledge,
    conversation: String,
}

async fn setup(max_file_bytes: usize) -> Setup {
    let mock = halley_mock::serve(halley_mock::Config {
        max_file_bytes,
        ..halley_mock::Config::default()
    })
    .await
    .expect("mock starts");
    let endpoint = Endpoint::new(mock.base_url(), SecretString::new("sk-test-knowledge"));
    let (dir, history) = file_history();
    let history = Arc::new(history);
    let provider_id = history
        .add_provider("Mock", ProviderKind::Custom, Some(&mock.base_url()))
        .expect("provider")
        .id;
    let conversation = new_conversation(&history, "Reports");
    Setup {
        _dir: dir,
        _mock: mock,
        client: Client::new().expect("client"),
        destination: Destination {
            provider_id,
            endpoint: endpoint.clone(),
        },
        endpoint,
        history,
        knowledge: Knowledge::new(Polling {
            interval: Duration::from_millis(20),
            limit: Duration::from_secs(10),
        }),
        conversation,
    }
}

impl Setup {
    fn add(&self, name: &str, text: &str) -> String {
        self.knowledge
            .add(
                &self.history,
                &self.client,
                self.destination.clone(),
                NewKnowledge {
                    conversation_id: self.conversation.clone(),
                    name: name.into(),
                    mime: "text/plain".into(),
                    bytes: bytes::Bytes::from(text.to_owned()),
                },
            )
            .expect("added")
            .id
    }

    /// Waits until the file leaves uploading/indexing.
    async fn settled(&self, id: &str) -> halley_core::history::KnowledgeFile {
        for _ in 0..500 {
            let file = self.history.knowledge_file(id).expect("reads");
            if matches!(file.state, KnowledgeState::Ready | KnowledgeState::Failed) {
                return file;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the file never settled");
    }

    async fn provider_file_ids(&self) -> Vec<String> {
        self.client
            .list_files(&self.endpoint, None)
            .await
            .expect("lists")
            .into_iter()
            .map(|f| f.id)
            .collect()
    }
}

#[tokio::test]
async fn a_file_is_uploaded_indexed_and_searchable_and_the_ui_hears_each_state() {
    let s = setup(64 * 1024 * 1024).await;
    let mut events = s.knowledge.subscribe();
    let id = s.add("notes.txt", "Section 3 says the launch is in May.");
    let file = s.settled(&id).await;
    assert_eq!(file.state, KnowledgeState::Ready, "{file:?}");
    let mut states = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let KnowledgeEvent::Changed { file } = event {
            if states.last() != Some(&file.state) {
                states.push(file.state);
            }
        }
    }
    assert_eq!(
        states,
        vec![
            KnowledgeState::Uploading,
            KnowledgeState::Indexing,
            KnowledgeState::Ready
        ]
    );
    let store =
        knowledge::searchable_store(&s.history, &s.conversation, &s.destination.provider_id)
            .expect("reads")
            .expect("a store to search once a file is ready");
    // A second file goes into the same store.
    let second = s.add("more.txt", "Section 4 is about costs.");
    assert_eq!(s.settled(&second).await.state, KnowledgeState::Ready);
    let files = s
        .client
        .list_vector_store_files(&s.endpoint, &store)
        .await
        .expect("lists");
    assert_eq!(
        files.len(),
        2,
        "both files are in the conversation's one store"
    );
}

#[tokio::test]
async fn a_file_that_cannot_be_indexed_fails_with_the_reason_and_is_not_left_at_the_provider() {
    let s = setup(64 * 1024 * 1024).await;
    let id = s.add("unindexable.bin", "????");
    let file = s.settled(&id).await;
    assert_eq!(file.state, KnowledgeState::Failed);
    let error = file.error.expect("a reason");
    assert_eq!(error.code, KnowledgeErrorCode::IndexingFailed);
    assert!(!error.detail.is_empty(), "the provider's words are kept");
    assert!(
        s.provider_file_ids().await.is_empty(),
        "the uploaded file was deleted at the provider"
    );
    assert_eq!(
        knowledge::searchable_store(&s.history, &s.conversation, &s.destination.provider_id)
            .expect("reads"),
        None,
        "no ready file: nothing to search"
    );
}

#[tokio::test]
async fn a_file_over_the_providers_limit_says_too_large_and_leaves_nothing() {
    let s = setup(16).await;
    let id = s.add("big.txt", "this text is longer than sixteen bytes");
    let file = s.settled(&id).await;
    assert_eq!(file.state, KnowledgeState::Failed);
    assert_eq!(
        file.error.map(|e| e.code),
        Some(KnowledgeErrorCode::TooLarge)
    );
    assert!(s.provider_file_ids().await.is_empty());
}

#[tokio::test]
async fn removing_a_file_and_forgetting_the_conversation_delete_everything_at_the_provider() {
    let s = setup(64 * 1024 * 1024).await;
    let a = s.add("a.txt", "alpha");
    let b = s.add("b.txt", "beta");
    s.settled(&a).await;
    s.settled(&b).await;
    assert_eq!(s.provider_file_ids().await.len(), 2);

    s.knowledge
        .remove(&s.history, &s.client, Some(&s.endpoint), &a)
        .await
        .expect("removes");
    assert_eq!(s.provider_file_ids().await.len(), 1);
    assert_eq!(
        s.history
            .list_knowledge(&s.conversation)
            .expect("lists")
            .len(),
        1
    );

    let endpoint = s.endpoint.clone();
    let cleanup = s
        .knowledge
        .forget_conversation(&s.history, &s.client, &s.conversation, |_| {
            Some(endpoint.clone())
        })
        .await
        .expect("forgets");
    assert_eq!(cleanup.files_deleted, 1);
    assert_eq!(cleanup.stores_deleted, 1);
    assert!(cleanup.failures.is_empty(), "{:?}", cleanup.failures);
    assert!(s.provider_file_ids().await.is_empty());
    assert!(s
        .client
        .list_vector_stores(&s.endpoint)
        .await
        .expect("lists")
        .is_empty());
    assert!(s
        .history
        .list_knowledge(&s.conversation)
        .expect("lists")
        .is_empty());
}

#[test]
fn an_empty_or_oversized_file_is_refused_before_anything_is_stored() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let s = rt.block_on(setup(64 * 1024 * 1024));
    let refused = s.knowledge.add(
        &s.history,
        &s.client,
        s.destination.clone(),
        NewKnowledge {
            conversation_id: s.conversation.clone(),
            name: "empty.txt".into(),
            mime: "text/plain".into(),
            bytes: bytes::Bytes::new(),
        },
    );
    assert!(refused.is_err());
    assert!(s
        .history
        .list_knowledge(&s.conversation)
        .expect("lists")
        .is_empty());
}
