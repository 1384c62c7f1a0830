//! Event recordings: a run's raw events saved as a `.sse` file (the wire
//! framing, `event: <type>\ndata: <json>\n\n`), and such a file folded again
//! into what a live run would have reported — each event, the updates it
//! made, and the final response — so the inspector can show it.
//!
//! Times travel as SSE comments (`: ms=12.5` before each frame, `: opened_ms=`
//! once at the top), which every SSE reader skips: the file is still a plain
//! stream any client can replay, and Halley gets its timeline back. A file
//! without them (from curl, say) opens with every time at 0.

use halley_responses::{Accumulator, EventDecoder};
use serde::Deserialize;
use serde_json::Value;
use ts_rs::TS;

use super::events::PlaygroundEvent;
use super::run::settle;
use crate::Error;

/// One event of the inspector's timeline, as the UI hands it over to save.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[ts(export_to = "RecordedEvent.ts")]
pub struct RecordedEvent {
    /// Milliseconds since the request was sent.
    pub ms: f64,
    #[ts(type = "Record<string, unknown>")]
    pub event: Value,
}

const OPENED: &str = ": opened_ms=";
const AT: &str = ": ms=";

/// The events as a recording, each framed exactly as a server streams it and
/// preceded by its time; `opened_ms` is the time to the first byte.
pub fn recording_text(opened_ms: Option<f64>, events: &[RecordedEvent]) -> String {
    let mut text = String::new();
    if let Some(ms) = opened_ms {
        text.push_str(&format!("{OPENED}{ms}\n\n"));
    }
    for RecordedEvent { ms, event } in events {
        let kind = event.get("type").and_then(Value::as_str).unwrap_or("");
        // Compact JSON has no newline, so one `data:` line holds it all.
        text.push_str(&format!("{AT}{ms}\nevent: {kind}\ndata: {event}\n\n"));
    }
    text
}

/// A time comment's value, if `line` is the comment `prefix` names.
fn time_after(line: &str, prefix: &str) -> Option<f64> {
    line.strip_prefix(prefix)?
        .trim()
        .parse()
        .ok()
        .filter(|ms: &f64| ms.is_finite())
}

/// Folds a recording into the events a run reports, with the times it kept,
/// ending with `Finished`. Frames that are not JSON are skipped, as in a live
/// run; a text with no event at all is refused.
pub fn fold_recording(text: &str) -> Result<Vec<PlaygroundEvent>, Error> {
    let mut decoder = EventDecoder::new();
    let mut accumulator = Accumulator::new();
    let mut out = Vec::new();
    let mut decoded = Vec::new();
    let mut ms = 0.0;
    let mut saw_event = false;
    let mut fold = |decoded: &mut Vec<_>, ms: f64, out: &mut Vec<PlaygroundEvent>| {
        for event in decoded.drain(..).flatten() {
            saw_event = true;
            let updates = accumulator.apply(&event);
            out.push(PlaygroundEvent::Event { ms, event });
            out.extend(
                updates
                    .into_iter()
                    .map(|update| PlaygroundEvent::Update { ms, update }),
            );
        }
    };
    // Line by line, so each event takes the time noted just before its frame.
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\r', '\n']);
        if let Some(opened) = time_after(bare, OPENED) {
            out.push(PlaygroundEvent::Opened { ms: opened });
        } else if let Some(at) = time_after(bare, AT) {
            ms = at;
        }
        decoder.feed(line.as_bytes(), &mut decoded);
        fold(&mut decoded, ms, &mut out);
    }
    decoder.finish(&mut decoded);
    fold(&mut decoded, ms, &mut out);
    if !saw_event {
        return Err(Error::InvalidInput(
            "not an event recording: no `data:` line holds a stream event".into(),
        ));
    }
    let outcome = settle(accumulator, None);
    out.push(PlaygroundEvent::Finished {
        ms,
        status: outcome.status,
        response: outcome.response,
        error: outcome.error,
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::{fold_recording, recording_text, RecordedEvent};
    use crate::playground::PlaygroundEvent;

    /// The events, 10 ms apart from 20 ms on.
    fn timed(events: &[Value]) -> Vec<RecordedEvent> {
        events
            .iter()
            .enumerate()
            .map(|(i, event)| RecordedEvent {
                ms: 20.0 + 10.0 * i as f64,
                event: event.clone(),
            })
            .collect()
    }

    fn events() -> Vec<Value> {
        let response = |status: &str, output: Value| {
            json!({"id": "resp_1", "object": "response", "created_at": 1, "status": status,
                "model": "echo", "output": output})
        };
        let item = json!({"id": "msg_1", "type": "message", "status": "completed",
            "role": "assistant", "content": [{"type": "output_text", "text": "Hi", "annotations": []}]});
        vec![
            json!({"type": "response.created", "sequence_number": 0, "response": response("in_progress", json!([]))}),
            json!({"type": "response.output_item.added", "sequence_number": 1, "output_index": 0,
                "item": {"id": "msg_1", "type": "message", "status": "in_progress", "role": "assistant", "content": []}}),
            json!({"type": "response.output_text.delta", "sequence_number": 2, "output_index": 0,
                "item_id": "msg_1", "content_index": 0, "delta": "Hi"}),
            json!({"type": "response.output_item.done", "sequence_number": 3, "output_index": 0, "item": item}),
            json!({"type": "response.completed", "sequence_number": 4, "response": response("completed", json!([item]))}),
        ]
    }

    #[test]
    fn a_saved_recording_folds_back_into_the_same_events_and_the_final_response() {
        let events = events();
        let text = recording_text(Some(5.5), &timed(&events));
        assert!(
            text.contains("\nevent: response.created\ndata: {"),
            "SSE framing with the type as event name: {text}"
        );
        // Any SSE reader skips comments, so the file replays as a plain stream.
        let mut plain = Vec::new();
        let mut decoder = halley_responses::EventDecoder::new();
        decoder.feed(text.as_bytes(), &mut plain);
        assert_eq!(
            plain.iter().filter(|e| e.is_ok()).count(),
            events.len(),
            "the time comments hide nothing from a plain reader"
        );
        let folded = fold_recording(&text).expect("a recording");
        let raw: Vec<&halley_responses::StreamEvent> = folded
            .iter()
            .filter_map(|e| match e {
                PlaygroundEvent::Event { event, .. } => Some(event),
                _ => None,
            })
            .collect();
        assert_eq!(raw.len(), events.len(), "every recorded event comes back");
        for (back, sent) in raw.iter().zip(&events) {
            assert_eq!(Some(back.event_type()), sent["type"].as_str());
            assert_eq!(back.sequence_number(), sent["sequence_number"].as_u64());
        }
        let times: Vec<f64> = folded
            .iter()
            .filter_map(|e| match e {
                PlaygroundEvent::Event { ms, .. } => Some(*ms),
                _ => None,
            })
            .collect();
        assert_eq!(
            times,
            [20.0, 30.0, 40.0, 50.0, 60.0],
            "each event gets back the time it was recorded at"
        );
        assert_eq!(
            folded.first(),
            Some(&PlaygroundEvent::Opened { ms: 5.5 }),
            "the time to first byte comes back too"
        );
        // The delta was folded into an update, as in a live run.
        assert!(folded.iter().any(|e| matches!(
            e,
            PlaygroundEvent::Update {
                update: halley_responses::FoldUpdate::TextDelta { .. },
                ..
            }
        )));
        let Some(PlaygroundEvent::Finished {
            ms,
            status,
            response,
            error,
        }) = folded.last()
        else {
            panic!("a recording ends with Finished");
        };
        assert_eq!(*ms, 60.0, "the run ends at its last event");
        assert_eq!(*status, crate::playground::PlaygroundStatus::Completed);
        assert!(error.is_none(), "a completed recording is no error");
        let response = response.as_ref().expect("the final response");
        assert_eq!(response["output"][0]["content"][0]["text"], "Hi");
    }

    #[test]
    fn a_cut_off_recording_still_shows_what_arrived() {
        let events = events();
        let text = recording_text(None, &timed(&events[..3]));
        let folded = fold_recording(&text).expect("a recording");
        let Some(PlaygroundEvent::Finished {
            status, response, ..
        }) = folded.last()
        else {
            panic!("a recording ends with Finished");
        };
        // No terminal event: an error status, but the folded text is kept.
        assert_eq!(*status, crate::playground::PlaygroundStatus::Error);
        let response = response.as_ref().expect("the snapshot");
        assert_eq!(response["output"][0]["content"][0]["text"], "Hi");
    }

    #[test]
    fn a_recording_without_times_opens_with_times_at_zero() {
        let plain: String = events().iter().map(|e| format!("data: {e}\n\n")).collect();
        let folded = fold_recording(&plain).expect("a plain SSE capture is a recording");
        assert!(
            folded.iter().all(|e| match e {
                PlaygroundEvent::Event { ms, .. } | PlaygroundEvent::Update { ms, .. } =>
                    *ms == 0.0,
                PlaygroundEvent::Finished { ms, .. } => *ms == 0.0,
                _ => false,
            }),
            "no time comments: nothing invented, and no Opened"
        );
    }

    #[test]
    fn text_that_is_not_a_recording_is_refused() {
        assert!(fold_recording("hello\nworld\n").is_err(), "no data lines");
        assert!(
            fold_recording("data: not json\n\n").is_err(),
            "no JSON event"
        );
    }
}
