// Hide the console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // `halley eval …` and `halley ask …` run and exit before Tauri starts:
    // no window, no single-instance hand-over (see cli/mod.rs).
    if let Some(status) = halley_app::cli::dispatch() {
        std::process::exit(status);
    }
    halley_app::run();
}
