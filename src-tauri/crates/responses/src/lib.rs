//! The Responses API on the wire. Knows no Tauri, no database, no keyring.
//!
//! - [`request`]: the `POST /responses` body; [`response`], [`items`]: what comes back.
//! - [`events`]: stream events; [`sse`]: bytes to events; [`fold`]: events to a response.
//! - [`client`]: the HTTP client with retries and cancellation; [`error`]: its errors;
//!   [`gateway_error`]: what a refusal means, whatever shape the server sent it in.

pub mod client;
pub mod error;
pub mod events;
pub mod files;
pub mod fold;
pub mod gateway_error;
pub mod items;
pub mod limits;
pub mod nullable;
mod peek;
pub mod request;
pub mod response;
pub mod secret;
pub mod sse;

pub use client::{Client, Endpoint, EventStream, RetryNotice, RetryPolicy, StreamOptions};
pub use error::{Error, LimitKind, NetworkKind};
pub use events::StreamEvent;
pub use fold::{Accumulator, FoldUpdate, ToolProgress};
pub use gateway_error::{ErrorKind, ErrorReading};
pub use items::{Annotation, ContentPart, OutputItem};
pub use limits::Limits;
pub use nullable::Nullable;
pub use request::{CreateResponse, Input, InputItem, Tool, ToolChoice};
pub use response::{Model, Response, Usage};
pub use secret::SecretString;
pub use sse::{EventDecoder, SseParser};

/// The default base URL (CometAPI).
pub const COMETAPI_BASE_URL: &str = "https://api.cometapi.com/v1";

#[cfg(test)]
mod tests {
    #[test]
    fn default_base_url_is_versioned() {
        // Paths are joined as `{base}/responses`, so the base must carry `/v1`.
        assert!(super::COMETAPI_BASE_URL.ends_with("/v1"));
    }
}
