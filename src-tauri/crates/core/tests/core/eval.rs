//! Evaluation runs against halley-mock: a dataset in a SQLite file, preset
//! variants, graders (regex and the mock's `judge` model), resume after an
//! interruption counted at the mock, a 429's back-off and a provider that
//! starts failing mid-run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use halley_core::eval::{
    self, Comparison, DatasetFormat, EvalRunRequest, EvalRunStatus, GraderSpec, ModelGrader,
    Overrides, RowStatus, RunControl, RunMode, VariantSpec,
};
use halley_core::keys::{KeyStore, MemoryStore, SecretString};
use halley_core::pricing::ModelPrice;
use halley_core::providers::ProviderKind;
use halley_core::History;
use halley_mock::{Config, RunningServer};
use halley_responses::{Client, RetryPolicy};
use serde_json::{json, Value};

const KEY: &str = "sk-eval-test-key-0123456789";

struct Setup {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    history: Arc<History>,
    keys: MemoryStore,
    provider_id: String,
    server: RunningServer,
}

async fn setup(config: Config) -> Setup {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite3");
    let history = Arc::new(History::open(&path).expect("history opens"));
    let server = halley_mock::serve(config).await.expect("mock starts");
    let provider = history
        .add_provider("mock", ProviderKind::Custom, Some(&server.base_url()))
        .expect("provider");
    let keys = MemoryStore::new();
    keys.set(&provider.id, &SecretString::new(KEY))
        .expect("key");
    Setup {
        _dir: dir,
        path,
        history,
        keys,
        provider_id: provider.id,
        server,
    }
}

/// A preset whose one message is "Repeat: {{text}}".
fn save_preset(history: &History, model: &str) -> String {
    let state = json!({
        "model": model,
        "instructions": "Repeat what you are given.",
        "messages": [{"id": "m1", "role": "user", "parts": ["Repeat: {{text}}"], "attachments": []}],
        "functions": [], "mcp": [],
        "format": {"type": "text", "name": "reply", "description": "", "strict": true, "schema": ""}
    });
    history
        .save_preset("repeat", &state.to_string())
        .expect("preset saved")
        .id
}

/// `rows` rows `text,expected`: text "w<i> [[score:N]]" (N is 2 for every
/// fourth row, else 5), expected "w<i>".
fn import_rows(history: &History, rows: u32) -> String {
    let mut csv = String::from("text,expected\n");
    for i in 1..=rows {
        let score = if i % 4 == 0 { 2 } else { 5 };
        csv.push_str(&format!("\"w{i} [[score:{score}]]\",w{i}\n"));
    }
    history
        .import_dataset(
            "words",
            DatasetFormat::Csv,
            csv.as_bytes(),
            Some("expected"),
        )
        .expect("dataset imported")
        .id
}

fn regex() -> GraderSpec {
    GraderSpec::Regex {
        pattern: "^Repeat: {{expected}} ".into(),
    }
}

fn judge(pass_at: i32) -> GraderSpec {
    GraderSpec::Model(ModelGrader {
        provider_id: None,
        model: "judge".into(),
        rubric: "Does {{output}} repeat the text?".into(),
        min: 1,
        max: 5,
        pass_at,
    })
}

fn variant(preset_id: &str, model: Option<&str>) -> VariantSpec {
    VariantSpec {
        label: None,
        preset_id: preset_id.into(),
        preset_version: None,
        provider_id: None,
        overrides: Overrides {
            model: model.map(str::to_owned),
            ..Overrides::default()
        },
    }
}

/// Requests to `/v1/responses` whose body mentions `needle`, the model
/// grader's (which quote the answer) left out.
fn billed(server: &RunningServer, needle: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/responses" && model_of(r).as_deref() != Some("judge"))
        .filter(|r| {
            r.body
                .as_ref()
                .is_some_and(|b| b.to_string().contains(needle))
        })
        .count()
}

fn model_of(request: &halley_mock::RecordedRequest) -> Option<String> {
    request
        .body
        .as_ref()
        .and_then(|b| b.get("model"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_rows_two_variants_regex_and_model_grader() {
    let s = setup(Config::default()).await;
    let preset = save_preset(&s.history, "echo");
    let dataset = import_rows(&s.history, 20);
    // A price for the echo at this provider, so costs are counted.
    let mut settings = s.history.settings().expect("settings").settings;
    for model in ["echo", "judge"] {
        settings.prices.push(ModelPrice {
            provider_id: s.provider_id.clone(),
            model: model.into(),
            input: 1_000_000,
            cached_input: None,
            output: 2_000_000,
        });
    }
    s.history.save_settings(&settings).expect("prices saved");

    let run_id = eval::create_run(
        &s.history,
        &EvalRunRequest {
            dataset_id: dataset.clone(),
            dataset_version: None,
            variants: vec![variant(&preset, None), variant(&preset, Some("echo-json"))],
            graders: vec![regex(), judge(4)],
            concurrency: Some(4),
            mode: RunMode::Live,
        },
    )
    .expect("run created");
    let prepared = eval::prepare_run(&s.history, &s.keys, &run_id).expect("prepared");
    assert_eq!(prepared.total(), 40);
    let client = Client::new().expect("client");
    let progress = std::sync::Mutex::new(Vec::new());
    let status = eval::run_eval(
        s.history.clone(),
        &client,
        &prepared,
        RunControl::default(),
        |p| progress.lock().expect("lock").push(p),
    )
    .await
    .expect("run");
    assert_eq!(status, EvalRunStatus::Completed);
    let progress = progress.into_inner().expect("progress");
    assert_eq!(progress.len(), 41, "one report per row and a last one");
    assert!(progress
        .windows(2)
        .all(|w| w[0].done < w[1].done || w[1].eta_ms.is_none()));
    assert_eq!(progress.last().map(|p| (p.done, p.total)), Some((40, 40)));

    let aggregates = eval::aggregate(&s.history, &run_id).expect("aggregates");
    let echo = &aggregates[0];
    let json = &aggregates[1];
    // Echo: the regex passes every row, the judge fails every fourth (2 < 4).
    assert_eq!(
        (echo.rows, echo.passed, echo.failed),
        (20, 15, 0),
        "{echo:?}"
    );
    assert_eq!(echo.pass_rate, 0.75);
    let (low, high) = eval::wilson_95(15, 20);
    assert_eq!((echo.pass_rate_low, echo.pass_rate_high), (low, high));
    // echo-json answers JSON: the regex never matches.
    assert_eq!((json.rows, json.passed), (20, 0), "{json:?}");
    assert_eq!(echo.grader_requests + json.grader_requests, 40);
    assert!(echo.cost_usd.is_some_and(|c| c > 0.0), "{echo:?}");
    assert!(echo.grader_cost_usd.is_some_and(|c| c > 0.0), "{echo:?}");
    assert!(
        json.cost_usd.is_none(),
        "echo-json has no price: no made-up figure"
    );
    assert!(echo.latency_p50_ms.is_some() && echo.latency_p95_ms >= echo.latency_p50_ms);
    // Scores: 15 rows scored 5 (1.0) and 5 rows scored 2 (0.25), per variant.
    let mean = echo.mean_score.expect("scores");
    assert!((mean - (15.0 + 5.0 * 0.25) / 20.0).abs() < 1e-9, "{mean}");

    // At the mock: each row once per variant, and one grading per row.
    let requests = s.server.requests();
    let count = |model: &str| {
        requests
            .iter()
            .filter(|r| r.path == "/v1/responses" && model_of(r).as_deref() == Some(model))
            .count()
    };
    assert_eq!(
        (count("echo"), count("echo-json"), count("judge")),
        (20, 20, 40)
    );
    for i in [1, 7, 20] {
        assert_eq!(
            billed(&s.server, &format!("Repeat: w{i} ")),
            2,
            "row {i}: once per variant"
        );
    }
    let keyed = requests
        .iter()
        .filter(|r| r.header("authorization") == Some(&format!("Bearer {KEY}")))
        .count();
    assert_eq!(
        keyed,
        requests.len(),
        "every request carried the provider's key"
    );

    // What is stored: request, response, grades; and a human grade later.
    let results = s
        .history
        .eval_results(&run_id, Some(0), 0, 100, true)
        .expect("results");
    assert_eq!(results.len(), 20);
    let fourth = &results[3];
    assert_eq!(fourth.position, 4);
    assert!(!fourth.passed);
    assert!(fourth.grades[0].passed, "the regex passed");
    assert_eq!(fourth.grades[1].note.as_deref(), Some("scored 2 of 5"));
    assert!(fourth
        .request
        .as_deref()
        .is_some_and(|r| r.contains("Repeat: w4 [[score:2]]")));
    assert!(fourth
        .response
        .as_deref()
        .is_some_and(|r| r.contains("\"completed\"")));
    assert!(fourth.usage.input_tokens > 0);
    let everything: String = results.iter().map(|r| format!("{:?}", r)).collect();
    assert!(!everything.contains(KEY), "no key is stored with a result");
    s.history
        .set_human_grade(&run_id, 0, 4, Some(eval::HumanGrade::Stars(2)))
        .expect("graded");
    let graded = s
        .history
        .eval_results(&run_id, Some(0), 3, 1, false)
        .expect("row");
    assert_eq!(graded[0].human_grade, Some(eval::HumanGrade::Stars(2)));
    assert!(s
        .history
        .set_human_grade(&run_id, 0, 4, Some(eval::HumanGrade::Stars(9)))
        .is_err());

    // A second run of the same dataset version compares row by row: with
    // the judge passing at 2, the fourth rows are fixed.
    let again = eval::create_run(
        &s.history,
        &EvalRunRequest {
            dataset_id: dataset,
            dataset_version: None,
            variants: vec![variant(&preset, None)],
            graders: vec![regex(), judge(2)],
            concurrency: None,
            mode: RunMode::Live,
        },
    )
    .expect("second run");
    let prepared = eval::prepare_run(&s.history, &s.keys, &again).expect("prepared");
    eval::run_eval(
        s.history.clone(),
        &client,
        &prepared,
        RunControl::default(),
        |_| {},
    )
    .await
    .expect("second run");
    let comparison = eval::compare_runs(&s.history, (&run_id, 0), (&again, 0)).expect("compared");
    assert_eq!(comparison.after.passed, 20);
    assert!(comparison.regressions.is_empty());
    let fixed: Vec<u32> = comparison.fixes.iter().map(|f| f.position).collect();
    assert_eq!(fixed, [4, 8, 12, 16, 20]);
    assert!(
        eval::prepare_run(&s.history, &s.keys, &run_id).is_err(),
        "a completed run is not run again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_resumes_from_the_database_billing_each_row_once() {
    // Each streamed delta waits 15 ms: a row takes long enough to interrupt.
    let s = setup(Config {
        delta_delay: Duration::from_millis(15),
        ..Config::default()
    })
    .await;
    let preset = save_preset(&s.history, "echo");
    let dataset = import_rows(&s.history, 20);
    let run_id = eval::create_run(
        &s.history,
        &EvalRunRequest {
            dataset_id: dataset,
            dataset_version: None,
            variants: vec![variant(&preset, None)],
            graders: vec![regex()],
            concurrency: Some(3),
            mode: RunMode::Live,
        },
    )
    .expect("run created");
    let client = Client::new().expect("client");

    // 1. Pause after a few rows: rows in flight finish and are stored.
    let prepared = eval::prepare_run(&s.history, &s.keys, &run_id).expect("prepared");
    let control = RunControl::default();
    let pause = control.pause.clone();
    let status = eval::run_eval(s.history.clone(), &client, &prepared, control, move |p| {
        if p.done >= 4 {
            pause.cancel();
        }
    })
    .await
    .expect("paused run");
    assert_eq!(status, EvalRunStatus::Paused);
    let after_pause = s
        .history
        .eval_results(&run_id, None, 0, 100, false)
        .expect("results");
    assert!(
        (4..20).contains(&after_pause.len()),
        "{}",
        after_pause.len()
    );

    // 2. Start again and drop it midway (as a crash would): the task is
    // aborted with requests in flight.
    let prepared = eval::prepare_run(&s.history, &s.keys, &run_id).expect("prepared again");
    let history = s.history.clone();
    let task = tokio::spawn(async move {
        let client = Client::new().expect("client");
        eval::run_eval(history, &client, &prepared, RunControl::default(), |_| {}).await
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while s
        .history
        .eval_results(&run_id, None, 0, 100, false)
        .expect("results")
        .len()
        < 10
    {
        assert!(Instant::now() < deadline, "the run makes progress");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    task.abort();
    let _ = task.await;
    let before_crash: Vec<u32> = s
        .history
        .eval_results(&run_id, None, 0, 100, false)
        .expect("results")
        .iter()
        .map(|r| r.position)
        .collect();
    assert!(before_crash.len() < 20, "interrupted before the end");
    let (_, status) = s.history.eval_run(&run_id).expect("run");
    assert_eq!(
        status,
        EvalRunStatus::Running,
        "a crashed run still says running"
    );

    // 3. A new process: the history reopened from its file, the run resumed.
    let reopened = Arc::new(History::open(&s.path).expect("history reopens"));
    let prepared = eval::prepare_run(&reopened, &s.keys, &run_id).expect("resumable");
    let status = eval::run_eval(
        reopened.clone(),
        &client,
        &prepared,
        RunControl::default(),
        |_| {},
    )
    .await
    .expect("resumed run");
    assert_eq!(status, EvalRunStatus::Completed);
    let results = reopened
        .eval_results(&run_id, None, 0, 100, false)
        .expect("results");
    assert_eq!(results.len(), 20);
    assert!(results
        .iter()
        .all(|r| r.status == RowStatus::Answered && r.passed));

    // At the mock: a row stored before the crash was never sent again; a
    // row in flight at the crash (at most `concurrency` of them) may have
    // been sent twice; every other row exactly once.
    let mut twice = 0;
    for i in 1..=20u32 {
        let count = billed(&s.server, &format!("Repeat: w{i} "));
        if before_crash.contains(&i) {
            assert_eq!(
                count, 1,
                "row {i} was stored before the crash and billed once"
            );
        } else {
            assert!((1..=2).contains(&count), "row {i} billed {count} times");
            twice += usize::from(count == 2);
        }
    }
    assert!(
        twice <= 3,
        "only rows in flight at the crash were sent again: {twice}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_holds_the_run_back_for_its_retry_after_and_every_row_completes() {
    let s = setup(Config::default()).await;
    let preset = save_preset(&s.history, "fault:429-once");
    let dataset = import_rows(&s.history, 4);
    let run_id = eval::create_run(
        &s.history,
        &EvalRunRequest {
            dataset_id: dataset,
            dataset_version: None,
            variants: vec![variant(&preset, None)],
            graders: vec![],
            concurrency: Some(4),
            mode: RunMode::Live,
        },
    )
    .expect("run created");
    let prepared = eval::prepare_run(&s.history, &s.keys, &run_id).expect("prepared");
    let client = Client::new().expect("client");
    let started = Instant::now();
    let status = eval::run_eval(
        s.history.clone(),
        &client,
        &prepared,
        RunControl::default(),
        |_| {},
    )
    .await
    .expect("run");
    let elapsed = started.elapsed();
    assert_eq!(status, EvalRunStatus::Completed);
    // The mock asks for `Retry-After: 1` on each body's first request.
    assert!(
        elapsed >= Duration::from_millis(950),
        "waited for Retry-After: {elapsed:?}"
    );
    let results = s
        .history
        .eval_results(&run_id, None, 0, 10, false)
        .expect("results");
    assert_eq!(results.len(), 4);
    assert!(
        results.iter().all(|r| r.status == RowStatus::Answered),
        "{results:?}"
    );
    for i in 1..=4 {
        assert_eq!(
            billed(&s.server, &format!("Repeat: w{i} ")),
            2,
            "refused once, then answered"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_failing_mid_run_fails_those_rows_and_keeps_the_rest() {
    let s = setup(Config::default()).await;
    let preset = save_preset(&s.history, "fault:500-after-5");
    let dataset = import_rows(&s.history, 12);
    let run_id = eval::create_run(
        &s.history,
        &EvalRunRequest {
            dataset_id: dataset,
            dataset_version: None,
            variants: vec![variant(&preset, None)],
            graders: vec![GraderSpec::JsonPath {
                path: "$.x".into(),
                op: Comparison::Eq,
                value: json!(1),
            }],
            concurrency: Some(1),
            mode: RunMode::Live,
        },
    )
    .expect("run created");
    let mut prepared = eval::prepare_run(&s.history, &s.keys, &run_id).expect("prepared");
    prepared.retry = quick_retries();
    let client = Client::new().expect("client");
    let status = eval::run_eval(
        s.history.clone(),
        &client,
        &prepared,
        RunControl::default(),
        |_| {},
    )
    .await
    .expect("run");
    assert_eq!(status, EvalRunStatus::Completed, "every row has a result");
    let results = s
        .history
        .eval_results(&run_id, None, 0, 20, false)
        .expect("results");
    assert_eq!(results.len(), 12);
    for result in &results[..5] {
        assert_eq!(result.status, RowStatus::Answered, "{result:?}");
        assert!(result.output.starts_with("Repeat: w"), "the answer is kept");
        // Echo text is not JSON: a grading error, not a crash.
        assert!(result.grades[0].error);
    }
    for result in &results[5..] {
        assert_eq!(result.status, RowStatus::Failed, "{result:?}");
        let error = result.error.as_deref().unwrap_or_default();
        assert!(error.contains("server had an error"), "{error}");
        assert!(!error.contains(KEY));
    }
    let aggregate = &eval::aggregate(&s.history, &run_id).expect("aggregate")[0];
    assert_eq!(
        (aggregate.rows, aggregate.failed, aggregate.passed),
        (12, 7, 0)
    );
    assert_eq!(aggregate.grading_errors, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_cell_fails_its_row_without_a_request_and_an_unknown_variable_refuses_the_run() {
    let s = setup(Config::default()).await;
    let preset = save_preset(&s.history, "echo");
    let dataset = s
        .history
        .import_dataset(
            "gaps",
            DatasetFormat::Csv,
            b"text,other\nfirst,a\n,b\nthird,c\n",
            None,
        )
        .expect("dataset")
        .id;
    let run_id = eval::create_run(
        &s.history,
        &EvalRunRequest {
            dataset_id: dataset.clone(),
            dataset_version: None,
            variants: vec![variant(&preset, None)],
            graders: vec![],
            concurrency: None,
            mode: RunMode::Live,
        },
    )
    .expect("run created");
    let prepared = eval::prepare_run(&s.history, &s.keys, &run_id).expect("prepared");
    let client = Client::new().expect("client");
    eval::run_eval(
        s.history.clone(),
        &client,
        &prepared,
        RunControl::default(),
        |_| {},
    )
    .await
    .expect("run");
    let results = s
        .history
        .eval_results(&run_id, None, 0, 10, true)
        .expect("results");
    assert_eq!(results[1].status, RowStatus::Failed);
    assert_eq!(
        results[1].error.as_deref(),
        Some("row 2 has no value for the variable {{text}}")
    );
    assert!(results[1].request.is_none(), "nothing was sent for it");
    assert_eq!(billed(&s.server, "Repeat:"), 2, "rows 1 and 3 only");

    // A variable that is no column at all is said before anything runs.
    let state = json!({"model": "echo", "messages": [{"role": "user", "parts": ["{{question}}"]}]});
    let other = s
        .history
        .save_preset("asks", &state.to_string())
        .expect("preset")
        .id;
    let refused = eval::create_run(
        &s.history,
        &EvalRunRequest {
            dataset_id: dataset,
            dataset_version: None,
            variants: vec![variant(&other, None)],
            graders: vec![],
            concurrency: None,
            mode: RunMode::Live,
        },
    )
    .expect_err("no such column");
    let message = refused.to_string();
    assert!(
        message.contains("{{question}}") && message.contains("text, other"),
        "{message}"
    );
}

#[test]
fn datasets_are_versioned_exported_and_a_bad_file_stores_nothing() {
    let history = History::open_in_memory().expect("history");
    let first = history
        .import_dataset(
            "qa",
            DatasetFormat::Csv,
            "\u{FEFF}q,a\n\"x, y\",1\n".as_bytes(),
            Some("a"),
        )
        .expect("first");
    let second = history
        .import_dataset(
            "qa",
            DatasetFormat::Jsonl,
            b"{\"q\": \"z\", \"a\": 2}\n{\"q\": \"w\", \"a\": 3}\n",
            Some("a"),
        )
        .expect("second");
    assert_eq!(first.id, second.id, "the same name is the same dataset");
    assert_eq!((first.latest_version, second.latest_version), (1, 2));
    let versions = history.dataset_versions(&first.id).expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1].rows, 1, "version 1 kept as it was");
    assert_eq!(versions[0].expected_column.as_deref(), Some("a"));
    let csv = history
        .export_dataset(&first.id, 1, DatasetFormat::Csv)
        .expect("csv");
    assert_eq!(String::from_utf8(csv).expect("utf-8"), "q,a\n\"x, y\",1\n");
    let jsonl = history
        .export_dataset(&first.id, 2, DatasetFormat::Jsonl)
        .expect("jsonl");
    assert_eq!(
        String::from_utf8(jsonl).expect("utf-8"),
        "{\"q\":\"z\",\"a\":\"2\"}\n{\"q\":\"w\",\"a\":\"3\"}\n"
    );

    let refused = history
        .import_dataset("qa", DatasetFormat::Csv, b"q,a\n1,2\n3\n", None)
        .expect_err("row 2 is short");
    assert!(refused.to_string().contains("row 2 (line 3)"), "{refused}");
    let missing = history
        .import_dataset("qa", DatasetFormat::Csv, b"q,a\n1,2\n", Some("expected"))
        .expect_err("no such column");
    assert!(missing.to_string().contains("\"expected\""), "{missing}");
    assert_eq!(
        history.dataset_versions(&first.id).expect("versions").len(),
        2,
        "nothing added"
    );
}

#[test]
fn ten_thousand_and_a_hundred_thousand_rows_import() {
    let (_dir, history) = crate::support::file_history();
    for rows in [10_000u32, 100_000] {
        let mut csv = String::from("id,question,expected\n");
        for i in 0..rows {
            csv.push_str(&format!("{i},\"What is {i}, doubled?\",{}\n", i * 2));
        }
        let name = format!("big-{rows}");
        let summary = history
            .import_dataset(&name, DatasetFormat::Csv, csv.as_bytes(), Some("expected"))
            .expect("imported");
        assert_eq!(summary.rows, rows);
        let last = history
            .dataset_rows(&summary.id, 1, rows - 1, 10)
            .expect("the last row");
        assert_eq!(
            last,
            [vec![
                format!("{}", rows - 1),
                format!("What is {}, doubled?", rows - 1),
                format!("{}", (rows - 1) * 2)
            ]]
        );
    }
}

/// A batch run over `rows` rows whose third row fails in the batch and
/// whose fifth is left out of its result.
async fn batch_run(config: Config, rows: u32) -> (Setup, String, EvalRunStatus) {
    let s = setup(config).await;
    let preset = save_preset(&s.history, "echo");
    let mut csv = String::from("text,expected\n");
    for i in 1..=rows {
        let marker = match i {
            3 => " [[batch:fail]]",
            5 => " [[batch:drop]]",
            _ => "",
        };
        csv.push_str(&format!("w{i}{marker},w{i}\n"));
    }
    let dataset = s
        .history
        .import_dataset(
            "batch",
            DatasetFormat::Csv,
            csv.as_bytes(),
            Some("expected"),
        )
        .expect("dataset")
        .id;
    let run_id = eval::create_run(
        &s.history,
        &EvalRunRequest {
            dataset_id: dataset,
            dataset_version: None,
            variants: vec![variant(&preset, None)],
            graders: vec![GraderSpec::Regex {
                pattern: "^Repeat: {{expected}}".into(),
            }],
            concurrency: None,
            mode: RunMode::Batch,
        },
    )
    .expect("run created");
    let mut prepared = eval::prepare_run(&s.history, &s.keys, &run_id).expect("prepared");
    prepared.batch_poll = Duration::from_millis(20);
    prepared.retry = quick_retries();
    let client = Client::new().expect("client");
    let status = eval::run_eval(
        s.history.clone(),
        &client,
        &prepared,
        RunControl::default(),
        |_| {},
    )
    .await
    .expect("run");
    (s, run_id, status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_run_polls_the_batch_and_fails_the_rows_it_did_not_answer() {
    let (s, run_id, status) = batch_run(Config::default(), 6).await;
    assert_eq!(status, EvalRunStatus::Completed);
    let results = s
        .history
        .eval_results(&run_id, None, 0, 10, false)
        .expect("results");
    assert_eq!(results.len(), 6);
    for result in &results {
        match result.position {
            3 => {
                assert_eq!(result.status, RowStatus::Failed);
                let error = result.error.as_deref().unwrap_or_default();
                assert!(error.contains("500"), "{error}");
            }
            5 => {
                assert_eq!(result.status, RowStatus::Failed);
                assert_eq!(
                    result.error.as_deref(),
                    Some("the provider's batch result has no answer for this row")
                );
            }
            _ => assert!(result.passed, "{result:?}"),
        }
    }
    let requests = s.server.requests();
    let count = |method: &str, prefix: &str| {
        requests
            .iter()
            .filter(|r| r.method == method && r.path.starts_with(prefix))
            .count()
    };
    assert_eq!(count("POST", "/v1/responses"), 0, "nothing was sent live");
    assert_eq!(
        (count("POST", "/v1/files"), count("POST", "/v1/batches")),
        (1, 1)
    );
    assert!(count("GET", "/v1/batches/") >= 3, "polled until completed");
    let aggregate = &eval::aggregate(&s.history, &run_id).expect("aggregate")[0];
    assert_eq!(
        (aggregate.rows, aggregate.passed, aggregate.failed),
        (6, 4, 2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_without_a_batch_api_runs_the_batch_live() {
    let (s, run_id, status) = batch_run(
        Config {
            batch_api: false,
            ..Config::default()
        },
        4,
    )
    .await;
    assert_eq!(status, EvalRunStatus::Completed);
    let results = s
        .history
        .eval_results(&run_id, None, 0, 10, false)
        .expect("results");
    assert_eq!(results.len(), 4);
    // Live, the batch markers are plain text the echo repeats.
    assert!(
        results.iter().all(|r| r.status == RowStatus::Answered),
        "{results:?}"
    );
    let live = s
        .server
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v1/responses")
        .count();
    assert_eq!(live, 4, "each row once, live");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_batch_run_resumes_by_polling_the_same_batch() {
    let s = setup(Config::default()).await;
    let preset = save_preset(&s.history, "echo");
    let dataset = import_rows(&s.history, 5);
    let run_id = eval::create_run(
        &s.history,
        &EvalRunRequest {
            dataset_id: dataset,
            dataset_version: None,
            variants: vec![variant(&preset, None)],
            graders: vec![regex()],
            concurrency: None,
            mode: RunMode::Batch,
        },
    )
    .expect("run created");
    let client = Client::new().expect("client");
    // Looks far apart: the pause comes while the batch is being polled.
    let mut prepared = eval::prepare_run(&s.history, &s.keys, &run_id).expect("prepared");
    prepared.batch_poll = Duration::from_millis(300);
    let control = RunControl::default();
    let pause = control.pause.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        pause.cancel();
    });
    let status = eval::run_eval(s.history.clone(), &client, &prepared, control, |_| {})
        .await
        .expect("paused");
    assert_eq!(status, EvalRunStatus::Paused);
    assert!(s
        .history
        .eval_results(&run_id, None, 0, 10, false)
        .expect("results")
        .is_empty());

    let reopened = Arc::new(History::open(&s.path).expect("reopened"));
    let mut prepared = eval::prepare_run(&reopened, &s.keys, &run_id).expect("prepared again");
    prepared.batch_poll = Duration::from_millis(20);
    let status = eval::run_eval(
        reopened.clone(),
        &client,
        &prepared,
        RunControl::default(),
        |_| {},
    )
    .await
    .expect("resumed");
    assert_eq!(status, EvalRunStatus::Completed);
    let results = reopened
        .eval_results(&run_id, None, 0, 10, false)
        .expect("results");
    assert_eq!(results.len(), 5);
    assert!(results.iter().all(|r| r.passed), "{results:?}");
    let batches = s
        .server
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/v1/batches")
        .count();
    assert_eq!(
        batches, 1,
        "the resume polled the batch it had sent, not a new one"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_stops_its_rows_in_flight_and_cannot_be_resumed() {
    let s = setup(Config {
        delta_delay: Duration::from_millis(20),
        ..Config::default()
    })
    .await;
    let preset = save_preset(&s.history, "echo");
    let dataset = import_rows(&s.history, 12);
    let run_id = eval::create_run(
        &s.history,
        &EvalRunRequest {
            dataset_id: dataset,
            dataset_version: None,
            variants: vec![variant(&preset, None)],
            graders: vec![],
            concurrency: Some(2),
            mode: RunMode::Live,
        },
    )
    .expect("run created");
    let prepared = eval::prepare_run(&s.history, &s.keys, &run_id).expect("prepared");
    let client = Client::new().expect("client");
    let control = RunControl::default();
    let cancel = control.cancel.clone();
    let status = eval::run_eval(s.history.clone(), &client, &prepared, control, move |p| {
        if p.done >= 3 {
            cancel.cancel();
        }
    })
    .await
    .expect("cancelled run");
    assert_eq!(status, EvalRunStatus::Cancelled);
    let stored = s
        .history
        .eval_results(&run_id, None, 0, 20, false)
        .expect("results");
    // The rows in flight at the cancel were dropped, not stored half done.
    assert!((3..=4).contains(&stored.len()), "{} stored", stored.len());
    assert!(stored.iter().all(|r| r.status == RowStatus::Answered));
    let (_, status) = s.history.eval_run(&run_id).expect("run");
    assert_eq!(status, EvalRunStatus::Cancelled);
    let refused = match eval::prepare_run(&s.history, &s.keys, &run_id) {
        Ok(_) => panic!("a cancelled run is not resumed"),
        Err(error) => error.to_string(),
    };
    assert!(refused.contains("cancelled"), "{refused}");
}
