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
}
