//! Builds the Tauri context. The config and capabilities live at the
//! repository root / `src-tauri/capabilities`, see docs/architecture.md.
fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    println!("cargo:rerun-if-changed=src-tauri/src/commands/names.in");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(halley_commands()));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build failed: {error:#}");
    }
}

/// Every command the app exposes; the capability file grants exactly these.
/// The same file is `commands::COMMANDS`, so the two cannot drift.
fn halley_commands() -> &'static [&'static str] {
    include!("src/commands/names.in")
}
