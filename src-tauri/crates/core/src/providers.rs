//! Providers (where requests go) and app settings, stored in the history
//! database. Never the key: that lives in a [`crate::keys::KeyStore`].

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::history::History;
use crate::keys::SecretString;
use crate::origin::Origin;
use crate::Error;

pub const COMETAPI_BASE_URL: &str = "https://api.cometapi.com/v1";
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "ProviderKind.ts")]
pub enum ProviderKind {
    Cometapi,
    Openai,
    /// Any other Responses-compatible gateway; needs a base URL.
    Custom,
}

impl ProviderKind {
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            ProviderKind::Cometapi => Some(COMETAPI_BASE_URL),
            ProviderKind::Openai => Some(OPENAI_BASE_URL),
            ProviderKind::Custom => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ProviderKind::Cometapi => "cometapi",
            ProviderKind::Openai => "openai",
            ProviderKind::Custom => "custom",
        }
    }

    fn parse(name: &str) -> ProviderKind {
        match name {
            "cometapi" => ProviderKind::Cometapi,
            "openai" => ProviderKind::Openai,
            _ => ProviderKind::Custom,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "Provider.ts")]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub kind: ProviderKind,
    /// Without a trailing slash, e.g. `https://api.cometapi.com/v1`.
    pub base_url: String,
    pub created_at: f64,
}

/// Light, UI-facing app settings. Missing keys take their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export_to = "Settings.ts")]
pub struct Settings {
    pub active_provider_id: Option<String>,
    /// "system", "light" or "dark".
    pub theme: String,
    /// A BCP 47 tag, or "system".
    pub language: String,
    /// In CSS pixels.
    pub font_size: u32,
    /// Whether requests ask the provider to store responses (`store: true`).
    pub server_side_storage: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            active_provider_id: None,
            theme: "system".into(),
            language: "system".into(),
            font_size: 15,
            server_side_storage: false,
        }
    }
}

/// Whether the user confirmed that a key may travel unencrypted (`http://`)
/// to a host that is not this machine. A typed answer from the save
/// command's input, never inferred from the URL text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CleartextConsent {
    #[default]
    NotGiven,
    Given,
}

/// Checks and normalizes a base URL: http(s) with a host, no trailing slash.
/// An `http://` URL for a host that is not loopback is refused unless the
/// user confirmed it: the key would cross the network in clear text.
pub fn check_base_url(base_url: &str, consent: CleartextConsent) -> Result<String, Error> {
    let trimmed = base_url.trim().trim_end_matches('/');
    // The input is not echoed: a key pasted into the wrong field must not
    // come back in an error message.
    let origin = Origin::of(trimmed)?;
    if trimmed.contains(char::is_whitespace) {
        return Err(Error::InvalidInput(
            "the base URL must not contain spaces".into(),
        ));
    }
    if origin.is_cleartext_remote() && consent != CleartextConsent::Given {
        return Err(Error::CleartextNotConfirmed(format!(
            "{origin} is not encrypted (http://): the API key and every message would cross the network readable by anyone on the way. Use https://, or confirm that you want this."
        )));
    }
    Ok(trimmed.to_owned())
}

fn provider_from_row(row: &Row<'_>) -> rusqlite::Result<Provider> {
    let kind: String = row.get(2)?;
    Ok(Provider {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: ProviderKind::parse(&kind),
        base_url: row.get(3)?,
        created_at: row.get(4)?,
    })
}

impl History {
    pub fn provider(&self, id: &str) -> Result<Provider, Error> {
        self.read(|conn| load_provider(conn, id))
    }
}

fn load_provider(conn: &Connection, id: &str) -> Result<Provider, Error> {
    conn.query_row(
        "SELECT id, name, kind, base_url, created_at FROM providers WHERE id = ?1",
        [id],
        provider_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("no provider {id}")))
}

fn load_settings(conn: &Connection) -> Result<Settings, Error> {
    let mut statement = conn.prepare_cached("SELECT key, value FROM settings")?;
    let mut object = match serde_json::to_value(Settings::default()) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    for row in statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })? {
        let (key, text) = row?;
        // Each stored value is tried on its own: one damaged or hand-edited
        // value falls back to its default, with a warning, and takes no
        // other setting (the active provider, say) down with it.
        let value = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value) => value,
            Err(problem) => {
                tracing::warn!(%key, %problem, "a stored setting is not JSON; its default is used");
                continue;
            }
        };
        let mut candidate = object.clone();
        candidate.insert(key.clone(), value);
        match serde_json::from_value::<Settings>(serde_json::Value::Object(candidate.clone())) {
            Ok(_) => object = candidate,
            Err(problem) => {
                tracing::warn!(%key, %problem, "a stored setting has the wrong type; its default is used");
            }
        }
    }
    serde_json::from_value(serde_json::Value::Object(object))
        .map_err(|e| Error::InvalidInput(format!("the settings cannot be read: {e}")))
}

fn store_settings(conn: &Connection, settings: &Settings) -> Result<(), Error> {
    let value = serde_json::to_value(settings).map_err(|e| Error::InvalidInput(e.to_string()))?;
    if let serde_json::Value::Object(map) = value {
        for (key, value) in map {
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value.to_string()],
            )?;
        }
    }
    Ok(())
}

impl History {
    /// Adds a provider. `base_url` may be omitted for CometAPI and OpenAI.
    /// The first provider added becomes the active one.
    pub fn add_provider(
        &self,
        name: &str,
        kind: ProviderKind,
        base_url: Option<&str>,
    ) -> Result<Provider, Error> {
        self.add_provider_confirmed(name, kind, base_url, CleartextConsent::NotGiven)
    }

    /// [`History::add_provider`] with the user's answer about a cleartext URL.
    pub fn add_provider_confirmed(
        &self,
        name: &str,
        kind: ProviderKind,
        base_url: Option<&str>,
        consent: CleartextConsent,
    ) -> Result<Provider, Error> {
        let base_url = match base_url.or(kind.default_base_url()) {
            Some(url) => check_base_url(url, consent)?,
            None => {
                return Err(Error::InvalidInput(
                    "a custom provider needs a base URL".into(),
                ))
            }
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::InvalidInput("a provider needs a name".into()));
        }
        let id = crate::history::new_id();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO providers (id, name, kind, base_url, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, name, kind.name(), base_url, crate::history::now_ms()],
            )?;
            let mut settings = load_settings(tx)?;
            if settings.active_provider_id.is_none() {
                settings.active_provider_id = Some(id.clone());
                store_settings(tx, &settings)?;
            }
            load_provider(tx, &id)
        })
    }

    /// Oldest first.
    pub fn list_providers(&self) -> Result<Vec<Provider>, Error> {
        self.read(|conn| {
            let mut statement =
                conn.prepare_cached("SELECT id, name, kind, base_url, created_at FROM providers ORDER BY created_at, rowid")?;
            let rows = statement.query_map([], provider_from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Renames and re-points a provider. Its key is not this function's
    /// business: [`crate::provider_keys::save_provider`] decides whether the
    /// stored key may follow the new URL.
    pub(crate) fn update_provider(
        &self,
        id: &str,
        name: &str,
        base_url: &str,
        consent: CleartextConsent,
    ) -> Result<Provider, Error> {
        let base_url = check_base_url(base_url, consent)?;
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE providers SET name = ?2, base_url = ?3 WHERE id = ?1",
                params![id, name.trim(), base_url],
            )?;
            if changed == 0 {
                return Err(Error::NotFound(format!("no provider {id}")));
            }
            load_provider(tx, id)
        })
    }

    /// Removes a provider (the caller deletes its key from the key store).
    /// If it was active, the oldest remaining provider becomes active.
    pub fn delete_provider(&self, id: &str) -> Result<(), Error> {
        self.write(|tx| {
            if tx.execute("DELETE FROM providers WHERE id = ?1", [id])? == 0 {
                return Err(Error::NotFound(format!("no provider {id}")));
            }
            let mut settings = load_settings(tx)?;
            if settings.active_provider_id.as_deref() == Some(id) {
                settings.active_provider_id = tx
                    .query_row(
                        "SELECT id FROM providers ORDER BY created_at, rowid LIMIT 1",
                        [],
                        |row| row.get(0),
                    )
                    .optional()?;
                store_settings(tx, &settings)?;
            }
            Ok(())
        })
    }

    pub fn active_provider(&self) -> Result<Option<Provider>, Error> {
        self.read(|conn| match load_settings(conn)?.active_provider_id {
            Some(id) => match load_provider(conn, &id) {
                Ok(provider) => Ok(Some(provider)),
                Err(Error::NotFound(_)) => Ok(None),
                Err(other) => Err(other),
            },
            None => Ok(None),
        })
    }

    pub fn set_active_provider(&self, id: &str) -> Result<(), Error> {
        self.write(|tx| {
            load_provider(tx, id)?;
            let mut settings = load_settings(tx)?;
            settings.active_provider_id = Some(id.to_owned());
            store_settings(tx, &settings)
        })
    }

    pub fn settings(&self) -> Result<Settings, Error> {
        self.read(load_settings)
    }

    /// Saves all settings. An active provider id that does not exist is refused.
    pub fn save_settings(&self, settings: &Settings) -> Result<(), Error> {
        self.write(|tx| {
            if let Some(id) = &settings.active_provider_id {
                load_provider(tx, id)?;
            }
            store_settings(tx, settings)
        })
    }
}

/// A provider that could be imported from the environment. Holds where the
/// key is, never the key; [`EnvProposal::key`] reads it when the app imports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "EnvProposal.ts")]
pub struct EnvProposal {
    pub name: String,
    pub kind: ProviderKind,
    pub base_url: String,
    /// The environment variable holding the key, e.g. `OPENAI_API_KEY`.
    pub key_variable: String,
    pub last4: Option<String>,
}

impl EnvProposal {
    /// The key, read from the environment again at import time.
    pub fn key(&self) -> Option<SecretString> {
        read_key(&|name| std::env::var(name).ok(), &self.key_variable)
    }
}

fn read_key(lookup: &dyn Fn(&str) -> Option<String>, variable: &str) -> Option<SecretString> {
    lookup(variable)
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .map(SecretString::new)
}

/// Providers the process environment suggests: `COMETAPI_KEY` (CometAPI),
/// `OPENAI_API_KEY` with `OPENAI_BASE_URL` if set (OpenAI, or a custom
/// gateway when the base URL points elsewhere).
pub fn env_proposals() -> Vec<EnvProposal> {
    env_proposals_from(&|name| std::env::var(name).ok())
}

/// [`env_proposals`] over any lookup, so tests need not touch the real environment.
pub fn env_proposals_from(lookup: &dyn Fn(&str) -> Option<String>) -> Vec<EnvProposal> {
    let mut proposals = Vec::new();
    if let Some(key) = read_key(lookup, "COMETAPI_KEY") {
        proposals.push(EnvProposal {
            name: "CometAPI".into(),
            kind: ProviderKind::Cometapi,
            base_url: COMETAPI_BASE_URL.into(),
            key_variable: "COMETAPI_KEY".into(),
            last4: key.last4(),
        });
    }
    if let Some(key) = read_key(lookup, "OPENAI_API_KEY") {
        // Proposed as set; importing a cleartext one still asks (add_provider).
        let base_url = lookup("OPENAI_BASE_URL")
            .and_then(|url| check_base_url(&url, CleartextConsent::Given).ok());
        let (name, kind, base_url) = match base_url {
            Some(url) if url == COMETAPI_BASE_URL => ("CometAPI", ProviderKind::Cometapi, url),
            Some(url) if url != OPENAI_BASE_URL => ("OpenAI-compatible", ProviderKind::Custom, url),
            _ => ("OpenAI", ProviderKind::Openai, OPENAI_BASE_URL.to_owned()),
        };
        proposals.push(EnvProposal {
            name: name.into(),
            kind,
            base_url,
            key_variable: "OPENAI_API_KEY".into(),
            last4: key.last4(),
        });
    }
    proposals
}
