//! What the backend spends per stream event in a chat turn, end to end.
//!
//! Every recorded stream of the corpus is answered, as one turn each, by a
//! loopback HTTP server, and run through the app's own path: `run_turn`
//! (Responses client over loopback HTTP -> SSE decoder -> `Accumulator` ->
//! the turn's draft mapping `FoldUpdate` -> `RunUpdate` -> the emit closure,
//! which serializes each update to JSON as the Tauri `Channel` does -> the
//! SQLite history file, progress and final write). Against that, the same
//! streams through the Responses client alone (loopback HTTP + decode, no
//! fold, no draft, no JSON, no SQLite), so the difference is what the app adds
//! per event.
//!
//! Run (from the repository root):
//! `cargo bench -p halley-core --bench turn` (`HALLEY_CORPUS` overrides the
//! corpus; `HALLEY_BENCH_ROUNDS`, default 20, sets the passes).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use halley_core::chat::{run_turn, Turn};
use halley_core::history::NewConversation;
use halley_core::History;
use halley_responses::{Client, CreateResponse, Endpoint, SecretString, StreamOptions};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

type Body = Arc<Mutex<Arc<Vec<u8>>>>;

fn main() {
    let streams = corpus();
    if streams.is_empty() {
        eprintln!("!!! no recorded streams found; nothing to benchmark");
        return;
    }
    let rounds: u32 = std::env::var("HALLEY_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let events: usize = streams.iter().map(|b| data_lines(b)).sum();
    let bytes: usize = streams.iter().map(|b| b.len()).sum();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let current: Body = Arc::default();
        let base = serve(current.clone()).await;
        let endpoint = Endpoint::new(base, SecretString::new("not-a-key"));
        let client = Client::new().expect("an HTTP client");
        let dir = tempfile::tempdir().expect("temp dir");
        let history = Arc::new(History::open(&dir.path().join("history.sqlite3")).expect("history opens"));

        // Warm-up pass, which also checks that the turn path saw every event.
        // Boxed: a turn's future is large (clippy's large_futures).
        let (_, json_bytes, updates) =
            Box::pin(turns(&history, &client, &endpoint, &current, &streams)).await;
        let floor_events = client_only(&client, &endpoint, &current, &streams).await;
        assert_eq!(floor_events, events, "the client decodes every recorded event");

        let (mut turn_time, mut floor_time) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..rounds {
            let start = Instant::now();
            Box::pin(turns(&history, &client, &endpoint, &current, &streams)).await;
            turn_time += start.elapsed();
            let start = Instant::now();
            client_only(&client, &endpoint, &current, &streams).await;
            floor_time += start.elapsed();
        }
        let per_event = |total: Duration| total.as_secs_f64() * 1e9 / f64::from(rounds) / events as f64;
        let (turn_ns, floor_ns) = (per_event(turn_time), per_event(floor_time));
        println!(
            "corpus: {} streams (one turn each), {events} events, {bytes} bytes; {updates} RunUpdates emitted, {json_bytes} bytes of JSON; {rounds} rounds",
            streams.len()
        );
        println!("RESULT path=run_turn ns_per_event={turn_ns:.0} ms_per_pass={:.2}", turn_ns * events as f64 / 1e6);
        println!("RESULT path=client_only ns_per_event={floor_ns:.0} ms_per_pass={:.2}", floor_ns * events as f64 / 1e6);
        println!("RESULT path=added_by_app ns_per_event={:.0}", turn_ns - floor_ns);
    });
}

/// One chat turn per recorded stream, through `run_turn`. Returns the
/// number of events and the JSON bytes and count of updates emitted.
async fn turns(
    history: &Arc<History>,
    client: &Client,
    endpoint: &Endpoint,
    current: &Body,
    streams: &[Arc<Vec<u8>>],
) -> (usize, usize, usize) {
    let json_bytes = Arc::new(AtomicUsize::new(0));
    let updates = Arc::new(AtomicUsize::new(0));
    let emit: halley_core::chat::Emit = {
        let (json_bytes, updates) = (json_bytes.clone(), updates.clone());
        // What the Tauri Channel does with each update: serialize it to JSON.
        Arc::new(move |update| {
            let json = serde_json::to_string(&update).expect("RunUpdate serializes");
            json_bytes.fetch_add(json.len(), Ordering::Relaxed);
            updates.fetch_add(1, Ordering::Relaxed);
        })
    };
    let conversation = history
        .create_conversation(NewConversation {
            title: "bench".into(),
            model: Some("m".into()),
            ..Default::default()
        })
        .expect("conversation")
        .id;
    let mut parent: Option<String> = None;
    for body in streams {
        *current.lock().expect("lock") = body.clone();
        let user = history
            .append_user_message(&conversation, parent.as_deref(), "x", &[])
            .expect("user message");
        let answer = history
            .begin_assistant_message(&user.id, "m")
            .expect("assistant message");
        let turn = Turn {
            assistant_message_id: answer.id.clone(),
            request: serde_json::from_value(json!({"model": "m", "input": "x", "stream": true}))
                .expect("a request"),
            replay: None,
            // No provider row: nothing here is refused, so nothing is learned.
            provider_id: String::new(),
            notes: Vec::new(),
            tools: None,
        };
        run_turn(
            history,
            client,
            endpoint,
            &turn,
            CancellationToken::new(),
            emit.clone(),
        )
        .await
        .expect("turn runs");
        parent = Some(answer.id);
    }
    let events = streams.iter().map(|b| data_lines(b)).sum();
    (
        events,
        json_bytes.load(Ordering::Relaxed),
        updates.load(Ordering::Relaxed),
    )
}

/// The same streams through the Responses client only: what any client pays.
async fn client_only(
    client: &Client,
    endpoint: &Endpoint,
    current: &Body,
    streams: &[Arc<Vec<u8>>],
) -> usize {
    let request: CreateResponse =
        serde_json::from_value(json!({"model": "m", "input": "x", "stream": true}))
            .expect("request");
    let mut events = 0;
    for body in streams {
        *current.lock().expect("lock") = body.clone();
        let mut stream = client
            .create_stream(endpoint, &request, StreamOptions::default())
            .await
            .expect("stream opens");
        while let Some(event) = stream.next().await {
            events += usize::from(event.is_ok());
        }
    }
    events
}

/// A loopback HTTP/1.1 server answering every request with the current
/// recorded stream, then closing the connection.
async fn serve(current: Body) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = current.lock().expect("lock").clone();
            tokio::spawn(async move {
                read_request(&mut socket).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                for chunk in body.chunks(16 * 1024) {
                    let _ = socket.write_all(chunk).await;
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}/v1")
}

/// Reads the head and the `content-length` body, so the client never sees
/// its request cut off.
async fn read_request(socket: &mut tokio::net::TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let Ok(n) = socket.read(&mut chunk).await else {
            return;
        };
        if n == 0 {
            return;
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
                return;
            }
        }
    }
}

fn corpus() -> Vec<Arc<Vec<u8>>> {
    let dir = std::env::var_os("HALLEY_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../../shared/fixtures/responses/cases")
        });
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path().join("response.sse"))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| std::fs::read(p).ok().map(Arc::new))
        .collect()
}

/// Events on the wire: `data:` lines other than the `[DONE]` sentinel.
fn data_lines(body: &[u8]) -> usize {
    body.split(|b| *b == b'\n')
        .filter(|l| l.starts_with(b"data:") && l.trim_ascii() != b"data: [DONE]")
        .count()
}
