//! Folding: what the deltas build must match what the server says it sent.
//!
//! Two checks per stream. Before each `output_item.done`, the item folded
//! from deltas must already hold the done item's text, arguments, summaries,
//! code and annotations. And the snapshot folded with the terminal event's
//! `output` removed must match that `output` item by item.

use crate::cases::{self, report};
use halley_responses::items::ContentPart;
use halley_responses::{Accumulator, Nullable, OutputItem, StreamEvent};
use serde_json::{json, Value};

/// What deltas produce, per item; `null` where the item has no such thing.
pub fn facets(item: &OutputItem) -> Value {
    let parts = |parts: &[ContentPart]| -> Value {
        parts
            .iter()
            .map(|p| match p {
                ContentPart::OutputText(t) => json!({
                    "text": t.text,
                    "annotations": t.annotations.get().map(|a| serde_json::to_value(a).unwrap_or_default()),
                }),
                ContentPart::Refusal(r) => json!({"refusal": r.refusal}),
                ContentPart::ReasoningText(t) => json!({"text": t.text}),
                other => json!({"type": other.part_type()}),
            })
            .collect()
    };
    match item {
        OutputItem::Message(m) => json!({"content": parts(&m.content)}),
        OutputItem::Reasoning(r) => json!({
            "summary": r.summary.iter().map(|s| s.text.clone()).collect::<Vec<_>>(),
            "content": r.content.get().map(|c| parts(c)),
        }),
        OutputItem::FunctionCall(f) => json!({"arguments": f.arguments}),
        OutputItem::CustomToolCall(c) => json!({"input": c.input}),
        OutputItem::McpCall(m) => json!({"arguments": m.arguments.get()}),
        OutputItem::CodeInterpreterCall(c) => json!({"code": c.code.get()}),
        _ => json!({"type": item.item_type()}),
    }
}

#[test]
fn deltas_fold_into_what_the_server_reports() {
    let mut failures = Vec::new();
    let mut compared_items = 0;
    for (case, body) in cases::streams() {
        let Ok(events) = cases::events(&body) else {
            continue;
        }; // reported by `streams`
        let Some(terminal) = events.iter().rev().find(|e| e.is_terminal()).cloned() else {
            failures.push(format!("{}: no terminal event", case.name));
            continue;
        };
        let mut acc = Accumulator::new();
        for event in &events {
            if let StreamEvent::OutputItemDone(done) = event {
                let folded = acc.item(done.output_index).map(facets);
                let expected = facets(&done.item);
                if folded.as_ref() != Some(&expected) {
                    failures.push(format!(
                        "{}: item {} ({}) from deltas {folded:?}\n    but output_item.done says {expected}",
                        case.name,
                        done.output_index,
                        done.item.item_type()
                    ));
                }
            }
            if event.is_terminal() {
                // Fold without the terminal's output: the deltas alone.
                let mut stripped = event.clone();
                if let StreamEvent::Completed(e)
                | StreamEvent::Failed(e)
                | StreamEvent::Incomplete(e) = &mut stripped
                {
                    e.response.output = Nullable::Absent;
                }
                acc.apply(&stripped);
            } else {
                acc.apply(event);
            }
        }
        let folded = acc.snapshot().output().to_vec();
        let reported = terminal
            .response()
            .map(|r| r.output().to_vec())
            .unwrap_or_default();
        if folded.len() != reported.len() {
            failures.push(format!(
                "{}: folded {} items, terminal has {}",
                case.name,
                folded.len(),
                reported.len()
            ));
            continue;
        }
        for (i, (ours, theirs)) in folded.iter().zip(&reported).enumerate() {
            compared_items += 1;
            if ours.item_type() != theirs.item_type() || facets(ours) != facets(theirs) {
                failures.push(format!(
                    "{}: item {i} folded {}\n    terminal {}",
                    case.name,
                    facets(ours),
                    facets(theirs)
                ));
            }
            // Status where the terminal carries it.
            if theirs.status().is_some() && ours.status() != theirs.status() {
                failures.push(format!(
                    "{}: item {i} status {:?} vs {:?}",
                    case.name,
                    ours.status(),
                    theirs.status()
                ));
            }
        }
        let done_ok = matches!(terminal, StreamEvent::Completed(_));
        if acc.finish().is_ok() != done_ok {
            failures.push(format!(
                "{}: finish() disagrees with the terminal event",
                case.name
            ));
        }
    }
    report("folding", &failures);
    assert!(
        compared_items > 0 || cases::all().is_empty(),
        "some items were compared"
    );
}

/// Recordings whose deltas were edited by hand (NOTES.md: "vercel-phase-stream
/// has gaps because the fixture author deleted some deltas").
const EDITED_DELTAS: &[&str] = &["vercel-phase-stream"];

#[test]
fn deltas_alone_rebuild_every_item_that_had_deltas() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for (case, body) in cases::streams() {
        let Ok(events) = cases::events(&body) else {
            continue;
        };
        let Some(terminal) = events.iter().rev().find_map(StreamEvent::response) else {
            continue;
        };
        // No `.done` event of any kind and no terminal: only `added` skeletons,
        // deltas and annotations. Copies in `.done` events cannot mask a bug.
        let mut acc = Accumulator::new();
        let mut had_deltas = std::collections::BTreeSet::new();
        for event in &events {
            let kind = event.event_type();
            if kind.ends_with(".done") || event.is_terminal() {
                continue;
            }
            if kind.ends_with(".delta") || kind.ends_with(".annotation.added") {
                let json = serde_json::to_value(event).unwrap_or_default();
                if let Some(index) = json.get("output_index").and_then(Value::as_u64) {
                    had_deltas.insert(index);
                }
            }
            acc.apply(event);
        }
        if EDITED_DELTAS.contains(&case.name.as_str()) {
            continue;
        }
        for index in had_deltas {
            let theirs = terminal.output().get(index as usize);
            let ours = acc.item(index as u32);
            compared += 1;
            if theirs.map(facets) != ours.map(facets) {
                failures.push(format!(
                    "{}: item {index} from deltas alone {:?}\n    terminal {:?}",
                    case.name,
                    ours.map(facets),
                    theirs.map(facets)
                ));
            }
        }
    }
    report("deltas-only folding", &failures);
    assert!(
        compared > 0 || cases::all().is_empty(),
        "some items were rebuilt from deltas"
    );
}

#[test]
fn terminal_output_wins_and_annotations_are_not_duplicated() {
    let mut failures = Vec::new();
    for (case, body) in cases::streams() {
        let Ok(events) = cases::events(&body) else {
            continue;
        };
        let mut acc = Accumulator::new();
        for event in &events {
            acc.apply(event);
        }
        let Some(terminal) = events.iter().rev().find_map(StreamEvent::response) else {
            continue;
        };
        let ours = serde_json::to_value(acc.snapshot().output()).unwrap_or_default();
        let theirs = serde_json::to_value(terminal.output()).unwrap_or_default();
        // Annotations arrive up to four times (annotation.added, content_part.done,
        // output_item.done, the final response); exactly one copy must remain.
        if !terminal.output().is_empty() && ours != theirs {
            failures.push(format!(
                "{}: snapshot output differs from the terminal output",
                case.name
            ));
        }
    }
    report("terminal reconciliation", &failures);
}

/// A background answer picked up after the app closed starts from the
/// snapshot kept while it streamed, stored as JSON and read back: the events
/// after it must fold onto that snapshot into exactly what one unbroken fold
/// gives. Checked at several cut points of every recorded stream.
#[test]
fn a_stored_snapshot_resumes_into_the_same_response() {
    let mut failures = Vec::new();
    let mut resumed = 0;
    for (case, body) in cases::streams() {
        let Ok(events) = cases::events(&body) else {
            continue;
        };
        let mut whole = Accumulator::new();
        for event in &events {
            whole.apply(event);
        }
        let expected = serde_json::to_value(whole.snapshot()).expect("JSON");
        for cut in [
            1,
            events.len() / 3,
            events.len() / 2,
            events.len().saturating_sub(1),
        ] {
            if cut == 0 || cut >= events.len() {
                continue;
            }
            let mut before = Accumulator::new();
            for event in &events[..cut] {
                before.apply(event);
            }
            let stored = serde_json::to_string(before.snapshot()).expect("JSON");
            let mut after = Accumulator::resuming(serde_json::from_str(&stored).expect("reads"));
            for event in &events[cut..] {
                after.apply(event);
            }
            resumed += 1;
            let got = serde_json::to_value(after.snapshot()).expect("JSON");
            if got["output"] != expected["output"] || got["status"] != expected["status"] {
                failures.push(format!(
                    "{}: resumed after event {cut} differs from the unbroken fold",
                    case.name
                ));
            }
        }
    }
    report("resuming", &failures);
    assert!(
        resumed > 0 || cases::all().is_empty(),
        "some streams were resumed"
    );
}
