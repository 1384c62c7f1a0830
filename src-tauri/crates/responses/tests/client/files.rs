//! The Files, Vector Stores and container-file calls against halley-mock
//! (held to the official Python SDK in its own tests): every endpoint, an
//! upload's progress, an upload cancelled halfway, a 413, indexing that
//! completes and indexing that fails, an expired container.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use halley_responses::client::Polling;
use halley_responses::files::{CreateVectorStore, FilePurpose, IndexingStatus, Upload};
use halley_responses::{Client, Endpoint, Error, ErrorKind, Nullable, SecretString};
use tokio_util::sync::CancellationToken;

async fn mock(max_file_bytes: usize) -> (halley_mock::RunningServer, Endpoint) {
    let server = halley_mock::serve(halley_mock::Config {
        max_file_bytes,
        ..halley_mock::Config::default()
    })
    .await
    .expect("mock starts");
    let ep = Endpoint::new(server.base_url(), SecretString::new("sk-test-files"));
    (server, ep)
}

fn upload(name: &str, bytes: Vec<u8>) -> Upload {
    Upload {
        filename: name.into(),
        mime: "application/pdf".into(),
        bytes: bytes.into(),
        purpose: FilePurpose::UserData,
    }
}

const QUICK: Polling = Polling {
    interval: Duration::from_millis(10),
    limit: Duration::from_secs(5),
};

#[tokio::test]
async fn files_upload_with_progress_list_read_and_delete() {
    let (_server, ep) = mock(1 << 20).await;
    let client = Client::new().expect("client");
    let body: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = {
        let seen = seen.clone();
        Arc::new(move |sent: u64, total: u64| seen.lock().expect("lock").push((sent, total)))
    };
    let file = client
        .upload_file(
            &ep,
            &upload("report.pdf", body.clone()),
            Some(progress),
            &CancellationToken::new(),
        )
        .await
        .expect("uploaded");
    assert_eq!(file.filename.as_str(), Some("report.pdf"));
    assert_eq!(file.bytes.get(), Some(&200_000));
    assert_eq!(file.purpose.as_str(), Some("user_data"));
    let seen = seen.lock().expect("lock").clone();
    assert!(seen.len() >= 3, "progress in several steps: {seen:?}");
    assert_eq!(
        seen.last(),
        Some(&(200_000, 200_000)),
        "ending at the total"
    );
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "always forward");

    let listed = client
        .list_files(&ep, Some(FilePurpose::UserData))
        .await
        .expect("list");
    assert_eq!(
        listed.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        [file.id.as_str()]
    );
    assert!(client
        .list_files(&ep, Some(FilePurpose::Batch))
        .await
        .expect("list")
        .is_empty());
    assert_eq!(
        client
            .retrieve_file(&ep, &file.id)
            .await
            .expect("retrieve")
            .id,
        file.id
    );
    let content = client.file_content(&ep, &file.id).await.expect("content");
    assert_eq!(
        content.as_ref(),
        body.as_slice(),
        "the same bytes come back"
    );
    assert!(
        client
            .delete_file(&ep, &file.id)
            .await
            .expect("delete")
            .deleted
    );
    let gone = client
        .retrieve_file(&ep, &file.id)
        .await
        .expect_err("deleted");
    assert_eq!(gone.http_status(), Some(404));
}

#[tokio::test]
async fn lists_follow_every_page() {
    let (_server, ep) = mock(1 << 20).await;
    let client = Client::new().expect("client");
    // More than one page of 100.
    for i in 0..105 {
        client
            .create_vector_store(
                &ep,
                &CreateVectorStore {
                    name: Nullable::Value(format!("store {i}")),
                    ..CreateVectorStore::default()
                },
            )
            .await
            .expect("store");
    }
    let stores = client.list_vector_stores(&ep).await.expect("list");
    assert_eq!(stores.len(), 105);
    let mut ids: Vec<&str> = stores.iter().map(|s| s.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 105, "no page read twice");
}

#[tokio::test]
async fn a_file_over_the_limit_is_a_413_said_as_too_large() {
    let (_server, ep) = mock(1000).await;
    let client = Client::new().expect("client");
    let error = client
        .upload_file(
            &ep,
            &upload("big.pdf", vec![7; 5000]),
            None,
            &CancellationToken::new(),
        )
        .await
        .expect_err("too large");
    assert_eq!(error.http_status(), Some(413));
    assert_eq!(error.reading().map(|r| r.kind), Some(ErrorKind::TooLarge));
    assert!(
        error.detail().contains("maximum file size"),
        "{}",
        error.detail()
    );
}

#[tokio::test]
async fn an_upload_cancelled_halfway_stops_at_once() {
    let (_server, ep) = mock(64 << 20).await;
    let client = Client::new().expect("client");
    let cancel = CancellationToken::new();
    let halfway = {
        let cancel = cancel.clone();
        Arc::new(move |sent: u64, total: u64| {
            if sent * 2 >= total {
                cancel.cancel();
            }
        })
    };
    let error = client
        .upload_file(
            &ep,
            &upload("large.pdf", vec![1; 32 << 20]),
            Some(halfway),
            &cancel,
        )
        .await
        .expect_err("cancelled");
    assert!(matches!(error, Error::Cancelled), "{error:?}");
}

#[tokio::test]
async fn vector_store_files_index_or_fail_with_the_reason() {
    let (_server, ep) = mock(1 << 20).await;
    let client = Client::new().expect("client");
    let cancel = CancellationToken::new();
    let good = client
        .upload_file(
            &ep,
            &upload("notes.pdf", b"section 3".to_vec()),
            None,
            &cancel,
        )
        .await
        .expect("upload");
    let bad = client
        .upload_file(&ep, &upload("unindexable.bin", vec![0; 10]), None, &cancel)
        .await
        .expect("upload");
    let store = client
        .create_vector_store(
            &ep,
            &CreateVectorStore {
                name: Nullable::Value("Knowledge".into()),
                ..CreateVectorStore::default()
            },
        )
        .await
        .expect("store");
    let added = client
        .add_vector_store_file(&ep, &store.id, &good.id)
        .await
        .expect("added");
    assert_eq!(added.status, IndexingStatus::InProgress);

    let looks = Mutex::new(Vec::new());
    let done = client
        .wait_for_indexing(&ep, &store.id, &good.id, QUICK, &cancel, |f| {
            looks.lock().expect("lock").push(f.status)
        })
        .await
        .expect("indexed");
    assert_eq!(done.status, IndexingStatus::Completed);
    assert_eq!(
        looks.into_inner().expect("lock").first(),
        Some(&IndexingStatus::InProgress),
        "it took a few looks"
    );

    client
        .add_vector_store_file(&ep, &store.id, &bad.id)
        .await
        .expect("added");
    let failed = client
        .wait_for_indexing(&ep, &store.id, &bad.id, QUICK, &cancel, |_| {})
        .await
        .expect("ends");
    assert_eq!(failed.status, IndexingStatus::Failed);
    assert_eq!(
        failed.last_error.get().map(|e| e.message.as_str()),
        Some("The file type is not supported.")
    );

    let files = client
        .list_vector_store_files(&ep, &store.id)
        .await
        .expect("list");
    assert_eq!(files.len(), 2);
    let stored = client
        .retrieve_vector_store(&ep, &store.id)
        .await
        .expect("retrieve");
    let counts = stored.file_counts.get().expect("counts");
    assert_eq!((counts.completed, counts.failed, counts.total), (1, 1, 2));

    assert!(
        client
            .remove_vector_store_file(&ep, &store.id, &bad.id)
            .await
            .expect("removed")
            .deleted
    );
    assert!(
        client
            .delete_vector_store(&ep, &store.id)
            .await
            .expect("deleted")
            .deleted
    );
    assert_eq!(
        client
            .retrieve_vector_store(&ep, &store.id)
            .await
            .expect_err("gone")
            .http_status(),
        Some(404)
    );
}

#[tokio::test]
async fn a_file_batch_indexes_every_file() {
    let (_server, ep) = mock(1 << 20).await;
    let client = Client::new().expect("client");
    let cancel = CancellationToken::new();
    let mut ids = Vec::new();
    for name in ["a.txt", "b.txt"] {
        ids.push(
            client
                .upload_file(&ep, &upload(name, b"text".to_vec()), None, &cancel)
                .await
                .expect("upload")
                .id,
        );
    }
    let store = client
        .create_vector_store(&ep, &CreateVectorStore::default())
        .await
        .expect("store");
    let batch = client
        .create_file_batch(&ep, &store.id, &ids)
        .await
        .expect("batch");
    assert_eq!(batch.status, IndexingStatus::InProgress);
    let mut looked = batch;
    for _ in 0..5 {
        looked = client
            .retrieve_file_batch(&ep, &store.id, &looked.id)
            .await
            .expect("batch");
        if looked.status.is_final() {
            break;
        }
    }
    assert_eq!(looked.status, IndexingStatus::Completed);
    assert_eq!(looked.file_counts.get().map(|c| c.completed), Some(2));
}

#[tokio::test]
async fn container_files_download_and_an_expired_container_says_so() {
    let (_server, ep) = mock(1 << 20).await;
    let client = Client::new().expect("client");
    let files = client
        .list_container_files(&ep, "cntr_run1")
        .await
        .expect("list");
    let csv = files
        .iter()
        .find(|f| f.path.as_str() == Some("/mnt/data/data.csv"))
        .expect("the data behind the chart");
    let bytes = client
        .container_file_content(&ep, "cntr_run1", &csv.id)
        .await
        .expect("download");
    assert!(
        bytes.starts_with(b"month,sales\njan,3\nfeb,5\n"),
        "{bytes:?}"
    );
    let expired = client
        .container_file_content(&ep, "cntr_expired", &csv.id)
        .await
        .expect_err("expired");
    assert_eq!(expired.http_status(), Some(404));
}
