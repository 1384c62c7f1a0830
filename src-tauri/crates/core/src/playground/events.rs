//! What a playground run tells the UI over its channel.

use halley_responses::{FoldUpdate, StreamEvent};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::chat::TurnError;

/// How a playground run ended: the response's own terminal status, or
/// `stopped` (the user) / `error` (no terminal status ever came).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "PlaygroundStatus.ts")]
pub enum PlaygroundStatus {
    Completed,
    Failed,
    Incomplete,
    Cancelled,
    Stopped,
    Error,
}

/// One message of a playground run. Times are milliseconds since the request
/// was sent (f64: JavaScript numbers), measured on the backend so that IPC
/// latency does not blur the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export_to = "PlaygroundEvent.ts")]
pub enum PlaygroundEvent {
    /// The server answered with its status line and headers (time to first byte).
    Opened { ms: f64 },
    /// A 429/5xx came back before any byte; the request is retried.
    #[serde(rename_all = "camelCase")]
    Retrying {
        attempt: u32,
        max_attempts: u32,
        delay_ms: u32,
    },
    /// One stream event, exactly as it was parsed from the wire.
    Event {
        ms: f64,
        #[ts(type = "Record<string, unknown>")]
        event: StreamEvent,
    },
    /// What the event changed, folded (`{"kind": "textDelta", ...}`).
    Update {
        ms: f64,
        #[ts(type = "Record<string, unknown>")]
        update: FoldUpdate,
    },
    /// The run ended, as `status` says; `response` is the final response,
    /// or the folded snapshot when cut off.
    Finished {
        ms: f64,
        status: PlaygroundStatus,
        #[ts(type = "Record<string, unknown> | null")]
        response: Option<Value>,
        error: Option<TurnError>,
    },
}
