//! Reads the `mcpServers` JSON other apps use, so a user can paste what they
//! already have. The shapes read:
//!
//! - Claude Desktop and Cursor: `{"mcpServers": {"name": {"command", "args",
//!   "env", "cwd"}}}`, and for a remote server `{"url", "headers"}`;
//! - VS Code: `{"servers": {"name": {"type": "stdio" | "http", …}}}`;
//! - Windsurf's `serverUrl`, `disabled: true`, and a bare `{"name": {…}}` map.
//!
//! Each entry is read on its own: a bad one becomes a problem naming it and
//! the good ones are kept. Values of environment variables and headers that
//! look like secrets (their names say key, token, secret, password…) are
//! taken out of the config and handed back apart, for the keyring.

use halley_responses::SecretString;
use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::config::{NamedValue, SecretSlot, ServerConfig, TransportConfig, MAX_ENTRIES};
use crate::Error;

/// A pasted config larger than this is refused before it is parsed.
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024;
/// At most this many servers are read from one paste.
pub const MAX_IMPORT_SERVERS: usize = 100;

#[derive(Debug)]
pub struct Imported {
    pub servers: Vec<ImportedServer>,
    pub problems: Vec<ImportProblem>,
}

/// One server read from the paste: its config (secret entries empty) and
/// the secret values taken out of it.
#[derive(Debug)]
pub struct ImportedServer {
    pub config: ServerConfig,
    pub secrets: Vec<(SecretSlot, SecretString)>,
}

/// An entry that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "McpImportProblem.ts", rename = "McpImportProblem")]
pub struct ImportProblem {
    pub name: String,
    pub message: String,
}

/// Reads `text`. `new_id` gives each server its id (a UUID in the app, a
/// counter in tests). Fails only when the text as a whole is not such a
/// config; entries that are wrong are reported in [`Imported::problems`].
pub fn parse_mcp_servers(
    text: &str,
    mut new_id: impl FnMut() -> String,
) -> Result<Imported, Error> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(Error::InvalidConfig(format!(
            "the pasted config is larger than {} KB",
            MAX_IMPORT_BYTES / 1024
        )));
    }
    let root: Value = serde_json::from_str(text).map_err(|e| {
        Error::InvalidConfig(format!(
            "this is not JSON (line {}, column {}): {}",
            e.line(),
            e.column(),
            describe_json_error(&e)
        ))
    })?;
    let entries = servers_map(&root)?;
    let mut imported = Imported {
        servers: Vec::new(),
        problems: Vec::new(),
    };
    for (index, (name, entry)) in entries.iter().enumerate() {
        if index >= MAX_IMPORT_SERVERS {
            imported.problems.push(ImportProblem {
                name: name.clone(),
                message: format!("only the first {MAX_IMPORT_SERVERS} servers are read"),
            });
            break;
        }
        match read_entry(name, entry, new_id()) {
            Ok(server) => imported.servers.push(server),
            Err(message) => imported.problems.push(ImportProblem {
                name: name.clone(),
                message,
            }),
        }
    }
    Ok(imported)
}

/// serde_json's message without the position, which the caller adds.
fn describe_json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

fn servers_map(root: &Value) -> Result<&Map<String, Value>, Error> {
    let object = root.as_object().ok_or_else(|| {
        Error::InvalidConfig("the config must be a JSON object with \"mcpServers\" in it".into())
    })?;
    for key in ["mcpServers", "servers", "mcp_servers"] {
        if let Some(value) = object.get(key) {
            return value.as_object().ok_or_else(|| {
                Error::InvalidConfig(format!("\"{key}\" must be an object of servers by name"))
            });
        }
    }
    // A bare map of servers: every value an object with a command or a URL.
    let looks_bare = !object.is_empty()
        && object.values().all(|v| {
            v.as_object().is_some_and(|o| {
                o.contains_key("command") || o.contains_key("url") || o.contains_key("serverUrl")
            })
        });
    if looks_bare {
        return Ok(object);
    }
    Err(Error::InvalidConfig(
        "no \"mcpServers\" found: paste the whole config, e.g. {\"mcpServers\": {\"files\": {\"command\": \"npx\", …}}}".into(),
    ))
}

fn read_entry(name: &str, entry: &Value, id: String) -> Result<ImportedServer, String> {
    let entry = entry
        .as_object()
        .ok_or_else(|| "the entry must be an object".to_owned())?;
    let text = |key: &str| -> Result<Option<String>, String> {
        match entry.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("\"{key}\" must be text")),
        }
    };
    let kind = text("type")?.or(text("transport")?);
    let url = text("url")?.or(text("serverUrl")?);
    let command = text("command")?;
    let mut secrets = Vec::new();
    let transport = match (kind.as_deref(), command, url) {
        (Some("sse"), _, _) => {
            return Err(
                "this server uses the older SSE transport, which Halley does not speak; \
                 if it also offers Streamable HTTP (often at /mcp), add that URL instead"
                    .into(),
            )
        }
        (Some(k), _, _)
            if !matches!(k, "stdio" | "http" | "streamable-http" | "streamableHttp") =>
        {
            return Err(format!(
                "unknown transport type \"{k}\" (expected stdio or http)"
            ))
        }
        (Some("stdio") | None, Some(command), _) => {
            let args = match entry.get("args") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|a| match a {
                        Value::String(s) => Ok(s.clone()),
                        Value::Number(n) => Ok(n.to_string()),
                        _ => Err("every entry of \"args\" must be text".to_owned()),
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err("\"args\" must be a list".into()),
            };
            let env = named_values(entry.get("env"), "env", &mut secrets, |n| {
                SecretSlot::Env(n.to_owned())
            })?;
            TransportConfig::Stdio {
                command,
                args,
                env,
                cwd: text("cwd")?,
            }
        }
        (Some("stdio"), None, _) => return Err("a stdio server needs a \"command\"".into()),
        (_, _, Some(url)) => {
            let headers = named_values(entry.get("headers"), "headers", &mut secrets, |n| {
                SecretSlot::header(n)
            })?;
            TransportConfig::Http { url, headers }
        }
        (Some(_), _, None) => return Err("an http server needs a \"url\"".into()),
        (None, None, None) => {
            return Err("the entry has neither a \"command\" nor a \"url\"".into())
        }
    };
    let enabled = !matches!(entry.get("disabled"), Some(Value::Bool(true)));
    let config = ServerConfig {
        id,
        name: name.to_owned(),
        enabled,
        transport,
    };
    config.validate().map_err(|e| e.to_string())?;
    Ok(ImportedServer { config, secrets })
}

fn named_values(
    value: Option<&Value>,
    key: &str,
    secrets: &mut Vec<(SecretSlot, SecretString)>,
    slot: impl Fn(&str) -> SecretSlot,
) -> Result<Vec<NamedValue>, String> {
    let map = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(format!("\"{key}\" must be an object of names and values")),
    };
    if map.len() > MAX_ENTRIES {
        return Err(format!("\"{key}\" has more than {MAX_ENTRIES} entries"));
    }
    map.iter()
        .map(|(name, value)| {
            let value = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return Err(format!("the value of {key}.{name} must be text")),
            };
            if looks_secret(name) && !value.is_empty() {
                secrets.push((slot(name), SecretString::new(value)));
                Ok(NamedValue::secret(name))
            } else {
                Ok(NamedValue::plain(name, value))
            }
        })
        .collect()
}

/// Whether a variable or header name says its value is a credential.
pub fn looks_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "authorization" | "proxy-authorization" | "cookie"
    ) {
        return true;
    }
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| {
            matches!(
                word,
                "key"
                    | "apikey"
                    | "token"
                    | "secret"
                    | "password"
                    | "passwd"
                    | "pat"
                    | "auth"
                    | "credential"
                    | "credentials"
                    | "bearer"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("id{n}")
        }
    }

    #[test]
    fn claude_desktop_and_cursor_shapes_are_read_with_secrets_taken_out() {
        let text = r#"{"mcpServers": {
            "filesystem": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp/x"]},
            "github": {"command": "docker", "args": ["run"], "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_canary", "LOG_LEVEL": "debug"}},
            "remote": {"url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer canary", "X-Team": "a"}},
            "off": {"command": "srv", "disabled": true}
        }}"#;
        let imported = parse_mcp_servers(text, ids()).expect("a config");
        assert!(imported.problems.is_empty(), "{:?}", imported.problems);
        let names: Vec<_> = imported
            .servers
            .iter()
            .map(|s| s.config.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["filesystem", "github", "remote", "off"],
            "order kept"
        );
        let github = &imported.servers[1];
        let TransportConfig::Stdio { env, .. } = &github.config.transport else {
            panic!("stdio")
        };
        assert_eq!(env[0], NamedValue::secret("GITHUB_PERSONAL_ACCESS_TOKEN"));
        assert_eq!(env[1], NamedValue::plain("LOG_LEVEL", "debug"));
        assert_eq!(
            github.secrets[0].0,
            SecretSlot::Env("GITHUB_PERSONAL_ACCESS_TOKEN".into())
        );
        assert_eq!(github.secrets[0].1.expose(), "ghp_canary");
        let remote = &imported.servers[2];
        assert_eq!(
            remote.secrets[0].0,
            SecretSlot::Header("authorization".into())
        );
        // The config itself holds no secret: it is what SQLite gets.
        let stored = serde_json::to_string(
            &imported
                .servers
                .iter()
                .map(|s| &s.config)
                .collect::<Vec<_>>(),
        )
        .expect("serializes");
        assert!(!stored.contains("canary"), "{stored}");
        assert!(
            !imported.servers[3].config.enabled,
            "disabled: true is read"
        );
    }

    #[test]
    fn vs_code_types_windsurf_urls_and_a_bare_map_are_read() {
        let vscode = r#"{"servers": {"a": {"type": "stdio", "command": "x"}, "b": {"type": "http", "url": "http://127.0.0.1:9/mcp"}}}"#;
        let imported = parse_mcp_servers(vscode, ids()).expect("vs code");
        assert_eq!(imported.servers.len(), 2);
        let windsurf = r#"{"mcpServers": {"w": {"serverUrl": "https://w.example.com/mcp"}}}"#;
        assert_eq!(
            parse_mcp_servers(windsurf, ids())
                .expect("windsurf")
                .servers
                .len(),
            1
        );
        let bare = r#"{"files": {"command": "npx", "args": ["srv"]}}"#;
        assert_eq!(
            parse_mcp_servers(bare, ids()).expect("bare").servers.len(),
            1
        );
    }

    #[test]
    fn each_bad_entry_is_named_and_the_good_ones_are_kept() {
        let text = r#"{"mcpServers": {
            "good": {"command": "npx"},
            "neither": {"args": []},
            "old": {"type": "sse", "url": "https://x.example.com/sse"},
            "weird": {"type": "pipe", "command": "x"},
            "args": {"command": "x", "args": "one"},
            "nested": {"command": "x", "env": {"A": {"b": 1}}},
            "ftp": {"url": "ftp://x"},
            "list": []
        }}"#;
        let imported = parse_mcp_servers(text, ids()).expect("read");
        assert_eq!(imported.servers.len(), 1);
        let problems: Vec<_> = imported.problems.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            problems,
            ["neither", "old", "weird", "args", "nested", "ftp", "list"]
        );
        assert!(
            imported.problems[1].message.contains("SSE"),
            "{:?}",
            imported.problems[1]
        );
    }

    #[test]
    fn text_that_is_not_such_a_config_is_one_clear_error() {
        for (text, needle) in [
            ("{not json", "not JSON (line 1"),
            ("[1, 2]", "JSON object"),
            (r#"{"theme": "dark"}"#, "no \"mcpServers\""),
            (r#"{"mcpServers": []}"#, "must be an object"),
        ] {
            let error = parse_mcp_servers(text, ids()).expect_err(text);
            assert!(error.to_string().contains(needle), "{text}: {error}");
        }
        let huge = format!(
            "{{\"mcpServers\": {{}}, \"pad\": \"{}\"}}",
            "x".repeat(MAX_IMPORT_BYTES)
        );
        assert!(parse_mcp_servers(&huge, ids()).is_err());
    }

    #[test]
    fn secret_looking_names() {
        for name in [
            "API_KEY",
            "GITHUB_TOKEN",
            "Authorization",
            "x-api-key",
            "DB_PASSWORD",
            "OPENAI_API_KEY",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in ["LOG_LEVEL", "PATH", "HOME", "X-Team", "KEYBOARD", "MONKEY"] {
            assert!(!looks_secret(name), "{name}");
        }
    }
}
