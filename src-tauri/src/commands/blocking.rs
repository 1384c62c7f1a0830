//! Where a command's blocking work runs. In Tauri 2 a sync command runs on
//! the main thread, which also draws the window, and an async one on the
//! async runtime's few worker threads; SQLite, the keyring (D-Bus, which can
//! hang on a locked collection) and files block. So every command that
//! touches them is async and hands that work to the blocking pool here.
//! `tests/ipc/not_blocking.rs` holds the history's write lock and checks
//! that neither the invoking thread nor the runtime waits for it.

use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::state::AppState;

/// Runs `work` on the blocking pool and waits for it without holding a
/// runtime worker.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> IpcResult<T> + Send + 'static,
) -> IpcResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| {
            IpcError::new(
                ErrorCode::Internal,
                format!("a background task failed: {e}"),
            )
        })?
}

/// [`blocking`] with the app's state (a cheap clone: shared handles).
pub async fn with_state<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&AppState) -> IpcResult<T> + Send + 'static,
) -> IpcResult<T> {
    let state = state.clone();
    blocking(move || work(&state)).await
}
