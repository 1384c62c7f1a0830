//! The Responses API on the wire. Knows no Tauri, no database, no keyring.

/// The default base URL (CometAPI).
pub const COMETAPI_BASE_URL: &str = "https://api.cometapi.com/v1";

#[cfg(test)]
mod tests {
    #[test]
    fn default_base_url_is_versioned() {
        // Paths are joined as `{base}/responses`, so the base must carry `/v1`.
        assert!(super::COMETAPI_BASE_URL.ends_with("/v1"));
    }
}
