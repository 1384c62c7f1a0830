//! The `./x bench` hooks the page calls (see `crate::bench`). Both do nothing
//! unless `HALLEY_BENCH` is set, and the page calls them only then.

use tauri::State;

use crate::bench::{BenchHooks, BenchMark};

#[tauri::command]
pub fn bench_mark(hooks: State<'_, BenchHooks>, mark: BenchMark) {
    hooks.mark(mark);
}

/// The page has committed the first `deltas` text deltas of the current run.
#[tauri::command]
pub fn bench_echo(hooks: State<'_, BenchHooks>, deltas: u32) {
    hooks.echo(deltas);
}
