//! Writing an export (a conversation, a Playground recording) to the
//! Downloads folder, or `HALLEY_EXPORT_DIR` when set (tests set it). There
//! is no file-dialog plugin: the file name comes from a title, made safe.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Manager, Runtime};

use crate::error::IpcResult;
use crate::state::AppState;

/// Environment variable naming where exports are written (tests set it).
pub const EXPORT_DIR_ENV: &str = "HALLEY_EXPORT_DIR";

/// Writes `contents` as `<title>.<extension>` (made safe, numbered if taken)
/// and returns the path written.
pub fn write_export<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    title: &str,
    fallback_stem: &str,
    extension: &str,
    contents: impl AsRef<[u8]>,
) -> IpcResult<String> {
    let path = export_path(app, state, title, fallback_stem, extension)?;
    std::fs::write(&path, contents).map_err(halley_core::Error::from)?;
    Ok(path.display().to_string())
}

/// A free path for `<title>.<extension>` in the export folder (made safe,
/// numbered if taken), for a file something else writes (a backup).
pub fn export_path<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    title: &str,
    fallback_stem: &str,
    extension: &str,
) -> IpcResult<PathBuf> {
    let dir = match std::env::var_os(EXPORT_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => app
            .path()
            .download_dir()
            .unwrap_or_else(|_| state.data_dir().join("exports")),
    };
    std::fs::create_dir_all(&dir).map_err(halley_core::Error::from)?;
    Ok(unique_path(
        &dir,
        &file_stem(title, fallback_stem),
        &file_stem(extension, "bin"),
    ))
}

/// Writes a file under its own name (`chart.png`, a model-made name, so
/// only its last path segment counts), made safe like a title; a name
/// without an extension is saved as `.bin`.
pub fn write_named_file<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    name: &str,
    contents: impl AsRef<[u8]>,
) -> IpcResult<String> {
    let name = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => (stem, ext),
        _ => (name, "bin"),
    };
    write_export(app, state, stem, "Halley file", extension, contents)
}

/// A file name from a title: letters, digits, spaces and dashes only, so a
/// title like `../../x` cannot write outside the folder.
fn file_stem(title: &str, fallback: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == ' ' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        fallback.to_owned()
    } else {
        cleaned.to_owned()
    }
}

fn unique_path(dir: &Path, stem: &str, extension: &str) -> PathBuf {
    let mut path = dir.join(format!("{stem}.{extension}"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem} ({n}).{extension}"));
        n += 1;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::{file_stem, unique_path};

    #[test]
    fn export_file_names_cannot_escape_the_folder() {
        // Titles are model- or user-made data; path separators must not survive.
        let stem = file_stem("../../etc/passwd", "x");
        assert!(!stem.contains('/') && !stem.contains(".."), "{stem}");
        assert_eq!(
            file_stem("   ", "Halley conversation"),
            "Halley conversation"
        );
    }

    #[test]
    fn a_taken_name_gets_a_number() {
        let dir = tempfile::tempdir().expect("a temp dir");
        std::fs::write(dir.path().join("a.sse"), "").expect("write");
        // The first export must not be overwritten by the second.
        assert_eq!(
            unique_path(dir.path(), "a", "sse"),
            dir.path().join("a (2).sse")
        );
    }
}
