//! The command line (`halley eval`, `halley ask`) as a user runs it: the
//! real binary, a temporary data folder, the provider's key in the OS
//! keyring (run under tests/with-keyring.sh), halley-mock over loopback.

use std::path::Path;
use std::process::{Command, Output};

use halley_core::data_lock::DataDirLock;
use halley_core::keys::{probe, KeyStore, KeyringProbe, KeyringStore, SecretString};
use halley_core::providers::ProviderKind;
use halley_core::History;
use serde_json::{json, Value};

const KEY: &str = "sk-cli-test-key-0123456789abcdef";

/// Whether the Secret Service is there; a run without one fails unless it
/// allows skips (as the core keyring tests do), and says so.
fn keyring_available() -> bool {
    match probe() {
        KeyringProbe::Usable => true,
        KeyringProbe::Unusable { message } => {
            let skips_allowed = std::env::var_os("HALLEY_ALLOW_SKIPS").is_some_and(|v| v == "1")
                && std::env::var_os("HALLEY_STRICT_TESTS").is_none()
                && std::env::var_os("CI").is_none();
            assert!(
                skips_allowed,
                "no usable keyring ({message}): run under tests/with-keyring.sh, \
                 or set HALLEY_ALLOW_SKIPS=1 to skip"
            );
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "\nSKIPPED: CLI tests (no usable keyring: {message}); they checked nothing\n"
            );
            false
        }
    }
}

struct Folder {
    dir: tempfile::TempDir,
    provider_id: String,
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = KeyringStore.delete(&self.provider_id);
    }
}

/// A data folder as the app leaves it: a provider pointing at the mock
/// with its key in the keyring, and a preset "repeat".
fn folder(base_url: &str) -> Folder {
    let dir = tempfile::tempdir().expect("temp dir");
    let history = History::open(&dir.path().join("history.sqlite3")).expect("history");
    let provider = history
        .add_provider("mock", ProviderKind::Custom, Some(base_url))
        .expect("provider");
    KeyringStore
        .set(&provider.id, &SecretString::new(KEY))
        .expect("key stored");
    let state = json!({
        "model": "echo",
        "messages": [{"id": "m1", "role": "user", "parts": ["Repeat: {{text}}"], "attachments": []}],
        "functions": [], "mcp": []
    });
    history
        .save_preset("repeat", &state.to_string())
        .expect("preset");
    let mut csv = String::from("text,expected\n");
    for i in 1..=20 {
        let score = if i % 4 == 0 { 2 } else { 5 };
        csv.push_str(&format!("\"w{i} [[score:{score}]]\",w{i}\n"));
    }
    std::fs::write(dir.path().join("words.csv"), csv).expect("dataset file");
    Folder {
        dir,
        provider_id: provider.id,
    }
}

fn halley(data_dir: &Path, args: &[&str]) -> Output {
    program(env!("CARGO_BIN_EXE_halley"), data_dir, args)
}

/// The console binary Windows users run (the same command line).
fn halley_cli(data_dir: &Path, args: &[&str]) -> Output {
    program(env!("CARGO_BIN_EXE_halley-cli"), data_dir, args)
}

fn program(binary: &str, data_dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(binary)
        .args(args)
        .env("HALLEY_DATA_DIR", data_dir)
        .current_dir(data_dir)
        .output()
        .expect("halley runs");
    let everything = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !everything.contains(KEY),
        "the key was printed: {everything}"
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eval_run_prints_the_aggregates_and_exits_by_the_threshold() {
    if !keyring_available() {
        return;
    }
    let server = halley_mock::serve(halley_mock::Config::default())
        .await
        .expect("mock");
    let folder = folder(&server.base_url());
    let dir = folder.dir.path().to_owned();
    // The app is open on this folder: it holds the data folder's lock.
    let app_lock = DataDirLock::acquire(&dir).expect("the app's lock");

    let run = |args: Vec<&'static str>| {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || halley(&dir, &args))
    };
    let passing = run(vec![
        "eval",
        "run",
        "repeat",
        "words.csv",
        "--grader",
        "regex=^Repeat: {{expected}} ",
        "--judge",
        "judge",
        "--rubric",
        "Does {{output}} repeat the text?",
        "--threshold",
        "0.7",
        "--json",
    ])
    .await
    .expect("ran");
    assert_eq!(passing.status.code(), Some(0), "{}", stderr(&passing));
    let report: Value = serde_json::from_str(stdout(&passing).trim()).expect("JSON on stdout");
    assert_eq!(report["passed"], true);
    assert_eq!(report["status"], "completed");
    let variant = &report["variants"][0];
    assert_eq!(variant["rows"], 20);
    assert_eq!(
        variant["passed"], 15,
        "every fourth row scored 2 by the judge"
    );
    assert_eq!(variant["passRate"], 0.75);
    assert_eq!(variant["graderRequests"], 20);
    let low = variant["passRateLow"].as_f64().expect("low");
    assert!((low - 0.5313).abs() < 1e-3, "Wilson low bound {low}");
    let run_id = report["runId"].as_str().expect("run id").to_owned();
    assert!(stderr(&passing).contains(&run_id), "the run id is told");

    // The same dataset by name, a stricter threshold, the table: exit 1.
    let failing = run(vec![
        "eval",
        "run",
        "repeat",
        "words",
        "--grader",
        "regex=^Repeat: {{expected}} ",
        "--judge",
        "judge",
        "--rubric",
        "Does {{output}} repeat the text?",
        "--threshold",
        "0.9",
    ])
    .await
    .expect("ran");
    assert_eq!(failing.status.code(), Some(1), "{}", stderr(&failing));
    let table = stdout(&failing);
    assert!(
        table.contains("pass rate (95% CI)") && table.contains("75.0% (53.1%–88.8%)"),
        "{table}"
    );
    assert!(table.contains("repeat v1"), "{table}");

    // Two variants, one of which answers JSON: the regex fails it.
    let two = run(vec![
        "eval",
        "run",
        "repeat",
        "words",
        "--variant",
        "label=plain",
        "--variant",
        "model=echo-json,label=json",
        "--grader",
        "regex=^Repeat:",
        "--json",
    ])
    .await
    .expect("ran");
    assert_eq!(
        two.status.code(),
        Some(0),
        "no threshold: a completed run passes"
    );
    let report: Value = serde_json::from_str(stdout(&two).trim()).expect("JSON");
    let rates: Vec<(String, f64)> = report["variants"]
        .as_array()
        .expect("variants")
        .iter()
        .map(|v| {
            (
                v["label"].as_str().unwrap_or("").to_owned(),
                v["passRate"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect();
    assert_eq!(rates, [("plain".to_owned(), 1.0), ("json".to_owned(), 0.0)]);

    // Each run billed each row once at the mock: 3 runs × 20 + 20 (second
    // variant) answers, and 40 gradings.
    let requests = server.requests();
    let answers = requests
        .iter()
        .filter(|r| r.path == "/v1/responses")
        .filter(|r| r.body.as_ref().and_then(|b| b["model"].as_str()) != Some("judge"))
        .count();
    let gradings = requests
        .iter()
        .filter(|r| r.body.as_ref().and_then(|b| b["model"].as_str()) == Some("judge"))
        .count();
    assert_eq!((answers, gradings), (80, 40));
    drop(app_lock);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eval_resume_finishes_a_paused_run_without_sending_its_done_rows_again() {
    if !keyring_available() {
        return;
    }
    let server = halley_mock::serve(halley_mock::Config::default())
        .await
        .expect("mock");
    let folder = folder(&server.base_url());
    let dir = folder.dir.path().to_owned();
    // A run the app started and paused after a few rows.
    let run_id = {
        use halley_core::eval::{self, DatasetFormat, EvalRunRequest, GraderSpec, RunControl};
        let history =
            std::sync::Arc::new(History::open(&dir.join("history.sqlite3")).expect("history"));
        let csv = std::fs::read(dir.join("words.csv")).expect("file");
        let dataset = history
            .import_dataset("words", DatasetFormat::Csv, &csv, Some("expected"))
            .expect("dataset");
        let preset = history.list_presets().expect("presets")[0].id.clone();
        let run_id = eval::create_run(
            &history,
            &EvalRunRequest {
                dataset_id: dataset.id,
                dataset_version: None,
                variants: vec![eval::VariantSpec {
                    label: None,
                    preset_id: preset,
                    preset_version: None,
                    provider_id: None,
                    overrides: Default::default(),
                }],
                graders: vec![GraderSpec::Regex {
                    pattern: "^Repeat: {{expected}} ".into(),
                }],
                concurrency: Some(1),
                mode: eval::RunMode::Live,
            },
        )
        .expect("run");
        let prepared = eval::prepare_run(&history, &KeyringStore, &run_id).expect("prepared");
        let client = halley_responses::Client::new().expect("client");
        let control = RunControl::default();
        let pause = control.pause.clone();
        let status = eval::run_eval(history, &client, &prepared, control, move |p| {
            if p.done >= 5 {
                pause.cancel();
            }
        })
        .await
        .expect("paused");
        assert_eq!(status, eval::EvalRunStatus::Paused);
        run_id
    };
    let before = server.requests().len();
    let resumed = {
        let dir = dir.clone();
        let run_id = run_id.clone();
        tokio::task::spawn_blocking(move || {
            halley(
                &dir,
                &["eval", "resume", &run_id, "--threshold", "1", "--json"],
            )
        })
        .await
        .expect("ran")
    };
    assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
    let report: Value = serde_json::from_str(stdout(&resumed).trim()).expect("JSON");
    assert_eq!(report["variants"][0]["rows"], 20);
    assert_eq!(report["variants"][0]["passRate"], 1.0);
    assert_eq!(
        server.requests().len() - before,
        15,
        "only the 15 rows not done were sent"
    );
    let again = tokio::task::spawn_blocking(move || halley(&dir, &["eval", "resume", &run_id]))
        .await
        .expect("ran");
    assert_eq!(
        again.status.code(),
        Some(2),
        "a completed run is not resumed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_streams_the_answer_to_stdout() {
    if !keyring_available() {
        return;
    }
    let server = halley_mock::serve(halley_mock::Config::default())
        .await
        .expect("mock");
    let folder = folder(&server.base_url());
    let dir = folder.dir.path().to_owned();
    let asked = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            halley(&dir, &["ask", "hello from the shell", "--model", "echo"])
        })
        .await
        .expect("ran")
    };
    assert_eq!(asked.status.code(), Some(0), "{}", stderr(&asked));
    assert_eq!(stdout(&asked), "hello from the shell\n");
    let console = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            halley_cli(
                &dir,
                &["ask", "and from the console one", "--model", "echo"],
            )
        })
        .await
        .expect("ran")
    };
    assert_eq!(console.status.code(), Some(0), "{}", stderr(&console));
    assert_eq!(stdout(&console), "and from the console one\n");
    let with_preset = tokio::task::spawn_blocking(move || {
        halley(&dir, &["ask", "ignored?", "--preset", "repeat"])
    })
    .await
    .expect("ran");
    // The preset has no {{prompt}}: its {{text}} cannot be filled.
    assert_eq!(with_preset.status.code(), Some(2));
    assert!(
        stderr(&with_preset).contains("{{text}}"),
        "{}",
        stderr(&with_preset)
    );
    let sent = server
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/responses")
        .count();
    assert_eq!(sent, 2, "the refused ask sent nothing");
}

#[test]
fn usage_and_setup_errors_exit_with_2() {
    let empty = tempfile::tempdir().expect("temp dir");
    for args in [
        vec!["eval", "run", "repeat", "words"],
        vec!["eval", "run", "repeat", "words", "--threshold", "1.5"],
        vec!["eval", "frobnicate"],
        vec!["ask"],
        vec!["ask", "hi"],
    ] {
        let output = halley(empty.path(), &args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).is_empty(), "{args:?} says why");
    }
    let no_data = halley(empty.path(), &["eval", "run", "repeat", "words"]);
    assert!(
        stderr(&no_data).contains("no Halley data"),
        "{}",
        stderr(&no_data)
    );
    let help = halley(empty.path(), &["eval", "run", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("--threshold"));
    let console_help = halley_cli(empty.path(), &["eval", "run", "--help"]);
    assert_eq!(console_help.status.code(), Some(0));
    assert!(
        stdout(&console_help).contains("Usage: halley-cli eval run"),
        "{}",
        stdout(&console_help)
    );
    let bare = halley_cli(empty.path(), &[]);
    assert_eq!(
        bare.status.code(),
        Some(2),
        "no subcommand is a usage error"
    );
    assert!(stderr(&bare).contains("Usage: halley-cli <COMMAND>"));
}
