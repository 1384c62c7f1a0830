//! The official `openai` Python SDK against every scenario: the mock must be
//! something real clients accept, not only our own.

use std::path::PathBuf;
use std::process::Command;

use crate::support::{repo_root, start};

fn python() -> PathBuf {
    match std::env::var_os("HALLEY_PYTHON") {
        Some(path) => PathBuf::from(path),
        None => repo_root().join("target/py-venv/bin/python"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_python_sdk_accepts_every_scenario() {
    let python = python();
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    assert!(
        python.exists(),
        "no Python interpreter at {}: create the venv with\n  python3 -m venv target/py-venv && \
         target/py-venv/bin/pip install -r src-tauri/crates/mock/tests/python/requirements.txt\n\
         (from the repo root), or set HALLEY_PYTHON to a python that has `openai` installed",
        python.display()
    );
    let server = start().await;
    let base_url = server.base_url();
    let script = crate_dir.join("tests/python/sdk_check.py");
    let output = tokio::task::spawn_blocking(move || {
        Command::new(&python).arg(&script).arg(&base_url).output()
    })
    .await
    .expect("the runner thread finishes")
    .expect("python starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Every check must pass: the script exits non-zero on any failure.
    assert!(
        output.status.success(),
        "sdk_check failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains(" 0 failed"),
        "the summary reports no failure:\n{stdout}"
    );
    server.shutdown().await.expect("the server stops");
}
