//! Streaming: errors before the stream, retries, drops, cancellation.

use crate::server::{self, authorized, event, json, serve, sse, ADDED, CREATED, DELTA};
use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use futures_util::StreamExt;
use halley_responses::{
    Accumulator, Client, CreateResponse, Error, EventStream, RetryNotice, RetryPolicy, StreamEvent,
    StreamOptions,
};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn request() -> CreateResponse {
    CreateResponse::new("gpt-test", "hi")
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_retry_after: Duration::from_millis(10),
    }
}

async fn collect(mut stream: EventStream) -> Vec<Result<StreamEvent, Error>> {
    let mut out = Vec::new();
    while let Some(item) = stream.next().await {
        out.push(item);
    }
    out
}

#[tokio::test]
async fn json_error_on_a_stream_request_is_an_http_error() {
    let router = Router::new().route(
        "/v1/responses",
        post(|| async {
            json(StatusCode::BAD_REQUEST, r#"{"error":{"message":"Invalid 'temperature'","type":"invalid_request_error","param":"temperature","code":"decimal_below_min_value"}}"#)
        }),
    );
    let ep = serve(router).await;
    let err = Client::new()
        .expect("an HTTP client")
        .create_stream(&ep, &request(), StreamOptions::default())
        .await
        .err();
    let err = err.expect("a 400 must not become an event stream");
    assert_eq!(
        (err.code(), err.http_status(), err.api_code()),
        ("http_status", Some(400), Some("decimal_below_min_value"))
    );
    assert!(
        !format!("{err} {err:?}").contains(server::KEY),
        "the key never appears in an error"
    );
}

#[tokio::test]
async fn retries_429_honouring_retry_after_then_streams() {
    let calls = Arc::new(AtomicU32::new(0));
    let seen = calls.clone();
    let router = Router::new().route(
        "/v1/responses",
        post(move |headers: HeaderMap| {
            let calls = seen.clone();
            async move {
                assert!(authorized(&headers), "every attempt carries the key");
                if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    let mut resp = json(StatusCode::TOO_MANY_REQUESTS, r#"{"error":{"message":"slow","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#);
                    resp.headers_mut().insert("retry-after-ms", "5".parse().expect("header"));
                    resp
                } else {
                    sse(server::whole_stream())
                }
            }
        }),
    );
    let ep = serve(router).await;
    let notices = Arc::new(Mutex::new(Vec::<RetryNotice>::new()));
    let sink = notices.clone();
    let opts = StreamOptions {
        retry: fast_retries(),
        on_retry: Some(Arc::new(move |n| sink.lock().expect("lock").push(n))),
        ..StreamOptions::default()
    };
    let stream = Client::new()
        .expect("an HTTP client")
        .create_stream(&ep, &request(), opts)
        .await
        .expect("second attempt succeeds");
    let events = collect(stream).await;
    assert_eq!(
        events.len(),
        4,
        "all four events of the retried stream arrive: {events:?}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one retry");
    let notices = notices.lock().expect("lock").clone();
    // retry-after-ms: 5 is within the policy's 10 ms, so it is waited as
    // asked (a longer ask is not retried at all: tests/client/limits.rs).
    assert_eq!(
        notices,
        vec![RetryNotice {
            attempt: 1,
            max_retries: 2,
            delay: Duration::from_millis(5),
            status: Some(429)
        }]
    );
}

#[tokio::test]
async fn persistent_5xx_gives_up_after_the_retry_budget() {
    let calls = Arc::new(AtomicU32::new(0));
    let seen = calls.clone();
    let router = Router::new().route(
        "/v1/responses",
        post(move || {
            seen.fetch_add(1, Ordering::SeqCst);
            async { json(StatusCode::BAD_GATEWAY, "<html>bad gateway</html>") }
        }),
    );
    let ep = serve(router).await;
    let opts = StreamOptions {
        retry: fast_retries(),
        ..StreamOptions::default()
    };
    let err = Client::new()
        .expect("an HTTP client")
        .create_stream(&ep, &request(), opts)
        .await
        .err()
        .expect("fails");
    assert_eq!(err.http_status(), Some(502));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "first attempt + max_retries"
    );
}

#[tokio::test]
async fn a_dropped_connection_keeps_the_events_and_is_not_retried() {
    let calls = Arc::new(AtomicU32::new(0));
    let seen = calls.clone();
    // The server breaks the body only once the client has read the events,
    // so the break happens mid-stream, not before the headers.
    let (go_tx, go_rx) = tokio::sync::oneshot::channel::<()>();
    let go_rx = Arc::new(Mutex::new(Some(go_rx)));
    let router = Router::new().route(
        "/v1/responses",
        post(move || {
            seen.fetch_add(1, Ordering::SeqCst);
            let go_rx = go_rx.lock().expect("lock").take();
            async move {
                let first = futures_util::stream::once(async {
                    Ok(event(CREATED) + &event(ADDED) + &event(DELTA))
                });
                let broken = futures_util::stream::once(async move {
                    if let Some(rx) = go_rx {
                        let _ = rx.await;
                    }
                    Err::<String, _>(std::io::Error::other("upstream died"))
                });
                sse(Body::from_stream(first.chain(broken)))
            }
        }),
    );
    let ep = serve(router).await;
    let opts = StreamOptions {
        retry: fast_retries(),
        ..StreamOptions::default()
    };
    let mut stream = Client::new()
        .expect("an HTTP client")
        .create_stream(&ep, &request(), opts)
        .await
        .expect("stream starts");
    let mut items = Vec::new();
    for _ in 0..3 {
        items.push(stream.next().await.expect("an event"));
    }
    let _ = go_tx.send(());
    items.extend(collect(stream).await);
    let mut acc = Accumulator::new();
    for event in items.iter().filter_map(|i| i.as_ref().ok()) {
        acc.apply(event);
    }
    assert_eq!(
        acc.snapshot().output_text(),
        "Hello",
        "what arrived before the drop is kept"
    );
    match items.last() {
        Some(Err(Error::ConnectionDropped {
            events_received: 3, ..
        })) => {}
        other => panic!("expected a drop after 3 events, got {other:?}"),
    }
    assert_eq!(items.len(), 4, "three events and the drop");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "nothing is retried once the body started"
    );
}

#[tokio::test]
async fn cancelling_ends_the_stream_and_closes_the_connection() {
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel::<()>();
    let closed_tx = Arc::new(Mutex::new(Some(closed_tx)));
    let router = Router::new().route(
        "/v1/responses",
        post(move || {
            let closed_tx = closed_tx.clone();
            async move {
                // Signals when the server drops the body: the client went away.
                struct OnDrop(Arc<Mutex<Option<tokio::sync::oneshot::Sender<()>>>>);
                impl Drop for OnDrop {
                    fn drop(&mut self) {
                        if let Some(tx) = self.0.lock().expect("lock").take() {
                            let _ = tx.send(());
                        }
                    }
                }
                let guard = OnDrop(closed_tx);
                let first =
                    futures_util::stream::once(async { Ok::<_, std::io::Error>(event(CREATED)) });
                // Then keep-alive comments forever; a write to a closed
                // socket is how the server learns the client left.
                let ticks = futures_util::stream::unfold(guard, |guard| async move {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    Some((Ok(": keep-alive\n\n".to_owned()), guard))
                });
                sse(Body::from_stream(first.chain(ticks)))
            }
        }),
    );
    let ep = serve(router).await;
    let opts = StreamOptions::default();
    let cancel = opts.cancel.clone();
    let mut stream = Client::new()
        .expect("an HTTP client")
        .create_stream(&ep, &request(), opts)
        .await
        .expect("stream starts");
    let first = stream.next().await;
    assert!(
        matches!(first, Some(Ok(StreamEvent::Created(_)))),
        "comments are skipped, the event arrives"
    );
    cancel.cancel();
    assert!(
        matches!(stream.next().await, Some(Err(Error::Cancelled))),
        "cancel is reported once"
    );
    assert!(stream.next().await.is_none(), "then the stream ends");
    // Safety net only: the assertion is that the server sees the close at all.
    let closed = tokio::time::timeout(Duration::from_secs(20), closed_rx).await;
    assert!(closed.is_ok(), "the server must see the connection close");
}

#[tokio::test]
async fn done_marker_and_comments_from_a_gateway() {
    let body = format!(
        ": OPENROUTER PROCESSING\n\ndata: {CREATED}\n\n: keep-alive\n\ndata: {ADDED}\n\ndata: {DELTA}\n\ndata: [DONE]\n\n"
    );
    let router = Router::new().route("/v1/responses", post(move || async move { sse(body) }));
    let ep = serve(router).await;
    let stream = Client::new()
        .expect("an HTTP client")
        .create_stream(&ep, &request(), StreamOptions::default())
        .await
        .expect("starts");
    let items = collect(stream).await;
    // No `event:` lines: dispatch is on the JSON type. `[DONE]` ends the
    // stream cleanly even without a terminal event.
    assert_eq!(items.len(), 3, "three events, no error: {items:?}");
    assert!(items.iter().all(Result::is_ok));
}

#[tokio::test]
async fn already_cancelled_token_stops_before_sending() {
    let router = Router::new().route(
        "/v1/responses",
        post(|| async { sse(server::whole_stream()) }),
    );
    let ep = serve(router).await;
    let opts = StreamOptions::default();
    opts.cancel.cancel();
    let err = Client::new()
        .expect("an HTTP client")
        .create_stream(&ep, &request(), opts)
        .await
        .err();
    assert_eq!(err.map(|e| e.code()), Some("cancelled"));
}
