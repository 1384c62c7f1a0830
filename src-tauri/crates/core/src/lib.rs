//! What Halley does, without a window: history (SQLite), providers and keys,
//! conversations and turns. Knows no Tauri.

pub mod chat;
mod error;
pub mod history;
pub mod keys;
pub mod origin;
pub mod playground;
pub mod provider_keys;
pub mod providers;
pub mod remote_image;
pub mod redact;
mod stream;

pub use error::Error;
pub use history::History;
