//! What Halley adds to one MCP tool call of a chat turn: from the model's
//! `function_call` done (the turn's `output_item.done` update) to the
//! follow-up request with the `function_call_output` arriving at the
//! server, minus the MCP server's own time for the call (the step's `ms`).
//! In between: the end of the stream, the policy read (SQLite), the
//! arguments parsed, the call through rmcp over stdio, the step reported
//! and written, the follow-up request built and sent over loopback HTTP.
//!
//! The floor, in the same run: the same tool called straight on the
//! supervisor (wall time minus the server's time), which is what any rmcp
//! client pays for a call.
//!
//! The model is a loopback server answering a scripted function call, then
//! a short message; the MCP server is the real `server-everything` (npm,
//! tests/mcp) over stdio, its `echo` tool always allowed.
//!
//! Run (from the repository root), after `npm ci` in tests/mcp:
//! `cargo bench -p halley-core --bench tool_call`; quick, in the debug
//! profile: `HALLEY_BENCH_ROUNDS=50 cargo test -p halley-core --bench tool_call`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use halley_core::chat::{self, Approvals, RunUpdate, ToolStepStatus, Turn, TurnTools};
use halley_core::history::NewConversation;
use halley_core::mcp_policies::ToolPolicy;
use halley_core::History;
use halley_mcp::{
    SecretSlot, SecretSource, SecretString, ServerConfig, Supervisor, TransportConfig,
};
use halley_responses::{Client, Endpoint, ToolProgress};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

struct NoSecrets;

impl SecretSource for NoSecrets {
    fn secret(&self, _: &ServerConfig, _: &SecretSlot) -> Result<Option<SecretString>, String> {
        Ok(None)
    }
}

const NAME: &str = "everything__echo";

fn sse(events: &[serde_json::Value]) -> Vec<u8> {
    let mut body = String::new();
    for event in events {
        body.push_str(&format!(
            "event: {}\ndata: {event}\n\n",
            event["type"].as_str().expect("typed")
        ));
    }
    body.into_bytes()
}

fn call_stream() -> Vec<u8> {
    let item = json!({"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": NAME,
        "arguments": "{\"message\":\"bench\"}", "status": "completed"});
    sse(&[
        json!({"type": "response.created", "sequence_number": 0, "response":
            {"id": "resp_1", "object": "response", "status": "in_progress", "model": "m", "output": []}}),
        json!({"type": "response.output_item.added", "sequence_number": 1, "output_index": 0,
            "item": {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": NAME,
                "arguments": "", "status": "in_progress"}}),
        json!({"type": "response.output_item.done", "sequence_number": 2, "output_index": 0, "item": item}),
        json!({"type": "response.completed", "sequence_number": 3, "response":
            {"id": "resp_1", "object": "response", "status": "completed", "model": "m", "output": [item]}}),
    ])
}

fn answer_stream() -> Vec<u8> {
    let message = json!({"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
        "content": [{"type": "output_text", "text": "done", "annotations": []}]});
    sse(&[
        json!({"type": "response.created", "sequence_number": 0, "response":
            {"id": "resp_2", "object": "response", "status": "in_progress", "model": "m", "output": []}}),
        json!({"type": "response.output_item.added", "sequence_number": 1, "output_index": 0, "item": message}),
        json!({"type": "response.output_item.done", "sequence_number": 2, "output_index": 0, "item": message}),
        json!({"type": "response.completed", "sequence_number": 3, "response":
            {"id": "resp_2", "object": "response", "status": "completed", "model": "m", "output": [message]}}),
    ])
}

type Arrivals = Arc<Mutex<Vec<Instant>>>;

/// A loopback model: the function call first, then (for a request that
/// carries a `function_call_output`, whose arrival is noted) the answer.
async fn serve(arrivals: Arrivals) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (call, answer) = (Arc::new(call_stream()), Arc::new(answer_stream()));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (call, answer, arrivals) = (call.clone(), answer.clone(), arrivals.clone());
            tokio::spawn(async move {
                let (first_byte, request) = read_request(&mut socket).await;
                let body = if request.contains("function_call_output") {
                    arrivals.lock().expect("lock").push(first_byte);
                    answer
                } else {
                    call
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}/v1")
}

/// The request (head and body), and when its first bytes arrived.
async fn read_request(socket: &mut tokio::net::TcpStream) -> (Instant, String) {
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 16384];
    let mut first = None;
    while let Ok(n) = socket.read(&mut chunk).await {
        first.get_or_insert_with(Instant::now);
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                break;
            }
        }
    }
    (
        first.unwrap_or_else(Instant::now),
        String::from_utf8_lossy(&buf).into_owned(),
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn summary(name: &str, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    println!(
        "RESULT path={name} calls={} p50_ms={:.3} p95_ms={:.3} max_ms={:.3}",
        samples.len(),
        percentile(&samples, 50.0),
        percentile(&samples, 95.0),
        samples.last().copied().unwrap_or(0.0)
    );
}

fn main() {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
        "../../../tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js",
    );
    assert!(
        script.is_file(),
        "server-everything is not installed: run `npm ci` in tests/mcp"
    );
    let rounds: usize = std::env::var("HALLEY_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(200);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let arrivals: Arrivals = Arc::default();
        let endpoint = Endpoint::new(
            serve(arrivals.clone()).await,
            SecretString::new("not-a-key"),
        );
        let client = Client::new().expect("an HTTP client");
        let dir = tempfile::tempdir().expect("temp dir");
        let history =
            Arc::new(History::open(&dir.path().join("history.sqlite3")).expect("history opens"));
        let supervisor = Supervisor::new(
            halley_mcp::Limits::default(),
            Arc::new(NoSecrets),
            Some(std::env::temp_dir()),
        );
        supervisor
            .set_servers(vec![ServerConfig {
                id: "everything".into(),
                name: "everything".into(),
                enabled: true,
                transport: TransportConfig::Stdio {
                    command: "node".into(),
                    args: vec![script.to_string_lossy().into_owned(), "stdio".into()],
                    env: vec![],
                    cwd: None,
                },
            }])
            .await;
        let (offered, failures) = supervisor.offered_tools(None).await;
        assert!(failures.is_empty(), "the server starts: {failures:?}");
        history
            .set_mcp_tool_policy("everything", "echo", ToolPolicy::Allow)
            .expect("allowed");
        let conversation = history
            .create_conversation(NewConversation {
                title: "bench".into(),
                model: Some("m".into()),
                ..Default::default()
            })
            .expect("conversation")
            .id;

        let mut overheads = Vec::new();
        let mut floors = Vec::new();
        for round in 0..rounds + 5 {
            let user = history
                .append_user_message(&conversation, None, "x", &[])
                .expect("user message");
            let answer = history
                .begin_assistant_message(&user.id, "m")
                .expect("assistant message");
            let mut turn = Turn {
                assistant_message_id: answer.id.clone(),
                request: serde_json::from_value(
                    json!({"model": "m", "input": "x", "stream": true}),
                )
                .expect("a request"),
                replay: None,
                provider_id: String::new(),
                notes: Vec::new(),
                tools: None,
            };
            turn.offer_tools(TurnTools {
                supervisor: supervisor.clone(),
                offered: offered.clone(),
                approvals: Approvals::default(),
                max_rounds: chat::MAX_TOOL_ROUNDS,
            });
            let call_done: Arc<Mutex<Option<Instant>>> = Arc::default();
            let server_ms: Arc<Mutex<Option<f64>>> = Arc::default();
            let emit: chat::Emit = {
                let (call_done, server_ms) = (call_done.clone(), server_ms.clone());
                Arc::new(move |update: RunUpdate| {
                    // What the Tauri Channel does with each update.
                    let _ = serde_json::to_string(&update);
                    match update {
                        RunUpdate::Tool {
                            item_type: chat::ToolItemType::FunctionCall,
                            status: ToolProgress::Completed,
                        } => {
                            call_done
                                .lock()
                                .expect("lock")
                                .get_or_insert_with(Instant::now);
                        }
                        RunUpdate::ToolStep { step } if step.status == ToolStepStatus::Done => {
                            *server_ms.lock().expect("lock") = step.ms;
                        }
                        _ => {}
                    }
                })
            };
            arrivals.lock().expect("lock").clear();
            let outcome = chat::run_turn(
                &history,
                &client,
                &endpoint,
                &turn,
                CancellationToken::new(),
                emit,
            )
            .await
            .expect("turn runs");
            assert_eq!(
                outcome.status,
                halley_core::history::MessageStatus::Complete
            );
            let t0 = call_done.lock().expect("lock").expect("the call was seen");
            let t1 = *arrivals
                .lock()
                .expect("lock")
                .first()
                .expect("the output was sent");
            let ms = server_ms
                .lock()
                .expect("lock")
                .expect("the step has the server's time");
            let gap = t1.duration_since(t0).as_secs_f64() * 1000.0;

            let started = Instant::now();
            let bare = supervisor
                .call(
                    "everything",
                    "echo",
                    json!({"message": "bench"}),
                    &CancellationToken::new(),
                )
                .await
                .expect("the bare call");
            let wall = started.elapsed().as_secs_f64() * 1000.0;
            // The first rounds warm up (connections, caches, the JIT of node).
            if round >= 5 {
                overheads.push(gap - ms);
                floors.push(wall - bare.ms);
            }
        }
        println!("{rounds} tool calls through a chat turn, each against a bare supervisor call");
        summary("halley_overhead", overheads);
        summary("bare_call_overhead", floors);
        supervisor.shutdown().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    });
}
