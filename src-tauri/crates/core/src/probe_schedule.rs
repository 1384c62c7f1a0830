//! When the capability probe runs without being asked: when a provider is
//! added, and the first time a model is used at a provider (again once what
//! was learned is stale). Until it has answered, turns take the safe path
//! (`chat::plan_turn` replays the branch), so nothing waits for it.
//!
//! One probe per provider and model at a time: a second trigger while one
//! runs is dropped, not queued. Watchers (the UI's Settings table and
//! composer) hear when a probe starts and ends, and read the findings again.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use halley_responses::{Client, Endpoint};
use serde::Serialize;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::capabilities::{Capabilities, Feature, FindingSource};
use crate::history::now_ms;
use crate::{Error, History};

/// What watchers hear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[ts(export_to = "ProbeEvent.ts")]
pub enum ProbeEvent {
    Started {
        provider_id: String,
        model: String,
    },
    /// The findings are stored; read them again.
    Finished {
        provider_id: String,
        model: String,
    },
}

type Pair = (String, String);

#[derive(Clone)]
pub struct ProbeSchedule {
    running: Arc<Mutex<HashSet<Pair>>>,
    /// Pairs probed without being asked since the app started: at most once
    /// each, so a provider that keeps failing is not probed on every turn.
    tried: Arc<Mutex<HashSet<Pair>>>,
    events: broadcast::Sender<ProbeEvent>,
}

impl Default for ProbeSchedule {
    fn default() -> Self {
        Self {
            running: Arc::default(),
            tried: Arc::default(),
            events: broadcast::channel(16).0,
        }
    }
}

/// Whether `model` at the provider has not been probed yet, or its probe is
/// stale. What turns learned by themselves does not count: a probe is what
/// tells whether chaining really works. A probe that could not tell (rate
/// limit, provider down) counts as a probe: it is tried again the next time
/// the app starts, not on every turn.
pub fn is_due(capabilities: &Capabilities, model: &str, now: f64) -> bool {
    !model.is_empty()
        && capabilities
            .findings()
            .iter()
            .find(|finding| {
                finding.feature == Feature::Responses
                    && finding.model == model
                    && finding.source == FindingSource::Probe
            })
            .is_none_or(|finding| finding.is_stale(now))
}

impl ProbeSchedule {
    pub fn subscribe(&self) -> broadcast::Receiver<ProbeEvent> {
        self.events.subscribe()
    }

    /// Whether a probe for the pair is running now.
    pub fn is_running(&self, provider_id: &str, model: &str) -> bool {
        self.lock()
            .contains(&(provider_id.to_owned(), model.to_owned()))
    }

    /// Runs the probe for `model` unless one is already running for it,
    /// keeps what it found, and tells watchers. `Ok(false)` when one was
    /// running. Its SQLite writes go to the blocking pool.
    pub async fn run(
        &self,
        history: Arc<History>,
        client: &Client,
        endpoint: &Endpoint,
        provider_id: &str,
        model: &str,
        cancel: &CancellationToken,
    ) -> Result<bool, Error> {
        let key = (provider_id.to_owned(), model.to_owned());
        if !self.lock().insert(key.clone()) {
            return Ok(false);
        }
        // Released however the probe ends (an error, a dropped future).
        let _claim = Claim {
            running: self.running.clone(),
            key,
        };
        let _ = self.events.send(ProbeEvent::Started {
            provider_id: provider_id.to_owned(),
            model: model.to_owned(),
        });
        let findings = crate::probe::probe(client, endpoint, model, cancel).await;
        let id = provider_id.to_owned();
        let stored = tokio::task::spawn_blocking(move || {
            findings
                .iter()
                .try_for_each(|finding| history.record_finding(&id, finding))
        })
        .await
        .map_err(|e| Error::TaskLost(format!("the probe's findings were not stored: {e}")));
        let _ = self.events.send(ProbeEvent::Finished {
            provider_id: provider_id.to_owned(),
            model: model.to_owned(),
        });
        stored??;
        Ok(true)
    }

    /// Runs the probe in the background if it is due (see [`is_due`]).
    /// Reads the findings on the calling thread: call it from the blocking
    /// pool (a command's `with_state`), not from an async worker.
    pub fn run_if_due(
        &self,
        history: &Arc<History>,
        client: &Client,
        endpoint: &Endpoint,
        provider_id: &str,
        model: &str,
    ) -> Result<bool, Error> {
        let pair = (provider_id.to_owned(), model.to_owned());
        if self.is_running(provider_id, model) || guard(&self.tried).contains(&pair) {
            return Ok(false);
        }
        let known = history.capabilities(provider_id)?;
        if !is_due(&known, model, now_ms()) {
            return Ok(false);
        }
        guard(&self.tried).insert(pair);
        let (schedule, history, client, endpoint) = (
            self.clone(),
            history.clone(),
            client.clone(),
            endpoint.clone(),
        );
        let (provider_id, model) = (provider_id.to_owned(), model.to_owned());
        tokio::spawn(async move {
            let cancel = CancellationToken::new();
            if let Err(error) = schedule
                .run(history, &client, &endpoint, &provider_id, &model, &cancel)
                .await
            {
                tracing::warn!(%error, "a background capability probe could not be saved");
            }
        });
        Ok(true)
    }

    fn lock(&self) -> MutexGuard<'_, HashSet<Pair>> {
        guard(&self.running)
    }
}

/// The sets hold plain data: a panic elsewhere leaves them usable.
fn guard(set: &Mutex<HashSet<Pair>>) -> MutexGuard<'_, HashSet<Pair>> {
    set.lock().unwrap_or_else(PoisonError::into_inner)
}

struct Claim {
    running: Arc<Mutex<HashSet<Pair>>>,
    key: Pair,
}

impl Drop for Claim {
    fn drop(&mut self) {
        guard(&self.running).remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capabilities::{Finding, Verdict};

    fn probed(model: &str, source: FindingSource, learned_at: f64) -> Capabilities {
        let mut finding = Finding::new(
            Feature::Responses,
            model,
            Verdict::Supported,
            "a plain request was answered",
            Some(200),
            source,
        );
        finding.learned_at = learned_at;
        Capabilities::from_findings(vec![finding])
    }

    #[test]
    fn a_model_is_due_until_a_fresh_probe_has_seen_it() {
        let now = now_ms();
        assert!(is_due(&Capabilities::default(), "m", now));
        assert!(!is_due(&probed("m", FindingSource::Probe, now), "m", now));
        assert!(is_due(
            &probed("other", FindingSource::Probe, now),
            "m",
            now
        ));
        // What a turn learned is not a probe.
        assert!(is_due(&probed("m", FindingSource::Request, now), "m", now));
        // A probe that could not tell is a probe: not again on every turn.
        let mut untested = probed("m", FindingSource::Probe, now);
        untested.findings_mut()[0].verdict = Verdict::Untested;
        assert!(!is_due(&untested, "m", now));
        let month_ago = now - 31.0 * 24.0 * 3600.0 * 1000.0;
        assert!(is_due(
            &probed("m", FindingSource::Probe, month_ago),
            "m",
            now
        ));
        assert!(!is_due(&Capabilities::default(), "", now));
    }
}
