//! The command line: `halley eval …` and `halley ask …`, subcommands of the
//! `halley` binary, and the same in the console binary `halley-cli` (for
//! Windows, see [`console`]). `main` asks [`dispatch`] first; when the first
//! argument is one of these subcommands the command runs and the process
//! exits before Tauri starts, so no window opens and the single-instance
//! plugin (which would hand the arguments to a running app) never runs.
//!
//! The command line opens the same data folder, history and keyring as the
//! app, and works while the app is open: it does not take the data folder's
//! lock (`halley_core::data_lock`), because that lock exists for what only
//! the app does at start-up (marking answers that were streaming as
//! interrupted, purging the trash, backups) and the command line does none
//! of it. SQLite in WAL mode lets the two processes read and write the file
//! side by side; every write of the command line is its own short
//! transaction (one per stored row), and both wait for each other's locks
//! (`busy_timeout`). An evaluation started here is a run of its own, so the
//! app never sends the same rows at the same time.
//!
//! Exit status: 0 when every variant meets `--threshold` (or no threshold
//! was given and the run completed), 1 when one does not, 2 for a usage or
//! setup error (a wrong argument, no provider, no key, an unknown preset or
//! dataset, a locked keyring), 130 when stopped with Ctrl-C (the run is
//! paused and can be resumed).

mod args;
mod ask;
mod eval;
mod output;
mod setup;

use std::ffi::OsString;

/// How the command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Passed = 0,
    BelowThreshold = 1,
    Usage = 2,
    Interrupted = 130,
}

/// The subcommands the command line owns; anything else starts the app.
const SUBCOMMANDS: &[&str] = &["eval", "ask"];

/// Runs the command line when the arguments ask for it, returning the exit
/// status; `None` means "start the app".
pub fn dispatch() -> Option<i32> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let first = args.get(1)?.to_str()?;
    if !SUBCOMMANDS.contains(&first) {
        return None;
    }
    Some(run("halley", args) as i32)
}

/// The `halley-cli` binary: the same command line in a console program.
/// A Windows release `halley.exe` is a GUI program (no console window when
/// the app starts), and Windows gives a GUI program no standard output, so
/// `halley eval …` typed in a terminal would print nothing there; the
/// installer puts `halley-cli.exe` beside it. Without a subcommand it
/// prints its help.
pub fn console() -> i32 {
    run("halley-cli", std::env::args_os().collect()) as i32
}

fn run(program: &'static str, args: Vec<OsString>) -> Exit {
    use clap::{CommandFactory, FromArgMatches};
    let parsed = match args::Cli::command()
        .name(program)
        .bin_name(program)
        .try_get_matches_from(args)
        .and_then(|matches| args::Cli::from_arg_matches(&matches))
    {
        Ok(parsed) => parsed,
        Err(error) => {
            // `--help` and `--version` are answers, not errors.
            let _ = error.print();
            return if error.use_stderr() {
                Exit::Usage
            } else {
                Exit::Passed
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("{program}: could not start: {error}");
            return Exit::Usage;
        }
    };
    let outcome = runtime.block_on(async move {
        match parsed.command {
            args::Command::Eval { command } => eval::run(command).await,
            args::Command::Ask(ask) => ask::run(ask).await,
        }
    });
    match outcome {
        Ok(exit) => exit,
        Err(error) => {
            eprintln!("{program}: {error}");
            Exit::Usage
        }
    }
}
