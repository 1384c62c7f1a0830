//! Opening what the app uses: the data folder (`HALLEY_DATA_DIR`, else the
//! OS app-data folder under the app's identifier, as Tauri names it), the
//! history file, the OS keyring, a provider.

use std::path::PathBuf;
use std::sync::Arc;

use halley_core::keys::{self, KeyStore, KeyringProbe, KeyringStore};
use halley_core::providers::Provider;
use halley_core::History;

/// The app's identifier (`tauri.conf.json`), the folder Tauri keeps its
/// data in; a test holds the two equal.
pub const IDENTIFIER: &str = "app.halley.desktop";

pub struct Opened {
    pub history: Arc<History>,
    pub keys: KeyringStore,
}

pub fn data_dir() -> Result<PathBuf, String> {
    crate::state::resolve_data_dir(dirs::data_dir().map(|dir| dir.join(IDENTIFIER)))
        .map_err(|e| e.to_string())
}

/// The history and the keyring, or what to do when one is not there.
pub fn open() -> Result<Opened, String> {
    let dir = data_dir()?;
    let path = dir.join(crate::startup::HISTORY_FILE);
    if !path.exists() {
        return Err(format!(
            "no Halley data in {}: open the app once and add a provider in Settings",
            dir.display()
        ));
    }
    let history = History::open(&path).map_err(|e| e.to_string())?;
    match keys::probe_within(keys::KEYRING_LIMIT) {
        KeyringProbe::Usable => {}
        KeyringProbe::Unusable { message } => {
            return Err(format!(
                "the system keyring, where the API keys are, is not usable: {message}"
            ))
        }
    }
    Ok(Opened {
        history: Arc::new(history),
        keys: KeyringStore,
    })
}

/// The provider called `name`, else the active one.
pub fn provider(history: &History, name: Option<&str>) -> Result<Provider, String> {
    let providers = history.list_providers().map_err(|e| e.to_string())?;
    match name {
        Some(name) => providers
            .into_iter()
            .find(|p| p.name == name || p.id == name)
            .ok_or_else(|| format!("no provider called \"{name}\" (see Settings)")),
        None => history
            .active_provider()
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "no provider is set up: add one in the app's Settings".to_owned()),
    }
}

/// The endpoint (URL and key) of `provider`.
pub fn endpoint(
    keys: &dyn KeyStore,
    provider: &Provider,
) -> Result<halley_responses::Endpoint, String> {
    let key = keys
        .get(&provider.id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no API key is set for {} (see Settings)", provider.name))?;
    Ok(halley_responses::Endpoint::new(
        provider.base_url.clone(),
        key,
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_identifier_is_the_apps() {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../../../tauri.conf.json")).expect("config");
        assert_eq!(config["identifier"], super::IDENTIFIER);
    }
}
