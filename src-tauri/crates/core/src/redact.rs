//! The one place secrets are scrubbed from text and JSON before anything is
//! stored, logged, exported or shown. A gateway may echo the key it was sent
//! (in an error body, a failed response, a tool's headers), so every text
//! that came from the network passes through [`Secrets::scrub`] first.

use serde_json::Value;

use crate::keys::SecretString;

/// What a scrubbed secret is replaced with.
pub const REDACTED: &str = "<redacted>";

/// Secrets shorter than this are not scrubbed: replacing every "a" of a
/// message because someone used "a" as a key would make errors unreadable,
/// and such a value is not secret anyway.
const MIN_SCRUBBED_LEN: usize = 4;

/// The secrets known for one request: the provider's API key and any MCP
/// header values filled in.
#[derive(Debug, Clone, Default)]
pub struct Secrets(Vec<SecretString>);

impl Secrets {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, secret: SecretString) -> Self {
        self.push(secret);
        self
    }

    pub fn push(&mut self, secret: SecretString) {
        if secret.expose().len() >= MIN_SCRUBBED_LEN && !self.0.contains(&secret) {
            self.0.push(secret);
            // Longest first: a secret that contains another is replaced whole.
            self.0.sort_by_key(|s| std::cmp::Reverse(s.expose().len()));
        }
    }

    pub fn extend(&mut self, secrets: impl IntoIterator<Item = SecretString>) {
        for secret in secrets {
            self.push(secret);
        }
    }

    /// The endpoint's API key: what every answer from that gateway is scrubbed of.
    pub fn of_endpoint(endpoint: &halley_responses::Endpoint) -> Self {
        Self::new().with(endpoint.key.clone())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `text` with every known secret replaced by [`REDACTED`].
    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        self.scrub_in_place(&mut text);
        text
    }

    pub fn scrub_in_place(&self, text: &mut String) {
        for secret in &self.0 {
            if text.contains(secret.expose()) {
                *text = text.replace(secret.expose(), REDACTED);
            }
        }
    }

    /// Scrubs every string (and every object key) inside `value`.
    pub fn scrub_json(&self, value: &mut Value) {
        if self.is_empty() {
            return;
        }
        match value {
            Value::String(text) => self.scrub_in_place(text),
            Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            Value::Object(map) => {
                if map.keys().any(|k| self.scrub(k) != *k) {
                    let entries = std::mem::take(map);
                    for (key, value) in entries {
                        map.insert(self.scrub(&key), value);
                    }
                }
                map.values_mut().for_each(|v| self.scrub_json(v));
            }
            _ => {}
        }
    }
}

impl IntoIterator for Secrets {
    type Item = SecretString;
    type IntoIter = std::vec::IntoIter<SecretString>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_occurrence_of_every_secret_is_replaced_in_text_and_json() {
        let secrets = Secrets::new()
            .with(SecretString::new("sk-canary-123456"))
            .with(SecretString::new("Bearer mcp-9999"));
        let echoed = "Incorrect API key provided: sk-canary-123456. (sk-canary-123456)";
        assert_eq!(
            secrets.scrub(echoed),
            "Incorrect API key provided: <redacted>. (<redacted>)"
        );
        let mut body =
            json!({"error": {"message": echoed, "sk-canary-123456": ["Bearer mcp-9999"]}});
        secrets.scrub_json(&mut body);
        let text = body.to_string();
        assert!(
            !text.contains("sk-canary") && !text.contains("mcp-9999"),
            "{text}"
        );
    }

    #[test]
    fn a_secret_inside_a_longer_one_does_not_leave_the_rest_behind() {
        // Replacing the short one first would leave "…-long-tail" of the long one.
        let secrets = Secrets::new()
            .with(SecretString::new("sk-abcd"))
            .with(SecretString::new("sk-abcd-long-tail"));
        assert_eq!(secrets.scrub("x sk-abcd-long-tail y"), "x <redacted> y");
    }

    #[test]
    fn tiny_values_are_not_treated_as_secrets() {
        let secrets = Secrets::new().with(SecretString::new("a"));
        assert_eq!(secrets.scrub("a banana"), "a banana");
    }
}
