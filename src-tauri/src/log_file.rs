//! The log file. A Windows or macOS app started from its icon has no terminal,
//! so what it logs to stderr is lost: the same lines also go to `halley.log`
//! in the OS's log folder (Tauri's `app_log_dir`: `~/.local/share/<id>/logs`,
//! `~/Library/Logs/<id>`, `%LOCALAPPDATA%\<id>\logs`), or in
//! `<HALLEY_DATA_DIR>/logs` when the data folder is overridden, so a test or a
//! portable copy never writes into the user's own folders.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use tracing_subscriber::fmt::MakeWriter;

pub const FILE_NAME: &str = "halley.log";
/// The run before this one: kept for a bug report, so the folder holds at
/// most two runs' worth of lines.
pub const PREVIOUS_FILE_NAME: &str = "halley.previous.log";

static FILE: OnceLock<Mutex<File>> = OnceLock::new();

/// The log folder: beside the data when `HALLEY_DATA_DIR` moved it, else the
/// OS's.
pub fn resolve_dir(
    data_dir_overridden: Option<&Path>,
    os_default: Option<PathBuf>,
) -> Option<PathBuf> {
    match data_dir_overridden {
        Some(data_dir) => Some(data_dir.join("logs")),
        None => os_default,
    }
}

/// Starts the log file of the app's run whose data is in `data_dir`; a
/// failure is logged (to stderr) and the app goes on without a file.
pub fn start(data_dir: &Path, os_log_dir: Option<PathBuf>) {
    let overridden =
        std::env::var_os(crate::state::DATA_DIR_ENV).is_some_and(|dir| !dir.is_empty());
    let Some(dir) = resolve_dir(overridden.then_some(data_dir), os_log_dir) else {
        tracing::warn!("no log folder is known on this system; logging to stderr only");
        return;
    };
    match open(&dir) {
        Ok(path) => tracing::info!(path = %path.display(), "logging to a file"),
        Err(error) => {
            tracing::warn!(%error, dir = %dir.display(), "cannot write a log file; logging to stderr only")
        }
    }
}

/// Starts this run's log file in `dir`. Once per process: a second call
/// leaves the first file in place.
pub fn open(dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(FILE_NAME);
    if FILE.get().is_some() {
        return Ok(path);
    }
    if path.exists() {
        std::fs::rename(&path, dir.join(PREVIOUS_FILE_NAME))?;
    }
    let file = File::create(&path)?;
    let _ = FILE.set(Mutex::new(file));
    Ok(path)
}

/// A tracing writer into the log file once [`open`] ran; before that (the
/// first lines of start-up) the lines go to stderr only.
pub struct Sink;

pub struct SinkWriter;

impl Write for SinkWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match FILE.get() {
            Some(file) => file
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .write(buf),
            None => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match FILE.get() {
            Some(file) => file.lock().unwrap_or_else(PoisonError::into_inner).flush(),
            None => Ok(()),
        }
    }
}

impl<'a> MakeWriter<'a> for Sink {
    type Writer = SinkWriter;

    fn make_writer(&'a self) -> Self::Writer {
        SinkWriter
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_go_beside_overridden_data_and_to_the_os_folder_otherwise() {
        let os = PathBuf::from("/os/logs");
        // A test's or a portable copy's data folder keeps its logs with it.
        assert_eq!(
            resolve_dir(Some(Path::new("/tmp/data")), Some(os.clone())),
            Some(PathBuf::from("/tmp/data/logs"))
        );
        assert_eq!(resolve_dir(None, Some(os.clone())), Some(os));
        assert_eq!(resolve_dir(None, None), None);
    }

    #[test]
    fn open_keeps_the_previous_run_and_writes_this_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(FILE_NAME), "last run\n").expect("seed");
        let path = open(dir.path()).expect("open");
        assert_eq!(path, dir.path().join(FILE_NAME));
        assert_eq!(
            std::fs::read_to_string(dir.path().join(PREVIOUS_FILE_NAME)).expect("previous"),
            "last run\n",
            "the previous run's log is kept, not appended to or lost"
        );
        SinkWriter.write_all(b"this run\n").expect("write");
        SinkWriter.flush().expect("flush");
        assert_eq!(std::fs::read_to_string(&path).expect("log"), "this run\n");
    }
}
