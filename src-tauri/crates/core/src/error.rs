/// Errors of the core. Messages are for people and never contain a key.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("history database: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    InvalidInput(String),
    /// A conversation, message, attachment or provider id that does not exist
    /// (or, for conversations, was purged).
    #[error("{0}")]
    NotFound(String),
    /// The OS keyring refused or is unreachable. The message says what to do.
    #[error("keyring: {0}")]
    Keyring(String),
    /// An `http://` URL for a host other than this machine, not confirmed.
    #[error("{0}")]
    CleartextNotConfirmed(String),
    /// The provider's URL now points at another origin: the stored key is not
    /// sent there; the key must be entered again.
    #[error("{0}")]
    KeyRequired(String),
    /// No secret is stored for this server's origin (it may be stored for another).
    #[error("{0}")]
    SecretNotForServer(String),
    /// The history file is damaged, unreadable or from a newer Halley.
    #[error("{0}")]
    History(crate::history::HistoryProblem),
    /// A file offered for restore is not a backup this Halley can restore.
    #[error("{0}")]
    Backup(crate::history::BackupProblem),
    /// A file offered for import cannot be imported; nothing was.
    #[error("{0}")]
    Import(crate::history::ImportProblem),
    /// A dataset file that cannot be imported; nothing of it was stored.
    #[error("{0}")]
    Dataset(#[from] crate::eval::DatasetProblem),
    /// The HTTP client could not be built (the TLS backend did not start).
    #[error("{0}")]
    HttpClient(String),
    /// Work handed to the blocking pool did not come back (it panicked, or
    /// the runtime is shutting down).
    #[error("{0}")]
    TaskLost(String),
}
