//! (c) The request parser: whatever parses as a `CreateResponse` must
//! serialize, and the serialization must parse to an equal request that
//! serializes to the same bytes (nothing lost or invented on the way; the
//! playground's "exact request sent" depends on it).
#![no_main]

use halley_responses::CreateResponse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(request) = serde_json::from_slice::<CreateResponse>(data) else {
        return;
    };
    let once = serde_json::to_vec(&request).expect("a parsed request serializes");
    let again: CreateResponse =
        serde_json::from_slice(&once).expect("a serialized request parses again");
    assert_eq!(again, request, "the round trip changed the request");
    let twice = serde_json::to_vec(&again).expect("serializes");
    assert_eq!(once, twice, "serializing is stable");
});
