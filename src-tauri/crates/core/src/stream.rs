//! Reading one response stream, the part chat turns and playground runs
//! share: opening it (retries reported, Stop honoured while waiting) and
//! reading its events until the end, a Stop, or a failure. What an event
//! means is the caller's business, so that both handle a stream the same way:
//! a payload that is not JSON is logged and skipped, any other error ends the
//! read with what arrived kept by the caller.

use std::future::Future;
use std::sync::Arc;

use futures_util::StreamExt;
use halley_responses::{EventStream, RetryNotice, RetryPolicy, StreamEvent, StreamOptions};
use tokio_util::sync::CancellationToken;

/// How reading a stream ended.
#[derive(Debug)]
pub(crate) enum Ended {
    /// The server closed the stream (normally after a terminal event).
    Done,
    /// The user stopped the run; the connection is closed.
    Stopped,
    /// The request failed, or the stream broke.
    Failed(halley_responses::Error),
}

/// Options for one run: the default retry policy (429/5xx before the first
/// byte), each retry reported through `on_retry`, and `cancel` for Stop.
pub(crate) fn options(
    cancel: &CancellationToken,
    on_retry: impl Fn(RetryNotice) + Send + Sync + 'static,
) -> StreamOptions {
    StreamOptions {
        cancel: cancel.clone(),
        retry: RetryPolicy::default(),
        on_retry: Some(Arc::new(on_retry)),
    }
}

/// Awaits `opening` unless `cancel` fires first.
pub(crate) async fn open(
    cancel: &CancellationToken,
    opening: impl Future<Output = Result<EventStream, halley_responses::Error>>,
) -> Result<EventStream, Ended> {
    tokio::select! {
        biased;
        () = cancel.cancelled() => Err(Ended::Stopped),
        opened = opening => opened.map_err(Ended::Failed),
    }
}

/// Reads `stream` to its end, handing each event to `on_event`. An error
/// from `on_event` (the caller could not save, say) ends the read at once.
pub(crate) async fn read<E>(
    stream: &mut EventStream,
    cancel: &CancellationToken,
    mut on_event: impl FnMut(StreamEvent) -> Result<(), E>,
) -> Result<Ended, E> {
    loop {
        let next = tokio::select! {
            biased;
            () = cancel.cancelled() => return Ok(Ended::Stopped),
            next = stream.next() => next,
        };
        match next {
            None => return Ok(Ended::Done),
            Some(Err(halley_responses::Error::Cancelled)) => return Ok(Ended::Stopped),
            // A payload that is not JSON is reported and skipped; the stream
            // goes on (see EventStream), and so does the answer.
            Some(Err(error @ halley_responses::Error::Protocol { .. })) => {
                tracing::warn!(%error, "skipped a stream event that is not JSON");
            }
            Some(Err(error)) => return Ok(Ended::Failed(error)),
            Some(Ok(event)) => on_event(event)?,
        }
    }
}
