//! Halley's MCP client, on the official Rust SDK (`rmcp`): servers the user
//! runs on this machine (a command, spoken to over stdio) or reaches at a URL
//! (Streamable HTTP), each supervised by [`Supervisor`]: started on demand,
//! its state reported, every request bounded in time and size, and every
//! child process (with what it started) stopped on shutdown.
//!
//! Knows no Tauri, no database and no keyring: configs come from the caller,
//! secret values through [`SecretSource`].

pub mod config;
mod connection;
pub mod content;
mod error;
mod http;
pub mod import;
pub mod naming;
mod process;
pub mod schema;
mod supervisor;
pub mod wire;

use std::time::Duration;

pub use config::{NamedValue, SecretSlot, ServerConfig, ServerId, TransportConfig};
pub use connection::{Catalog, PromptView, ResourceView, ServerInfoView, ToolView};
pub use content::{OutputLimits, ResultPart, ToolResult};
pub use error::{Error, ErrorKind};
pub use halley_responses::SecretString;
pub use supervisor::{
    CallOutcome, OfferedTool, ServerEvent, ServerState, ServerStatus, Supervisor,
};

/// Where the secret values of a server's environment and headers come from
/// (the OS keyring in the app). Called on a blocking thread: a keyring call
/// can take seconds.
pub trait SecretSource: Send + Sync + 'static {
    /// The value of `slot` for `server`, `Ok(None)` when none is stored.
    fn secret(
        &self,
        server: &ServerConfig,
        slot: &SecretSlot,
    ) -> Result<Option<SecretString>, String>;
}

/// Every bound the client puts on a server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// From starting a server to the end of its `initialize` answer.
    pub start: Duration,
    /// One listing of tools, resources or prompts (all pages).
    pub list: Duration,
    /// One tool call.
    pub call: Duration,
    /// One message from the server (a line on stdio, a body or event on HTTP).
    pub max_message_bytes: usize,
    /// Pages and items of one listing.
    pub max_list_pages: usize,
    pub max_list_items: usize,
    /// How much of a server's stderr is kept for its "failed" state.
    pub stderr_tail_bytes: usize,
    /// Each step of a stop (stdin closed, SIGTERM, SIGKILL) waits this long:
    /// short, because quitting Halley waits for it (three steps at most).
    pub stop_grace: Duration,
    pub output: OutputLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            // `npx -y` may download the server on its first start.
            start: Duration::from_secs(60),
            list: Duration::from_secs(20),
            call: Duration::from_secs(120),
            max_message_bytes: 8 * 1024 * 1024,
            max_list_pages: 50,
            max_list_items: 2000,
            stderr_tail_bytes: 8 * 1024,
            stop_grace: Duration::from_millis(700),
            output: OutputLimits::default(),
        }
    }
}
