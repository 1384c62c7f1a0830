//! (b) Bytes → events → folded response never panics, and what comes out
//! does not depend on how the bytes were cut: one chunk and the fuzzed
//! chunking give the same events and the same folded snapshot, and the
//! snapshot always serializes to JSON that reads back as a response.
#![no_main]

use halley_responses::{Accumulator, EventDecoder, Response, StreamEvent};
use libfuzzer_sys::fuzz_target;

mod chunking;

/// The events (as their debug text, for comparison) and the folded snapshot.
fn decode_and_fold<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> (Vec<String>, String) {
    let mut decoder = EventDecoder::new();
    let mut decoded = Vec::new();
    for chunk in chunks {
        decoder.feed(chunk, &mut decoded);
    }
    decoder.finish(&mut decoded);
    let mut accumulator = Accumulator::new();
    let mut events = Vec::new();
    let mut ok = 0u64;
    for item in &decoded {
        events.push(format!("{item:?}"));
        if let Ok(event) = item {
            ok += 1;
            let _updates = accumulator.apply(event);
        }
    }
    assert!(
        accumulator.events_seen() <= ok,
        "the fold cannot have seen more events than were decoded"
    );
    let snapshot = serde_json::to_string(accumulator.snapshot()).expect("a snapshot serializes");
    let reread: Result<Response, _> = serde_json::from_str(&snapshot);
    assert!(
        reread.is_ok(),
        "the snapshot reads back as a response: {snapshot}"
    );
    let _ = accumulator.finish();
    (events, snapshot)
}

fuzz_target!(|data: &[u8]| {
    let (body, lengths) = chunking::body(data);
    let whole = decode_and_fold([body.as_slice()]);
    let cut = decode_and_fold(chunking::chunks(&body, &lengths));
    assert_eq!(whole, cut, "chunking changed the events or the fold");
    // Also decode each recorded-shaped payload straight as one event.
    if let Ok(event) = StreamEvent::from_slice_with_name(data, None) {
        let _ = Accumulator::new().apply(&event);
    }
});
