//! What an evaluation run adds per row, and how long a dataset import takes.
//!
//! 1. *Run overhead per row.* `eval::run_eval` over N rows, one at a time
//!    (concurrency 1), against halley-mock answering at once (no delay
//!    between deltas), with a regex grader: template filling, the typed
//!    request, the client, the fold, grading, the row's SQLite transaction
//!    on a real file and the progress report. Against that, the floor in the
//!    same command: the same N requests, built beforehand, through the
//!    Responses client alone (loopback HTTP + SSE decode, nothing folded,
//!    graded or stored) to the same server. The difference per row is what
//!    the run itself costs, the provider's time excluded.
//! 2. *Import of 10,000 rows*: CSV parsed and stored as a dataset version in
//!    a SQLite file, against the floor of parsing alone.
//!
//! Run (from the repository root): `cargo bench -p halley-core --bench eval`
//! (release), or `cargo test -p halley-core --release --bench eval`;
//! `HALLEY_BENCH_ROWS` (default 500) and `HALLEY_BENCH_ROUNDS` (default 3).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use halley_core::eval::{
    self, DatasetFormat, EvalRunRequest, GraderSpec, Overrides, RunControl, VariantSpec,
};
use halley_core::keys::{KeyStore, MemoryStore, SecretString};
use halley_core::providers::ProviderKind;
use halley_core::History;
use halley_responses::{Client, CreateResponse, Endpoint, StreamOptions};
use serde_json::json;

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn csv(rows: u32) -> String {
    let mut csv = String::from("id,question,expected\n");
    for i in 0..rows {
        csv.push_str(&format!("{i},\"What is {i}, doubled?\",{}\n", i * 2));
    }
    csv
}

fn main() {
    let rows = env_number("HALLEY_BENCH_ROWS", 500);
    let rounds = env_number("HALLEY_BENCH_ROUNDS", 3);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server = halley_mock::serve(halley_mock::Config {
            delta_delay: Duration::ZERO,
            ..halley_mock::Config::default()
        })
        .await
        .expect("mock");
        let dir = tempfile::tempdir().expect("temp dir");
        let history =
            Arc::new(History::open(&dir.path().join("history.sqlite3")).expect("history"));
        let provider = history
            .add_provider("mock", ProviderKind::Custom, Some(&server.base_url()))
            .expect("provider");
        let keys = MemoryStore::new();
        keys.set(&provider.id, &SecretString::new("sk-bench"))
            .expect("key");
        let state = json!({"model": "echo", "instructions": "Answer.",
            "messages": [{"role": "user", "parts": ["Q{{id}}: {{question}}"]}]});
        let preset = history
            .save_preset("bench", &state.to_string())
            .expect("preset")
            .id;
        let dataset = history
            .import_dataset(
                "bench",
                DatasetFormat::Csv,
                csv(rows).as_bytes(),
                Some("expected"),
            )
            .expect("dataset")
            .id;
        let client = Client::new().expect("client");
        let endpoint = Endpoint::new(server.base_url(), SecretString::new("sk-bench"));
        let requests: Vec<CreateResponse> = (0..rows)
            .map(|i| {
                serde_json::from_value(
                    json!({"model": "echo", "instructions": "Answer.", "stream": true,
                    "input": [{"role": "user", "content": [{"type": "input_text",
                        "text": format!("Q{i}: What is {i}, doubled?")}]}]}),
                )
                .expect("request")
            })
            .collect();

        let mut run_times = Vec::new();
        let mut floor_times = Vec::new();
        // One warm-up round of each, then the measured rounds.
        for round in 0..=rounds {
            let run_id = eval::create_run(
                &history,
                &EvalRunRequest {
                    dataset_id: dataset.clone(),
                    dataset_version: None,
                    variants: vec![VariantSpec {
                        label: None,
                        preset_id: preset.clone(),
                        preset_version: None,
                        provider_id: None,
                        overrides: Overrides::default(),
                    }],
                    graders: vec![GraderSpec::Regex {
                        pattern: "^Q\\d+: What is".into(),
                    }],
                    concurrency: Some(1),
                    mode: eval::RunMode::Live,
                },
            )
            .expect("run");
            let prepared = eval::prepare_run(&history, &keys, &run_id).expect("prepared");
            let start = Instant::now();
            let status = Box::pin(eval::run_eval(
                history.clone(),
                &client,
                &prepared,
                RunControl::default(),
                |_| {},
            ))
            .await
            .expect("run");
            let run_time = start.elapsed();
            assert_eq!(status, eval::EvalRunStatus::Completed);
            let aggregate = &eval::aggregate(&history, &run_id).expect("aggregate")[0];
            assert_eq!(aggregate.passed, rows, "every row answered and graded");

            let start = Instant::now();
            for request in &requests {
                let mut events = client
                    .create_stream(&endpoint, request, StreamOptions::default())
                    .await
                    .expect("stream");
                while let Some(event) = events.next().await {
                    event.expect("event");
                }
            }
            let floor_time = start.elapsed();
            if round > 0 {
                run_times.push(run_time);
                floor_times.push(floor_time);
            }
        }
        let per_row = |d: &Duration| d.as_secs_f64() * 1000.0 / f64::from(rows);
        let median = |times: &mut Vec<Duration>| {
            times.sort();
            times[times.len() / 2]
        };
        let run = per_row(&median(&mut run_times));
        let floor = per_row(&median(&mut floor_times));
        println!("rows: {rows}, rounds: {rounds} (median), concurrency 1");
        println!("RESULT path=run_eval ms_per_row={run:.3}");
        println!("RESULT path=client_only ms_per_row={floor:.3}");
        println!("RESULT path=added_by_run ms_per_row={:.3}", run - floor);

        let file = csv(10_000);
        let mut imports = Vec::new();
        let mut parses = Vec::new();
        for round in 0..rounds {
            let start = Instant::now();
            let table = eval::dataset::parse(file.as_bytes(), DatasetFormat::Csv).expect("parse");
            parses.push(start.elapsed());
            assert_eq!(table.rows.len(), 10_000);
            let start = Instant::now();
            history
                .import_dataset(
                    &format!("ten-thousand-{round}"),
                    DatasetFormat::Csv,
                    file.as_bytes(),
                    Some("expected"),
                )
                .expect("import");
            imports.push(start.elapsed());
        }
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "RESULT path=import_10k_rows ms={:.1}",
            ms(median(&mut imports))
        );
        println!(
            "RESULT path=parse_10k_rows_only ms={:.1}",
            ms(median(&mut parses))
        );
    });
}
