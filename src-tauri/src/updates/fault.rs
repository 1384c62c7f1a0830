//! What a failed update step means to a user. The plugin has one error type
//! for every step; a network error while checking means "the update server
//! is unreachable", the same error while downloading means "the download was
//! cut off". Each kind gets its own `ErrorCode`, which the UI turns into a
//! sentence in the user's language; the message keeps the detail.

use tauri_plugin_updater::Error;

use crate::error::{ErrorCode, IpcError};

/// The step that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Check,
    Download,
    Install,
}

/// Turns a plugin error at `stage` into the IPC error the UI shows.
pub fn describe(stage: Stage, error: &Error) -> IpcError {
    let (code, what) = classify(stage, error);
    IpcError::new(code, format!("{what}: {error}"))
}

fn classify(stage: Stage, error: &Error) -> (ErrorCode, &'static str) {
    use ErrorCode::*;
    match error {
        // Refused, timed out or cut off. While checking: the server is down.
        Error::Reqwest(_) if stage == Stage::Check => {
            (UpdateServer, "the update server could not be reached")
        }
        Error::Reqwest(_) | Error::Network(_) => {
            (UpdateDownloadFailed, "the update download did not complete")
        }
        // Every endpoint answered with an error status (a 500, a 404…).
        Error::ReleaseNotFound => (
            UpdateServer,
            "the update server answered with an error instead of an update manifest",
        ),
        Error::Serialization(_) | Error::Semver(_) | Error::UrlParse(_) => (
            UpdateServer,
            "the update server's answer is not a valid update manifest",
        ),
        Error::TargetNotFound(_) | Error::TargetsNotFound(_) => (
            UpdateNotForThisSystem,
            "the new version has no download for this system",
        ),
        // A wrong key, a corrupt or truncated file, a tampered bundle, or a
        // manifest that pairs a version with another release's file.
        Error::Minisign(_)
        | Error::Base64(_)
        | Error::SignatureUtf8(_)
        | Error::SignedVersionMismatch { .. }
        | Error::MissingSignedVersion => (
            UpdateBadSignature,
            "the update's signature does not match: it was not installed",
        ),
        Error::UnsupportedOs | Error::UnsupportedArch => (
            UpdateNotForThisSystem,
            "updates are not available on this system",
        ),
        _ if stage == Stage::Install => (
            UpdateInstallFailed,
            "the update could not be installed; this version is unchanged",
        ),
        _ => (Internal, "the update failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_fault_gets_its_own_code() {
        let cases = [
            (
                Stage::Check,
                Error::ReleaseNotFound,
                ErrorCode::UpdateServer,
            ),
            (
                Stage::Check,
                Error::TargetsNotFound(vec!["linux-x86_64".into()]),
                ErrorCode::UpdateNotForThisSystem,
            ),
            (
                Stage::Download,
                Error::Network("Download request failed with status: 500".into()),
                ErrorCode::UpdateDownloadFailed,
            ),
            (
                Stage::Download,
                Error::SignedVersionMismatch {
                    signed: "0.1.0".into(),
                    announced: "0.1.1".into(),
                },
                ErrorCode::UpdateBadSignature,
            ),
            (
                Stage::Install,
                Error::InvalidUpdaterFormat,
                ErrorCode::UpdateInstallFailed,
            ),
        ];
        for (stage, error, code) in cases {
            let described = describe(stage, &error);
            assert_eq!(described.code, code, "{error}");
            assert!(
                described.message.contains(&error.to_string()),
                "detail kept"
            );
        }
        let bad_json = serde_json::from_str::<serde_json::Value>("{").expect_err("not JSON");
        assert_eq!(
            describe(Stage::Check, &Error::Serialization(bad_json)).code,
            ErrorCode::UpdateServer
        );
    }
}
