//! The API key as a type that cannot leak by accident.

use std::fmt;

/// An API key. Prints `<redacted>`, cannot be serialized, and is read only
/// through [`ApiKey::expose`] to build the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    /// The last four characters, for "key ending in …abcd" in settings.
    pub fn last4(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// The secret itself. Only for the `Authorization` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey(key)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::ApiKey;

    #[test]
    fn key_never_prints() {
        let key = ApiKey::new("sk-secret-1234");
        assert_eq!(
            format!("{key} {key:?}"),
            "<redacted> <redacted>",
            "no formatting path shows the key"
        );
        assert_eq!(key.last4(), "1234");
        assert_eq!(ApiKey::new("ab").last4(), "ab", "short keys do not panic");
    }
}
