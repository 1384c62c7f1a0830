//! Providers (where requests go) and which one is active, stored in the
//! history database. Never the key: that lives in a [`crate::keys::KeyStore`].

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

/// The active provider's id is a settings row of its own (`activeProviderId`,
/// a JSON string), apart from the user's [`crate::settings::Settings`].
const ACTIVE_PROVIDER_KEY: &str = "activeProviderId";

fn load_active_provider_id(conn: &Connection) -> Result<Option<String>, Error> {
    let text: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [ACTIVE_PROVIDER_KEY],
            |row| row.get(0),
        )
        .optional()?;
    let Some(text) = text else { return Ok(None) };
    match serde_json::from_str::<Option<String>>(&text) {
        Ok(id) => Ok(id),
        Err(problem) => {
            // The providers are still listed: the user picks one again.
            tracing::warn!(%problem, "the stored active provider is unreadable; none is active");
            Ok(None)
        }
    }
}

fn store_active_provider_id(conn: &Connection, id: Option<&str>) -> Result<(), Error> {
    let value = serde_json::to_string(&id).map_err(|e| Error::InvalidInput(e.to_string()))?;
    crate::history::put_setting(conn, ACTIVE_PROVIDER_KEY, &value)
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
            if load_active_provider_id(tx)?.is_none() {
                store_active_provider_id(tx, Some(&id))?;
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
            // Another URL may be another server: what was learned about the
            // old one (crate::capabilities) is not kept for it.
            tx.execute(
                "DELETE FROM capabilities WHERE provider_id = ?1
                 AND ?2 <> (SELECT base_url FROM providers WHERE id = ?1)",
                params![id, base_url],
            )?;
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
            if load_active_provider_id(tx)?.as_deref() == Some(id) {
                let oldest: Option<String> = tx
                    .query_row(
                        "SELECT id FROM providers ORDER BY created_at, rowid LIMIT 1",
                        [],
                        |row| row.get(0),
                    )
                    .optional()?;
                store_active_provider_id(tx, oldest.as_deref())?;
            }
            Ok(())
        })
    }

    pub fn active_provider(&self) -> Result<Option<Provider>, Error> {
        self.read(|conn| match load_active_provider_id(conn)? {
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
            store_active_provider_id(tx, Some(id))
        })
    }

    /// The active provider's id, if one is set (it may name a provider
    /// since deleted by an older version: [`History::active_provider`]
    /// checks).
    pub fn active_provider_id(&self) -> Result<Option<String>, Error> {
        self.read(load_active_provider_id)
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
