//! One Halley per data folder. A second process that opened the same
//! database would mark the first one's live answers interrupted at start-up,
//! and the first one's progress writes would then be dropped. An OS advisory
//! lock on a file in the folder, held for the whole life of the process and
//! taken before the database is opened, makes that impossible whatever way
//! the second process was started (another D-Bus session, another user
//! session, `HALLEY_DATA_DIR`). The OS releases it when the process ends, even
//! on a kill, so a crash never leaves a stale lock behind.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The lock file's name inside the data folder.
pub const LOCK_FILE: &str = "halley.lock";

/// Proof that this process owns the data folder. Keep it alive as long as
/// the database is open: dropping it releases the lock.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum DataLockError {
    /// Another Halley process holds the folder.
    #[error("Halley is already running with the data folder {}", .0.display())]
    Held(PathBuf),
    #[error("could not lock the data folder {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl DataDirLock {
    /// Takes the folder's lock without waiting; creates the folder if needed.
    pub fn acquire(data_dir: &Path) -> Result<Self, DataLockError> {
        let io = |source| DataLockError::Io {
            path: data_dir.to_owned(),
            source,
        };
        std::fs::create_dir_all(data_dir).map_err(io)?;
        let path = data_dir.join(LOCK_FILE);
        // Not truncated on open: a second process must not wipe the holder's pid.
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(DataLockError::Held(data_dir.to_owned())),
            Err(TryLockError::Error(source)) => return Err(io(source)),
        }
        // The holder's pid, for a person looking at the folder; the lock
        // itself is what counts, never the file's contents.
        file.set_len(0).map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        Ok(Self { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let first = DataDirLock::acquire(dir.path()).expect("the first lock");
        // flock locks belong to the open file, so a second open in the same
        // process conflicts just as another process would.
        match DataDirLock::acquire(dir.path()) {
            Err(DataLockError::Held(held)) => assert_eq!(held, dir.path()),
            other => panic!("expected Held, got {other:?}"),
        }
        let pid = std::fs::read_to_string(first.path()).expect("the lock file");
        assert_eq!(pid.trim(), std::process::id().to_string());
        drop(first);
        DataDirLock::acquire(dir.path()).expect("free again once the holder is gone");
    }

    #[test]
    fn other_folders_are_independent() {
        let a = tempfile::tempdir().expect("a temp dir");
        let b = tempfile::tempdir().expect("a temp dir");
        let _a = DataDirLock::acquire(a.path()).expect("lock a");
        let _b = DataDirLock::acquire(&b.path().join("nested")).expect("lock a new folder b");
    }
}
