//! Saving a provider together with its key, so that a key never follows its
//! provider to another server: when the base URL's origin changes, the old
//! key is not reused — the save must carry a new key, and the old one is
//! deleted. Enforced here, not in the UI: if script ever ran in the webview,
//! "change the URL, then test" must not hand the key to another host.

use crate::history::History;
use crate::keys::{KeyStore, SecretString};
use crate::origin::Origin;
use crate::providers::{check_base_url, CleartextConsent, Provider, ProviderKind};
use crate::Error;

/// What the settings form sends.
#[derive(Debug, Clone)]
pub struct ProviderChange {
    /// `None` adds a provider.
    pub id: Option<String>,
    pub name: String,
    pub kind: ProviderKind,
    pub base_url: String,
    /// `None` keeps the stored key (only allowed while the origin stays).
    pub api_key: Option<SecretString>,
    pub cleartext: CleartextConsent,
}

pub fn save_provider(
    history: &History,
    keys: &dyn KeyStore,
    change: ProviderChange,
) -> Result<Provider, Error> {
    let api_key = change.api_key.filter(|k| !k.expose().trim().is_empty());
    let provider = match &change.id {
        None => history.add_provider_confirmed(
            &change.name,
            change.kind,
            Some(&change.base_url),
            change.cleartext,
        )?,
        Some(id) => {
            let old = history.provider(id)?;
            let moved = Origin::of(&old.base_url).ok() != Some(Origin::of(&change.base_url)?);
            if moved && api_key.is_none() && keys.get(id)?.is_some() {
                return Err(Error::KeyRequired(format!(
                    "The new address points to another server ({}) than the one the stored key was given for. Enter the key for that server again.",
                    Origin::of(&change.base_url)?
                )));
            }
            // Checked before the key goes, so a refused URL loses nothing.
            check_base_url(&change.base_url, change.cleartext)?;
            if moved {
                // The old server's key has no business with the new one; it
                // goes before the URL changes, so no moment pairs them.
                keys.delete(id)?;
            }
            history.update_provider(id, &change.name, &change.base_url, change.cleartext)?
        }
    };
    if let Some(key) = api_key {
        keys.set(&provider.id, &SecretString::new(key.expose().trim()))?;
    }
    Ok(provider)
}
