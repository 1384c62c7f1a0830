//! Responses kept in memory with the events they sent, so that retrieve,
//! resume, cancel and delete work the way they do against the real API.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::sse::Frame;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// All frames were sent (or the response was cancelled).
    Finished,
    /// The connection is to be dropped with no terminal event.
    Aborted,
}

#[derive(Debug)]
struct EntryState {
    snapshot: Value,
    frames: Vec<Frame>,
    ending: Option<Ending>,
}

/// One stored response.
#[derive(Debug)]
pub(crate) struct Entry {
    pub id: String,
    pub background: bool,
    /// The request's input as items, for `GET .../input_items`.
    pub input_items: Vec<Value>,
    /// Stops the task that produces this response's events.
    pub cancel: CancellationToken,
    state: Mutex<EntryState>,
    /// Bumped after every change, so that readers wake up.
    changed: watch::Sender<u64>,
}

/// What a reader finds past the frames it already has.
pub(crate) enum Progress {
    Frames(Vec<Frame>),
    Ended(Ending),
    Pending,
}

impl Entry {
    pub fn new(
        id: String,
        background: bool,
        input_items: Vec<Value>,
        snapshot: Value,
        cancel: CancellationToken,
    ) -> Self {
        Self {
            id,
            background,
            input_items,
            cancel,
            state: Mutex::new(EntryState {
                snapshot,
                frames: Vec::new(),
                ending: None,
            }),
            changed: watch::Sender::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, EntryState> {
        // A poisoned lock only means a reader panicked; the data is still whole.
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    fn notify(&self) {
        self.changed.send_modify(|version| *version += 1);
    }

    /// Records a sent frame; a frame carrying a response updates the
    /// snapshot that retrieve returns. Returns false once the entry ended.
    pub fn push(&self, frame: Frame) -> bool {
        {
            let mut state = self.lock();
            if state.ending.is_some() {
                return false;
            }
            if let Some(response) = frame.response() {
                state.snapshot = response.clone();
            }
            state.frames.push(frame);
        }
        self.notify();
        true
    }

    pub fn end(&self, ending: Ending) {
        {
            let mut state = self.lock();
            if state.ending.is_none() {
                state.ending = Some(ending);
            }
        }
        self.notify();
    }

    /// Stops a response that has not finished: status `cancelled`, and no
    /// more events. A finished response is left as it is.
    pub fn cancel_if_running(&self) {
        {
            let mut state = self.lock();
            if state.ending.is_none() {
                state.ending = Some(Ending::Finished);
                if let Some(object) = state.snapshot.as_object_mut() {
                    object.insert("status".into(), "cancelled".into());
                }
            }
        }
        self.cancel.cancel();
        self.notify();
    }

    pub fn snapshot(&self) -> Value {
        self.lock().snapshot.clone()
    }

    pub fn ending(&self) -> Option<Ending> {
        self.lock().ending
    }

    pub fn progress(&self, from: usize) -> Progress {
        let state = self.lock();
        if from < state.frames.len() {
            Progress::Frames(state.frames[from..].to_vec())
        } else if let Some(ending) = state.ending {
            Progress::Ended(ending)
        } else {
            Progress::Pending
        }
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Waits until the entry ends; `None` if `stop` fires first.
    pub async fn wait_ended(&self, stop: &CancellationToken) -> Option<Ending> {
        let mut changes = self.subscribe();
        loop {
            changes.borrow_and_update();
            if let Some(ending) = self.ending() {
                return Some(ending);
            }
            tokio::select! {
                changed = changes.changed() => if changed.is_err() { return self.ending() },
                () = stop.cancelled() => return None,
            }
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    entries: Mutex<HashMap<String, Arc<Entry>>>,
}

impl Store {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Arc<Entry>>> {
        self.entries
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    pub fn insert(&self, entry: Arc<Entry>) {
        self.lock().insert(entry.id.clone(), entry);
    }

    pub fn get(&self, id: &str) -> Option<Arc<Entry>> {
        self.lock().get(id).cloned()
    }

    pub fn remove(&self, id: &str) -> Option<Arc<Entry>> {
        self.lock().remove(id)
    }
}
