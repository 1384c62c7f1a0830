//! Test builds only: `HALLEY_UPDATE_ENDPOINT` and `HALLEY_UPDATE_PUBKEY` point
//! the updater at a loopback server and a key pair the end-to-end test made.
//! Compiled in only with `debug_assertions`, which the test builds have and
//! every shipped build (`tauri build`, release profile) has not: an
//! installed Halley never lets an environment variable choose which key
//! its updates must be signed with.

/// Replacements for the configured endpoint and public key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub endpoint: Option<String>,
    pub pubkey: Option<String>,
}

#[cfg(debug_assertions)]
pub const ENDPOINT_ENV: &str = "HALLEY_UPDATE_ENDPOINT";
#[cfg(debug_assertions)]
pub const PUBKEY_ENV: &str = "HALLEY_UPDATE_PUBKEY";

#[cfg(debug_assertions)]
pub fn overrides() -> Overrides {
    let read = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
    Overrides {
        endpoint: read(ENDPOINT_ENV),
        pubkey: read(PUBKEY_ENV),
    }
}

#[cfg(not(debug_assertions))]
pub fn overrides() -> Overrides {
    Overrides::default()
}
