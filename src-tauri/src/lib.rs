//! The Tauri layer of Halley. It only translates: commands turn IPC payloads
//! into `halley-core` calls and results back into IPC payloads. All logic lives
//! in the Tauri-free crates under `src-tauri/crates/`.

#[cfg(test)]
mod bindings;
pub mod commands;
pub mod error;
pub mod ipc_types;
pub mod log_file;
pub mod state;

use tauri::{Manager, Runtime};

/// Builds the app on any runtime, so tests can run it on `tauri::test::mock_builder()`.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    run_app_with(builder, None)
}

/// [`run_app`] with the data folder given directly instead of read from
/// `HALLEY_DATA_DIR`: tests running in parallel share one process
/// environment, so each passes its own folder this way.
pub fn run_app_with<R: Runtime>(
    builder: tauri::Builder<R>,
    data_dir: Option<std::path::PathBuf>,
) -> tauri::Builder<R> {
    builder
        .setup(move |app| {
            let data_dir = match data_dir {
                Some(dir) => dir,
                None => {
                    let dir = state::resolve_data_dir(app.path().app_data_dir().ok())?;
                    log_file::start(&dir, app.path().app_log_dir().ok());
                    dir
                }
            };
            app.manage(state::AppState::open(data_dir)?);
            Ok(())
        })
        .invoke_handler(commands::handler())
}

/// Entry point of the desktop binary.
pub fn run() {
    init_logging();
    let context = tauri::generate_context!("tauri.conf.json");
    if let Err(error) = run_app(tauri::Builder::default()).run(context) {
        tracing::error!(%error, "Halley stopped with an error");
        std::process::exit(1);
    }
}

fn init_logging() {
    use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};
    let filter = EnvFilter::try_from_env("HALLEY_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // The same lines to stderr (a terminal, the tests' logs) and to the log
    // file, which is all a user started from an icon has.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(fmt::layer().with_ansi(false).with_writer(log_file::Sink))
        .try_init();
}
