//! The client against Halley's own test server (`tests/server`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use halley_mcp::{ErrorKind, NamedValue, ResultPart, SecretSlot, SecretString, ServerState};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::support::*;

#[tokio::test]
async fn lists_calls_and_converts_every_kind_of_content() {
    let sup = supervisor(limits(), Arc::default());
    sup.set_servers(vec![stdio("own", &test_server(), &[])])
        .await;
    let catalog = sup.catalog("own").await.expect("starts and lists");
    assert_eq!(
        catalog.server.as_ref().map(|s| s.name.as_str()),
        Some("halley-mcp-test-server")
    );
    let names: Vec<_> = catalog.tools.iter().map(|t| t.name.as_str()).collect();
    assert!(
        names.contains(&"echo") && names.contains(&"crash"),
        "{names:?}"
    );
    assert_eq!(catalog.resources[0].uri, "test://readme");
    assert_eq!(catalog.prompts[0].name, "greet");
    assert_eq!(catalog.prompts[0].arguments, ["name"]);
    assert!(matches!(
        sup.status("own").expect("known").state,
        ServerState::Ready {
            tools: 12,
            resources: 1,
            prompts: 1
        }
    ));

    let none = CancellationToken::new();
    let echo = sup
        .call("own", "echo", json!({"text": "hi there"}), &none)
        .await
        .expect("echo");
    assert_eq!(echo.model_output, "hi there");
    assert!(!echo.result.is_error);

    let fail = sup
        .call("own", "fail", json!({}), &none)
        .await
        .expect("an isError result is a result");
    assert!(fail.result.is_error);
    assert!(
        fail.model_output.contains("reported an error") && fail.model_output.contains("on purpose"),
        "{}",
        fail.model_output
    );

    let error = sup
        .call("own", "error", json!({}), &none)
        .await
        .expect_err("a JSON-RPC error");
    assert_eq!(error.kind(), ErrorKind::Server);
    assert!(error.to_string().contains("always refuses"), "{error}");

    let image = sup
        .call("own", "image", json!({}), &none)
        .await
        .expect("image");
    assert!(
        matches!(&image.result.parts[1], ResultPart::Image { mime_type, data } if mime_type == "image/png" && data.starts_with("iVBOR"))
    );
    assert!(
        image.model_output.contains("[image, image/png"),
        "{}",
        image.model_output
    );

    let rich = sup
        .call("own", "rich", json!({}), &none)
        .await
        .expect("rich");
    assert_eq!(
        rich.result.structured,
        Some(json!({"temperature": 21.5, "unit": "C"}))
    );
    assert!(
        matches!(&rich.result.parts[0], ResultPart::Resource { text: Some(t), .. } if t == "read me")
    );
    assert!(
        matches!(&rich.result.parts[1], ResultPart::ResourceLink { uri, .. } if uri == "test://other")
    );
    assert!(
        rich.model_output.contains("\"temperature\":21.5"),
        "structured content passed on as text: {}",
        rich.model_output
    );

    let unknown = sup
        .call("own", "nope", json!({}), &none)
        .await
        .expect_err("no such tool");
    assert!(
        unknown.to_string().contains("no tool named \"nope\""),
        "{unknown}"
    );
    let not_object = sup
        .call("own", "echo", json!([1]), &none)
        .await
        .expect_err("arguments must be an object");
    assert_eq!(not_object.kind(), ErrorKind::InvalidArguments);
    sup.shutdown().await;
}

#[tokio::test]
async fn a_ten_megabyte_answer_is_refused_at_once_and_the_server_stays_usable() {
    let sup = supervisor(limits(), Arc::default());
    sup.set_servers(vec![stdio("own", &test_server(), &[])])
        .await;
    let none = CancellationToken::new();
    let started = Instant::now();
    let error = sup
        .call("own", "big", json!({"bytes": 10_000_000}), &none)
        .await
        .expect_err("too large");
    assert_eq!(error.kind(), ErrorKind::TooLarge, "{error}");
    assert!(
        error.to_string().contains("10.0 MB") && error.to_string().contains("8.4 MB"),
        "{error}"
    );
    // Refused when it arrived, not when the call limit ran out.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    // A large answer under the limit is cut for the model, with a note.
    let big = sup
        .call("own", "big", json!({"bytes": 300_000}), &none)
        .await
        .expect("under the limit");
    assert!(big.result.truncated);
    assert!(big.model_output.contains("Halley cut this answer"));
    assert!(
        big.model_output.len() < 110_000,
        "{}",
        big.model_output.len()
    );
    let echo = sup
        .call("own", "echo", json!({"text": "still here"}), &none)
        .await
        .expect("usable");
    assert_eq!(echo.model_output, "still here");
    sup.shutdown().await;
}

#[tokio::test]
async fn a_call_past_its_time_and_a_cancelled_call_end_cleanly() {
    let mut l = limits();
    l.call = Duration::from_millis(700);
    let sup = supervisor(l, Arc::default());
    sup.set_servers(vec![stdio("own", &test_server(), &[])])
        .await;
    let none = CancellationToken::new();
    let started = Instant::now();
    let error = sup
        .call("own", "sleep", json!({"ms": 30_000}), &none)
        .await
        .expect_err("times out");
    assert_eq!(error.kind(), ErrorKind::TimedOut, "{error}");
    assert!(started.elapsed() < Duration::from_secs(3));

    let cancel = CancellationToken::new();
    let stopper = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        stopper.cancel();
    });
    let started = Instant::now();
    let error = sup
        .call("own", "sleep", json!({"ms": 30_000}), &cancel)
        .await
        .expect_err("cancelled");
    assert_eq!(error.kind(), ErrorKind::Cancelled);
    assert!(
        started.elapsed() < Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
    let echo = sup
        .call("own", "echo", json!({"text": "after"}), &none)
        .await
        .expect("still usable");
    assert_eq!(echo.model_output, "after");
    sup.shutdown().await;
}

#[tokio::test]
async fn list_changed_refreshes_the_tools() {
    let sup = supervisor(limits(), Arc::default());
    let mut events = sup.subscribe();
    sup.set_servers(vec![stdio("own", &test_server(), &[])])
        .await;
    let before = sup.catalog("own").await.expect("lists");
    assert!(!before.tools.iter().any(|t| t.name == "added"));
    sup.call("own", "add_tool", json!({}), &CancellationToken::new())
        .await
        .expect("adds");
    let refreshed = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let event = events.recv().await.expect("events");
            if event.catalog_changed
                && matches!(event.status.state, ServerState::Ready { tools: 13, .. })
            {
                return event;
            }
        }
    })
    .await
    .expect("a catalog event after list_changed");
    assert_eq!(refreshed.status.id, "own");
    let after = sup.catalog("own").await.expect("lists");
    assert!(after.tools.iter().any(|t| t.name == "added"));
    let added = sup
        .call("own", "added", json!({}), &CancellationToken::new())
        .await
        .expect("callable");
    assert_eq!(added.model_output, "I am new");
    sup.shutdown().await;
}

#[tokio::test]
async fn a_schema_that_is_not_json_schema_is_listed_with_its_problem_and_not_offered() {
    let sup = supervisor(limits(), Arc::default());
    sup.set_servers(vec![stdio("own", &test_server(), &[])])
        .await;
    let catalog = sup.catalog("own").await.expect("lists");
    let bad = catalog
        .tools
        .iter()
        .find(|t| t.name == "bad_schema")
        .expect("listed");
    assert!(
        bad.schema_problem
            .as_deref()
            .is_some_and(|p| p.contains("not valid JSON Schema")),
        "{:?}",
        bad.schema_problem
    );
    let (offered, failures) = sup.offered_tools(None).await;
    assert!(failures.is_empty());
    let names: Vec<_> = offered.iter().map(|t| t.function.name.as_str()).collect();
    assert!(names.contains(&"own__echo"), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("bad_schema")), "{names:?}");
    assert_eq!(offered.len(), 11);
    let echo = offered.iter().find(|t| t.tool == "echo").expect("echo");
    assert_eq!(
        echo.function.strict,
        halley_responses::Nullable::Value(false)
    );
    sup.shutdown().await;
}

#[tokio::test]
async fn a_crash_mid_call_is_a_clear_error_and_a_failed_state_with_stderr() {
    let sup = supervisor(limits(), Arc::default());
    sup.set_servers(vec![stdio("own", &test_server(), &[])])
        .await;
    sup.catalog("own").await.expect("starts");
    let pid = sup.status("own").expect("known").pid.expect("a pid");
    let started = Instant::now();
    let error = sup
        .call("own", "crash", json!({}), &CancellationToken::new())
        .await
        .expect_err("crashed");
    assert_eq!(error.kind(), ErrorKind::Closed, "{error}");
    assert!(error.to_string().contains("exit status: 3"), "{error}");
    assert!(
        error
            .to_string()
            .contains("halley-mcp-test-server starting"),
        "stderr tail in the message: {error}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        eventually(Duration::from_secs(3), || matches!(
            sup.status("own").expect("known").state,
            ServerState::Failed { .. }
        ))
        .await,
        "{:?}",
        sup.status("own")
    );
    assert!(!alive(pid));
    // Restart on request brings it back.
    sup.restart("own").await.expect("restarts");
    let echo = sup
        .call(
            "own",
            "echo",
            json!({"text": "again"}),
            &CancellationToken::new(),
        )
        .await
        .expect("works");
    assert_eq!(echo.model_output, "again");
    sup.shutdown().await;
}

#[tokio::test]
async fn secrets_reach_the_servers_environment_and_are_scrubbed_from_what_it_answers() {
    let secrets = Arc::new(MemorySecrets::default());
    secrets.0.lock().expect("lock").insert(
        ("own".into(), SecretSlot::Env("API_TOKEN".into())),
        SecretString::new("canary-secret-8431"),
    );
    let sup = supervisor(limits(), secrets);
    let config = with_env(
        stdio("own", &test_server(), &[]),
        vec![
            NamedValue::secret("API_TOKEN"),
            NamedValue::plain("MODE", "test"),
        ],
    );
    sup.set_servers(vec![config.clone()]).await;
    let none = CancellationToken::new();
    let token = sup
        .call("own", "env", json!({"name": "API_TOKEN"}), &none)
        .await
        .expect("env");
    // The server got the value, and echoed it: what comes back (to the
    // model, the UI and the history) has it replaced, which only happens
    // when the whole value was there.
    assert_eq!(
        token.model_output, "<redacted>",
        "the server got the value, and its echo of it is scrubbed"
    );
    assert!(!serde_json::to_string(&token)
        .expect("serializes")
        .contains("canary"));
    let mode = sup
        .call("own", "env", json!({"name": "MODE"}), &none)
        .await
        .expect("env");
    assert_eq!(mode.model_output, "test");
    let status = serde_json::to_string(&sup.statuses()).expect("serializes");
    assert!(!status.contains("canary"), "{status}");
    sup.shutdown().await;

    // Without a stored value the server is not started with an empty one.
    let empty = supervisor(limits(), Arc::default());
    empty.set_servers(vec![config]).await;
    let error = empty.catalog("own").await.expect_err("no secret stored");
    assert_eq!(error.kind(), ErrorKind::Secret);
    assert!(error.to_string().contains("API_TOKEN"), "{error}");
}

#[tokio::test]
async fn shutdown_leaves_no_process_even_when_the_server_ignores_stdin_and_sigterm() {
    let mut l = limits();
    l.stop_grace = Duration::from_millis(300);
    let sup = supervisor(l, Arc::default());
    sup.set_servers(vec![
        stdio("polite", &test_server(), &[]),
        stdio("stubborn", &test_server(), &["--ignore-term", "--linger"]),
    ])
    .await;
    let none = CancellationToken::new();
    let mut watched = Vec::new();
    for id in ["polite", "stubborn"] {
        let grandchild: u32 = sup
            .call(id, "spawn_child", json!({}), &none)
            .await
            .expect("spawns")
            .model_output
            .parse()
            .expect("a pid");
        let pid = sup.status(id).expect("known").pid.expect("a pid");
        assert!(alive(pid) && alive(grandchild));
        assert!(
            group_members(pid).contains(&grandchild),
            "the grandchild is in the server's group"
        );
        watched.push((pid, grandchild));
    }
    let started = Instant::now();
    sup.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    for (pid, grandchild) in watched {
        assert!(
            eventually(Duration::from_secs(2), || !alive(pid)
                && !alive(grandchild)
                && group_members(pid).is_empty())
            .await,
            "server {pid} or its child {grandchild} survived: group {:?}",
            group_members(pid)
        );
    }
    let error = sup
        .catalog("polite")
        .await
        .expect_err("no start after shutdown");
    assert_eq!(error.kind(), ErrorKind::ShuttingDown);
}

#[tokio::test]
async fn dropping_the_supervisor_kills_its_servers() {
    let sup = supervisor(limits(), Arc::default());
    sup.set_servers(vec![stdio(
        "own",
        &test_server(),
        &["--ignore-term", "--linger"],
    )])
    .await;
    sup.catalog("own").await.expect("starts");
    let pid = sup.status("own").expect("known").pid.expect("a pid");
    sup.kill_all_now();
    drop(sup);
    assert!(
        eventually(Duration::from_secs(2), || !alive(pid)).await,
        "{pid} survived"
    );
}

#[tokio::test]
async fn turning_a_server_off_or_removing_it_stops_it() {
    let sup = supervisor(limits(), Arc::default());
    let mut config = stdio("own", &test_server(), &[]);
    sup.set_servers(vec![config.clone()]).await;
    sup.catalog("own").await.expect("starts");
    let pid = sup.status("own").expect("known").pid.expect("a pid");
    config.enabled = false;
    sup.set_servers(vec![config.clone()]).await;
    assert!(eventually(Duration::from_secs(2), || !alive(pid)).await);
    assert_eq!(
        sup.status("own").expect("known").state,
        ServerState::Stopped
    );
    assert_eq!(
        sup.catalog("own").await.expect_err("off").kind(),
        ErrorKind::Disabled
    );
    config.enabled = true;
    sup.set_servers(vec![config]).await;
    sup.catalog("own").await.expect("starts again");
    let pid = sup.status("own").expect("known").pid.expect("a pid");
    sup.set_servers(vec![]).await;
    assert!(eventually(Duration::from_secs(2), || !alive(pid)).await);
    assert_eq!(
        sup.status("own").expect_err("removed").kind(),
        ErrorKind::UnknownServer
    );
}
