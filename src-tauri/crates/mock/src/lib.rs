//! A loopback server that speaks the Responses API.

pub const DEFAULT_ADDR: &str = "127.0.0.1:0";

#[cfg(test)]
mod tests {
    #[test]
    fn binds_loopback_only() {
        // The mock must never listen beyond this machine.
        assert!(super::DEFAULT_ADDR.starts_with("127.0.0.1:"));
    }
}
