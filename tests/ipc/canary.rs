//! The product promise: "The key never appears in logs, SQLite, exports, IPC
//! payloads or error messages." A canary key goes through everything that
//! touches keys — a conversation, exports, failing requests, a provider
//! test against bad addresses, a gateway that echoes the key in its error
//! bodies — and then every place it could leak to is searched for it.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::app::{finished, TestApp};
use crate::echo_gateway::EchoGateway;
use crate::logs;

/// Every file under `dir` (the history database and its -wal and -shm files,
/// attachments, anything else the app writes there).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)
            .expect("the folder is readable")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[test]
fn the_canary_key_appears_nowhere() {
    let app = TestApp::start();
    let canary = format!("sk-canary-{}", uuid::Uuid::new_v4().simple());
    // The last 4 characters are shown on purpose; everything before them
    // must never be, so search for that (it also finds the whole key).
    let needle = &canary[..canary.len() - 4];

    let provider = app.add_mock_provider(&canary);

    // A conversation: send, answer, follow-up.
    let first = app.send(None, None, "Canary conversation", "echo", true);
    let updates = app.channels.wait_finished(first.channel);
    assert_eq!(finished(&updates)["status"], "complete", "{updates:?}");
    let second = app.send(
        Some(&first.conversation_id),
        Some(&first.assistant_message_id),
        "Second message",
        "echo",
        false,
    );
    app.channels.wait_finished(second.channel);
    app.call("list_models", json!({ "refresh": true }));

    // Failing requests, in the same conversation so they are stored too.
    // They run in the background while the provider tests below run (both
    // wait out retries).
    let failing: Vec<_> = ["fault:401", "fault:500"]
        .into_iter()
        .map(|model| {
            let parent = Some(second.assistant_message_id.as_str());
            let run = app.send(
                Some(&first.conversation_id),
                parent,
                "this one fails",
                model,
                true,
            );
            (model, run)
        })
        .collect();

    // Provider tests against bad addresses: nothing listening, and a path
    // that answers 404.
    let mock_root = app.mock.base_url().trim_end_matches("/v1").to_owned();
    for base_url in [
        "http://127.0.0.1:9/v1".to_owned(),
        format!("{mock_root}/nowhere"),
    ] {
        // Another origin: the key must be given again (it is not carried along).
        app.call(
            "save_provider",
            json!({"input": {"id": provider["id"], "name": "Mock", "kind": "custom",
                "baseUrl": base_url, "apiKey": canary}}),
        );
        let tested = app.call(
            "test_provider",
            json!({ "id": provider["id"], "model": "echo" }),
        );
        assert_eq!(
            tested["ok"], false,
            "{base_url} cannot list models: {tested}"
        );
        assert!(
            tested["error"]["message"].is_string(),
            "the failure is explained: {tested}"
        );
    }
    for (model, run) in &failing {
        let updates = app.channels.wait_finished(run.channel);
        assert_eq!(
            finished(&updates)["status"],
            "error",
            "{model}: {updates:?}"
        );
    }

    // A gateway that echoes the key in its error bodies: every path that
    // reports a gateway's error — a chat turn (stored, exported), a provider
    // test, the model list, a playground run and a retrieve — must scrub it.
    let echo = EchoGateway::start();
    app.call(
        "save_provider",
        json!({"input": {"id": provider["id"], "name": "Mock", "kind": "custom",
            "baseUrl": echo.base_url, "apiKey": canary}}),
    );
    let echoed = app.send(
        Some(&first.conversation_id),
        Some(&second.assistant_message_id),
        "the gateway echoes the key",
        "echo",
        true,
    );
    let updates = app.channels.wait_finished(echoed.channel);
    let end = finished(&updates);
    assert_eq!(end["status"], "error", "{updates:?}");
    assert!(
        end["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Incorrect API key provided: Bearer <redacted>")),
        "the gateway's words are kept, the key in them is not: {end}"
    );
    let tested = app.call(
        "test_provider",
        json!({ "id": provider["id"], "model": "echo" }),
    );
    assert!(
        tested["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("<redacted>")),
        "{tested}"
    );
    let listed = app
        .invoke("list_models", json!({ "refresh": true }))
        .expect_err("the echo gateway refuses");
    assert!(
        listed["message"]
            .as_str()
            .is_some_and(|m| m.contains("<redacted>")),
        "{listed}"
    );
    let retrieved = app
        .invoke("playground_retrieve", json!({ "responseId": "resp_echo" }))
        .expect_err("the echo gateway refuses");
    assert!(
        retrieved["message"]
            .as_str()
            .is_some_and(|m| m.contains("<redacted>")),
        "{retrieved}"
    );
    let (pg_channel, pg_arg) = app.new_channel();
    app.call(
        "playground_run",
        json!({"requestJson": json!({"model": "echo", "input": "hi"}).to_string(), "onEvent": pg_arg}),
    );
    let pg_events = app.channels.wait_finished(pg_channel);
    assert!(
        pg_events.iter().any(|e| e["kind"] == "finished"
            && e["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("<redacted>"))),
        "{pg_events:?}"
    );
    assert!(
        echo.authorizations()
            .iter()
            .filter(|a| a.contains(&canary))
            .count()
            >= 5,
        "the echo gateway really was sent the key each time: {:?}",
        echo.authorizations().len()
    );

    // Exports.
    let mut exports = Vec::new();
    for format in ["markdown", "json"] {
        let path = app.call(
            "export_conversation",
            json!({ "id": first.conversation_id, "format": format }),
        );
        let path = PathBuf::from(path.as_str().expect("export returns the file path"));
        assert!(
            path.starts_with(app.export_dir()),
            "exports go to HALLEY_EXPORT_DIR: {path:?}"
        );
        let text = std::fs::read_to_string(&path).expect("the export was written");
        assert!(
            text.contains("Canary conversation"),
            "the {format} export holds the conversation, so searching it means something"
        );
        exports.push((path, text));
    }

    // Every conversation exported, and a backup of everything, restored back.
    for format in ["markdown", "json"] {
        let path = app.call("data_export_all", json!({ "format": format }));
        let path = PathBuf::from(path.as_str().expect("export returns the file path"));
        let text = std::fs::read_to_string(&path).expect("the export was written");
        assert!(
            text.contains("Canary conversation"),
            "{format} export of all"
        );
        exports.push((path, text));
    }
    let backup = app.call("data_backup_now", json!({}));
    let backup_path = PathBuf::from(backup["path"].as_str().expect("the backup's path"));
    let backup_bytes = std::fs::read(&backup_path).expect("the backup was written");
    assert!(
        contains(&backup_bytes, b"Canary conversation"),
        "the backup holds the history, so searching it means something"
    );
    {
        use base64::Engine as _;
        let restored = app.call(
            "data_restore",
            json!({"source": {"kind": "file", "dataBase64":
                base64::engine::general_purpose::STANDARD.encode(&backup_bytes)}, "mode": "merge"}),
        );
        assert_eq!(restored["added"]["conversations"], 0, "{restored}");
    }

    // A refused save with the key in it: its error must not echo the key.
    let refused = app
        .invoke(
            "save_provider",
            json!({"input": {"id": null, "name": "Bad", "kind": "custom",
                "baseUrl": "not a url", "apiKey": canary}}),
        )
        .expect_err("a base URL without http(s) is refused");
    assert_eq!(refused["code"], "invalid_input", "{refused}");

    // The key did its job: the mock saw it, so it was really in play.
    assert!(
        app.mock
            .requests()
            .iter()
            .any(|r| r.header("authorization") == Some(format!("Bearer {canary}").as_str())),
        "the canary key was sent to the server, so the searches below mean something"
    );

    // Now search everywhere.
    let stored = files_under(app.data_dir());
    assert!(
        stored.iter().any(|p| p.ends_with("history.sqlite3")),
        "the history database is among the files searched: {stored:?}"
    );
    for path in &stored {
        let bytes = std::fs::read(path).expect("app files are readable");
        assert!(
            !contains(&bytes, needle.as_bytes()),
            "SQLite/data folder: {path:?} contains the key"
        );
    }
    assert!(
        !contains(&backup_bytes, needle.as_bytes()),
        "backup: {backup_path:?} contains the key"
    );
    for (path, text) in &exports {
        assert!(!text.contains(needle), "export: {path:?} contains the key");
    }
    let responses = app.responses();
    assert!(responses.len() > 10, "every IPC response was recorded");
    for (index, body) in responses.iter().enumerate() {
        assert!(
            !body.contains(needle),
            "IPC response #{index} contains the key: {body}"
        );
    }
    let payloads = app.channels.all_payloads();
    assert!(
        payloads.iter().any(|p| p.contains("\"error\":{")),
        "error updates (with their messages) were among the channel payloads"
    );
    for payload in &payloads {
        assert!(
            !payload.contains(needle),
            "Channel payload contains the key: {payload}"
        );
    }
    let log = logs::captured();
    assert!(
        log.contains("retrying request"),
        "the log capture works: the 500 retries were logged"
    );
    assert!(!log.contains(needle), "the logs contain the key");
}
