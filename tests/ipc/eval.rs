//! Evaluations through the commands, as the results UI will call them: a
//! dataset imported as base64, a run started with its progress on a
//! Channel, paused and resumed, its aggregates and results read, a human
//! grade stored, the dataset exported.

use base64::Engine as _;
use serde_json::{json, Value};

use crate::app::TestApp;

const KEY: &str = "sk-ipc-eval-key-0123456789";

fn preset(app: &TestApp) -> String {
    let form = json!({"model": "echo", "instructions": "Repeat.",
        "messages": [{"id": "m1", "role": "user", "parts": ["Say {{word}}"], "attachments": []}],
        "functions": [], "mcp": []});
    app.call(
        "preset_save",
        json!({"name": "say", "formJson": form.to_string()}),
    )["id"]
        .as_str()
        .expect("preset id")
        .to_owned()
}

#[test]
fn a_run_streams_its_progress_and_its_results_can_be_read_and_graded() {
    let app = TestApp::start();
    app.add_mock_provider(KEY);
    let preset = preset(&app);
    let mut csv = String::from("word,expected\n");
    for i in 1..=6 {
        csv.push_str(&format!("w{i},Say w{i}\n"));
    }
    let dataset = app.call(
        "eval_import_dataset",
        json!({"name": "words", "format": "csv", "expectedColumn": "expected",
            "dataBase64": base64::engine::general_purpose::STANDARD.encode(&csv)}),
    );
    assert_eq!(
        (dataset["rows"].clone(), dataset["latestVersion"].clone()),
        (json!(6), json!(1))
    );
    let dataset_id = dataset["id"].as_str().expect("id").to_owned();

    let bad = app
        .invoke(
            "eval_import_dataset",
            json!({"name": "words", "format": "csv", "expectedColumn": null,
                "dataBase64": base64::engine::general_purpose::STANDARD.encode("a,b\n1\n")}),
        )
        .expect_err("a short row is refused");
    assert_eq!(bad["code"], "invalid_input");
    assert!(
        bad["message"]
            .as_str()
            .is_some_and(|m| m.contains("row 1 (line 2)")),
        "{bad}"
    );

    let preview = app.call(
        "eval_preview_dataset",
        json!({"format": "csv", "dataBase64": base64::engine::general_purpose::STANDARD.encode("a,b\n1\n")}),
    );
    assert_eq!(preview["kind"], "unreadable");
    assert_eq!(
        preview["problem"],
        json!({"code": "malformed", "row": 1, "line": 2,
        "reason": "it has 1 field where the header has 2"})
    );

    let (channel, channel_arg) = app.new_channel();
    let run_id = app.call(
        "eval_start_run",
        json!({"request": {
            "datasetId": dataset_id, "datasetVersion": null, "concurrency": 2,
            "variants": [{"presetId": preset}],
            "graders": [{"kind": "exact", "reference": {"from": "expected"}}]
        }, "onProgress": channel_arg}),
    );
    let run_id = run_id.as_str().expect("run id").to_owned();
    let updates = app
        .channels
        .wait_for(channel, |p| p["status"] == "completed");
    let last = updates.last().expect("a last update");
    assert_eq!(
        (last["done"].clone(), last["total"].clone()),
        (json!(6), json!(6))
    );
    assert!(
        updates.len() >= 6,
        "one update per row and the last: {updates:?}"
    );

    let aggregates = app.call("eval_run_aggregates", json!({"runId": run_id}));
    assert_eq!(aggregates[0]["passRate"], 1.0);
    assert_eq!(aggregates[0]["label"], "say v1");
    let results = app.call(
        "eval_results",
        json!({"runId": run_id, "variant": 0, "offset": 0, "limit": 10, "withExchange": true}),
    );
    let rows = results.as_array().expect("rows");
    assert_eq!(rows.len(), 6);
    assert!(rows[0]["request"]
        .as_str()
        .is_some_and(|r| r.contains("Say w1")));
    app.call(
        "eval_set_human_grade",
        json!({"runId": run_id, "variant": 0, "position": 2, "grade": {"kind": "thumb", "value": false}}),
    );
    let graded = app.call(
        "eval_results",
        json!({"runId": run_id, "variant": 0, "offset": 1, "limit": 1, "withExchange": false}),
    );
    assert_eq!(
        graded[0]["humanGrade"],
        json!({"kind": "thumb", "value": false})
    );
    assert_eq!(
        graded[0]["request"],
        Value::Null,
        "no exchange unless asked"
    );

    let (resume_channel, resume_arg) = app.new_channel();
    let refused = app
        .invoke(
            "eval_resume_run",
            json!({"runId": run_id, "onProgress": resume_arg}),
        )
        .expect_err("a completed run is not run again");
    assert_eq!(refused["code"], "invalid_input");
    let _ = resume_channel;

    let exported = app.call(
        "eval_export_dataset",
        json!({"datasetId": dataset_id, "version": 1, "format": "csv"}),
    );
    assert_eq!(exported.as_str(), Some(csv.as_str()));
    let runs = app.call("eval_list_runs", json!({}));
    assert_eq!(runs[0]["results"], 6);
    app.assert_key_never_sent_to_ui(KEY);
}
