//! IPC-level tests of the Halley app: the real command handler on Tauri's
//! mock runtime, invoked the way the webview invokes it (JSON bodies,
//! `__CHANNEL__:<id>` channel arguments), talking to `halley-mock` over
//! loopback, with a real SQLite history in a temporary folder.
//!
//! Keys go to the OS keyring when one is usable (the test command runs inside
//! a D-Bus session with gnome-keyring) and to memory otherwise; both paths
//! must pass.

mod app;
mod assistants;
mod auto_probe;
mod canary;
mod channels;
mod chat_turns;
mod echo_gateway;
mod eval;
mod logs;
mod mcp_servers;
mod not_blocking;
mod provider_files;
mod providers;
mod regenerate;
mod secrets_bound;
mod turn_errors;
mod your_data;
