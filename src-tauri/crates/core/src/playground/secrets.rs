//! Secret MCP header values (an `Authorization: Bearer …` for a server) live in
//! the OS keyring like API keys. The UI only ever holds [`SECRET_PLACEHOLDER`]
//! in their place; the backend fills the real value in just before sending,
//! and scrubs it from everything it reports back (servers echo `tools`).

use serde_json::Value;

use super::PlaygroundEvent;
use crate::keys::{KeyStore, SecretString};
use crate::Error;

/// What the UI puts where a secret header value goes.
pub const SECRET_PLACEHOLDER: &str = "\u{2022}halley-keyring\u{2022}";

/// Shown instead of a secret in anything the UI sees.
const REDACTED: &str = "<redacted>";

/// The keyring entry of one header of one MCP server.
pub fn mcp_secret_id(server_label: &str, header: &str) -> String {
    format!("mcp:{server_label}:{}", header.to_ascii_lowercase())
}

/// Replaces every placeholder header value of an `mcp` tool with the stored
/// secret; returns the secrets filled in, for [`scrub_event`].
pub fn fill_mcp_secrets(
    request: &mut Value,
    keys: &dyn KeyStore,
) -> Result<Vec<SecretString>, Error> {
    let mut filled = Vec::new();
    let tools = request.get_mut("tools").and_then(Value::as_array_mut);
    for tool in tools.into_iter().flatten() {
        if tool.get("type").and_then(Value::as_str) != Some("mcp") {
            continue;
        }
        let label = tool
            .get("server_label")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let headers = tool.get_mut("headers").and_then(Value::as_object_mut);
        for (name, value) in headers.into_iter().flatten() {
            if value.as_str() != Some(SECRET_PLACEHOLDER) {
                continue;
            }
            let secret = keys.get(&mcp_secret_id(&label, name))?.ok_or_else(|| {
                Error::InvalidInput(format!(
                    "no secret is stored for header {name} of MCP server {label}; enter it again"
                ))
            })?;
            *value = Value::String(secret.expose().to_owned());
            filled.push(secret);
        }
    }
    Ok(filled)
}

/// Replaces any filled-in secret inside the event's JSON with `<redacted>`.
pub fn scrub_event(event: &mut PlaygroundEvent, secrets: &[SecretString]) {
    if secrets.is_empty() {
        return;
    }
    match event {
        PlaygroundEvent::Event { event: value, .. }
        | PlaygroundEvent::Update { update: value, .. } => scrub(value, secrets),
        PlaygroundEvent::Finished {
            response: Some(value),
            ..
        } => scrub(value, secrets),
        _ => {}
    }
}

fn scrub(value: &mut Value, secrets: &[SecretString]) {
    match value {
        Value::String(text) => {
            for secret in secrets {
                if !secret.expose().is_empty() && text.contains(secret.expose()) {
                    *text = text.replace(secret.expose(), REDACTED);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| scrub(v, secrets)),
        Value::Object(map) => map.values_mut().for_each(|v| scrub(v, secrets)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::keys::MemoryStore;

    #[test]
    fn placeholders_are_filled_from_the_store_and_scrubbed_from_echoes() {
        let keys = MemoryStore::new();
        keys.set(
            &mcp_secret_id("docs", "Authorization"),
            &SecretString::new("Bearer mcp-canary-123"),
        )
        .expect("stored");
        let mut request = json!({"model": "m", "tools": [
            {"type": "mcp", "server_label": "docs", "server_url": "https://x", "headers": {"Authorization": SECRET_PLACEHOLDER, "X-Plain": "visible"}},
            {"type": "function", "name": "f"}
        ]});
        let secrets = fill_mcp_secrets(&mut request, &keys).expect("filled");
        // The request that goes out carries the real value; plain headers stay.
        assert_eq!(
            request["tools"][0]["headers"]["Authorization"],
            json!("Bearer mcp-canary-123")
        );
        assert_eq!(request["tools"][0]["headers"]["X-Plain"], json!("visible"));
        // A server echoing the tools back must not hand the secret to the UI.
        let mut event = PlaygroundEvent::Event {
            ms: 1.0,
            event: json!({"response": {"tools": request["tools"].clone()}}),
        };
        scrub_event(&mut event, &secrets);
        let text = serde_json::to_string(&event).expect("serializes");
        assert!(!text.contains("mcp-canary-123"), "secret scrubbed: {text}");
        assert!(
            text.contains(REDACTED) && text.contains("visible"),
            "{text}"
        );
    }

    #[test]
    fn a_missing_secret_is_a_clear_error_not_a_placeholder_sent() {
        let keys = MemoryStore::new();
        let mut request = json!({"tools": [{"type": "mcp", "server_label": "docs", "headers": {"Authorization": SECRET_PLACEHOLDER}}]});
        let error = fill_mcp_secrets(&mut request, &keys).expect_err("nothing stored");
        // The placeholder must never reach the server as if it were the value.
        assert!(
            error.to_string().contains("Authorization") && error.to_string().contains("docs"),
            "{error}"
        );
    }
}
