//! The user's MCP servers (`halley-mcp` runs them): their configs in the
//! settings table, their secret values in the OS keyring.
//!
//! A secret is bound to its server and to where it goes: the keyring name
//! holds the server's id and, for a header, the URL's origin, for an
//! environment variable, the command. Pointing a server at another origin or
//! another program therefore finds no secret to hand it: the value must be
//! entered again for the new one, the rule `playground::secrets` and
//! `provider_keys` follow for MCP header secrets and API keys.

use std::sync::Arc;

use halley_mcp::{SecretSlot, SecretSource, ServerConfig, TransportConfig};
use rusqlite::{params, OptionalExtension};

use crate::keys::{KeyStore, SecretString};
use crate::origin::Origin;
use crate::{Error, History};

const SETTINGS_KEY: &str = "mcp_servers";

/// The stored servers, and whether the stored value could not be read (it
/// is then kept aside on the next save, not overwritten).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredServers {
    pub servers: Vec<ServerConfig>,
    pub damaged: bool,
}

impl History {
    pub fn mcp_servers(&self) -> Result<StoredServers, Error> {
        let text = self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT value FROM settings WHERE key = ?1",
                    params![SETTINGS_KEY],
                    |row| row.get::<_, String>(0),
                )
                .optional()?)
        })?;
        let Some(text) = text else {
            return Ok(StoredServers {
                servers: Vec::new(),
                damaged: false,
            });
        };
        match serde_json::from_str::<Vec<ServerConfig>>(&text) {
            Ok(servers) => Ok(StoredServers {
                servers,
                damaged: false,
            }),
            Err(problem) => {
                tracing::warn!(%problem, "the stored MCP servers cannot be read; none are started");
                Ok(StoredServers {
                    servers: Vec::new(),
                    damaged: true,
                })
            }
        }
    }

    /// Replaces the stored servers. Each must be valid (no secret value in
    /// it) and ids unique. A stored value that could not be read is moved
    /// to its own key first, so nothing the user had is lost.
    pub fn save_mcp_servers(&self, servers: &[ServerConfig]) -> Result<(), Error> {
        let mut ids = std::collections::HashSet::new();
        for server in servers {
            server
                .validate()
                .map_err(|e| Error::InvalidInput(e.to_string()))?;
            if !ids.insert(server.id.as_str()) {
                return Err(Error::InvalidInput(format!(
                    "two MCP servers have the id {}",
                    server.id
                )));
            }
        }
        let text =
            serde_json::to_string(servers).map_err(|e| Error::InvalidInput(e.to_string()))?;
        self.write(|tx| {
            let old: Option<String> = tx
                .query_row(
                    "SELECT value FROM settings WHERE key = ?1",
                    params![SETTINGS_KEY],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(old) = old {
                if serde_json::from_str::<Vec<ServerConfig>>(&old).is_err() {
                    tx.execute(
                        "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                        params![
                            format!(
                                "{SETTINGS_KEY}.unreadable.{}",
                                crate::history::now_ms() as i64
                            ),
                            old
                        ],
                    )?;
                }
            }
            crate::history::put_setting(tx, SETTINGS_KEY, &text)
        })
    }
}

/// The keyring name of one secret of one server (see the module's notes).
pub fn secret_id(server: &ServerConfig, slot: &SecretSlot) -> Result<String, Error> {
    match (&server.transport, slot) {
        (TransportConfig::Http { url, .. }, SecretSlot::Header(name)) => {
            let origin = Origin::of(url).map_err(|_| {
                Error::InvalidInput(format!(
                    "MCP server {} needs an http(s) URL before a secret header can be stored for it",
                    server.name
                ))
            })?;
            Ok(format!(
                "mcp-server:{}:{origin}:header:{}",
                server.id,
                name.to_ascii_lowercase()
            ))
        }
        (TransportConfig::Stdio { command, .. }, SecretSlot::Env(name)) => {
            Ok(format!("mcp-server:{}:{command}:env:{name}", server.id))
        }
        _ => Err(Error::InvalidInput(format!(
            "MCP server {} has no such secret (a stdio server has environment variables, an HTTP server headers)",
            server.name
        ))),
    }
}

/// Stores the value of a secret of `server`.
pub fn store_secret(
    keys: &dyn KeyStore,
    server: &ServerConfig,
    slot: &SecretSlot,
    value: &SecretString,
) -> Result<(), Error> {
    if value.is_blank() {
        return Err(Error::InvalidInput("the secret value is empty".into()));
    }
    keys.set(&secret_id(server, slot)?, value)
}

/// Deletes every secret `server` names (when it is removed, or a value is
/// no longer secret).
pub fn delete_secrets(keys: &dyn KeyStore, server: &ServerConfig) -> Result<(), Error> {
    for slot in server.secret_slots() {
        keys.delete(&secret_id(server, &slot)?)?;
    }
    Ok(())
}

/// Which secrets of `server` have a value stored.
pub fn stored_slots(keys: &dyn KeyStore, server: &ServerConfig) -> Result<Vec<SecretSlot>, Error> {
    let mut stored = Vec::new();
    for slot in server.secret_slots() {
        if keys.get(&secret_id(server, &slot)?)?.is_some() {
            stored.push(slot);
        }
    }
    Ok(stored)
}

/// The keyring as the supervisor's [`SecretSource`].
pub struct KeyringSecrets(pub Arc<dyn KeyStore>);

impl SecretSource for KeyringSecrets {
    fn secret(
        &self,
        server: &ServerConfig,
        slot: &SecretSlot,
    ) -> Result<Option<SecretString>, String> {
        let id = secret_id(server, slot).map_err(|e| e.to_string())?;
        self.0.get(&id).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use halley_mcp::NamedValue;

    use super::*;
    use crate::keys::MemoryStore;

    fn http(url: &str) -> ServerConfig {
        ServerConfig {
            id: "s1".into(),
            name: "docs".into(),
            enabled: true,
            transport: TransportConfig::Http {
                url: url.into(),
                headers: vec![NamedValue::secret("Authorization")],
            },
        }
    }

    #[test]
    fn a_header_secret_is_not_found_once_the_url_points_elsewhere() {
        let keys = MemoryStore::new();
        let server = http("https://docs.example.com/mcp");
        let slot = SecretSlot::header("Authorization");
        store_secret(&keys, &server, &slot, &SecretString::new("Bearer canary")).expect("stored");
        let source = KeyringSecrets(Arc::new(keys));
        assert_eq!(
            source
                .secret(&server, &slot)
                .expect("read")
                .map(|s| s.expose().to_owned()),
            Some("Bearer canary".to_owned())
        );
        for elsewhere in [
            "https://attacker.example.net/mcp",
            "http://docs.example.com/mcp",
            "https://docs.example.com:8443/mcp",
        ] {
            assert!(
                source
                    .secret(&http(elsewhere), &slot)
                    .expect("read")
                    .is_none(),
                "{elsewhere}"
            );
        }
    }

    #[test]
    fn an_env_secret_is_bound_to_the_command() {
        let mut server = ServerConfig {
            id: "s2".into(),
            name: "gh".into(),
            enabled: true,
            transport: TransportConfig::Stdio {
                command: "github-mcp".into(),
                args: vec![],
                env: vec![NamedValue::secret("TOKEN")],
                cwd: None,
            },
        };
        let keys = Arc::new(MemoryStore::new());
        let slot = SecretSlot::Env("TOKEN".into());
        store_secret(keys.as_ref(), &server, &slot, &SecretString::new("ghp_x")).expect("stored");
        assert_eq!(
            stored_slots(keys.as_ref(), &server).expect("read"),
            vec![slot.clone()]
        );
        if let TransportConfig::Stdio { command, .. } = &mut server.transport {
            *command = "curl".into();
        }
        let source = KeyringSecrets(keys);
        assert!(source.secret(&server, &slot).expect("read").is_none());
    }

    #[test]
    fn servers_round_trip_and_a_damaged_value_is_kept_aside() {
        let dir = tempfile::tempdir().expect("dir");
        let history = History::open(&dir.path().join("h.sqlite3")).expect("opens");
        assert_eq!(history.mcp_servers().expect("reads").servers, vec![]);
        let servers = vec![http("https://docs.example.com/mcp")];
        history.save_mcp_servers(&servers).expect("saved");
        assert_eq!(history.mcp_servers().expect("reads").servers, servers);
        // A secret value in a config is refused: it would land in SQLite.
        let mut leaky = servers[0].clone();
        if let TransportConfig::Http { headers, .. } = &mut leaky.transport {
            headers[0].value = "Bearer oops".into();
        }
        assert!(history.save_mcp_servers(&[leaky]).is_err());
        history
            .write(|tx| {
                tx.execute(
                    "UPDATE settings SET value = 'not json' WHERE key = ?1",
                    params![SETTINGS_KEY],
                )?;
                Ok(())
            })
            .expect("damaged");
        assert!(history.mcp_servers().expect("reads").damaged);
        history.save_mcp_servers(&servers).expect("saved over it");
        let kept: i64 = history
            .read(|conn| {
                Ok(conn.query_row(
                    "SELECT count(*) FROM settings WHERE key LIKE 'mcp_servers.unreadable.%' AND value = 'not json'",
                    [],
                    |row| row.get(0),
                )?)
            })
            .expect("counted");
        assert_eq!(kept, 1);
    }
}
