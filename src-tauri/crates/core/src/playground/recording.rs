//! Event recordings: a run's raw events saved as a `.sse` file (the wire
//! framing, `event: <type>\ndata: <json>\n\n`), and such a file folded again
//! into what a live run would have reported — each event, the updates it
//! made, and the final response — so the inspector can show it.

use halley_responses::{Accumulator, EventDecoder};
use serde_json::Value;

use super::events::PlaygroundEvent;
use super::run::settle;
use crate::Error;

/// The events as a recording, each framed exactly as a server streams it.
pub fn recording_text(events: &[Value]) -> String {
    let mut text = String::new();
    for event in events {
        let kind = event.get("type").and_then(Value::as_str).unwrap_or("");
        // Compact JSON has no newline, so one `data:` line holds it all.
        text.push_str(&format!("event: {kind}\ndata: {event}\n\n"));
    }
    text
}

/// Folds a recording into the events a run reports (times are 0: a
/// recording keeps no timing), ending with `Finished`. Frames that are not
/// JSON are skipped, as in a live run; a text with no event at all is
/// refused.
pub fn fold_recording(text: &str) -> Result<Vec<PlaygroundEvent>, Error> {
    let mut decoded = Vec::new();
    let mut decoder = EventDecoder::new();
    decoder.feed(text.as_bytes(), &mut decoded);
    decoder.finish(&mut decoded);
    let mut accumulator = Accumulator::new();
    let mut out = Vec::new();
    for event in decoded.into_iter().flatten() {
        let raw = serde_json::to_value(&event).unwrap_or(Value::Null);
        out.push(PlaygroundEvent::Event {
            ms: 0.0,
            event: raw,
        });
        for update in accumulator.apply(&event) {
            let update = serde_json::to_value(&update).unwrap_or(Value::Null);
            out.push(PlaygroundEvent::Update { ms: 0.0, update });
        }
    }
    if out.is_empty() {
        return Err(Error::InvalidInput(
            "not an event recording: no `data:` line holds a stream event".into(),
        ));
    }
    let outcome = settle(accumulator, None);
    out.push(PlaygroundEvent::Finished {
        ms: 0.0,
        status: outcome.status,
        response: outcome.response,
        error: outcome.error,
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::{fold_recording, recording_text};
    use crate::playground::PlaygroundEvent;

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
        let text = recording_text(&events);
        assert!(
            text.starts_with("event: response.created\ndata: {"),
            "SSE framing with the type as event name: {text}"
        );
        let folded = fold_recording(&text).expect("a recording");
        let raw: Vec<&Value> = folded
            .iter()
            .filter_map(|e| match e {
                PlaygroundEvent::Event { event, .. } => Some(event),
                _ => None,
            })
            .collect();
        assert_eq!(raw.len(), events.len(), "every recorded event comes back");
        for (back, sent) in raw.iter().zip(&events) {
            assert_eq!(back["type"], sent["type"]);
            assert_eq!(back["sequence_number"], sent["sequence_number"]);
        }
        // The delta was folded into an update, as in a live run.
        assert!(folded.iter().any(|e| matches!(e,
            PlaygroundEvent::Update { update, .. } if update["kind"] == "textDelta")));
        let Some(PlaygroundEvent::Finished {
            status,
            response,
            error,
            ..
        }) = folded.last()
        else {
            panic!("a recording ends with Finished");
        };
        assert_eq!(status, "completed");
        assert!(error.is_none(), "a completed recording is no error");
        let response = response.as_ref().expect("the final response");
        assert_eq!(response["output"][0]["content"][0]["text"], "Hi");
    }

    #[test]
    fn a_cut_off_recording_still_shows_what_arrived() {
        let events = events();
        let text = recording_text(&events[..3]);
        let folded = fold_recording(&text).expect("a recording");
        let Some(PlaygroundEvent::Finished {
            status, response, ..
        }) = folded.last()
        else {
            panic!("a recording ends with Finished");
        };
        // No terminal event: an error status, but the folded text is kept.
        assert_eq!(status, "error");
        let response = response.as_ref().expect("the snapshot");
        assert_eq!(response["output"][0]["content"][0]["text"], "Hi");
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
