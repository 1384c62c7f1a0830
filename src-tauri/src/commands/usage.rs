//! What chat has cost: tokens and dollars per day and month.

use halley_core::pricing::{self, UsageReport};
use tauri::State;

use super::blocking::with_state;
use crate::error::IpcResult;
use crate::state::AppState;

/// How far back the usage view looks: a year of months (and their days).
const REPORT_DAYS: f64 = 366.0;

#[tauri::command]
pub async fn usage_report(state: State<'_, AppState>) -> IpcResult<UsageReport> {
    with_state(&state, |state| {
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        let since = now_ms - REPORT_DAYS * 86_400_000.0;
        let rows = state.history.daily_usage(since)?;
        let prices = pricing::in_effect(&state.history)?;
        Ok(pricing::report(&rows, &prices))
    })
    .await
}
