//! Bounded property tests: no input bytes, in no chunking, make the SSE
//! parser or the accumulator panic.

use crate::cases;
use halley_responses::sse::EventDecoder;
use halley_responses::Accumulator;
use proptest::prelude::*;
use std::sync::OnceLock;

/// Decodes and folds `body` cut at `cuts`; must return, whatever the bytes.
fn run(body: &[u8], cuts: &[usize]) -> usize {
    let mut decoder = EventDecoder::new();
    let mut acc = Accumulator::new();
    let mut out = Vec::new();
    let mut start = 0;
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (body.len() + 1)).collect();
    cuts.sort_unstable();
    for cut in cuts.into_iter().chain([body.len()]) {
        decoder.feed(&body[start..cut.max(start)], &mut out);
        start = cut.max(start);
    }
    decoder.finish(&mut out);
    for event in out.iter().flatten() {
        let _ = acc.apply(event);
        let _ = serde_json::to_string(acc.snapshot());
    }
    let _ = acc.finish();
    out.len()
}

fn corpus_streams() -> &'static Vec<Vec<u8>> {
    static STREAMS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    STREAMS.get_or_init(|| {
        let mut streams: Vec<Vec<u8>> = cases::streams().into_iter().map(|(_, b)| b).collect();
        // Small ones keep the run fast; they cover every event family.
        streams.retain(|b| b.len() < 40_000);
        streams
    })
}

/// SSE-ish fragments, so random input reaches the JSON and folding paths.
fn fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"data: ".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b": c\n".to_vec()),
        Just(b"event: x\n".to_vec()),
        Just(b"[DONE]".to_vec()),
        Just(br#"{"type":"response.output_text.delta","output_index":4294967295,"content_index":9,"delta":"x"}"#.to_vec()),
        Just(br#"{"type":"response.output_text.delta","output_index":0,"content_index":4000000000,"delta":"x"}"#.to_vec()),
        Just(br#"{"type":"response.reasoning_summary_part.added","output_index":0,"summary_index":4000000000,"part":{"text":""}}"#.to_vec()),
        Just(br#"{"type":"response.output_text.annotation.added","output_index":0,"content_index":0,"annotation_index":7,"annotation":{"type":"url_citation","url":"u"}}"#.to_vec()),
        Just(br#"{"type":"response.reasoning_summary_text.delta","output_index":1,"summary_index":3,"delta":"y"}"#.to_vec()),
        Just(br#"{"type":"response.output_item.done","output_index":2,"item":{"type":"function_call","arguments":"{}"}}"#.to_vec()),
        Just(br#"{"type":"response.completed","response":{"output":[{"type":"message"}]}}"#.to_vec()),
        Just(br#"{"type":"error","error":{"code":5}}"#.to_vec()),
        prop::collection::vec(any::<u8>(), 0..16),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..2048),
                                   cuts in prop::collection::vec(any::<usize>(), 0..16)) {
        run(&body, &cuts);
    }

    #[test]
    fn sse_shaped_noise_never_panics(parts in prop::collection::vec(fragment(), 0..40),
                                     cuts in prop::collection::vec(any::<usize>(), 0..16)) {
        run(&parts.concat(), &cuts);
    }

    #[test]
    fn mutated_recordings_never_panic(pick in any::<usize>(),
                                      edits in prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..8),
                                      cuts in prop::collection::vec(any::<usize>(), 0..16)) {
        let streams = corpus_streams();
        prop_assume!(!streams.is_empty());
        let mut body = streams[pick % streams.len()].clone();
        for (at, byte, op) in edits {
            let at = at % (body.len() + 1);
            match op {
                0 if at < body.len() => body[at] = byte,
                1 => body.insert(at, byte),
                _ if at < body.len() => { body.remove(at); }
                _ => {}
            }
        }
        run(&body, &cuts);
    }
}
