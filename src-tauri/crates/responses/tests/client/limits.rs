//! What a hostile or broken gateway sends, from halley-mock's faults:
//! unbounded retry headers, a line or a body too large to hold, headers and
//! then silence, silence mid-stream. Each ends the call with its own error,
//! quickly, without the memory or the wait the server asks for.

use futures_util::StreamExt;
use halley_mock::{Config, RunningServer};
use halley_responses::{
    Client, CreateResponse, Endpoint, Error, LimitKind, Limits, RetryNotice, RetryPolicy,
    SecretString, StreamEvent, StreamOptions,
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

async fn mock() -> (RunningServer, Endpoint) {
    let server = halley_mock::serve(Config::default())
        .await
        .expect("mock starts");
    let endpoint = Endpoint::new(server.base_url(), SecretString::new("sk-test-limits"));
    (server, endpoint)
}

fn request(model: &str) -> CreateResponse {
    CreateResponse::new(model, "hello there, limits")
}

/// Reads a stream to its end: the events, and the error that ended it.
async fn read_all(
    client: &Client,
    endpoint: &Endpoint,
    model: &str,
) -> (Vec<StreamEvent>, Option<Error>) {
    let mut stream = match client
        .create_stream(endpoint, &request(model), StreamOptions::default())
        .await
    {
        Ok(stream) => stream,
        Err(error) => return (Vec::new(), Some(error)),
    };
    let mut events = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(event) => events.push(event),
            Err(error) => return (events, Some(error)),
        }
    }
    (events, None)
}

#[tokio::test]
async fn hostile_retry_headers_end_the_call_at_once_without_a_panic() {
    let (server, endpoint) = mock().await;
    let notices = Arc::new(Mutex::new(Vec::<RetryNotice>::new()));
    let seen = notices.clone();
    let opts = StreamOptions {
        retry: RetryPolicy::default(),
        on_retry: Some(Arc::new(move |n| seen.lock().expect("lock").push(n))),
        ..StreamOptions::default()
    };
    let started = Instant::now();
    // `retry-after-ms: 1e30` once panicked in `Duration::from_secs_f64`.
    let error = client_error(
        Client::new()
            .expect("an HTTP client")
            .create_stream(&endpoint, &request("fault:429-hostile-headers"), opts)
            .await,
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a wait of 1e27 s is not waited, nor is the capped 60 s: {:?}",
        started.elapsed()
    );
    assert!(
        notices.lock().expect("lock").is_empty(),
        "no retry is scheduled for a server that asks for more than the policy waits"
    );
    let Error::HttpStatus {
        status,
        retry_after,
        wait_too_long,
        ..
    } = &error
    else {
        panic!("expected the 429 itself, got {error:?}");
    };
    assert_eq!(*status, 429);
    assert_eq!(
        *retry_after,
        Some(halley_responses::client::MAX_PARSED_RETRY_AFTER),
        "the header is read, clamped"
    );
    assert!(*wait_too_long);
    assert!(
        error.to_string().contains("not retried"),
        "the message says why there was no retry: {error}"
    );
    server.shutdown().await.expect("mock stops");
}

fn client_error<T>(result: Result<T, Error>) -> Error {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(error) => error,
    }
}

#[tokio::test]
async fn a_line_over_the_frame_limit_ends_the_stream_with_too_large() {
    let (server, endpoint) = mock().await;
    // The mock's line is 32 MiB, twice the default limit: the default
    // client stops at 16 MiB rather than holding it all.
    for client in [
        Client::new().expect("an HTTP client"),
        Client::with_limits(Limits {
            max_frame_bytes: 64 * 1024,
            ..Limits::default()
        })
        .expect("an HTTP client"),
    ] {
        let (events, error) = read_all(&client, &endpoint, "fault:huge-line").await;
        assert_eq!(
            events.len(),
            1,
            "response.created arrives before the huge line"
        );
        let max = client.limits().max_frame_bytes;
        let error = error.expect("the stream ends with an error");
        assert!(
            matches!(error, Error::TooLarge { limit: LimitKind::Frame, max_bytes } if max_bytes == max),
            "{error:?}"
        );
        assert_eq!(error.code(), "too_large");
        assert!(
            error.to_string().contains("Limits::max_frame_bytes"),
            "the message names the limit and its size: {error}"
        );
    }
    server.shutdown().await.expect("mock stops");
}

#[tokio::test]
async fn a_body_over_the_body_limit_is_refused_while_reading() {
    let (server, endpoint) = mock().await;
    let client = Client::with_limits(Limits {
        max_body_bytes: 1024 * 1024,
        ..Limits::default()
    })
    .expect("an HTTP client");
    let started = Instant::now();
    let error = client_error(client.create(&endpoint, &request("fault:huge-body")).await);
    assert!(
        matches!(
            error,
            Error::TooLarge {
                limit: LimitKind::Body,
                max_bytes: 1_048_576
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the server sent a response body (Limits::max_body_bytes) larger than the limit of 1 MiB"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    server.shutdown().await.expect("mock stops");
}

#[tokio::test]
async fn headers_then_silence_ends_as_stalled() {
    let (server, endpoint) = mock().await;
    let idle = Duration::from_millis(300);
    let client = Client::with_limits(Limits {
        idle_timeout: idle,
        ..Limits::default()
    })
    .expect("an HTTP client");
    let started = Instant::now();
    let (events, error) = read_all(&client, &endpoint, "fault:silence").await;
    let waited = started.elapsed();
    assert!(events.is_empty());
    let error = error.expect("a silent server ends the stream");
    assert!(
        matches!(error, Error::Stalled { idle: i, events_received: 0 } if i == idle),
        "{error:?}"
    );
    assert_eq!(error.code(), "stalled");
    assert!(
        waited >= idle && waited < Duration::from_secs(5),
        "it waits the idle timeout, not forever: {waited:?}"
    );
    server.shutdown().await.expect("mock stops");
}

#[tokio::test]
async fn silence_mid_stream_ends_as_stalled_with_the_events_kept() {
    let (server, endpoint) = mock().await;
    let client = Client::with_limits(Limits {
        idle_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .expect("an HTTP client");
    let (events, error) = read_all(&client, &endpoint, "fault:stall-after-5").await;
    assert_eq!(
        events.len(),
        5,
        "the events before the silence are delivered"
    );
    let error = error.expect("the stall ends the stream");
    assert!(
        matches!(
            error,
            Error::Stalled {
                events_received: 5,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().starts_with("connection stalled"),
        "{error}"
    );
    server.shutdown().await.expect("mock stops");
}

#[tokio::test]
async fn a_server_that_never_answers_a_json_call_ends_as_stalled() {
    // A non-streamed create of a stalling script: the mock waits for the
    // end before sending headers, so the wait is for the headers themselves.
    let (server, endpoint) = mock().await;
    let client = Client::with_limits(Limits {
        idle_timeout: Duration::from_millis(300),
        ..Limits::default()
    })
    .expect("an HTTP client");
    let error = client_error(client.create(&endpoint, &request("fault:stall")).await);
    assert!(matches!(error, Error::Stalled { .. }), "{error:?}");
    server.shutdown().await.expect("mock stops");
}
