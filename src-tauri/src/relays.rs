//! Where the updates of an answer nobody asked for in this window go: a
//! background answer picked up after a restart runs before any window
//! follows it. Its relay keeps the text and reasoning so far and forwards
//! every update to the window that starts following it (`watch_turn`),
//! after first telling it what it missed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use halley_core::chat::{self, RunUpdate};
use tauri::ipc::Channel;

#[derive(Default)]
struct Relay {
    text: String,
    reasoning: String,
    follower: Option<Channel<RunUpdate>>,
}

impl Relay {
    fn keep(&mut self, update: &RunUpdate) {
        match update {
            RunUpdate::TextDelta { text } => self.text.push_str(text),
            RunUpdate::TextReplaced { text } => self.text.clone_from(text),
            RunUpdate::ReasoningDelta { text } => self.reasoning.push_str(text),
            RunUpdate::Resumed { text, reasoning } => {
                self.text.clone_from(text);
                self.reasoning.clone_from(reasoning);
            }
            _ => {}
        }
    }
}

/// The relays of the answers running without a window, by message id.
#[derive(Default, Clone)]
pub struct Relays {
    relays: Arc<Mutex<HashMap<String, Relay>>>,
}

impl Relays {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Relay>> {
        self.relays.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The sink of the answer `message_id`'s run; its relay goes when the
    /// run reports `finished`.
    pub fn emit(&self, message_id: &str) -> chat::Emit {
        self.lock().insert(message_id.to_owned(), Relay::default());
        let relays = self.clone();
        let id = message_id.to_owned();
        Arc::new(move |update: RunUpdate| {
            let mut all = relays.lock();
            let finished = matches!(update, RunUpdate::Finished { .. });
            if let Some(relay) = all.get_mut(&id) {
                relay.keep(&update);
                if let Some(follower) = &relay.follower {
                    if follower.send(update).is_err() {
                        relay.follower = None;
                    }
                }
            }
            if finished {
                all.remove(&id);
            }
        })
    }

    /// Lets `channel` follow the answer `message_id`, told first what it
    /// missed; false when no such answer runs (it finished meanwhile: the
    /// window reads it from the history).
    pub fn follow(&self, message_id: &str, channel: Channel<RunUpdate>) -> bool {
        let mut all = self.lock();
        let Some(relay) = all.get_mut(message_id) else {
            return false;
        };
        let missed = RunUpdate::Resumed {
            text: relay.text.clone(),
            reasoning: relay.reasoning.clone(),
        };
        if channel.send(missed).is_err() {
            return false;
        }
        relay.follower = Some(channel);
        true
    }
}
