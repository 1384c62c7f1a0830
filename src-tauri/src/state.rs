//! What the app holds while it runs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use halley_core::keys::{self, KeyStore, KeyringProbe, KeyringStore, MemoryStore};
use halley_core::History;
use halley_responses::Client;
use tokio_util::sync::CancellationToken;

use crate::ipc_types::KeyringStatus;

/// Environment variable that overrides the data folder (tests always set it).
pub const DATA_DIR_ENV: &str = "HALLEY_DATA_DIR";

/// Cloned into each command's blocking work (see `commands::blocking`):
/// every field is a shared handle or small.
#[derive(Clone)]
pub struct AppState {
    data_dir: PathBuf,
    pub history: Arc<History>,
    pub keys: Arc<dyn KeyStore>,
    pub keyring: KeyringStatus,
    pub client: Client,
    pub runs: RunRegistry,
    /// Models of the active provider, fetched once per provider.
    pub models: Arc<Mutex<Option<ProviderModels>>>,
    /// The user's MCP servers, started when first needed and stopped when
    /// the app exits (`lib.rs`, `RunEvent::Exit`).
    pub mcp: halley_mcp::Supervisor,
    /// Inspector calls under way, by call id, so they can be cancelled.
    pub mcp_calls: RunRegistry,
    /// Chat tool calls waiting on their approval card.
    pub approvals: halley_core::chat::Approvals,
    /// Capability probes the app starts by itself, one per provider and
    /// model at a time.
    pub probes: halley_core::probe_schedule::ProbeSchedule,
    /// Knowledge files on their way to a provider, and their events.
    pub knowledge: halley_core::knowledge::Knowledge,
    /// Background answers picked up after a restart, for the window that
    /// follows one (`commands::resumed`).
    pub relays: crate::relays::Relays,
    /// Evaluation runs under way, for Pause and Cancel.
    pub eval_runs: halley_core::eval::RunningRuns,
}

/// The MCP client's bounds. Debug builds (the end-to-end tests') read
/// `HALLEY_MCP_CALL_LIMIT_MS` so a test can see a tool time out without
/// waiting two minutes; a shipped (release) build has no such knob.
fn mcp_limits() -> halley_mcp::Limits {
    #[allow(unused_mut)]
    let mut limits = halley_mcp::Limits::default();
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("HALLEY_MCP_CALL_LIMIT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        limits.call = std::time::Duration::from_millis(ms);
    }
    limits
}

impl AppState {
    /// Opens the data folder. The caller holds the folder's lock first
    /// (`instance::DataFolderLock`): that is what stops a second instance
    /// from marking this one's live answers interrupted.
    pub fn open(data_dir: PathBuf) -> Result<Self, halley_core::Error> {
        std::fs::create_dir_all(&data_dir)?;
        let history = Arc::new(History::open(&data_dir.join(crate::startup::HISTORY_FILE))?);
        purge_deleted_conversations(&history);
        schedule_automatic_backups(&history, &data_dir);
        // A crash or a kill mid-stream leaves answers marked streaming: they
        // are partial, so say so instead of pretending they are still coming.
        let interrupted = history.mark_interrupted_on_startup()?;
        if interrupted > 0 {
            tracing::info!(
                interrupted,
                "marked answers cut off by the last exit as interrupted"
            );
        }
        // Uploads the last run left on their way died with it: say so.
        let unfinished = history.interrupt_unfinished_knowledge()?;
        if !unfinished.is_empty() {
            tracing::info!(
                files = unfinished.len(),
                "marked knowledge uploads cut off by the last exit as failed"
            );
        }
        let (keys, keyring): (Arc<dyn KeyStore>, KeyringStatus) = match keys::probe_within(
            keys::KEYRING_LIMIT,
        ) {
            KeyringProbe::Usable => (
                Arc::new(KeyringStore),
                KeyringStatus {
                    available: true,
                    session_only: false,
                    message: None,
                },
            ),
            KeyringProbe::Unusable { message } => {
                tracing::warn!(%message, "no usable keyring; keys are kept for this session only");
                (
                    Arc::new(MemoryStore::new()),
                    KeyringStatus {
                        available: false,
                        session_only: true,
                        message: Some(message),
                    },
                )
            }
        };
        // Built before anything is handed out: a client that cannot start
        // (no TLS backend) stops the start-up with its reason, not a panic.
        let client = Client::new().map_err(|e| halley_core::Error::HttpClient(e.to_string()))?;
        let mcp = halley_mcp::Supervisor::new(
            mcp_limits(),
            Arc::new(halley_core::mcp_servers::KeyringSecrets(keys.clone())),
            home_dir(),
        );
        mcp.load(history.mcp_servers()?.servers);
        Ok(Self {
            data_dir,
            history,
            keys,
            keyring,
            client,
            runs: RunRegistry::default(),
            models: Arc::new(Mutex::new(None)),
            mcp,
            mcp_calls: RunRegistry::default(),
            approvals: halley_core::chat::Approvals::default(),
            probes: halley_core::probe_schedule::ProbeSchedule::default(),
            knowledge: knowledge_watch(),
            relays: crate::relays::Relays::default(),
            eval_runs: halley_core::eval::RunningRuns::default(),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

/// How knowledge files are watched while they index. Debug builds (the
/// end-to-end tests') read `HALLEY_KNOWLEDGE_POLL_MS` so a test does not
/// wait a second per look; a shipped build has no such knob.
fn knowledge_watch() -> halley_core::knowledge::Knowledge {
    #[allow(unused_mut)]
    let mut polling = halley_responses::client::Polling::default();
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("HALLEY_KNOWLEDGE_POLL_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        polling.interval = std::time::Duration::from_millis(ms);
    }
    halley_core::knowledge::Knowledge::new(polling)
}

/// The user's home folder: where a stdio MCP server without a working
/// folder starts (as in other MCP clients), not wherever Halley was started.
fn home_dir() -> Option<PathBuf> {
    std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// A provider id and the model ids it listed.
pub type ProviderModels = (String, Vec<String>);

/// How often conversations whose undo window has passed are purged while
/// the app runs (and once at start-up).
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Purges deleted conversations now, then every [`PURGE_EVERY`] for as long
/// as the history is open (the thread holds it weakly and ends with it).
fn purge_deleted_conversations(history: &Arc<History>) {
    let purge = |history: &History| match history.purge_expired(halley_core::history::UNDO_WINDOW) {
        Ok(0) => {}
        Ok(purged) => tracing::info!(purged, "purged deleted conversations"),
        Err(error) => tracing::warn!(%error, "could not purge deleted conversations"),
    };
    purge(history);
    let weak = Arc::downgrade(history);
    let spawned = std::thread::Builder::new()
        .name("halley-purge".into())
        .spawn(move || loop {
            std::thread::sleep(PURGE_EVERY);
            match weak.upgrade() {
                Some(history) => purge(&history),
                None => break,
            }
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "no purge thread; deleted conversations are purged at start-up only");
    }
}

/// How often the app asks whether an automatic backup is due (one a day at
/// most; see `halley_core::backup_schedule`), after a first look shortly
/// after start-up. Debug builds (the end-to-end tests') read
/// `HALLEY_BACKUP_CHECK_MS` for both, so a test sees the day's backup
/// written within a second; a shipped build has no such knob.
fn backup_checks() -> (std::time::Duration, std::time::Duration) {
    #[allow(unused_mut)]
    let mut checks = (
        std::time::Duration::from_secs(5),
        std::time::Duration::from_secs(10 * 60),
    );
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("HALLEY_BACKUP_CHECK_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        checks = (
            std::time::Duration::from_millis(ms),
            std::time::Duration::from_millis(ms),
        );
    }
    checks
}

/// Writes the daily automatic backup on a thread of its own, first shortly
/// after start-up (never in its way), then every few minutes while the app
/// runs.
fn schedule_automatic_backups(history: &Arc<History>, data_dir: &Path) {
    let weak = Arc::downgrade(history);
    let data_dir = data_dir.to_owned();
    let (first, every) = backup_checks();
    let spawned = std::thread::Builder::new()
        .name("halley-backup".into())
        .spawn(move || {
            std::thread::sleep(first);
            loop {
                let Some(history) = weak.upgrade() else { break };
                match history.automatic_backup_if_due(&data_dir) {
                    Ok(Some(path)) => {
                        tracing::info!(path = %path.display(), "wrote the automatic backup")
                    }
                    Ok(None) => {}
                    Err(error) => tracing::warn!(%error, "the automatic backup failed"),
                }
                drop(history);
                std::thread::sleep(every);
            }
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "no backup thread; automatic backups are off for this run");
    }
}

/// Running turns by run id, so Stop can cancel one. Cancelling closes the
/// connection; the turn keeps what arrived and records itself as stopped.
#[derive(Default, Clone)]
pub struct RunRegistry {
    runs: Arc<Mutex<HashMap<String, CancellationToken>>>,
}

impl RunRegistry {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, CancellationToken>> {
        self.runs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn start(&self, run_id: &str) -> CancellationToken {
        let token = CancellationToken::new();
        self.lock().insert(run_id.to_owned(), token.clone());
        token
    }

    pub fn finish(&self, run_id: &str) {
        self.lock().remove(run_id);
    }

    /// Whether nothing is running.
    pub fn is_idle(&self) -> bool {
        self.lock().is_empty()
    }

    /// Whether a run by that id was running.
    pub fn cancel(&self, run_id: &str) -> bool {
        match self.lock().remove(run_id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }
}

/// `HALLEY_DATA_DIR` when set and not empty, else the OS app-data folder.
pub fn resolve_data_dir(os_default: Option<PathBuf>) -> Result<PathBuf, halley_core::Error> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => os_default.ok_or_else(|| {
            halley_core::Error::InvalidInput(format!(
                "no app-data folder is known on this system; set {DATA_DIR_ENV}"
            ))
        }),
    }
}
