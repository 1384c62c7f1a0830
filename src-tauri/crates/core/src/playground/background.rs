//! Bookkeeping for background runs: which response a run is, its status and
//! the last stream event seen, kept in SQLite so that a run started before
//! the app closed can be resumed with `starting_after` after it reopens.

use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use super::events::{PlaygroundEvent, PlaygroundStatus};
use crate::history::now_ms;
use crate::{Error, History};

/// A background run as stored.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "BackgroundRun.ts")]
pub struct BackgroundRun {
    pub response_id: String,
    pub model: String,
    /// The body as sent (JSON text).
    pub request: String,
    pub status: String,
    /// The last `sequence_number` seen; resume `starting_after` it.
    pub last_sequence: Option<u32>,
    pub created_at: f64,
    pub updated_at: f64,
}

/// Statuses after which a response produces no more events.
pub fn is_unfinished(status: &str) -> bool {
    matches!(status, "queued" | "in_progress")
}

impl History {
    /// Starts (or restarts) tracking a background response.
    pub fn record_background_run(
        &self,
        response_id: &str,
        model: &str,
        request: &str,
        status: &str,
        last_sequence: Option<u32>,
    ) -> Result<(), Error> {
        let now = now_ms();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO playground_runs (response_id, model, request, status, last_sequence, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                 ON CONFLICT (response_id) DO UPDATE SET status = excluded.status,
                     last_sequence = COALESCE(excluded.last_sequence, last_sequence),
                     updated_at = excluded.updated_at",
                params![response_id, model, request, status, last_sequence, now],
            )?;
            Ok(())
        })
    }

    /// Moves a tracked run on: its status, and the last event seen (a lower
    /// sequence number than stored is ignored: a resumed stream may replay).
    pub fn update_background_run(
        &self,
        response_id: &str,
        status: &str,
        last_sequence: Option<u32>,
    ) -> Result<(), Error> {
        let now = now_ms();
        self.write(|tx| {
            tx.execute(
                "UPDATE playground_runs SET status = ?2,
                     last_sequence = MAX(COALESCE(last_sequence, -1), COALESCE(?3, -1)),
                     updated_at = ?4
                 WHERE response_id = ?1",
                params![response_id, status, last_sequence, now],
            )?;
            // MAX(-1, -1) would store -1 for "none seen": put NULL back.
            tx.execute(
                "UPDATE playground_runs SET last_sequence = NULL WHERE response_id = ?1 AND last_sequence < 0",
                params![response_id],
            )?;
            Ok(())
        })
    }

    pub fn background_run(&self, response_id: &str) -> Result<Option<BackgroundRun>, Error> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    &format!("{SELECT} WHERE response_id = ?1"),
                    params![response_id],
                    row_to_run,
                )
                .optional()?)
        })
    }

    /// Runs still queued or in progress when last seen, oldest first.
    pub fn unfinished_background_runs(&self) -> Result<Vec<BackgroundRun>, Error> {
        self.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "{SELECT} WHERE status IN ('queued', 'in_progress') ORDER BY created_at"
            ))?;
            let rows = stmt.query_map([], row_to_run)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Stops tracking a run (the user dismissed it, or deleted the response).
    pub fn forget_background_run(&self, response_id: &str) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM playground_runs WHERE response_id = ?1",
                params![response_id],
            )?;
            Ok(())
        })
    }
}

const SELECT: &str = "SELECT response_id, model, request, status, last_sequence, created_at, updated_at FROM playground_runs";

fn row_to_run(row: &rusqlite::Row<'_>) -> rusqlite::Result<BackgroundRun> {
    Ok(BackgroundRun {
        response_id: row.get(0)?,
        model: row.get(1)?,
        request: row.get(2)?,
        status: row.get(3)?,
        last_sequence: row.get(4)?,
        created_at: row.get(5)?,
        updated_at: row.get(6)?,
    })
}

/// Watches a run's events and keeps its row up to date. Sequence numbers are
/// written at most every `interval` (a fast stream sends hundreds a second);
/// status changes and the end are written at once. Falling a little behind
/// is harmless: a resume replays the events after the stored number.
///
/// The events arrive on the async runtime's workers, where a SQLite write
/// (which may wait out another connection's lock) must not run: writes go,
/// in order, to a thread of the bookmark's own.
pub struct ResumeBookmark {
    model: String,
    request: String,
    interval: Duration,
    state: Mutex<BookmarkState>,
    writes: Mutex<mpsc::Sender<Write>>,
}

/// A write for the bookmark's thread.
enum Write {
    Record {
        id: String,
        model: String,
        request: String,
        status: String,
        last_sequence: Option<u32>,
    },
    Update {
        id: String,
        status: String,
        last_sequence: Option<u32>,
    },
    /// Run once every write before it is done.
    Then(Box<dyn FnOnce() + Send>),
}

/// Runs the writes in the order they were sent, until the bookmark is
/// dropped. A failed write is logged, not raised: losing the bookmark must
/// not break the run itself.
fn start_writer(history: Arc<History>) -> mpsc::Sender<Write> {
    let (sender, writes) = mpsc::channel::<Write>();
    let spawned = std::thread::Builder::new()
        .name("halley-bookmark".into())
        .spawn(move || {
            for write in writes {
                let result = match write {
                    Write::Record {
                        id,
                        model,
                        request,
                        status,
                        last_sequence,
                    } => {
                        history.record_background_run(&id, &model, &request, &status, last_sequence)
                    }
                    Write::Update {
                        id,
                        status,
                        last_sequence,
                    } => history.update_background_run(&id, &status, last_sequence),
                    Write::Then(then) => {
                        then();
                        Ok(())
                    }
                };
                if let Err(error) = result {
                    tracing::warn!(%error, "could not record the background run's progress");
                }
            }
        });
    if let Err(error) = spawned {
        // The channel's receiver went with the closure: sends fail, and are
        // logged once each (the run itself goes on).
        tracing::warn!(%error, "could not start the background run's bookkeeping");
    }
    sender
}

#[derive(Default)]
struct BookmarkState {
    response_id: Option<String>,
    status: String,
    last_sequence: Option<u32>,
    written_at: Option<Instant>,
    dirty: bool,
}

impl ResumeBookmark {
    /// For a new run: the row is created when the response id is known.
    pub fn new(history: Arc<History>, model: &str, request: &str) -> Self {
        Self {
            model: model.to_owned(),
            request: request.to_owned(),
            interval: Duration::from_millis(250),
            state: Mutex::new(BookmarkState::default()),
            writes: Mutex::new(start_writer(history)),
        }
    }

    /// Runs `then` once every write so far is in the database (at once if
    /// the writes cannot run): the end of a run is reported after it, so a
    /// UI that reads the stored runs on `finished` sees the final status.
    pub fn after_writes(&self, then: impl FnOnce() + Send + 'static) {
        if let Err(mpsc::SendError(Write::Then(then))) = self
            .writes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(Write::Then(Box::new(then)))
        {
            then();
        }
    }

    /// Waits until every write so far is in the database.
    pub fn flush(&self) {
        let (done, wait) = mpsc::channel();
        self.after_writes(move || {
            let _ = done.send(());
        });
        let _ = wait.recv();
    }

    fn write(&self, write: Write) -> Result<(), Error> {
        self.writes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(write)
            .map_err(|_| Error::TaskLost("the background run's bookkeeping stopped".into()))
    }

    /// For a resumed run whose row exists already.
    pub fn resuming(history: Arc<History>, run: &BackgroundRun) -> Self {
        let bookmark = Self::new(history, &run.model, &run.request);
        {
            let mut state = bookmark.lock();
            state.response_id = Some(run.response_id.clone());
            state.status = run.status.clone();
            state.last_sequence = run.last_sequence;
        }
        bookmark
    }

    /// Sets how often sequence numbers are written (tests write every event).
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BookmarkState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes note of one event of the run. Storage errors are logged, not
    /// raised: losing the bookmark must not break the run itself.
    pub fn observe(&self, event: &PlaygroundEvent) {
        if let Err(error) = self.try_observe(event) {
            tracing::warn!(%error, "could not record the background run's progress");
        }
    }

    fn try_observe(&self, event: &PlaygroundEvent) -> Result<(), Error> {
        let mut state = self.lock();
        match event {
            PlaygroundEvent::Event { event, .. } => {
                let sequence = event.sequence_number().and_then(|n| u32::try_from(n).ok());
                if sequence.is_some() {
                    state.last_sequence = sequence.max(state.last_sequence);
                    state.dirty = true;
                }
                let response = event.response();
                let status = response.and_then(|r| r.status.as_str());
                if state.response_id.is_none() {
                    // Only background responses can be resumed: others are
                    // not tracked at all.
                    let background =
                        response.and_then(|r| r.background.get().copied()) == Some(true);
                    let id = response.and_then(|r| r.id.as_str());
                    if let (true, Some(id)) = (background, id) {
                        state.response_id = Some(id.to_owned());
                        state.status = status.unwrap_or("queued").to_owned();
                        self.write(Write::Record {
                            id: id.to_owned(),
                            model: self.model.clone(),
                            request: self.request.clone(),
                            status: state.status.clone(),
                            last_sequence: state.last_sequence,
                        })?;
                        state.written_at = Some(Instant::now());
                        state.dirty = false;
                        return Ok(());
                    }
                }
                let Some(id) = state.response_id.clone() else {
                    return Ok(());
                };
                let changed = status.is_some_and(|s| s != state.status);
                if let Some(status) = status {
                    state.status = status.to_owned();
                }
                let due = state
                    .written_at
                    .is_none_or(|at| at.elapsed() >= self.interval);
                if changed || (state.dirty && due) {
                    self.write(Write::Update {
                        id,
                        status: state.status.clone(),
                        last_sequence: state.last_sequence,
                    })?;
                    state.written_at = Some(Instant::now());
                    state.dirty = false;
                }
            }
            PlaygroundEvent::Finished { status, .. } => {
                let Some(id) = state.response_id.clone() else {
                    return Ok(());
                };
                // Stopped or cut off: the server may still be working on it,
                // so keep it resumable with the last status it reported.
                let status = match status {
                    PlaygroundStatus::Stopped | PlaygroundStatus::Error => state.status.clone(),
                    PlaygroundStatus::Completed => "completed".to_owned(),
                    PlaygroundStatus::Failed => "failed".to_owned(),
                    PlaygroundStatus::Incomplete => "incomplete".to_owned(),
                    PlaygroundStatus::Cancelled => "cancelled".to_owned(),
                };
                self.write(Write::Update {
                    id,
                    status: status.clone(),
                    last_sequence: state.last_sequence,
                })?;
                state.status = status;
                state.dirty = false;
            }
            PlaygroundEvent::Opened { .. } | PlaygroundEvent::Update { .. } => {}
            PlaygroundEvent::Retrying { .. } => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn history() -> Arc<History> {
        Arc::new(History::open_in_memory().expect("in-memory history"))
    }

    fn event(value: serde_json::Value) -> PlaygroundEvent {
        PlaygroundEvent::Event {
            ms: 0.0,
            event: halley_responses::StreamEvent::from_slice(value.to_string().as_bytes())
                .expect("JSON"),
        }
    }

    fn created(background: bool) -> PlaygroundEvent {
        event(json!({"type": "response.created", "sequence_number": 0,
            "response": {"id": "resp_1", "status": "queued", "background": background}}))
    }

    #[test]
    fn a_background_run_is_tracked_until_it_completes() {
        let history = history();
        let bookmark = ResumeBookmark::new(history.clone(), "echo", "{\"model\":\"echo\"}")
            .with_interval(Duration::ZERO);
        bookmark.observe(&created(true));
        bookmark.flush();
        let run = history
            .background_run("resp_1")
            .expect("read")
            .expect("row");
        assert_eq!(run.status, "queued", "the created event's status is stored");
        assert_eq!(run.last_sequence, Some(0));
        bookmark.observe(&event(
            json!({"type": "response.in_progress", "sequence_number": 1,
            "response": {"id": "resp_1", "status": "in_progress", "background": true}}),
        ));
        bookmark.observe(&event(
            json!({"type": "response.output_text.delta", "sequence_number": 7, "delta": "hi"}),
        ));
        bookmark.flush();
        let unfinished = history.unfinished_background_runs().expect("list");
        assert_eq!(
            unfinished.len(),
            1,
            "an in-progress run is offered for resume"
        );
        assert_eq!(
            unfinished[0].last_sequence,
            Some(7),
            "the latest event is where a resume starts after"
        );
        assert_eq!(unfinished[0].status, "in_progress");
        bookmark.observe(&PlaygroundEvent::Finished {
            ms: 1.0,
            status: PlaygroundStatus::Completed,
            response: None,
            error: None,
        });
        bookmark.flush();
        assert!(
            history
                .unfinished_background_runs()
                .expect("list")
                .is_empty(),
            "a completed run is no longer offered for resume"
        );
    }

    #[test]
    fn a_foreground_run_is_not_tracked() {
        let history = history();
        let bookmark = ResumeBookmark::new(history.clone(), "echo", "{}");
        bookmark.observe(&created(false));
        bookmark.flush();
        assert!(
            history.background_run("resp_1").expect("read").is_none(),
            "only background responses can be resumed, so only they are stored"
        );
    }

    #[test]
    fn a_stopped_stream_stays_resumable() {
        let history = history();
        let bookmark =
            ResumeBookmark::new(history.clone(), "echo", "{}").with_interval(Duration::ZERO);
        bookmark.observe(&created(true));
        bookmark.observe(&PlaygroundEvent::Finished {
            ms: 1.0,
            status: PlaygroundStatus::Stopped,
            response: None,
            error: None,
        });
        bookmark.flush();
        // Closing the stream does not stop a background response on the server.
        assert_eq!(history.unfinished_background_runs().expect("list").len(), 1);
    }

    #[test]
    fn sequence_writes_are_throttled_but_status_changes_are_not() {
        let history = history();
        let bookmark = ResumeBookmark::new(history.clone(), "echo", "{}")
            .with_interval(Duration::from_secs(3600));
        bookmark.observe(&created(true));
        bookmark.observe(&event(
            json!({"type": "response.output_text.delta", "sequence_number": 5}),
        ));
        bookmark.flush();
        let run = history
            .background_run("resp_1")
            .expect("read")
            .expect("row");
        assert_eq!(
            run.last_sequence,
            Some(0),
            "within the interval a delta is not written"
        );
        bookmark.observe(&event(
            json!({"type": "response.in_progress", "sequence_number": 6,
            "response": {"id": "resp_1", "status": "in_progress"}}),
        ));
        bookmark.flush();
        let run = history
            .background_run("resp_1")
            .expect("read")
            .expect("row");
        assert_eq!(
            run.status, "in_progress",
            "a status change is written at once"
        );
        assert_eq!(run.last_sequence, Some(6), "with the sequence reached");
    }

    #[test]
    fn a_replayed_lower_sequence_does_not_move_the_bookmark_back() {
        let history = history();
        history
            .record_background_run("resp_2", "m", "{}", "in_progress", Some(9))
            .expect("record");
        history
            .update_background_run("resp_2", "in_progress", Some(3))
            .expect("update");
        let run = history
            .background_run("resp_2")
            .expect("read")
            .expect("row");
        assert_eq!(run.last_sequence, Some(9));
        history.forget_background_run("resp_2").expect("forget");
        assert!(history.background_run("resp_2").expect("read").is_none());
    }
}
