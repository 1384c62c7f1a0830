//! What Halley does, without a window: history (SQLite), providers and keys,
//! conversations and turns. Knows no Tauri.

pub mod ask;
pub mod assistants;
pub mod backup_schedule;
pub mod capabilities;
pub mod chat;
pub mod data_lock;
mod error;
pub mod eval;
pub mod history;
pub mod keys;
pub mod knowledge;
pub mod mcp_policies;
pub mod mcp_servers;
pub mod origin;
pub mod playground;
pub mod pricing;
pub mod probe;
pub mod probe_schedule;
pub mod provider_keys;
pub mod providers;
pub mod redact;
pub mod remote_image;
pub mod settings;
mod stream;
pub mod update_schedule;
pub mod words;

pub use error::Error;
pub use history::History;
