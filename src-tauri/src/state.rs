//! What the app holds while it runs.

use std::path::{Path, PathBuf};

use halley_core::History;

/// Environment variable that overrides the data folder (tests always set it).
pub const DATA_DIR_ENV: &str = "HALLEY_DATA_DIR";

pub struct AppState {
    data_dir: PathBuf,
    pub history: History,
}

impl AppState {
    pub fn open(data_dir: PathBuf) -> Result<Self, halley_core::Error> {
        std::fs::create_dir_all(&data_dir)?;
        let history = History::open(&data_dir.join("history.sqlite3"))?;
        Ok(Self { data_dir, history })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

/// `HALLEY_DATA_DIR` when set and not empty, else the OS app-data folder.
pub fn resolve_data_dir(os_default: Option<PathBuf>) -> Result<PathBuf, halley_core::Error> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => os_default.ok_or_else(|| {
            halley_core::Error::InvalidInput(format!(
                "no app-data folder is known on this system; set {DATA_DIR_ENV}"
            ))
        }),
    }
}
