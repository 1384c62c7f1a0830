use serde::Serialize;
use ts_rs::TS;

/// What went wrong with a server or a call. Every message is a sentence a
/// user can act on and carries no secret (stderr and errors are scrubbed of
/// the server's secret values before they get here).
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    InvalidConfig(String),
    #[error("no MCP server with id {0}")]
    UnknownServer(String),
    #[error("MCP server {0} is turned off")]
    Disabled(String),
    #[error("{0}")]
    Secret(String),
    /// The server could not be started or did not finish its handshake.
    #[error("{0}")]
    Start(String),
    #[error("{0}")]
    TimedOut(String),
    #[error("the call was cancelled")]
    Cancelled,
    /// The server answered with an error.
    #[error("{0}")]
    Server(String),
    #[error("{0}")]
    TooLarge(String),
    /// The server went away (exited, closed its connection).
    #[error("{0}")]
    Closed(String),
    #[error("{0}")]
    InvalidArguments(String),
    /// Halley is shutting down.
    #[error("Halley is stopping its MCP servers")]
    ShuttingDown,
}

/// [`Error`]'s kind, for the UI (which never reads messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "McpErrorKind.ts", rename = "McpErrorKind")]
pub enum ErrorKind {
    InvalidConfig,
    UnknownServer,
    Disabled,
    Secret,
    Start,
    TimedOut,
    Cancelled,
    Server,
    TooLarge,
    Closed,
    InvalidArguments,
    ShuttingDown,
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidConfig(_) => ErrorKind::InvalidConfig,
            Error::UnknownServer(_) => ErrorKind::UnknownServer,
            Error::Disabled(_) => ErrorKind::Disabled,
            Error::Secret(_) => ErrorKind::Secret,
            Error::Start(_) => ErrorKind::Start,
            Error::TimedOut(_) => ErrorKind::TimedOut,
            Error::Cancelled => ErrorKind::Cancelled,
            Error::Server(_) => ErrorKind::Server,
            Error::TooLarge(_) => ErrorKind::TooLarge,
            Error::Closed(_) => ErrorKind::Closed,
            Error::InvalidArguments(_) => ErrorKind::InvalidArguments,
            Error::ShuttingDown => ErrorKind::ShuttingDown,
        }
    }
}
