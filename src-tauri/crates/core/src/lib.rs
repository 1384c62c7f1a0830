//! What Halley does, without a window. Knows no Tauri.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("history database: {0}")]
    Storage(#[from] rusqlite::Error),
    #[error("file system: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    InvalidInput(String),
}

/// The history database (stub until the history module lands).
pub struct History {
    _conn: std::sync::Mutex<rusqlite::Connection>,
}

impl History {
    pub fn open(path: &Path) -> Result<Self, Error> {
        let conn = rusqlite::Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        Ok(Self {
            _conn: std::sync::Mutex::new(conn),
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn opens_a_file() {
        let dir = std::env::temp_dir().join(format!("halley-core-stub-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        // The app cannot start without its history file.
        assert!(super::History::open(&dir.join("h.sqlite3")).is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }
}
