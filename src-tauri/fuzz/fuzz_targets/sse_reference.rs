//! (a) The SSE parser against the WHATWG reference reader, in arbitrary
//! chunkings (empty chunks included), all three line endings and with or
//! without a leading BOM: the frames must be the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod chunking;
#[path = "../../crates/responses/tests/reference/whatwg_sse.rs"]
mod whatwg_sse;

fuzz_target!(|data: &[u8]| {
    let (body, lengths) = chunking::body(data);
    let expected = whatwg_sse::read(&body);
    let got = whatwg_sse::parse_chunks(chunking::chunks(&body, &lengths));
    assert_eq!(
        got, expected,
        "the parser differs from the WHATWG reference"
    );
});
