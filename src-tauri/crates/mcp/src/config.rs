//! What the user configured for one MCP server: how to reach it (a command
//! on this machine, or a URL) and whether it is in use. Secret values are not
//! part of a config: an entry marked `secret` holds no value here, its value
//! lives in the OS keyring and is asked for through [`crate::SecretSource`]
//! when the server starts. So a config can be stored, logged and sent to the
//! UI as it is.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Error;

/// Halley's own id for a server (a UUID), stable across renames.
pub type ServerId = String;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "McpServerConfig.ts", rename = "McpServerConfig")]
pub struct ServerConfig {
    pub id: ServerId,
    /// The name the user sees, and the prefix of its tools' names for the
    /// model (see [`crate::naming`]).
    pub name: String,
    pub enabled: bool,
    pub transport: TransportConfig,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export_to = "McpTransportConfig.ts", rename = "McpTransportConfig")]
pub enum TransportConfig {
    /// A program Halley starts and talks to over its stdin and stdout.
    Stdio {
        command: String,
        #[serde(default)]
        args: Vec<String>,
        #[serde(default)]
        env: Vec<NamedValue>,
        /// The working folder; the user's home folder when empty.
        #[serde(default)]
        cwd: Option<String>,
    },
    /// A server at a URL, spoken to with MCP's Streamable HTTP transport.
    Http {
        url: String,
        #[serde(default)]
        headers: Vec<NamedValue>,
    },
}

/// An environment variable or a header. When `secret` is true, `value` is
/// empty and the real value is in the keyring (see [`SecretSlot`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "McpNamedValue.ts", rename = "McpNamedValue")]
pub struct NamedValue {
    pub name: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub secret: bool,
}

impl NamedValue {
    pub fn plain(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
            secret: false,
        }
    }

    pub fn secret(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: String::new(),
            secret: true,
        }
    }
}

/// Which secret of a server: an environment variable or a header, by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "name", rename_all = "camelCase")]
#[ts(export_to = "McpSecretSlot.ts", rename = "McpSecretSlot")]
pub enum SecretSlot {
    Env(String),
    /// Header names are case-insensitive; kept lower-cased.
    Header(String),
}

impl SecretSlot {
    pub fn header(name: &str) -> Self {
        Self::Header(name.to_ascii_lowercase())
    }
}

impl ServerConfig {
    /// The secrets this config needs filled in before it can start.
    pub fn secret_slots(&self) -> Vec<SecretSlot> {
        match &self.transport {
            TransportConfig::Stdio { env, .. } => env
                .iter()
                .filter(|v| v.secret)
                .map(|v| SecretSlot::Env(v.name.clone()))
                .collect(),
            TransportConfig::Http { headers, .. } => headers
                .iter()
                .filter(|v| v.secret)
                .map(|v| SecretSlot::header(&v.name))
                .collect(),
        }
    }

    /// Refuses a config Halley could not start, with a message that names
    /// the field. Secret entries must not carry a value (it would be stored).
    pub fn validate(&self) -> Result<(), Error> {
        let problem = |what: String| Err(Error::InvalidConfig(format!("{}: {what}", self.label())));
        if self.name.trim().is_empty() {
            return problem("the server needs a name".into());
        }
        if self.name.chars().count() > MAX_NAME_CHARS {
            return problem(format!(
                "the name is longer than {MAX_NAME_CHARS} characters"
            ));
        }
        let values = match &self.transport {
            TransportConfig::Stdio {
                command, args, env, ..
            } => {
                if command.trim().is_empty() {
                    return problem("the command is empty".into());
                }
                if args.len() > MAX_ENTRIES {
                    return problem(format!("more than {MAX_ENTRIES} arguments"));
                }
                env
            }
            TransportConfig::Http { url, headers } => {
                match url::Url::parse(url) {
                    Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {}
                    _ => return problem("the URL must start with http:// or https://".into()),
                }
                for header in headers {
                    if reqwest13::header::HeaderName::from_bytes(header.name.as_bytes()).is_err() {
                        return problem(format!("{:?} is not a valid header name", header.name));
                    }
                    if !header.secret
                        && reqwest13::header::HeaderValue::from_str(&header.value).is_err()
                    {
                        return problem(format!(
                            "the value of header {} has characters a header cannot carry",
                            header.name
                        ));
                    }
                }
                headers
            }
        };
        if values.len() > MAX_ENTRIES {
            return problem(format!("more than {MAX_ENTRIES} variables or headers"));
        }
        for value in values {
            if value.name.trim().is_empty() {
                return problem("a variable or header has no name".into());
            }
            if value.secret && !value.value.is_empty() {
                return problem(format!(
                    "{} is secret, so its value belongs in the keyring, not in the config",
                    value.name
                ));
            }
        }
        Ok(())
    }

    fn label(&self) -> String {
        if self.name.trim().is_empty() {
            "MCP server".into()
        } else {
            format!("MCP server {}", self.name)
        }
    }
}

pub const MAX_NAME_CHARS: usize = 64;
pub const MAX_ENTRIES: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    fn stdio(env: Vec<NamedValue>) -> ServerConfig {
        ServerConfig {
            id: "1".into(),
            name: "files".into(),
            enabled: true,
            transport: TransportConfig::Stdio {
                command: "npx".into(),
                args: vec![],
                env,
                cwd: None,
            },
        }
    }

    #[test]
    fn a_secret_entry_with_a_value_is_refused_so_it_is_never_stored() {
        let mut leaked = NamedValue::secret("TOKEN");
        leaked.value = "abc".into();
        let error = stdio(vec![leaked])
            .validate()
            .expect_err("a value in a secret");
        assert!(error.to_string().contains("TOKEN"), "{error}");
        stdio(vec![NamedValue::secret("TOKEN")])
            .validate()
            .expect("no value: fine");
    }

    #[test]
    fn slots_name_the_secret_entries_only() {
        let config = stdio(vec![NamedValue::plain("A", "1"), NamedValue::secret("B")]);
        assert_eq!(config.secret_slots(), vec![SecretSlot::Env("B".into())]);
    }

    #[test]
    fn http_urls_and_header_names_are_checked() {
        let mut config = stdio(vec![]);
        config.transport = TransportConfig::Http {
            url: "ftp://x".into(),
            headers: vec![],
        };
        assert!(config.validate().is_err());
        config.transport = TransportConfig::Http {
            url: "http://127.0.0.1:1/mcp".into(),
            headers: vec![NamedValue::plain("bad header", "x")],
        };
        assert!(config.validate().is_err());
    }
}
