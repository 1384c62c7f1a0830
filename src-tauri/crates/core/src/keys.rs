//! API keys: a redacting secret type, and where keys are kept (the OS
//! keyring, or this session's memory when no keyring is reachable). Keys never
//! go into the history database, logs, error messages or IPC; the UI learns
//! only whether a key is set and its last four characters.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use crate::Error;

/// Keyring service name: the app's identifier.
pub const KEYRING_SERVICE: &str = "app.halley.desktop";

/// The one secret type (keys, secret headers), with its one `last4` rule.
pub use halley_responses::SecretString;

/// All the UI may know about a provider's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "KeyStatus.ts")]
pub struct KeyStatus {
    pub has_key: bool,
    pub last4: Option<String>,
}

/// Where keys live, one per provider id.
pub trait KeyStore: Send + Sync {
    fn get(&self, provider_id: &str) -> Result<Option<SecretString>, Error>;
    fn set(&self, provider_id: &str, key: &SecretString) -> Result<(), Error>;
    /// Deleting a key that is not there is not an error.
    fn delete(&self, provider_id: &str) -> Result<(), Error>;

    fn status(&self, provider_id: &str) -> Result<KeyStatus, Error> {
        let key = self.get(provider_id)?;
        Ok(KeyStatus {
            has_key: key.is_some(),
            last4: key.and_then(|k| k.last4()),
        })
    }
}

/// The OS keyring: Secret Service on Linux, Keychain on macOS, Credential
/// Manager on Windows. Entry: service [`KEYRING_SERVICE`], user = provider id.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyringStore;

impl KeyringStore {
    fn entry(provider_id: &str) -> Result<keyring::Entry, Error> {
        if provider_id.is_empty() {
            return Err(Error::InvalidInput(
                "a provider id is required to store its key".into(),
            ));
        }
        keyring::Entry::new(KEYRING_SERVICE, provider_id).map_err(describe)
    }
}

impl KeyStore for KeyringStore {
    fn get(&self, provider_id: &str) -> Result<Option<SecretString>, Error> {
        let entry = Self::entry(provider_id)?;
        match bounded(KEYRING_LIMIT, move || entry.get_password())? {
            Ok(key) => Ok(Some(SecretString::new(key))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(describe(error)),
        }
    }

    fn set(&self, provider_id: &str, key: &SecretString) -> Result<(), Error> {
        if key.is_blank() {
            return Err(Error::InvalidInput("the API key is empty".into()));
        }
        let entry = Self::entry(provider_id)?;
        let key = key.clone();
        bounded(KEYRING_LIMIT, move || entry.set_password(key.expose()))?.map_err(describe)
    }

    fn delete(&self, provider_id: &str) -> Result<(), Error> {
        let entry = Self::entry(provider_id)?;
        match bounded(KEYRING_LIMIT, move || entry.delete_credential())? {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(describe(error)),
        }
    }
}

/// How long any keyring call may take, the start-up probe and every later
/// get, set and delete alike: a locked keyring can answer with an unlock
/// prompt nobody sees (no desktop, a headless session) and block forever.
pub const KEYRING_LIMIT: Duration = Duration::from_secs(4);

/// Runs `call` on its own thread and waits at most `limit` for it. A call
/// that times out is left to finish on its thread; the caller gets an error
/// that says what to do instead of a hang.
fn bounded<T: Send + 'static>(
    limit: Duration,
    call: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Error> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("halley-keyring".into())
        .spawn(move || {
            let _ = tx.send(call());
        })
        .map_err(|e| Error::Keyring(format!("could not start the keyring call: {e}")))?;
    rx.recv_timeout(limit)
        .map_err(|_| Error::Keyring(not_answering(limit, "Unlock it and try again.")))
}

fn not_answering(limit: Duration, what_to_do: &str) -> String {
    format!(
        "The system keyring did not answer within {} s (it may be locked and waiting for a password). {what_to_do}",
        limit.as_secs()
    )
}

/// Keys kept in memory for this session only: the fallback when no keyring
/// is reachable (the UI says so, see [`probe`]), and a store for tests.
#[derive(Debug, Default)]
pub struct MemoryStore {
    keys: Mutex<HashMap<String, SecretString>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, HashMap<String, SecretString>> {
        // A HashMap cannot be left half-updated by a panic in these short sections.
        self.keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl KeyStore for MemoryStore {
    fn get(&self, provider_id: &str) -> Result<Option<SecretString>, Error> {
        Ok(self.keys().get(provider_id).cloned())
    }

    fn set(&self, provider_id: &str, key: &SecretString) -> Result<(), Error> {
        if key.is_blank() {
            return Err(Error::InvalidInput("the API key is empty".into()));
        }
        self.keys().insert(provider_id.to_owned(), key.clone());
        Ok(())
    }

    fn delete(&self, provider_id: &str) -> Result<(), Error> {
        self.keys().remove(provider_id);
        Ok(())
    }
}

/// Whether the OS keyring can be used right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export_to = "KeyringProbe.ts")]
pub enum KeyringProbe {
    Usable,
    /// Keys can only be kept for this session; `message` says what to do.
    Unusable {
        message: String,
    },
}

/// Writes, reads back and deletes a throwaway entry. Reading alone is not
/// enough: a locked collection answers searches but refuses new items.
/// [`probe`], but giving up after `limit`: a locked keyring can answer with an
/// unlock prompt nobody sees (no desktop, a headless session) and block
/// forever, and the app must still start. A probe that times out is left to
/// finish on its own thread.
pub fn probe_within(limit: Duration) -> KeyringProbe {
    bounded(limit, probe).unwrap_or_else(|_| KeyringProbe::Unusable {
        message: not_answering(
            limit,
            "Unlock it and restart Halley; until then keys are kept for this session only.",
        ),
    })
}

pub fn probe() -> KeyringProbe {
    // A unique entry, so two probes at once (two app instances, parallel
    // tests) cannot delete each other's.
    let probe_user = format!("halley-probe-{}", uuid::Uuid::new_v4());
    let outcome = keyring::Entry::new(KEYRING_SERVICE, &probe_user).and_then(|entry| {
        entry.set_password("probe")?;
        let read = entry.get_password()?;
        entry.delete_credential()?;
        Ok(read == "probe")
    });
    match outcome {
        Ok(true) => KeyringProbe::Usable,
        Ok(false) => KeyringProbe::Unusable {
            message: "the keyring did not return what was stored in it; keys are kept for this session only".into(),
        },
        Err(error) => KeyringProbe::Unusable {
            message: advice(error),
        },
    }
}

/// Turns a keyring error into an actionable message. The platform's own text
/// is included (it describes the service, never the secret); the secret-bearing
/// variants (`BadEncoding`, `Ambiguous`) are described without their payload.
fn describe(error: keyring::Error) -> Error {
    Error::Keyring(advice(error))
}

/// What went wrong with the keyring and what to do, as a sentence for the user.
fn advice(error: keyring::Error) -> String {
    match error {
        keyring::Error::PlatformFailure(detail) => platform_failure(&detail.to_string()),
        keyring::Error::NoStorageAccess(detail) => format!("{LOCKED} ({detail})"),
        keyring::Error::NoEntry => "no key is stored for this provider".to_owned(),
        keyring::Error::BadEncoding(_) => "the stored key is not valid text; set the key again".to_owned(),
        keyring::Error::TooLong(field, limit) => format!("the keyring limits {field} to {limit} characters"),
        keyring::Error::Invalid(field, reason) => format!("the keyring rejected {field}: {reason}"),
        keyring::Error::Ambiguous(_) => {
            "the keyring holds several keys for this provider; remove the extra entries for app.halley.desktop".to_owned()
        }
        _ => "the keyring failed".to_owned(),
    }
}

const LOCKED: &str =
    "The keyring is locked or refused access. Unlock it (for example, unlock the \"Login\" \
     keyring in your keyring app) and try again; until then keys are kept for this session only.";

/// Platform failures are D-Bus errors on Linux; their text tells a missing
/// service from a locked one, which need different advice.
fn platform_failure(detail: &str) -> String {
    let lower = detail.to_lowercase();
    if lower.contains("locked") {
        format!("{LOCKED} ({detail})")
    } else if cfg!(target_os = "linux") {
        format!(
            "No Secret Service is running. Install gnome-keyring or KeePassXC with Secret Service enabled, \
             make sure it starts with your session, and restart Halley; until then keys are kept for this \
             session only. ({detail})"
        )
    } else {
        format!("The system keychain failed; keys are kept for this session only. ({detail})")
    }
}

#[cfg(test)]
mod tests {
    use super::{bounded, Duration};

    #[test]
    fn a_keyring_call_that_hangs_gives_up_at_the_limit() {
        let started = std::time::Instant::now();
        let answer = bounded(Duration::from_millis(100), || {
            std::thread::sleep(Duration::from_secs(5));
        });
        let waited = started.elapsed();
        let error = answer.expect_err("the call did not answer in time");
        assert!(
            error.to_string().contains("did not answer"),
            "the error says why: {error}"
        );
        assert!(waited < Duration::from_secs(2), "waited {waited:?}");
        assert_eq!(
            bounded(Duration::from_secs(2), || 7).expect("a quick call answers"),
            7
        );
    }
}
