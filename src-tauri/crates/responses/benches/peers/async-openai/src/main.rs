//! The recorded streams through async-openai's Responses stream path:
//! `client.responses().create_stream(..)` -> reqwest body -> its
//! `eventsource_stream` decoder -> `serde_json` into `ResponseStreamEvent`
//! -> the channel its spawned task feeds. Only the network is replaced, by a
//! tower service (`Client::with_http_service`, the crate's own seam) that
//! answers each request with one recorded stream in 16 KiB chunks, like the
//! Python SDK's httpx `MockTransport` and the Node SDK's custom `fetch`.
//!
//! async-openai has no response accumulator: a stream's final state is the
//! `Response` inside its terminal event (`response.completed` / `failed` /
//! `incomplete`), so a response counts as kept when that event parsed.
//!
//! Usage: peer-async-openai <corpus dir> <rounds>
use async_openai::{
    config::OpenAIConfig,
    error::OpenAIError,
    middleware::HttpRequestFactory,
    types::responses::{CreateResponseArgs, ResponseStreamEvent},
    Client,
};
use bytes::Bytes;
use futures::StreamExt;
use std::sync::{Arc, Mutex};
use std::time::Instant;

const CHUNK: usize = 16 * 1024;

#[derive(Default)]
struct Tally {
    events: usize,
    lost_events: usize,
    responses: usize,
    first_error: Option<String>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let corpus = args
        .get(1)
        .expect("usage: peer-async-openai <corpus> <rounds>");
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(20);
    let mut bodies: Vec<(String, Bytes)> = std::fs::read_dir(corpus)
        .expect("corpus dir")
        .filter_map(Result::ok)
        .filter_map(|e| {
            let body = std::fs::read(e.path().join("response.sse")).ok()?;
            Some((
                e.file_name().to_string_lossy().into_owned(),
                Bytes::from(body),
            ))
        })
        .collect();
    bodies.sort();
    let expected: usize = bodies.iter().map(|(_, b)| data_lines(b)).sum();
    let bytes: usize = bodies.iter().map(|(_, b)| b.len()).sum();

    // One current-thread runtime: the SDK spawns a decoding task per stream,
    // and a single thread keeps the comparison with the single-threaded
    // Python and Node runs fair.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let current = Arc::new(Mutex::new(Bytes::new()));
        let serving = current.clone();
        let service = tower::service_fn(move |_req: HttpRequestFactory| {
            let body = serving.lock().expect("lock").clone();
            async move {
                let chunks: Vec<Result<Bytes, std::io::Error>> = (0..body.len())
                    .step_by(CHUNK)
                    .map(|at| Ok(body.slice(at..(at + CHUNK).min(body.len()))))
                    .collect();
                let response = http::Response::builder()
                    .status(200)
                    .header("content-type", "text/event-stream")
                    .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
                    .map_err(|e| OpenAIError::InvalidArgument(e.to_string()))?;
                Ok::<reqwest::Response, OpenAIError>(response.into())
            }
        });
        let client = Client::with_config(
            OpenAIConfig::new()
                .with_api_base("http://127.0.0.1:9/v1")
                .with_api_key("not-a-key"),
        )
        .with_http_service(service);

        let run = || async {
            let mut tally = Tally::default();
            for (name, body) in &bodies {
                *current.lock().expect("lock") = body.clone();
                let req = CreateResponseArgs::default()
                    .model("m")
                    .input("x")
                    .build()
                    .expect("request");
                let mut terminal = false;
                match client.responses().create_stream(req).await {
                    Ok(mut stream) => {
                        while let Some(event) = stream.next().await {
                            match event {
                                Ok(event) => {
                                    tally.events += 1;
                                    terminal |= matches!(
                                        event,
                                        ResponseStreamEvent::ResponseCompleted(_)
                                            | ResponseStreamEvent::ResponseFailed(_)
                                            | ResponseStreamEvent::ResponseIncomplete(_)
                                    );
                                }
                                Err(e) => {
                                    tally.lost_events += 1;
                                    tally.first_error.get_or_insert_with(|| {
                                        format!("{name}: {}", first_line(&e.to_string()))
                                    });
                                }
                            }
                        }
                    }
                    Err(e) => {
                        tally
                            .first_error
                            .get_or_insert_with(|| format!("{name}: {}", first_line(&e.to_string())));
                    }
                }
                tally.responses += usize::from(terminal);
            }
            tally
        };

        run().await; // warm-up
        let start = Instant::now();
        let mut tally = Tally::default();
        for _ in 0..rounds {
            tally = run().await;
        }
        let secs = start.elapsed().as_secs_f64() / rounds as f64;
        println!(
            "RESULT peer=async-openai version=0.43.0 events={} expected={} lost_events={} responses={} streams={} events_per_s={:.0} mb_per_s={:.2} us_per_pass={:.0}",
            tally.events,
            expected,
            tally.lost_events,
            tally.responses,
            bodies.len(),
            tally.events as f64 / secs,
            bytes as f64 / 1e6 / secs,
            secs * 1e6,
        );
        if let Some(e) = tally.first_error {
            println!("  first failure: {e}");
        }

        // The same decoder and JSON step without the transport plumbing
        // (reqwest body, spawned task, channel), for a like-for-like look at
        // the decode cost alone.
        let decode = || async {
            let mut tally = Tally::default();
            for (_, body) in &bodies {
                tally.responses += usize::from(decode_only(body, &mut tally).await);
            }
            tally
        };
        decode().await;
        let start = Instant::now();
        let mut tally = Tally::default();
        for _ in 0..rounds {
            tally = decode().await;
        }
        let secs = start.elapsed().as_secs_f64() / rounds as f64;
        println!(
            "RESULT peer=async-openai-decode-only version=0.43.0 events={} expected={} lost_events={} responses={} streams={} events_per_s={:.0} mb_per_s={:.2} us_per_pass={:.0}",
            tally.events,
            expected,
            tally.lost_events,
            tally.responses,
            bodies.len(),
            tally.events as f64 / secs,
            bytes as f64 / 1e6 / secs,
            secs * 1e6,
        );
    });
}

/// What `async_openai::client::stream_mapped_raw_events` does per event
/// (it is crate-private): `eventsource_stream` over the body's chunks, skip
/// `[DONE]` and `keepalive`, `serde_json::from_str` into the event type.
/// Returns whether a terminal event parsed.
async fn decode_only(body: &Bytes, tally: &mut Tally) -> bool {
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..body.len())
        .step_by(CHUNK)
        .map(|at| Ok(body.slice(at..(at + CHUNK).min(body.len()))))
        .collect();
    let mut events = eventsource_stream::EventStream::new(futures::stream::iter(chunks));
    let mut terminal = false;
    while let Some(event) = events.next().await {
        let Ok(event) = event else {
            tally.lost_events += 1;
            continue;
        };
        if event.data == "[DONE]" {
            break;
        }
        if event.event == "keepalive" {
            continue;
        }
        match serde_json::from_str::<ResponseStreamEvent>(&event.data) {
            Ok(event) => {
                tally.events += 1;
                terminal |= matches!(
                    event,
                    ResponseStreamEvent::ResponseCompleted(_)
                        | ResponseStreamEvent::ResponseFailed(_)
                        | ResponseStreamEvent::ResponseIncomplete(_)
                );
            }
            Err(_) => tally.lost_events += 1,
        }
    }
    terminal
}

/// Events on the wire: `data:` lines other than the `[DONE]` sentinel.
fn data_lines(body: &[u8]) -> usize {
    body.split(|b| *b == b'\n')
        .filter(|l| l.starts_with(b"data:") && l.trim_ascii() != b"data: [DONE]")
        .count()
}

fn first_line(s: &str) -> &str {
    let line = s.lines().next().unwrap_or("");
    &line[..line.len().min(200)]
}
