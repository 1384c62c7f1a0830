//! Halley's one secret type: API keys and secret MCP header values alike.
//! It lives in this crate, the lowest one, so the client, the core and the
//! app all hold keys as the same type with the same rules.

use std::fmt;

use zeroize::Zeroize;

/// A secret string. `Debug` and `Display` print `<redacted>`; it does not
/// implement `Serialize`, so it cannot end up in an IPC answer, a log line
/// or stored JSON by accident (it does implement `Deserialize`: a key
/// travels UI → backend once). The bytes are wiped when it is dropped. Read
/// it with [`SecretString::expose`] only where it is sent or stored (the
/// `Authorization` header, the keyring).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

/// Keys this short show no last characters: four of eight would be half of it.
const LAST4_MIN_LEN: usize = 9;

impl SecretString {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for the one place it is used.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Empty or only whitespace: no key at all.
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// The last four characters, which the UI shows so users can tell keys
    /// apart ("key ending in …abcd"). Keys of eight characters or fewer show
    /// nothing. The one `last4` rule: every "key ending in" comes from here.
    pub fn last4(&self) -> Option<String> {
        let count = self.0.chars().count();
        (count >= LAST4_MIN_LEN).then(|| self.0.chars().skip(count - 4).collect())
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl From<String> for SecretString {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::SecretString;

    #[test]
    fn a_secret_never_prints() {
        let key = SecretString::new("sk-secret-1234");
        assert_eq!(
            format!("{key} {key:?} {:?}", Some(&key)),
            "<redacted> <redacted> Some(<redacted>)",
            "no formatting path shows the key"
        );
    }

    #[test]
    fn last4_shows_four_characters_of_long_keys_only() {
        assert_eq!(
            SecretString::new("sk-secret-1234").last4().as_deref(),
            Some("1234")
        );
        assert_eq!(
            SecretString::new("sk-é-ñ-ü-ß").last4().as_deref(),
            Some("-ü-ß"),
            "characters, not bytes"
        );
        assert_eq!(
            SecretString::new("12345678").last4(),
            None,
            "8 characters show nothing"
        );
        assert_eq!(
            SecretString::new("123456789").last4().as_deref(),
            Some("6789")
        );
        assert_eq!(SecretString::new("").last4(), None, "empty does not panic");
    }

    #[test]
    fn a_secret_deserializes_from_a_json_string() {
        let key: Option<SecretString> =
            serde_json::from_str("\"sk-from-the-ui-5678\"").expect("a JSON string");
        assert_eq!(
            key.map(|k| k.expose().to_owned()).as_deref(),
            Some("sk-from-the-ui-5678")
        );
        let none: Option<SecretString> = serde_json::from_str("null").expect("null");
        assert!(none.is_none());
    }
}
