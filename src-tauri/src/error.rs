//! The one error every command returns over IPC: `{code, message}`.
//! `code` is a stable machine string the UI may switch on; `message` is for
//! people. The UI never matches on message text and tolerates unknown codes.

use halley_core::history::{BackupProblem, ImportProblem};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[ts(export_to = "IpcError.ts")]
#[error("{message} ({code:?})")]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

/// Stable codes. Add new ones at the end; never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "ErrorCode.ts")]
pub enum ErrorCode {
    Internal,
    InvalidInput,
    NotFound,
    Storage,
    Keyring,
    Network,
    Api,
    Cancelled,
    /// No provider with a key is set up yet: the UI shows the setup screen.
    NoProvider,
    /// An `http://` base URL for a host other than this machine: the UI asks
    /// the user to confirm (`allowCleartextHttp`) or to use https.
    CleartextNotConfirmed,
    /// A provider's URL moved to another origin: its key must be entered again.
    KeyRequired,
    /// No MCP header secret is stored for the origin a tool points at.
    SecretNotForServer,
    /// Update check: the server is down, answered an error, or sent no valid manifest.
    UpdateServer,
    /// The newer version has no download for this OS / architecture.
    UpdateNotForThisSystem,
    /// The download stopped before its end (or the server refused it).
    UpdateDownloadFailed,
    /// The downloaded file does not match its signature: corrupt, truncated, tampered or
    /// signed with another key. Nothing was installed.
    UpdateBadSignature,
    /// Installing failed; the installed version is unchanged.
    UpdateInstallFailed,
    /// An MCP server could not be started, failed a call, timed out or sent
    /// too much; the message says which and why.
    Mcp,
    /// A file over the provider's size limit (a 413) or Halley's own bound
    /// on an upload: the UI says so in plain words.
    TooLarge,
    /// The file offered for restore is not a Halley backup.
    NotABackup,
    /// The backup is truncated or damaged; nothing was restored.
    BackupDamaged,
    /// The backup was written by a newer Halley.
    BackupNewer,
    /// The file offered for import is not JSON.
    ImportNotJson,
    /// JSON, but not the kind of export that was chosen.
    ImportNotRecognised,
    /// A Halley export from a newer Halley.
    ImportNewer,
    /// A conversation of the export cannot be read (the message names it).
    ImportUnreadable,
    /// Something is running that the request would pull the ground from
    /// under (a restore that replaces the history while an answer streams).
    Busy,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl From<halley_core::Error> for IpcError {
    fn from(error: halley_core::Error) -> Self {
        let code = match &error {
            halley_core::Error::Storage(_) => ErrorCode::Storage,
            halley_core::Error::Io(_) => ErrorCode::Storage,
            halley_core::Error::InvalidInput(_) | halley_core::Error::Dataset(_) => {
                ErrorCode::InvalidInput
            }
            halley_core::Error::NotFound(_) => ErrorCode::NotFound,
            halley_core::Error::Keyring(_) => ErrorCode::Keyring,
            halley_core::Error::CleartextNotConfirmed(_) => ErrorCode::CleartextNotConfirmed,
            halley_core::Error::KeyRequired(_) => ErrorCode::KeyRequired,
            halley_core::Error::SecretNotForServer(_) => ErrorCode::SecretNotForServer,
            halley_core::Error::History(_) => ErrorCode::Storage,
            halley_core::Error::Backup(problem) => match problem {
                BackupProblem::NotABackup => ErrorCode::NotABackup,
                BackupProblem::Damaged { .. } => ErrorCode::BackupDamaged,
                BackupProblem::Newer { .. } => ErrorCode::BackupNewer,
            },
            halley_core::Error::Import(problem) => match problem {
                ImportProblem::NotJson { .. } => ErrorCode::ImportNotJson,
                ImportProblem::NotRecognised => ErrorCode::ImportNotRecognised,
                ImportProblem::Newer { .. } => ErrorCode::ImportNewer,
                ImportProblem::Unreadable { .. } => ErrorCode::ImportUnreadable,
            },
            halley_core::Error::HttpClient(_) | halley_core::Error::TaskLost(_) => {
                ErrorCode::Internal
            }
        };
        Self::new(code, error.to_string())
    }
}

impl From<halley_responses::Error> for IpcError {
    fn from(error: halley_responses::Error) -> Self {
        let code = match &error {
            halley_responses::Error::Network { .. } => ErrorCode::Network,
            halley_responses::Error::Cancelled => ErrorCode::Cancelled,
            _ => ErrorCode::Api,
        };
        Self::new(code, error.to_string())
    }
}

impl From<halley_mcp::Error> for IpcError {
    fn from(error: halley_mcp::Error) -> Self {
        use halley_mcp::Error as E;
        let code = match &error {
            E::InvalidConfig(_) | E::InvalidArguments(_) => ErrorCode::InvalidInput,
            E::UnknownServer(_) => ErrorCode::NotFound,
            E::Secret(_) => ErrorCode::Keyring,
            E::Cancelled => ErrorCode::Cancelled,
            _ => ErrorCode::Mcp,
        };
        Self::new(code, error.to_string())
    }
}

pub type IpcResult<T> = Result<T, IpcError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_is_pinned() {
        let error = IpcError::new(ErrorCode::NotFound, "no such conversation");
        let json = serde_json::to_value(&error).expect("an IpcError always serializes");
        // The UI (ui/src/lib/ipc.ts) reads exactly these two keys; changing the
        // shape breaks every error display, so this literal must not change casually.
        assert_eq!(
            json,
            serde_json::json!({"code": "not_found", "message": "no such conversation"})
        );
    }
}
