//! Secret MCP header values (an `Authorization: Bearer …` for a server) live in
//! the OS keyring like API keys, each bound to the origin (scheme, host,
//! port) of the server it was entered for. The UI only ever holds
//! [`SECRET_PLACEHOLDER`] in their place; the backend fills the real value in
//! just before sending — only into a tool whose `server_url` has that same
//! origin — and scrubs it from everything it reports back (servers echo
//! `tools`).

use halley_responses::{FoldUpdate, StreamEvent};
use serde_json::{json, Value};

use super::PlaygroundEvent;
use crate::keys::KeyStore;
use crate::origin::Origin;
use crate::redact::{Secrets, REDACTED};
use crate::Error;

/// What the UI puts where a secret header value goes.
pub const SECRET_PLACEHOLDER: &str = "\u{2022}halley-keyring\u{2022}";

/// The keyring entry of one header of one MCP server: the server's origin is
/// part of the name, so an imported preset that keeps a label but points its
/// URL elsewhere finds no secret to send there.
pub fn mcp_secret_id(server_url: &str, server_label: &str, header: &str) -> Result<String, Error> {
    let origin = Origin::of(server_url).map_err(|_| {
        Error::InvalidInput(format!(
            "MCP server {server_label} needs an http(s) server_url before a secret header can be stored for it"
        ))
    })?;
    Ok(format!(
        "mcp:{origin}:{server_label}:{}",
        header.to_ascii_lowercase()
    ))
}

/// The `(server_url, server_label, headers)` of every `mcp` tool in a body.
fn mcp_tools(
    request: &mut Value,
) -> impl Iterator<Item = (String, String, &mut serde_json::Map<String, Value>)> {
    let tools = request.get_mut("tools").and_then(Value::as_array_mut);
    tools.into_iter().flatten().filter_map(|tool| {
        if tool.get("type").and_then(Value::as_str) != Some("mcp") {
            return None;
        }
        let text = |key: &str| {
            tool.get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (url, label) = (text("server_url"), text("server_label"));
        let headers = tool.get_mut("headers").and_then(Value::as_object_mut)?;
        Some((url, label, headers))
    })
}

/// Replaces every placeholder header value of an `mcp` tool with the secret
/// stored for that server's origin; returns the secrets filled in, for
/// [`scrub_event`]. A tool whose URL points anywhere else gets nothing and
/// the run is refused with a message saying why.
pub fn fill_mcp_secrets(request: &mut Value, keys: &dyn KeyStore) -> Result<Secrets, Error> {
    let mut filled = Secrets::new();
    for (url, label, headers) in mcp_tools(request) {
        for (name, value) in headers.iter_mut() {
            if value.as_str() != Some(SECRET_PLACEHOLDER) {
                continue;
            }
            let id = mcp_secret_id(&url, &label, name)?;
            let secret = keys.get(&id)?.ok_or_else(|| {
                let origin = Origin::of(&url).map(|o| o.to_string()).unwrap_or_default();
                Error::SecretNotForServer(format!(
                    "no secret is stored for header {name} of MCP server {label} at {origin}; \
                     a secret is only sent to the server it was entered for, so enter it again for this one"
                ))
            })?;
            *value = Value::String(secret.expose().to_owned());
            filled.push(secret);
        }
    }
    Ok(filled)
}

/// The stored secrets the `mcp` tools of `body` name (placeholders or not),
/// without filling anything in: what to scrub from a stored response, its
/// input items or a resumed stream, which echo the tools they ran with.
pub fn mcp_secrets_named_by(body: &Value, keys: &dyn KeyStore) -> Secrets {
    let mut body = body.clone();
    let mut found = Secrets::new();
    for (url, label, headers) in mcp_tools(&mut body) {
        for name in headers.keys() {
            if let Ok(Some(secret)) = mcp_secret_id(&url, &label, name).and_then(|id| keys.get(&id))
            {
                found.push(secret);
            }
        }
    }
    found
}

/// Replaces any known secret inside the event (its JSON and its error text)
/// with `<redacted>`.
pub fn scrub_event(event: &mut PlaygroundEvent, secrets: &Secrets) {
    if secrets.is_empty() {
        return;
    }
    match event {
        // Scrubbed as the JSON the UI sees, then read back: a scrubbed event
        // that no longer fits its type is kept whole as an unknown event.
        // Should either step fail, the event is replaced by a placeholder:
        // an unscrubbed event never goes on.
        PlaygroundEvent::Event {
            event: stream_event,
            ..
        } => {
            let scrubbed = serde_json::to_value(&*stream_event)
                .ok()
                .and_then(|mut value| {
                    secrets.scrub_json(&mut value);
                    serde_json::to_vec(&value).ok()
                })
                .and_then(|bytes| StreamEvent::from_slice(&bytes).ok());
            *stream_event = scrubbed.unwrap_or_else(|| {
                StreamEvent::Unknown(json!({"type": stream_event.event_type(), "redacted": true}))
            });
        }
        PlaygroundEvent::Update { update, .. } => {
            let scrubbed = serde_json::to_value(&*update).ok().and_then(|mut value| {
                secrets.scrub_json(&mut value);
                serde_json::from_value(value).ok()
            });
            *update = scrubbed.unwrap_or(FoldUpdate::StreamError {
                code: None,
                message: REDACTED.into(),
            });
        }
        PlaygroundEvent::Finished {
            response, error, ..
        } => {
            if let Some(value) = response {
                secrets.scrub_json(value);
            }
            if let Some(error) = error {
                secrets.scrub_in_place(&mut error.message);
            }
        }
        PlaygroundEvent::Opened { .. } | PlaygroundEvent::Retrying { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::keys::{MemoryStore, SecretString};
    use crate::redact::REDACTED;

    const DOCS: &str = "https://docs.example.com/mcp";

    fn store_docs_secret(keys: &MemoryStore) {
        let id = mcp_secret_id(DOCS, "docs", "Authorization").expect("an https URL");
        keys.set(&id, &SecretString::new("Bearer mcp-canary-123"))
            .expect("stored");
    }

    #[test]
    fn placeholders_are_filled_from_the_store_and_scrubbed_from_echoes() {
        let keys = MemoryStore::new();
        store_docs_secret(&keys);
        let mut request = json!({"model": "m", "tools": [
            {"type": "mcp", "server_label": "docs", "server_url": DOCS, "headers": {"Authorization": SECRET_PLACEHOLDER, "X-Plain": "visible"}},
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
            event: halley_responses::StreamEvent::from_slice(
                json!({"type": "response.created", "response": {"tools": request["tools"].clone()}})
                    .to_string()
                    .as_bytes(),
            )
            .expect("an event"),
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
    fn a_secret_is_never_filled_into_a_tool_pointing_at_another_origin() {
        let keys = MemoryStore::new();
        store_docs_secret(&keys);
        // Same label and header, but another host, scheme or port: what an
        // imported preset aiming the secret elsewhere looks like.
        for elsewhere in [
            "https://attacker.example.net/mcp",
            "http://docs.example.com/mcp",
            "https://docs.example.com:8443/mcp",
        ] {
            let mut request = json!({"tools": [{"type": "mcp", "server_label": "docs", "server_url": elsewhere,
                "headers": {"Authorization": SECRET_PLACEHOLDER}}]});
            let error = fill_mcp_secrets(&mut request, &keys).expect_err(elsewhere);
            assert!(matches!(error, Error::SecretNotForServer(_)), "{error:?}");
            assert!(
                !request.to_string().contains("mcp-canary-123"),
                "nothing was filled in for {elsewhere}"
            );
        }
    }

    #[test]
    fn secrets_named_by_a_stored_body_are_found_for_scrubbing() {
        let keys = MemoryStore::new();
        store_docs_secret(&keys);
        let body = json!({"tools": [{"type": "mcp", "server_label": "docs", "server_url": DOCS,
            "headers": {"authorization": "anything"}}]});
        let found = mcp_secrets_named_by(&body, &keys);
        assert_eq!(found.scrub("x Bearer mcp-canary-123 y"), "x <redacted> y");
    }

    #[test]
    fn a_missing_secret_is_a_clear_error_not_a_placeholder_sent() {
        let keys = MemoryStore::new();
        let mut request = json!({"tools": [{"type": "mcp", "server_label": "docs", "server_url": DOCS, "headers": {"Authorization": SECRET_PLACEHOLDER}}]});
        let error = fill_mcp_secrets(&mut request, &keys).expect_err("nothing stored");
        // The placeholder must never reach the server as if it were the value.
        assert!(
            error.to_string().contains("Authorization") && error.to_string().contains("docs"),
            "{error}"
        );
    }
}
