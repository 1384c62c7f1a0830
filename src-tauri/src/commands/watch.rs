//! Backend events the UI follows for as long as its window lives (MCP
//! server states, capability probes): a broadcast forwarded into the
//! window's Channel. A Channel, like runs: the webview needs no event
//! permission beyond Halley's own commands.

use serde::Serialize;
use tauri::ipc::{Channel, IpcResponse};
use tokio::sync::broadcast::{self, error::RecvError};

/// Forwards `events` over `channel` until the window goes away (the send
/// fails) or the sender is dropped; a watcher that fell behind skips ahead.
pub fn forward<T>(mut events: broadcast::Receiver<T>, channel: Channel<T>)
where
    T: IpcResponse + Serialize + Clone + Send + 'static,
{
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if channel.send(event).is_err() {
                        break;
                    }
                }
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
}
