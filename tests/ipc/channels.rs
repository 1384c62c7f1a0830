//! What the "webview" receives on each IPC channel. The mock runtime has no
//! JavaScript to run a channel's callback, so the app is built with a channel
//! interceptor that records every message here instead, by channel id.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde_json::Value;
use tauri::ipc::InvokeResponseBody;

/// Far longer than any turn here takes; only stops a broken run from hanging
/// the test binary. Nothing is asserted about how long a run takes.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct ChannelLog {
    /// Raw JSON payloads by channel id, in the order they were sent.
    messages: Mutex<HashMap<u32, Vec<String>>>,
    arrived: Condvar,
}

impl ChannelLog {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<u32, Vec<String>>> {
        self.messages.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn record(&self, channel_id: u32, body: &InvokeResponseBody) {
        let text = match body {
            InvokeResponseBody::Json(json) => json.clone(),
            InvokeResponseBody::Raw(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        };
        self.lock().entry(channel_id).or_default().push(text);
        self.arrived.notify_all();
    }

    /// Every payload sent on any channel so far, as raw JSON text.
    pub fn all_payloads(&self) -> Vec<String> {
        self.lock().values().flatten().cloned().collect()
    }

    fn parsed(raw: &[String]) -> Vec<Value> {
        raw.iter()
            .map(|text| serde_json::from_str(text).expect("channel payloads are JSON RunUpdates"))
            .collect()
    }

    /// Waits until a message on `channel_id` satisfies `done`, then returns
    /// every message of that channel so far.
    pub fn wait_for(&self, channel_id: u32, done: impl Fn(&Value) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + RUN_TIMEOUT;
        let mut messages = self.lock();
        loop {
            let parsed = Self::parsed(messages.get(&channel_id).map_or(&[][..], Vec::as_slice));
            if parsed.iter().any(&done) {
                return parsed;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "channel {channel_id} never got the awaited update; got {parsed:?}"
            );
            messages = self
                .arrived
                .wait_timeout(messages, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Waits for the run's `finished` update and returns all its updates.
    pub fn wait_finished(&self, channel_id: u32) -> Vec<Value> {
        self.wait_for(channel_id, |update| update["kind"] == "finished")
    }
}
