//! Opening the history at start-up, and what happens when it cannot be
//! opened: instead of exiting with a line on stderr, the app starts with a
//! [`Startup`] that holds the problem, the window shows an explanation
//! (`startup_problem`), and the user picks what to do — open the data folder,
//! restore a backup, or start fresh with the damaged file kept aside. Until
//! then no [`AppState`] exists, so no other command can touch the file.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use halley_core::history::HistoryProblem;
use tauri::{Manager, Runtime};

use crate::state::AppState;

/// The history database's file name inside the data folder.
pub const HISTORY_FILE: &str = "history.sqlite3";

/// What start-up found; managed for the whole run.
pub struct Startup {
    data_dir: PathBuf,
    problem: Mutex<Option<HistoryProblem>>,
}

impl Startup {
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn history_path(&self) -> PathBuf {
        self.data_dir.join(HISTORY_FILE)
    }

    pub fn problem(&self) -> Option<HistoryProblem> {
        self.lock().clone()
    }

    fn lock(&self) -> MutexGuard<'_, Option<HistoryProblem>> {
        self.problem.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens the history again (after the user chose what to do with the
    /// old file) and, if it opens, lets every other command run.
    pub fn reopen<R: Runtime>(&self, app: &tauri::AppHandle<R>) -> Result<(), halley_core::Error> {
        let state = AppState::open(self.data_dir.clone())?;
        pick_up_background_answers(&state);
        app.manage(state);
        *self.lock() = None;
        Ok(())
    }
}

/// Background answers the last exit left running go on, on the blocking
/// pool (each needs its provider's key from the keyring): the window does
/// not wait for them.
fn pick_up_background_answers(state: &AppState) {
    let state = state.clone();
    tauri::async_runtime::spawn_blocking(move || {
        crate::commands::resumed::resume_background_turns(&state);
    });
}

/// Opens the app's state, or records why the history cannot be opened.
/// Errors that are not about the file itself (no data folder) still stop
/// the app, as before.
pub fn open_or_explain<R: Runtime>(
    app: &tauri::App<R>,
    data_dir: PathBuf,
) -> Result<(), halley_core::Error> {
    let problem = match AppState::open(data_dir.clone()) {
        Ok(state) => {
            pick_up_background_answers(&state);
            app.manage(state);
            None
        }
        Err(halley_core::Error::History(problem)) => {
            tracing::error!(%problem, "the history cannot be opened; the window explains why");
            Some(problem)
        }
        Err(other) => return Err(other),
    };
    app.manage(Startup {
        data_dir,
        problem: Mutex::new(problem),
    });
    Ok(())
}
