//! The Playground's provider files through IPC against halley-mock: upload
//! with progress, a store made from two files (one the mock cannot index),
//! each file's indexing followed to its end, deletes seen in the lists,
//! and a container's file saved with its bytes (an expired one refused as
//! `not_found`). The key never reaches the UI.

use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

use crate::app::TestApp;

fn upload(app: &TestApp, name: &str, text: &str) -> Value {
    let (channel, channel_arg) = app.new_channel();
    let file = app.call(
        "provider_file_upload",
        json!({
            "uploadId": format!("upload-{name}"),
            "filename": name,
            "mime": "text/plain",
            "dataBase64": base64::engine::general_purpose::STANDARD.encode(text),
            "purpose": "assistants",
            "onProgress": channel_arg,
        }),
    );
    let progress = app.channels.wait_for(channel, |p| p["sent"] == p["total"]);
    let last = progress.last().expect("progress was told");
    assert_eq!(last["total"], text.len(), "the whole file went out: {last}");
    file
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|v| v["id"].as_str().expect("an id").to_owned())
        .collect()
}

#[test]
fn a_store_made_from_two_uploads_reports_each_files_indexing_and_deletes_are_seen() {
    let app = TestApp::start();
    let key = format!("sk-files-{}", uuid::Uuid::new_v4().simple());
    app.add_mock_provider(&key);

    let notes = upload(&app, "notes.txt", "The launch code is 4471.");
    let broken = upload(&app, "unindexable.txt", "no index for this one");
    assert_eq!(notes["filename"], "notes.txt");
    let notes_id = notes["id"].as_str().expect("an id").to_owned();
    let broken_id = broken["id"].as_str().expect("an id").to_owned();
    let listed = ids(&app.call("provider_files_list", json!({})));
    assert!(
        listed.contains(&notes_id) && listed.contains(&broken_id),
        "{listed:?}"
    );

    let store = app.call(
        "vector_store_create",
        json!({"name": "launch notes", "fileIds": [notes_id, broken_id]}),
    );
    assert_eq!(store["name"], "launch notes");
    assert_eq!(store["filesTotal"], 2, "the batch added both: {store}");
    let store_id = store["id"].as_str().expect("a store id").to_owned();

    // The mock takes a few looks to index; the UI asks until nothing is in progress.
    let deadline = Instant::now() + Duration::from_secs(30);
    let files = loop {
        let files = app.call("vector_store_files", json!({"storeId": store_id}));
        let done = files
            .as_array()
            .expect("a list")
            .iter()
            .all(|f| f["status"] != "in_progress");
        if done {
            break files;
        }
        assert!(Instant::now() < deadline, "indexing never ended: {files}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let status_of = |id: &str| {
        files
            .as_array()
            .expect("a list")
            .iter()
            .find(|f| f["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} is in the store: {files}"))
    };
    assert_eq!(status_of(&notes_id)["status"], "completed");
    let failed = status_of(&broken_id);
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["error"].as_str().is_some_and(|e| !e.is_empty()),
        "a failed file says why: {failed}"
    );

    let stores = ids(&app.call("vector_stores_list", json!({})));
    assert!(stores.contains(&store_id), "{stores:?}");
    app.call("vector_store_delete", json!({"storeId": store_id}));
    assert!(!ids(&app.call("vector_stores_list", json!({}))).contains(&store_id));
    app.call("provider_file_delete", json!({"fileId": broken_id}));
    assert!(!ids(&app.call("provider_files_list", json!({}))).contains(&broken_id));

    app.assert_key_never_sent_to_ui(&key);
}

#[test]
fn a_container_file_is_saved_with_its_bytes_and_an_expired_one_is_not_found() {
    let app = TestApp::start();
    app.add_mock_provider("sk-container-files");
    let path = app.call(
        "container_file_save",
        json!({"containerId": "cntr_1", "fileId": "cfile_data", "filename": "../../data.csv"}),
    );
    let path = std::path::PathBuf::from(path.as_str().expect("a path"));
    assert_eq!(
        path.parent(),
        Some(app.export_dir().as_path()),
        "saved in the export folder"
    );
    assert!(
        path.extension().is_some_and(|e| e == "csv"),
        "{}",
        path.display()
    );
    // The same bytes as the container holds, read from the mock directly.
    let endpoint = halley_responses::Endpoint::new(
        app.mock.base_url(),
        halley_responses::SecretString::new("sk-container-files"),
    );
    let client = halley_responses::Client::new().expect("a client");
    let served = tauri::async_runtime::block_on(client.container_file_content(
        &endpoint,
        "cntr_1",
        "cfile_data",
    ))
    .expect("the mock serves the file");
    assert!(served.starts_with(b"month,sales\n"), "a CSV");
    assert_eq!(
        std::fs::read(&path).expect("the saved file"),
        served.to_vec()
    );

    let expired = app
        .invoke(
            "container_file_save",
            json!({"containerId": "cntr_expired", "fileId": "cfile_data", "filename": "data.csv"}),
        )
        .expect_err("an expired container has no files");
    assert_eq!(expired["code"], "not_found", "{expired}");
}

#[test]
fn an_upload_over_halleys_bound_is_too_large_before_anything_is_sent() {
    let app = TestApp::start();
    app.add_mock_provider("sk-too-large");
    let (_, channel_arg) = app.new_channel();
    // Only the length is looked at before decoding: 101 MB of base64 text.
    let huge = "A".repeat(136 * 1024 * 1024);
    let refused = app
        .invoke(
            "provider_file_upload",
            json!({
                "uploadId": "upload-huge", "filename": "huge.bin", "mime": "",
                "dataBase64": huge, "purpose": "user_data", "onProgress": channel_arg,
            }),
        )
        .expect_err("over the bound");
    assert_eq!(refused["code"], "too_large", "{refused}");
    assert!(
        app.mock
            .requests()
            .iter()
            .all(|r| !r.path.contains("/files")),
        "nothing was uploaded"
    );
}
