//! The capability probe the app starts by itself, through IPC: a model's
//! first turn at a provider starts it beside the turn (which does not wait
//! for it), its findings are kept, and it is not repeated for the same model.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::app::{finished, TestApp};

/// The probe's plain check (probe.rs), told apart from the user's turns.
const PROBE_PROMPT: &str = "Reply with the single word: ready";

fn probe_requests(app: &TestApp, model: &str) -> usize {
    app.create_requests()
        .iter()
        .filter(|r| {
            r.body.as_ref().is_some_and(|body| {
                body["model"] == model && body["input"].to_string().contains(PROBE_PROMPT)
            })
        })
        .count()
}

fn probed(app: &TestApp, provider: &Value, model: &str) -> bool {
    app.call(
        "provider_capabilities",
        json!({ "providerId": provider["id"] }),
    )
    .as_array()
    .expect("findings")
    .iter()
    .any(|f| f["feature"] == "chaining" && f["model"] == model && f["source"] == "probe")
}

#[test]
fn a_models_first_turn_starts_the_probe_once() {
    let app = TestApp::start();
    let key = format!("sk-probe-{}", uuid::Uuid::new_v4().simple());
    let provider = app.add_mock_provider(&key);
    app.set_automatic_probes(true);

    let run = app.send(None, None, "hello", "echo", true);
    let updates = app.channels.wait_finished(run.channel);
    assert_eq!(finished(&updates)["status"], "complete");

    let deadline = Instant::now() + Duration::from_secs(60);
    while !probed(&app, &provider, "echo") {
        assert!(
            Instant::now() < deadline,
            "the probe's findings for the model just used are stored within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let probes = probe_requests(&app, "echo");
    assert!(probes > 0, "the probe went to the provider");

    let again = app.send(
        Some(&run.conversation_id),
        Some(&run.assistant_message_id),
        "again",
        "echo",
        true,
    );
    app.channels.wait_finished(again.channel);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        probe_requests(&app, "echo"),
        probes,
        "a model already probed is not probed again"
    );

    // Off in Settings: a newly used model is not probed.
    app.set_automatic_probes(false);
    let other = app.send(None, None, "hi", "echo-other", true);
    app.channels.wait_finished(other.channel);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(probe_requests(&app, "echo-other"), 0);
}
