//! A cheap look at a payload's top-level `type`, without parsing it.
//!
//! Every recorded server writes `type` as the first key of an event, so
//! reading the first few bytes is usually enough to dispatch. This is only a
//! shortcut: when the first key is something else (key order is not
//! guaranteed), callers take their general path.

/// The value of `type` when it is the object's first key and a plain JSON
/// string (no escapes), as raw bytes; `None` otherwise.
pub(crate) fn first_key_type(json: &[u8]) -> Option<&[u8]> {
    let rest = skip_ws(json).strip_prefix(b"{")?;
    let rest = skip_ws(rest).strip_prefix(b"\"type\"")?;
    let rest = skip_ws(rest).strip_prefix(b":")?;
    let rest = skip_ws(rest).strip_prefix(b"\"")?;
    let end = memchr::memchr2(b'"', b'\\', rest)?;
    // A backslash first means an escaped string: not worth decoding here.
    (rest[end] == b'"').then(|| &rest[..end])
}

/// JSON insignificant whitespace.
fn skip_ws(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::first_key_type;

    #[test]
    fn reads_type_only_when_it_is_the_first_key() {
        assert_eq!(
            first_key_type(br#"{"type":"a.b","x":1}"#),
            Some(&b"a.b"[..])
        );
        assert_eq!(first_key_type(b" {\n\"type\" : \t\"a\" }"), Some(&b"a"[..]));
        // Anything else is left to the full parser.
        for json in [
            &br#"{"x":1,"type":"a"}"#[..],
            br#"{"type":"a\"b"}"#,
            br#"{"type":1}"#,
            br#"{"types":"a"}"#,
            br#"["type"]"#,
            br#"{"type":"unterminated"#,
            b"",
        ] {
            assert_eq!(
                first_key_type(json),
                None,
                "{}",
                String::from_utf8_lossy(json)
            );
        }
    }
}
