//! The Streamable HTTP transport: rmcp's, over a reqwest client Halley
//! builds (ring for TLS, redirects only within the URL's origin: reqwest
//! would carry custom headers such as an API key to another host).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use halley_responses::SecretString;
use reqwest13::header::{HeaderName, HeaderValue};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::StreamableHttpClientTransport;

use crate::{Error, Limits};

pub enum HeaderSource {
    Plain(String),
    Secret(SecretString),
}

pub fn transport(
    url: &str,
    headers: &[(String, HeaderSource)],
    limits: &Limits,
) -> Result<StreamableHttpClientTransport<reqwest13::Client>, Error> {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Whoever installs first wins; a second install is refused harmlessly.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    let origin = url::Url::parse(url)
        .map_err(|_| Error::InvalidConfig("the server's URL is not valid".into()))?
        .origin();
    let client = reqwest13::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .redirect(reqwest13::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 || attempt.url().origin() != origin {
                attempt.stop()
            } else {
                attempt.follow()
            }
        }))
        .build()
        .map_err(|e| Error::Start(format!("the HTTP client could not be set up: {e}")))?;
    let mut custom = HashMap::new();
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::InvalidConfig(format!("{name:?} is not a valid header name")))?;
        let mut value = match value {
            HeaderSource::Plain(v) => HeaderValue::from_str(v),
            HeaderSource::Secret(v) => HeaderValue::from_str(v.expose()),
        }
        .map_err(|_| {
            Error::InvalidConfig(format!(
                "the value of header {name} has characters a header cannot carry"
            ))
        })?;
        if matches!(value_kind(headers, &name), Some(true)) {
            value.set_sensitive(true);
        }
        custom.insert(name, value);
    }
    let config = StreamableHttpClientTransportConfig::with_uri(Arc::<str>::from(url))
        .custom_headers(custom)
        .max_json_response_size(limits.max_message_bytes)
        .max_sse_event_size(limits.max_message_bytes);
    Ok(StreamableHttpClientTransport::with_client(client, config))
}

/// Whether the header called `name` is a secret one.
fn value_kind(headers: &[(String, HeaderSource)], name: &HeaderName) -> Option<bool> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name.as_str()))
        .map(|(_, v)| matches!(v, HeaderSource::Secret(_)))
}
