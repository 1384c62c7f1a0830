//! The Tauri layer of Halley. It only translates: commands turn IPC payloads
//! into `halley-core` calls and results back into IPC payloads. All logic lives
//! in the Tauri-free crates under `src-tauri/crates/`.

pub mod bench;
#[cfg(test)]
mod bindings;
pub mod cli;
#[cfg(test)]
mod command_signatures;
pub mod commands;
pub mod desktop;
pub mod error;
pub mod instance;
pub mod ipc_types;
pub mod log_file;
pub mod relays;
pub mod startup;
pub mod state;
pub mod updates;

use halley_core::data_lock::{DataDirLock, DataLockError};
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
            // The folder's lock before the database: a second process on
            // the same folder must not even open it (see instance.rs).
            let data_lock = match DataDirLock::acquire(&data_dir) {
                Ok(lock) => lock,
                Err(DataLockError::Held(dir)) => {
                    tracing::warn!(data_dir = %dir.display(), "Halley is already running with this data folder; not opening it");
                    app.manage(instance::InstanceProblem::AlreadyRunning {
                        data_dir: dir.display().to_string(),
                    });
                    return Ok(());
                }
                Err(error) => return Err(error.into()),
            };
            // Held (managed) for the app's lifetime, also while the history
            // waits for the user's choice in the start-up window.
            app.manage(instance::DataFolderLock(data_lock));
            startup::open_or_explain(app, data_dir)?;
            Ok(())
        })
        .manage(bench::BenchHooks::from_env())
        .manage(desktop::AppEvents::default())
        .invoke_handler(commands::handler())
}

/// Entry point of the desktop binary.
pub fn run() {
    init_logging();
    let context = tauri::generate_context!("tauri.conf.json");
    // Single instance first: a second launch in this session hands over to
    // the running app and exits before anything else is set up.
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            instance::focus_main_window(app)
        }))
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(desktop::shortcut::plugin())
        .manage(updates::UpdateState::default());
    let builder = match bench::page_flag_plugin() {
        Some(plugin) => builder.plugin(plugin),
        None => builder,
    };
    let app = match run_app(builder).build(context) {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(%error, "Halley stopped with an error");
            std::process::exit(1);
        }
    };
    app.run(|app, event| match event {
        tauri::RunEvent::Ready => start_desktop_habits(app),
        tauri::RunEvent::Exit => stop_mcp_servers(app),
        _ => {}
    });
}

/// The tray icon, and the quick-ask shortcut when the user set one.
fn start_desktop_habits<R: Runtime>(app: &tauri::AppHandle<R>) {
    desktop::tray::install(app);
    let wanted = app
        .try_state::<state::AppState>()
        .and_then(|state| state.history.settings().ok())
        .and_then(|reading| reading.settings.quick_ask_shortcut);
    if let Err(error) = desktop::shortcut::apply(app, wanted.as_deref()) {
        tracing::warn!(error = %error.message, "the quick-ask shortcut could not be set");
    }
}

/// Stops every MCP server before the process ends (stdin closed, SIGTERM,
/// SIGKILL to each process group; bounded, see `Supervisor::shutdown`): a
/// child left running would outlive Halley.
pub fn stop_mcp_servers<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(state) = app.try_state::<state::AppState>() {
        let supervisor = state.mcp.clone();
        tauri::async_runtime::block_on(supervisor.shutdown());
        supervisor.kill_all_now();
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
