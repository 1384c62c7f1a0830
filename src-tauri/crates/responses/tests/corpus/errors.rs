//! The three error shapes of a stream, on small streams of our own (the
//! recorded corpus has none that fail mid-stream).

use crate::cases;
use halley_responses::{Accumulator, Error, FoldUpdate, StreamEvent};

fn fold(body: &str) -> (Vec<FoldUpdate>, Result<halley_responses::Response, Error>) {
    let mut acc = Accumulator::new();
    let mut updates = Vec::new();
    for event in cases::decode_chunks([body.as_bytes()])
        .into_iter()
        .flatten()
    {
        updates.extend(acc.apply(&event));
    }
    (updates, acc.finish())
}

const CREATED: &str = "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"status\":\"in_progress\",\"output\":[],\"usage\":null},\"sequence_number\":0}\n\n";

#[test]
fn error_event_then_failed_response() {
    let body = format!(
        "{CREATED}event: error\ndata: {{\"type\":\"error\",\"error\":{{\"type\":\"server_error\",\"code\":\"server_error\",\"message\":\"The server had an error\",\"param\":null}},\"sequence_number\":1}}\n\n\
         event: response.failed\ndata: {{\"type\":\"response.failed\",\"response\":{{\"id\":\"resp_1\",\"status\":\"failed\",\"error\":{{\"code\":\"server_error\",\"message\":\"The server had an error\"}},\"output\":[]}},\"sequence_number\":2}}\n\n"
    );
    let (updates, outcome) = fold(&body);
    assert!(
        updates.iter().any(
            |u| matches!(u, FoldUpdate::StreamError { code: Some(c), .. } if c == "server_error")
        ),
        "the nested error event must reach the UI"
    );
    match outcome {
        Err(e @ Error::ResponseFailed { .. }) => {
            assert_eq!(
                (e.code(), e.api_code()),
                ("response_failed", Some("server_error")),
                "failed wins over the error event"
            );
        }
        other => panic!("expected ResponseFailed, got {other:?}"),
    }
}

#[test]
fn flat_error_event_alone_is_a_stream_error() {
    let body = format!("{CREATED}data: {{\"type\":\"error\",\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\",\"param\":null}}\n\n");
    let (_, outcome) = fold(&body);
    assert!(
        matches!(&outcome, Err(e @ Error::Stream { .. }) if e.code() == "stream_error" && e.api_code() == Some("rate_limit_exceeded")),
        "the spec's flat shape is an error too: {outcome:?}"
    );
}

#[test]
fn incomplete_keeps_the_partial_response() {
    let body = format!(
        "{CREATED}data: {{\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{{\"type\":\"message\",\"id\":\"m\",\"role\":\"assistant\",\"status\":\"in_progress\",\"content\":[]}}}}\n\n\
         data: {{\"type\":\"response.output_text.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"Half a\"}}\n\n\
         data: {{\"type\":\"response.incomplete\",\"response\":{{\"id\":\"resp_1\",\"status\":\"incomplete\",\"incomplete_details\":{{\"reason\":\"max_output_tokens\"}},\"output\":[]}}}}\n\n"
    );
    match fold(&body).1 {
        Err(Error::Incomplete { reason, response }) => {
            assert_eq!(reason.as_deref(), Some("max_output_tokens"));
            // The terminal output is empty here, so the folded text is kept.
            assert_eq!(response.output_text(), "Half a");
        }
        other => panic!("expected Incomplete, got {other:?}"),
    }
}

#[test]
fn stream_without_terminal_event_is_a_dropped_connection() {
    let body = format!("{CREATED}data: {{\"type\":\"response.in_progress\",\"response\":{{\"status\":\"in_progress\"}}}}\n\n");
    match fold(&body).1 {
        Err(
            e @ Error::ConnectionDropped {
                events_received: 2, ..
            },
        ) => assert_eq!(e.code(), "connection_dropped"),
        other => panic!("two events arrived, then nothing: {other:?}"),
    }
}

#[test]
fn bad_json_is_a_protocol_error_with_the_line() {
    let decoded =
        cases::decode_chunks([b"data: {\"type\":\"response.output_text.delta\",\n\n".as_slice()]);
    match decoded.as_slice() {
        [Err(e @ Error::Protocol { line, .. })] => {
            assert_eq!(e.code(), "protocol");
            assert!(
                line.contains("output_text.delta"),
                "the line helps debugging: {line}"
            );
        }
        other => panic!("expected one protocol error, got {other:?}"),
    }
    // An `Unknown` event is not an error: it must not be dropped either.
    let decoded = cases::decode_chunks([
        b"data: {\"type\":\"response.audio.delta\",\"delta\":\"AA\"}\n\n".as_slice(),
    ]);
    assert!(matches!(decoded.as_slice(), [Ok(StreamEvent::Unknown(_))]));
}
