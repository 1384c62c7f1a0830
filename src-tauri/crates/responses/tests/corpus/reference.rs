//! The real SSE parser against the WHATWG reference reader
//! (`tests/reference/whatwg_sse.rs`): the same frames for every stream in
//! every chunking, empty chunks and all three line endings included.

use crate::cases::{self, report};
use crate::whatwg_sse::{parse_chunks, read};
use proptest::prelude::*;

/// Pieces that reach every rule: each line ending, comments, fields with and
/// without a colon or a space, a BOM (leading or not), multi-byte and
/// invalid UTF-8.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"data".to_vec()),
        Just(b"data:".to_vec()),
        Just(b"data: ".to_vec()),
        Just(b"event:".to_vec()),
        Just(b"event: x".to_vec()),
        Just(b"id: 1".to_vec()),
        Just(b"retry: 5".to_vec()),
        Just(b":".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xEF\xBB".to_vec()),
        Just("é✓".as_bytes().to_vec()),
        Just(b"\xE2\x82".to_vec()),
        Just(b"{\"a\":1}".to_vec()),
        prop::collection::vec(any::<u8>(), 0..6),
    ]
}

/// `body` cut at `cuts` (taken modulo its length), with an empty chunk after
/// each piece whose flag says so.
fn chunked<'a>(body: &'a [u8], cuts: &[(usize, bool)]) -> Vec<&'a [u8]> {
    let mut points: Vec<(usize, bool)> = cuts
        .iter()
        .map(|(cut, empty)| (cut % (body.len() + 1), *empty))
        .collect();
    points.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for (cut, empty) in points {
        chunks.push(&body[start..cut]);
        if empty {
            chunks.push(&body[cut..cut]);
        }
        start = cut;
    }
    chunks.push(&body[start..]);
    chunks
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn parser_matches_the_reference_in_any_chunking(
        pieces in prop::collection::vec(piece(), 0..40),
        cuts in prop::collection::vec((any::<usize>(), any::<bool>()), 0..24),
    ) {
        let body = pieces.concat();
        let expected = read(&body);
        prop_assert_eq!(parse_chunks(chunked(&body, &cuts)), expected);
    }
}

#[test]
fn recorded_streams_match_the_reference_with_empty_chunks() {
    let mut failures = Vec::new();
    for (case, body) in cases::streams() {
        let expected = read(&body);
        // Every 7th byte a cut with an empty chunk after it, and once with
        // a BOM in front (a gateway may add one).
        let cuts: Vec<(usize, bool)> = (0..body.len()).step_by(7).map(|c| (c, true)).collect();
        if parse_chunks(chunked(&body, &cuts)) != expected {
            failures.push(format!("{}: differs from the reference", case.name));
        }
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), &body].concat();
        if parse_chunks([&with_bom[..1], b"", &with_bom[1..]]) != expected {
            failures.push(format!("{}: a leading BOM changes the frames", case.name));
        }
    }
    report("reference reader", &failures);
}
