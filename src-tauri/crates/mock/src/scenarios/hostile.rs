//! Faults of a hostile or broken gateway that are about the bytes rather
//! than the events: headers no client should trust, a line or a body too big
//! to hold, and a connection that opens and then says nothing. Each is a
//! whole HTTP response, written here rather than played from a script.

use std::io;

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::{stream, StreamExt};
use tokio_util::sync::CancellationToken;

use crate::api_error::ApiError;
use crate::routes::sse_response;

/// 32 MiB: twice a client's default per-line limit (16 MiB).
pub(crate) const HUGE_LINE_BYTES: usize = 32 * 1024 * 1024;
/// 80 MiB: more than a client's default body limit (64 MiB).
pub(crate) const HUGE_BODY_BYTES: usize = 80 * 1024 * 1024;
/// Bytes per chunk when streaming a huge line or body: the mock never holds
/// the whole of it either.
const CHUNK: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hostile {
    /// 429 with `retry-after-ms: 1e30`, a `Retry-After` date in the year 9999
    /// and rate-limit headers holding numbers no integer type takes.
    RetryAfter,
    /// A stream whose second line is [`HUGE_LINE_BYTES`] long, with no end.
    HugeLine,
    /// A JSON body of [`HUGE_BODY_BYTES`], chunked (no length announced).
    HugeBody,
    /// Stream headers, then nothing until the client leaves.
    Silence,
}

impl Hostile {
    pub fn respond(self, shutdown: &CancellationToken) -> Response {
        match self {
            Self::RetryAfter => {
                let mut response = ApiError::rate_limited().into_response();
                let headers = response.headers_mut();
                for (name, value) in [
                    ("retry-after-ms", "1e30"),
                    ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
                    ("x-ratelimit-reset-requests", "1e30s"),
                    ("x-ratelimit-remaining-requests", "-99999999999999999999999"),
                ] {
                    headers.insert(name, HeaderValue::from_static(value));
                }
                response
            }
            Self::HugeLine => {
                let created = Bytes::from_static(
                    b"event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_huge_line\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}\n\ndata: ",
                );
                let body = stream::once(async move { Ok::<_, io::Error>(created) })
                    .chain(filler(HUGE_LINE_BYTES, b'x'));
                sse_response(Body::from_stream(body))
            }
            Self::HugeBody => {
                let head = Bytes::from_static(
                    b"{\"id\":\"resp_huge_body\",\"object\":\"response\",\"pad\":\"",
                );
                let body = stream::once(async move { Ok::<_, io::Error>(head) })
                    .chain(filler(HUGE_BODY_BYTES, b'x'))
                    .chain(stream::once(async { Ok(Bytes::from_static(b"\"}")) }));
                let mut response = (StatusCode::OK, Body::from_stream(body)).into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            }
            Self::Silence => {
                // Ends (as a cut connection) only when the server stops, so
                // a graceful shutdown is not held up by it.
                let stop = shutdown.clone();
                let body = stream::once(async move {
                    stop.cancelled_owned().await;
                    Err::<Bytes, _>(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "mock stopped",
                    ))
                });
                sse_response(Body::from_stream(body))
            }
        }
    }
}

/// `total` bytes of `byte`, in chunks of one shared buffer.
fn filler(total: usize, byte: u8) -> impl futures_util::Stream<Item = Result<Bytes, io::Error>> {
    let chunk = Bytes::from(vec![byte; CHUNK]);
    let chunks = total.div_ceil(CHUNK);
    stream::iter((0..chunks).map(move |i| {
        let len = CHUNK.min(total - i * CHUNK);
        Ok(chunk.slice(..len))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn filler_sends_exactly_the_size_in_small_chunks() {
        let sizes: Vec<usize> = filler(CHUNK * 2 + 5, b'x')
            .map(|chunk| chunk.map(|c| c.len()).unwrap_or(0))
            .collect()
            .await;
        assert_eq!(sizes, vec![CHUNK, CHUNK, 5], "never one big allocation");
    }
}
