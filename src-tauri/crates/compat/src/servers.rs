//! The servers under test, as `tests/compat/run.sh` started them.

use serde::Deserialize;

/// How the suite can make a server misbehave on purpose and see what it
/// received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scripting {
    /// llmock's control API (`/_llmock/scenario`, `/_llmock/requests`) on
    /// `backend`: faults are queued there, and its journal shows what reached
    /// the model (through a proxy, too).
    Llmock,
    /// aimock: behaviour comes from its fixture file, matched on the
    /// `[case:…]` marker each case puts in its message.
    Fixtures,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Server {
    /// Shown in the table: the software, its version and how it was set up.
    pub name: String,
    /// The base URL as a user would enter it (ends in `/v1`).
    pub base_url: String,
    pub key: String,
    pub model: String,
    pub scripting: Scripting,
    /// A proxy in front of another server (its faults may be hidden).
    #[serde(default)]
    pub proxy: bool,
    /// The llmock control API behind this server (itself, or the model a
    /// proxy forwards to).
    #[serde(default)]
    pub backend: Option<String>,
}

pub fn load(path: &str) -> Result<Vec<Server>, String> {
    let text = std::fs::read_to_string(path).map_err(|err| format!("cannot read {path}: {err}"))?;
    let servers: Vec<Server> =
        serde_json::from_str(&text).map_err(|err| format!("{path} is not a server list: {err}"))?;
    if servers.is_empty() {
        return Err(format!("{path} lists no server"));
    }
    Ok(servers)
}
