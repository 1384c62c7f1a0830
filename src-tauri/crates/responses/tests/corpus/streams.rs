//! Streams: every event parses, none is lost, known types are typed, and
//! the items and responses they carry round-trip.

use crate::cases::{self, report};
use halley_responses::StreamEvent;
use serde_json::Value;

#[test]
fn every_event_parses_and_none_is_lost() {
    let mut failures = Vec::new();
    let mut total = 0;
    for (case, body) in cases::streams() {
        let raw = cases::raw_payloads(&body);
        let events = match cases::events(&body) {
            Ok(events) => events,
            Err(e) => {
                failures.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        total += events.len();
        // A naive line split is the reference count: the parser must not
        // merge, drop or invent events.
        if events.len() != raw.len() {
            failures.push(format!(
                "{}: {} events, {} data lines",
                case.name,
                events.len(),
                raw.len()
            ));
            continue;
        }
        for (event, raw) in events.iter().zip(&raw) {
            let raw_type = raw.get("type").and_then(Value::as_str).unwrap_or("");
            if event.event_type() != raw_type {
                failures.push(format!(
                    "{}: type {} read as {}",
                    case.name,
                    raw_type,
                    event.event_type()
                ));
            }
            if matches!(event, StreamEvent::Unknown(_))
                && StreamEvent::KNOWN_TYPES.contains(&raw_type)
            {
                failures.push(format!(
                    "{}: known {raw_type} fell back to Unknown: {raw}",
                    case.name
                ));
            }
            if event.sequence_number() != raw.get("sequence_number").and_then(Value::as_u64) {
                failures.push(format!("{}: sequence_number lost on {raw_type}", case.name));
            }
            if let StreamEvent::Unknown(v) = event {
                if v != raw {
                    failures.push(format!("{}: Unknown {raw_type} not kept whole", case.name));
                }
            }
            // Carried items and responses go back to the API: exact JSON.
            let carried = match event {
                StreamEvent::OutputItemAdded(e) | StreamEvent::OutputItemDone(e) => {
                    Some((serde_json::to_value(&e.item).ok(), raw.get("item")))
                }
                other => other
                    .response()
                    .map(|r| (serde_json::to_value(r).ok(), raw.get("response"))),
            };
            if let Some((typed, original)) = carried {
                if typed.as_ref() != original {
                    failures.push(format!(
                        "{}: {raw_type} payload changed in a round trip",
                        case.name
                    ));
                }
            }
        }
    }
    report("stream events", &failures);
    assert!(
        total > 0 || cases::all().is_empty(),
        "the corpus has streams"
    );
}
