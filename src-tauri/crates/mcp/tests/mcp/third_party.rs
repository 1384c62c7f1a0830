//! Real third-party servers from npm (tests/mcp): the reference
//! `server-everything` over stdio and over Streamable HTTP, and
//! `server-filesystem` on a temporary folder.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use halley_mcp::{ResultPart, ServerConfig, ServerState, TransportConfig};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::support::*;

fn node_server(id: &str, modules: &Path, package: &str, args: &[&str]) -> ServerConfig {
    let script = modules.join(package).join("dist/index.js");
    let mut all = vec![script.to_string_lossy().into_owned()];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    stdio(id, "node", &refs)
}

#[tokio::test]
async fn server_everything_over_stdio() {
    let Some(modules) = npm_servers() else { return };
    let sup = supervisor(limits(), Arc::default());
    sup.set_servers(vec![node_server(
        "everything",
        &modules,
        "@modelcontextprotocol/server-everything",
        &["stdio"],
    )])
    .await;
    let catalog = sup.catalog("everything").await.expect("starts");
    let names: Vec<_> = catalog.tools.iter().map(|t| t.name.as_str()).collect();
    for wanted in [
        "echo",
        "get-sum",
        "get-tiny-image",
        "get-structured-content",
    ] {
        assert!(names.contains(&wanted), "{wanted} in {names:?}");
    }
    assert!(
        !catalog.resources.is_empty() && !catalog.prompts.is_empty(),
        "{catalog:?}"
    );
    let echo = catalog
        .tools
        .iter()
        .find(|t| t.name == "echo")
        .expect("echo");
    assert!(echo.read_only && echo.schema_problem.is_none(), "{echo:?}");
    let none = CancellationToken::new();
    let answer = sup
        .call(
            "everything",
            "echo",
            json!({"message": "from halley"}),
            &none,
        )
        .await
        .expect("echo");
    assert_eq!(answer.model_output, "Echo: from halley");
    let sum = sup
        .call("everything", "get-sum", json!({"a": 2, "b": 40}), &none)
        .await
        .expect("sum");
    assert!(sum.model_output.contains("42"), "{}", sum.model_output);
    let image = sup
        .call("everything", "get-tiny-image", json!({}), &none)
        .await
        .expect("image");
    assert!(
        image
            .result
            .parts
            .iter()
            .any(|p| matches!(p, ResultPart::Image { mime_type, .. } if mime_type == "image/png")),
        "{:?}",
        image.result.parts
    );
    let weather = sup
        .call(
            "everything",
            "get-structured-content",
            json!({"location": "Chicago"}),
            &none,
        )
        .await
        .expect("structured");
    assert!(
        weather
            .result
            .structured
            .as_ref()
            .is_some_and(|s| s.get("temperature").is_some()),
        "{:?}",
        weather.result
    );
    // Every offered tool fits the API's name rule and carries its schema.
    let (offered, failures) = sup.offered_tools(None).await;
    assert!(failures.is_empty());
    assert!(offered
        .iter()
        .any(|t| t.function.name == "everything__get-sum"));
    for tool in &offered {
        assert!(
            halley_mcp::naming::is_valid_function_name(&tool.function.name),
            "{}",
            tool.function.name
        );
    }
    let pid = sup.status("everything").expect("known").pid.expect("a pid");
    sup.shutdown().await;
    assert!(
        eventually(Duration::from_secs(2), || group_members(pid).is_empty()).await,
        "{:?}",
        group_members(pid)
    );
}

/// The HTTP server as a child of the test, killed when dropped.
struct HttpServer(Child);

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn server_everything_over_streamable_http() {
    let Some(modules) = npm_servers() else { return };
    let port = free_port();
    let loopback = modules.join("../loopback.cjs");
    let script = modules.join("@modelcontextprotocol/server-everything/dist/index.js");
    let _server = HttpServer(
        Command::new("node")
            .arg("--require")
            .arg(&loopback)
            .arg(&script)
            .arg("streamableHttp")
            .env("PORT", port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("node starts"),
    );
    assert!(
        eventually(Duration::from_secs(15), || std::net::TcpStream::connect((
            "127.0.0.1",
            port
        ))
        .is_ok())
        .await,
        "the HTTP server listens on 127.0.0.1:{port}"
    );
    let sup = supervisor(limits(), Arc::default());
    sup.set_servers(vec![ServerConfig {
        id: "remote".into(),
        name: "remote".into(),
        enabled: true,
        transport: TransportConfig::Http {
            url: format!("http://127.0.0.1:{port}/mcp"),
            headers: vec![halley_mcp::NamedValue::plain("X-Halley-Test", "1")],
        },
    }])
    .await;
    let catalog = sup.catalog("remote").await.expect("connects");
    assert!(
        catalog.tools.iter().any(|t| t.name == "echo"),
        "{:?}",
        catalog.tools
    );
    let none = CancellationToken::new();
    let answer = sup
        .call("remote", "echo", json!({"message": "over http"}), &none)
        .await
        .expect("echo");
    assert_eq!(answer.model_output, "Echo: over http");
    assert!(matches!(
        sup.status("remote").expect("known").state,
        ServerState::Ready { .. }
    ));
    sup.shutdown().await;
}

#[tokio::test]
async fn an_http_server_that_is_not_there_is_a_clear_error() {
    let port = free_port(); // nothing listens on it
    let sup = supervisor(limits(), Arc::default());
    sup.set_servers(vec![ServerConfig {
        id: "gone".into(),
        name: "gone".into(),
        enabled: true,
        transport: TransportConfig::Http {
            url: format!("http://127.0.0.1:{port}/mcp"),
            headers: vec![],
        },
    }])
    .await;
    let error = sup.catalog("gone").await.expect_err("nothing there");
    assert_eq!(error.kind(), halley_mcp::ErrorKind::Start, "{error}");
    assert!(
        error.to_string().contains("could not be reached"),
        "{error}"
    );
}

#[tokio::test]
async fn server_filesystem_reads_a_file_in_a_temporary_folder() {
    let Some(modules) = npm_servers() else { return };
    let dir = tempfile::tempdir().expect("a folder");
    let folder = dir.path().canonicalize().expect("a real path");
    std::fs::write(folder.join("notes.txt"), "the secret word is heliotrope\n").expect("written");
    let sup = supervisor(limits(), Arc::default());
    sup.set_servers(vec![node_server(
        "files",
        &modules,
        "@modelcontextprotocol/server-filesystem",
        &[&folder.to_string_lossy()],
    )])
    .await;
    let catalog = sup.catalog("files").await.expect("starts");
    assert!(
        catalog.tools.iter().any(|t| t.name == "read_text_file"),
        "{:?}",
        catalog.tools
    );
    let none = CancellationToken::new();
    let path = folder.join("notes.txt");
    let read = sup
        .call(
            "files",
            "read_text_file",
            json!({"path": path.to_string_lossy()}),
            &none,
        )
        .await
        .expect("reads");
    assert!(
        read.model_output.contains("heliotrope"),
        "{}",
        read.model_output
    );
    let listed = sup
        .call(
            "files",
            "list_directory",
            json!({"path": folder.to_string_lossy()}),
            &none,
        )
        .await
        .expect("lists");
    assert!(
        listed.model_output.contains("notes.txt"),
        "{}",
        listed.model_output
    );
    // Outside the folder it was given, the server refuses: an isError result.
    let outside = sup
        .call(
            "files",
            "read_text_file",
            json!({"path": "/etc/hostname"}),
            &none,
        )
        .await
        .expect("an answer");
    assert!(outside.result.is_error, "{:?}", outside.result);
    sup.shutdown().await;
}
