//! A streaming turn's database writes, on the blocking pool. SQLite calls
//! block their thread (for as long as another connection holds the write
//! lock, up to the busy timeout); run on the async runtime's few workers
//! they would hold up every other run and every async command meanwhile.

use std::sync::Arc;

use futures_util::FutureExt;
use tokio::task::JoinHandle;

use crate::history::{AssistantOutcome, MessageParts};
use crate::{Error, History};

/// What a progress write saves: the answer so far.
pub(super) struct Progress {
    pub text: String,
    pub reasoning: String,
    pub parts: MessageParts,
    /// For a background answer: the last stream event the text includes.
    pub sequence: Option<u64>,
    /// A background answer whose response id has just become known: its
    /// row, written before the text.
    pub record: Option<BackgroundRecord>,
}

/// The row [`crate::history::BackgroundTurn`] of an answer, first written.
pub(super) struct BackgroundRecord {
    pub provider_id: String,
    pub response_id: String,
    /// The request as sent, JSON text.
    pub request: String,
}

/// Progress writes of one assistant message, at most one at a time. A write
/// offered while the previous one still runs is skipped, not queued: the
/// next offer carries newer text anyway, and the final write has it all.
pub(super) struct ProgressWrites {
    history: Arc<History>,
    message_id: String,
    pending: Option<JoinHandle<Result<bool, Error>>>,
}

impl ProgressWrites {
    pub fn new(history: Arc<History>, message_id: &str) -> Self {
        Self {
            history,
            message_id: message_id.to_owned(),
            pending: None,
        }
    }

    /// Whether a new write can start now (none is running). A finished
    /// write that failed is reported here, ending the turn as a storage
    /// failure rather than streaming on into an answer that is not kept.
    pub fn ready(&mut self) -> Result<bool, Error> {
        match self.pending.as_mut() {
            None => Ok(true),
            Some(handle) if !handle.is_finished() => Ok(false),
            Some(handle) => {
                let finished = handle.now_or_never();
                self.pending = None;
                match finished {
                    Some(result) => joined(result).map(|_| true),
                    None => Ok(true),
                }
            }
        }
    }

    /// Starts writing `progress`; call only when [`Self::ready`] said so.
    pub fn start(&mut self, progress: Progress) {
        let history = self.history.clone();
        let id = self.message_id.clone();
        self.pending = Some(tokio::task::spawn_blocking(move || {
            // The row first: a crash between the two leaves it without an
            // event number, which picks the answer up from its start.
            if let Some(record) = &progress.record {
                history.record_background_turn(
                    &id,
                    &record.provider_id,
                    &record.response_id,
                    &record.request,
                )?;
            }
            history.update_assistant_progress_at(
                &id,
                &progress.text,
                &progress.reasoning,
                &progress.parts,
                progress.sequence,
            )
        }));
    }

    /// Waits for the write still running, so that nothing older can land
    /// after the final outcome.
    pub async fn settle(mut self) -> Result<(), Error> {
        match self.pending.take() {
            Some(handle) => joined(handle.await).map(|_| ()),
            None => Ok(()),
        }
    }
}

/// Records a turn's outcome on its assistant message, on the blocking pool.
pub(super) async fn finish(
    history: Arc<History>,
    message_id: String,
    outcome: AssistantOutcome,
) -> Result<(), Error> {
    joined(
        tokio::task::spawn_blocking(move || {
            history
                .finish_assistant_message(&message_id, &outcome)
                .map(|_| ())
        })
        .await,
    )
}

/// Keeps a finding about a provider, on the blocking pool.
pub(super) async fn record_finding(
    history: Arc<History>,
    provider_id: &str,
    finding: crate::capabilities::Finding,
) -> Result<(), Error> {
    let provider_id = provider_id.to_owned();
    joined(
        tokio::task::spawn_blocking(move || history.record_finding(&provider_id, &finding)).await,
    )
}

fn joined<T>(result: Result<Result<T, Error>, tokio::task::JoinError>) -> Result<T, Error> {
    result.map_err(|e| Error::TaskLost(format!("a database write did not finish: {e}")))?
}
