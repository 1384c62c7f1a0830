//! Signed updates through `tauri-plugin-updater`. What can live outside the
//! commands lives here: the payloads the UI sees, the update found by the
//! last check and its downloaded bytes, which test hooks apply, and what each
//! plugin error means to a user (`fault`). The commands in
//! `commands/updates.rs` only wire these to the plugin.

mod fault;
mod test_hooks;

use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use ts_rs::TS;

pub use fault::{describe, Stage};
pub use test_hooks::{overrides, Overrides};

/// How long an update check may take before it counts as "server down".
pub const CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// What a check found.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
#[ts(export_to = "UpdateCheck.ts")]
pub enum UpdateCheck {
    /// An automatic check that ran less than a day after the last one: nothing was asked.
    NotDue,
    /// The server's newest version is not newer than this one (`current`).
    UpToDate { current: String },
    /// A newer version, with what the release says about itself.
    Available {
        version: String,
        current: String,
        /// Release notes, as the manifest has them (plain text or Markdown).
        notes: Option<String>,
        /// RFC 3339 publication date, when the manifest has one.
        date: Option<String>,
    },
}

/// Download progress, sent over the download's Channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "UpdateProgress.ts")]
pub struct UpdateProgress {
    pub downloaded: u32,
    /// From the server's Content-Length, when it sent one.
    pub total: Option<u32>,
}

/// Sends progress at most every this many bytes (and at the end), so a
/// large download does not flood the Channel with one message per chunk.
pub const PROGRESS_STEP: usize = 256 * 1024;

/// The update the last check found, and once downloaded and verified, its bytes.
#[derive(Default)]
pub struct UpdateState {
    pending: Mutex<Option<Pending>>,
}

#[derive(Clone)]
pub struct Pending {
    pub update: tauri_plugin_updater::Update,
    /// Set by a download whose signature checked out.
    pub bytes: Option<std::sync::Arc<Vec<u8>>>,
}

impl UpdateState {
    fn lock(&self) -> MutexGuard<'_, Option<Pending>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new check replaces whatever an earlier one found.
    pub fn set(&self, update: Option<tauri_plugin_updater::Update>) {
        *self.lock() = update.map(|update| Pending {
            update,
            bytes: None,
        });
    }

    pub fn pending(&self) -> Option<Pending> {
        self.lock().clone()
    }

    /// Keeps verified bytes for the update they belong to (a check in
    /// between may have found another version: then they are dropped).
    pub fn downloaded(&self, version: &str, bytes: Vec<u8>) {
        if let Some(pending) = self.lock().as_mut() {
            if pending.update.version == version {
                pending.bytes = Some(std::sync::Arc::new(bytes));
            }
        }
    }
}

/// Counts bytes and says when to report them.
#[derive(Debug, Default)]
pub struct ProgressCounter {
    downloaded: usize,
    reported: usize,
}

impl ProgressCounter {
    /// Adds a chunk; returns the progress to send, if one is due.
    pub fn add(&mut self, chunk: usize, total: Option<u64>) -> Option<UpdateProgress> {
        self.downloaded += chunk;
        let done = total.is_some_and(|t| self.downloaded as u64 >= t);
        if self.downloaded - self.reported >= PROGRESS_STEP || done {
            self.reported = self.downloaded;
            return Some(self.progress(total));
        }
        None
    }

    pub fn progress(&self, total: Option<u64>) -> UpdateProgress {
        let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        UpdateProgress {
            downloaded: clamp(self.downloaded as u64),
            total: total.map(clamp),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_reported_in_steps_and_at_the_end() {
        let mut counter = ProgressCounter::default();
        let size = (PROGRESS_STEP * 2 + 20) as u64;
        let total = Some(size);
        assert_eq!(counter.add(1000, total), None);
        let first = counter.add(PROGRESS_STEP, total).expect("a step");
        assert_eq!(first.downloaded as usize, PROGRESS_STEP + 1000);
        assert_eq!(counter.add(PROGRESS_STEP - 990, total), None);
        let last = counter.add(10, total).expect("the end");
        assert_eq!(last.downloaded as u64, size);
        assert_eq!(last.total, Some(size as u32));
    }

    #[test]
    fn check_results_have_a_stable_shape() {
        let json = serde_json::to_value(UpdateCheck::Available {
            version: "0.1.1".into(),
            current: "0.1.0".into(),
            notes: Some("Fixes".into()),
            date: None,
        })
        .expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"status": "available", "version": "0.1.1", "current": "0.1.0", "notes": "Fixes", "date": null})
        );
        let json = serde_json::to_value(UpdateCheck::NotDue).expect("serializes");
        assert_eq!(json, serde_json::json!({"status": "not_due"}));
    }
}
