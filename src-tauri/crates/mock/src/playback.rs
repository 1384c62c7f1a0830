//! Plays a script into a stored response, and streams a stored response to a
//! client. The two are apart so that a background response goes on without
//! any client, and a resumed stream reads the same events as the first one.

use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use futures_util::Stream;
use tokio_util::sync::CancellationToken;

use crate::sse::{Frame, Step};
use crate::store::{Ending, Entry, Progress};

/// Sends the script's frames into the entry, pausing as the script says,
/// until it ends or the entry is cancelled (which the server's shutdown does).
pub(crate) async fn play(entry: Arc<Entry>, steps: Vec<Step>) {
    // Pauses add up from one start instead of from each wake-up, so a timer
    // that wakes late does not slow the stream: 1,000 deltas at 1 ms take
    // one second, not the 1.1-2 s that sleeping 1 ms each time would.
    let mut due = tokio::time::Instant::now();
    for step in steps {
        match step {
            Step::Send { frame, delay } => {
                if !delay.is_zero() {
                    let now = tokio::time::Instant::now();
                    let floor = now.checked_sub(MAX_CATCH_UP).unwrap_or(now);
                    due = (due + delay).max(floor);
                    tokio::select! {
                        () = tokio::time::sleep_until(due) => {}
                        () = entry.cancel.cancelled() => return,
                    }
                } else {
                    due = due.max(tokio::time::Instant::now());
                }
                if !entry.push(frame) {
                    return;
                }
            }
            Step::Abort => {
                entry.end(Ending::Aborted);
                return;
            }
            Step::Stall => {
                entry.cancel.cancelled().await;
                return;
            }
        }
    }
    entry.end(Ending::Finished);
}

/// How far behind schedule a stream may fall before it stops catching up
/// (a burst of late frames), e.g. after the machine was suspended.
const MAX_CATCH_UP: Duration = Duration::from_millis(50);

/// Drops the pauses, for a non-streamed answer nobody watches arrive.
pub(crate) fn without_delays(steps: Vec<Step>) -> Vec<Step> {
    steps
        .into_iter()
        .map(|step| match step {
            Step::Send { frame, .. } => Step::Send {
                frame,
                delay: Duration::ZERO,
            },
            other => other,
        })
        .collect()
}

/// Cancels a response whose only client went away (a non-background stream),
/// as the real API does, so a stalled script does not run forever.
pub(crate) struct CancelOnDrop(pub Arc<Entry>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel_if_running();
    }
}

struct Follower {
    entry: Arc<Entry>,
    next: usize,
    /// Only frames after this sequence number are sent (resume).
    starting_after: Option<u64>,
    pending: VecDeque<Frame>,
    shutdown: CancellationToken,
    done: bool,
    /// Cut the connection after this many frames (a fault); the entry
    /// plays on.
    cut_after: Option<usize>,
    sent: usize,
    _cancel_on_drop: Option<CancelOnDrop>,
}

const FLUSH_PAUSE: Duration = Duration::from_millis(20);

fn dropped_connection() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, "mock dropped the stream")
}

/// An SSE body that follows the entry from its first frame (or from after
/// `starting_after`) until it ends. An aborted entry, or the server shutting
/// down, ends the body with an error so the connection is cut, not closed.
pub(crate) fn follow(
    entry: Arc<Entry>,
    starting_after: Option<u64>,
    shutdown: CancellationToken,
    cancel_when_client_leaves: bool,
    cut_after: Option<usize>,
) -> Body {
    let guard = cancel_when_client_leaves.then(|| CancelOnDrop(entry.clone()));
    let follower = Follower {
        entry,
        next: 0,
        starting_after,
        pending: VecDeque::new(),
        shutdown,
        done: false,
        cut_after,
        sent: 0,
        _cancel_on_drop: guard,
    };
    Body::from_stream(frames(follower))
}

fn frames(follower: Follower) -> impl Stream<Item = Result<Bytes, io::Error>> {
    futures_util::stream::unfold(follower, |mut st| async move {
        if st.done {
            return None;
        }
        let mut changes = st.entry.subscribe();
        loop {
            if st.cut_after.is_some_and(|n| st.sent >= n) {
                st.done = true;
                tokio::time::sleep(FLUSH_PAUSE).await;
                return Some((Err(dropped_connection()), st));
            }
            if let Some(frame) = st.pending.pop_front() {
                st.sent += 1;
                return Some((Ok(frame.bytes), st));
            }
            changes.borrow_and_update();
            match st.entry.progress(st.next) {
                Progress::Frames(frames) => {
                    st.next += frames.len();
                    for frame in frames {
                        if let Some(after) = st.starting_after {
                            // Skip up to the first frame past the resume point;
                            // from there on every frame goes out.
                            match frame.sequence_number {
                                Some(n) if n > after => st.starting_after = None,
                                _ => continue,
                            }
                        }
                        st.pending.push_back(frame);
                    }
                }
                Progress::Ended(Ending::Finished) => return None,
                Progress::Ended(Ending::Aborted) => {
                    st.done = true;
                    // Pause once first: the server flushes what it buffered
                    // while the body is pending, so the frames before the
                    // cut reach the client rather than dying with it.
                    tokio::time::sleep(FLUSH_PAUSE).await;
                    return Some((Err(dropped_connection()), st));
                }
                Progress::Pending => {
                    tokio::select! {
                        changed = changes.changed() => if changed.is_err() { return None },
                        () = st.shutdown.cancelled() => {
                            st.done = true;
                            return Some((Err(dropped_connection()), st));
                        }
                    }
                }
            }
        }
    })
}
