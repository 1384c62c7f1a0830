//! [`EventStream`]: a response body as a stream of events.

use crate::error::Error;
use crate::events::StreamEvent;
use crate::limits::Limits;
use crate::sse::EventDecoder;
use bytes::Bytes;
use futures_util::Stream;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

type Body = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>;

/// Events of one streamed response.
///
/// Yields `Ok(event)` for each event, `Err(Error::Protocol)` for a payload
/// that is not JSON (and goes on), and ends after the terminal event or
/// `[DONE]`. If the body breaks or ends before either, the last item is
/// `Err(Error::ConnectionDropped)` with the number of events received. A
/// line or event over the frame limit ends it with `Err(Error::TooLarge)`,
/// and no byte for the idle timeout with `Err(Error::Stalled)`.
/// Cancelling the token (or dropping the stream) closes the connection; the
/// token also yields a last `Err(Error::Cancelled)`.
pub struct EventStream {
    body: Option<Body>,
    cancelled: Pin<Box<WaitForCancellationFutureOwned>>,
    decoder: EventDecoder,
    decoded: Vec<Result<StreamEvent, Error>>,
    queue: VecDeque<Result<StreamEvent, Error>>,
    events: u64,
    ended: bool,
    idle_timeout: Duration,
    /// Fires when no chunk arrived for `idle_timeout`; reset by each chunk.
    idle: Pin<Box<Sleep>>,
}

impl EventStream {
    pub(crate) fn from_body(body: Body, cancel: CancellationToken, limits: &Limits) -> Self {
        EventStream {
            body: Some(body),
            cancelled: Box::pin(cancel.cancelled_owned()),
            decoder: EventDecoder::with_max_frame_bytes(limits.max_frame_bytes),
            decoded: Vec::new(),
            queue: VecDeque::new(),
            events: 0,
            ended: false,
            idle_timeout: limits.idle_timeout,
            idle: Box::pin(tokio::time::sleep(limits.idle_timeout)),
        }
    }

    /// A stream of already-known events (a server that answered a stream
    /// request with a whole JSON response).
    pub(crate) fn from_events(events: Vec<StreamEvent>, cancel: CancellationToken) -> Self {
        let mut stream = EventStream::from_body(
            Box::pin(futures_util::stream::empty()),
            cancel,
            &Limits::default(),
        );
        stream.events = events.len() as u64;
        stream.queue.extend(events.into_iter().map(Ok));
        stream.body = None;
        stream.ended = true;
        stream
    }

    /// Events received so far.
    pub fn events_received(&self) -> u64 {
        self.events
    }

    fn take_decoded(&mut self) {
        for decoded in self.decoded.drain(..) {
            if let Ok(event) = &decoded {
                self.events += 1;
                self.ended |= event.is_terminal();
            }
            self.queue.push_back(decoded);
            if self.ended {
                // Nothing after the end counts; stop reading (this also
                // frees a connection a gateway keeps open after `[DONE]`).
                self.body = None;
                break;
            }
        }
        self.decoded.clear();
        if self.decoder.is_done() {
            self.ended = true;
            self.body = None;
        }
    }

    fn dropped(&mut self, message: String) {
        self.body = None;
        self.ended = true;
        self.queue.push_back(Err(Error::ConnectionDropped {
            events_received: self.events,
            message,
        }));
    }
}

impl Stream for EventStream {
    type Item = Result<StreamEvent, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.queue.pop_front() {
                return Poll::Ready(Some(item));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            if this.cancelled.as_mut().poll(cx).is_ready() {
                this.body = None; // dropping the body closes the connection
                this.ended = true;
                return Poll::Ready(Some(Err(Error::Cancelled)));
            }
            let Some(body) = this.body.as_mut() else {
                this.ended = true;
                continue;
            };
            match body.as_mut().poll_next(cx) {
                Poll::Pending => {
                    if this.idle.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    // The server keeps the connection open and sends nothing.
                    this.body = None;
                    this.ended = true;
                    this.queue.push_back(Err(Error::Stalled {
                        idle: this.idle_timeout,
                        events_received: this.events,
                    }));
                }
                Poll::Ready(Some(Ok(chunk))) => {
                    let deadline = Instant::now() + this.idle_timeout;
                    this.idle.as_mut().reset(deadline);
                    this.decoder.feed(&chunk, &mut this.decoded);
                    this.take_decoded();
                }
                Poll::Ready(Some(Err(e))) => {
                    let message = match e {
                        Error::Network { message, .. } => message,
                        other => other.to_string(),
                    };
                    this.dropped(message);
                }
                Poll::Ready(None) => {
                    this.decoder.finish(&mut this.decoded);
                    this.take_decoded();
                    if !this.ended {
                        this.dropped("the connection closed before the response finished".into());
                    }
                }
            }
        }
    }
}
