//! MCP servers through the commands: a pasted `mcpServers` config whose
//! token goes to the keyring (never to SQLite or an IPC answer) and reaches
//! the server's environment; a call from the inspector; removal deletes the
//! secret and stops the server.

use serde_json::json;

use crate::app::TestApp;

fn test_server() -> String {
    // Built by `cargo build --workspace` (and nextest), next to this test binary.
    let exe = std::env::current_exe().expect("the test binary");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target/debug");
    dir.join("halley-mcp-test-server")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn an_imported_servers_token_goes_to_the_keyring_and_to_the_server_only() {
    let server = test_server();
    assert!(
        std::path::Path::new(&server).is_file(),
        "build the test server first: cargo build -p halley-mcp --bin halley-mcp-test-server ({server})"
    );
    let app = TestApp::start();
    let canary = format!("mcp-canary-{}", uuid::Uuid::new_v4().simple());
    let config = json!({"mcpServers": {"own": {"command": server, "env": {"API_TOKEN": canary, "MODE": "ipc"}}}});
    let imported = app.call("mcp_import_servers", json!({"text": config.to_string()}));
    let id = imported["added"][0]["config"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    assert_eq!(
        imported["added"][0]["storedSecrets"],
        json!([{"kind": "env", "name": "API_TOKEN"}]),
        "{imported}"
    );
    let catalog = app.call("mcp_server_catalog", json!({"id": id}));
    assert!(catalog["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .any(|t| t["name"] == "env"));
    let outcome = app.call(
        "mcp_call_tool",
        json!({"callId": "c1", "serverId": id, "tool": "env", "arguments": {"name": "API_TOKEN"}}),
    );
    // The server got the value (it echoed it, and the echo came back
    // replaced: only the whole value is), and even the server's own answer
    // brings it to the UI no more than anything else does.
    assert_eq!(outcome["modelOutput"], json!("<redacted>"));
    assert!(!outcome.to_string().contains(&canary), "{outcome}");
    let listed = app.call("mcp_list_servers", json!({}));
    assert_eq!(listed["servers"][0]["status"]["state"], "ready", "{listed}");
    assert!(!listed.to_string().contains(&canary), "{listed}");

    let database = std::fs::read(app.data_dir().join("history.sqlite3")).expect("the history");
    let wal = std::fs::read(app.data_dir().join("history.sqlite3-wal")).unwrap_or_default();
    for bytes in [&database, &wal] {
        assert!(
            !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
            "the token is not in SQLite"
        );
    }

    let pid = listed["servers"][0]["status"]["pid"]
        .as_u64()
        .expect("a pid");
    app.call("mcp_delete_server", json!({"id": id}));
    assert!(app.call("mcp_list_servers", json!({}))["servers"]
        .as_array()
        .expect("list")
        .is_empty());
    let gone = (0..40).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        !std::path::Path::new(&format!("/proc/{pid}")).exists()
            || std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.contains(") Z"))
    });
    assert!(gone, "removing the server stopped it");
    // Bad input is a clear error that loses nothing.
    let error = app
        .invoke("mcp_import_servers", json!({"text": "{not json"}))
        .expect_err("not JSON");
    assert_eq!(error["code"], "invalid_input");
    assert!(
        error["message"]
            .as_str()
            .expect("text")
            .contains("not JSON"),
        "{error}"
    );
}
