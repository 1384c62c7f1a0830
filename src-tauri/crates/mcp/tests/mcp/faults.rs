//! Servers that are not servers: each fails with a message that says what
//! happened, within the start limit, and leaves no process behind.

use std::sync::Arc;
use std::time::{Duration, Instant};

use halley_mcp::{ErrorKind, ServerState};

use crate::support::*;

async fn start_failure(
    args: &[&str],
    command: &str,
    limit: Duration,
) -> (halley_mcp::Error, Duration, Option<u32>) {
    let mut l = limits();
    l.start = limit;
    let sup = supervisor(l, Arc::default());
    sup.set_servers(vec![stdio("bad", command, args)]).await;
    let started = Instant::now();
    let error = sup.catalog("bad").await.expect_err("does not start");
    let took = started.elapsed();
    let status = sup.status("bad").expect("known");
    assert!(
        matches!(&status.state, ServerState::Failed { message, .. } if *message == error.to_string()),
        "the state says the same: {status:?}"
    );
    sup.shutdown().await;
    (error, took, status.pid)
}

#[tokio::test]
async fn a_command_that_does_not_exist() {
    let (error, took, _) =
        start_failure(&[], "halley-no-such-command-0816", Duration::from_secs(5)).await;
    assert_eq!(error.kind(), ErrorKind::Start);
    assert!(error.to_string().contains("was not found"), "{error}");
    assert!(took < Duration::from_secs(1));
}

#[tokio::test]
async fn a_server_that_exits_at_once_shows_its_stderr() {
    let (error, took, _) = start_failure(
        &["-c", "echo 'fatal: no config file' >&2; exit 7"],
        "sh",
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::Start);
    let text = error.to_string();
    assert!(
        text.contains("exited before it answered") && text.contains("exit status: 7"),
        "{text}"
    );
    assert!(text.contains("fatal: no config file"), "{text}");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn a_server_that_prints_garbage_on_stdout() {
    let marker = std::env::temp_dir().join(format!("halley-mcp-garbage-{}", std::process::id()));
    let script = format!(
        "echo $$ > {}; echo 'Listening on stdio, welcome!'; exec sleep 60",
        marker.display()
    );
    let (error, took, _) = start_failure(&["-c", &script], "sh", Duration::from_secs(2)).await;
    assert_eq!(error.kind(), ErrorKind::TimedOut);
    let text = error.to_string();
    assert!(
        text.contains("not MCP") && text.contains("Listening on stdio, welcome!"),
        "{text}"
    );
    assert!(took < Duration::from_secs(4), "{took:?}");
    let pid: u32 = std::fs::read_to_string(&marker)
        .expect("pid")
        .trim()
        .parse()
        .expect("a pid");
    let _ = std::fs::remove_file(&marker);
    assert!(
        eventually(Duration::from_secs(2), || !alive(pid)).await,
        "the server {pid} was killed"
    );
}

#[tokio::test]
async fn a_server_that_hangs_on_initialize_is_killed_at_the_limit() {
    let marker = std::env::temp_dir().join(format!("halley-mcp-hang-{}", std::process::id()));
    let script = format!("echo $$ > {}; exec sleep 60", marker.display());
    let (error, took, _) = start_failure(&["-c", &script], "sh", Duration::from_millis(800)).await;
    assert_eq!(error.kind(), ErrorKind::TimedOut);
    assert!(
        error
            .to_string()
            .contains("did not finish its MCP handshake within"),
        "{error}"
    );
    assert!(took < Duration::from_secs(3), "{took:?}");
    let pid: u32 = std::fs::read_to_string(&marker)
        .expect("pid")
        .trim()
        .parse()
        .expect("a pid");
    let _ = std::fs::remove_file(&marker);
    assert!(eventually(Duration::from_secs(2), || !alive(pid)).await);
}
