use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use halley_mcp::{
    Limits, NamedValue, SecretSlot, SecretSource, SecretString, ServerConfig, Supervisor,
    TransportConfig,
};

/// Secrets held in memory, as the keyring would give them.
#[derive(Default)]
pub struct MemorySecrets(pub Mutex<HashMap<(String, SecretSlot), SecretString>>);

impl SecretSource for MemorySecrets {
    fn secret(
        &self,
        server: &ServerConfig,
        slot: &SecretSlot,
    ) -> Result<Option<SecretString>, String> {
        Ok(self
            .0
            .lock()
            .expect("not poisoned")
            .get(&(server.id.clone(), slot.clone()))
            .cloned())
    }
}

pub fn limits() -> Limits {
    Limits {
        start: Duration::from_secs(15),
        list: Duration::from_secs(10),
        call: Duration::from_secs(10),
        stop_grace: Duration::from_millis(500),
        ..Limits::default()
    }
}

pub fn supervisor(limits: Limits, secrets: Arc<MemorySecrets>) -> Supervisor {
    Supervisor::new(limits, secrets, std::env::temp_dir().into())
}

pub fn test_server() -> String {
    env!("CARGO_BIN_EXE_halley-mcp-test-server").to_owned()
}

pub fn stdio(id: &str, command: &str, args: &[&str]) -> ServerConfig {
    ServerConfig {
        id: id.into(),
        name: id.into(),
        enabled: true,
        transport: TransportConfig::Stdio {
            command: command.into(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            env: vec![],
            cwd: None,
        },
    }
}

pub fn with_env(mut config: ServerConfig, env: Vec<NamedValue>) -> ServerConfig {
    if let TransportConfig::Stdio { env: e, .. } = &mut config.transport {
        *e = env;
    }
    config
}

/// The npm project of third-party servers, installed by `./x` (`npm ci` in
/// tests/mcp). Missing, the tests that need it fail, unless skips are allowed.
pub fn npm_servers() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/mcp/node_modules");
    if dir
        .join("@modelcontextprotocol/server-everything/dist/index.js")
        .is_file()
        && dir
            .join("@modelcontextprotocol/server-filesystem/dist/index.js")
            .is_file()
    {
        return Some(dir);
    }
    let skips_allowed = std::env::var_os("HALLEY_ALLOW_SKIPS").is_some_and(|v| v == "1")
        && std::env::var_os("HALLEY_STRICT_TESTS").is_none()
        && std::env::var_os("CI").is_none();
    assert!(
        skips_allowed,
        "the third-party MCP servers are not installed in tests/mcp/node_modules: run \
         `npm ci` in tests/mcp (./x test does it), or set HALLEY_ALLOW_SKIPS=1 to skip these checks"
    );
    let _ = writeln!(
        std::io::stderr(),
        "\nSKIPPED: third-party MCP server checks (HALLEY_ALLOW_SKIPS=1 and no tests/mcp/node_modules); these tests checked nothing\n"
    );
    None
}

/// Whether process `pid` is alive (a zombie is not).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat_state(&stat).is_some_and(|s| s != 'Z' && s != 'X'),
        Err(_) => false,
    }
}

fn stat_state(stat: &str) -> Option<char> {
    // "pid (comm) S ppid pgrp ..." — comm may hold spaces and parentheses.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// Live processes whose process group is `pgid`.
pub fn group_members(pgid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                let Some((_, rest)) = stat.rsplit_once(')') else {
                    return false;
                };
                let fields: Vec<&str> = rest.split_whitespace().collect();
                // fields: state, ppid, pgrp
                fields.len() > 2 && fields[0] != "Z" && fields[2].parse::<u32>().ok() == Some(pgid)
            })
        })
        .collect()
}

/// Waits up to `limit` for `done`.
pub async fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done()
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a port")
        .local_addr()
        .expect("an address")
        .port()
}
