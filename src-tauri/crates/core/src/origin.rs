//! Where a URL points, as far as secrets are concerned: its origin (scheme,
//! host and port). A key or an MCP header secret is bound to one origin and
//! is never sent to another, and a cleartext (`http://`) origin is only
//! accepted without confirmation when it cannot leave this machine.

use std::fmt;
use std::net::IpAddr;

use crate::Error;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    scheme: Scheme,
    /// Lower-cased; IPv6 addresses without brackets.
    host: String,
    port: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    Http,
    Https,
}

impl Origin {
    /// The origin of an `http(s)://` URL. Anything else is refused; the URL is
    /// not echoed in the error (a key pasted into the wrong field must not
    /// come back in a message).
    pub fn of(url: &str) -> Result<Origin, Error> {
        let parsed = url::Url::parse(url.trim()).map_err(|_| not_a_url())?;
        let scheme = match parsed.scheme() {
            "https" => Scheme::Https,
            "http" => Scheme::Http,
            _ => return Err(not_a_url()),
        };
        let host = match parsed.host() {
            Some(url::Host::Domain(domain)) => domain.to_ascii_lowercase(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(not_a_url()),
        };
        let port = parsed.port_or_known_default().ok_or_else(not_a_url)?;
        Ok(Origin { scheme, host, port })
    }

    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Whether requests to this origin stay on this machine: `localhost`
    /// (and its subdomains), 127.0.0.0/8 and ::1.
    pub fn is_loopback(&self) -> bool {
        let host = self.host.trim_end_matches('.');
        if host == "localhost" || host.ends_with(".localhost") {
            return true;
        }
        match host.parse::<IpAddr>() {
            Ok(IpAddr::V4(ip)) => ip.is_loopback(),
            Ok(IpAddr::V6(ip)) => {
                ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
            Err(_) => false,
        }
    }

    /// Whether a key sent here crosses the network unencrypted.
    pub fn is_cleartext_remote(&self) -> bool {
        self.scheme == Scheme::Http && !self.is_loopback()
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        };
        if self.host.contains(':') {
            write!(f, "{scheme}://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{scheme}://{}:{}", self.host, self.port)
        }
    }
}

fn not_a_url() -> Error {
    Error::InvalidInput(
        "the URL must start with https:// or http:// and name a host (for example https://api.cometapi.com/v1)".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(url: &str) -> Origin {
        Origin::of(url).expect("a valid URL")
    }

    #[test]
    fn the_origin_is_scheme_host_and_port_with_defaults_filled_in() {
        assert_eq!(
            origin("https://API.example.com/v1").to_string(),
            "https://api.example.com:443"
        );
        assert_eq!(
            origin("https://api.example.com:443/x"),
            origin("https://api.example.com")
        );
        assert_ne!(
            origin("http://api.example.com"),
            origin("https://api.example.com")
        );
        assert_ne!(
            origin("http://127.0.0.1:8080"),
            origin("http://127.0.0.1:8081")
        );
        assert_eq!(origin("http://[::1]:9/v1").to_string(), "http://[::1]:9");
        // Userinfo does not change where the request goes.
        assert_eq!(
            origin("https://user:pw@example.com/"),
            origin("https://example.com")
        );
    }

    #[test]
    fn loopback_is_localhost_127_slash_8_and_ipv6_one() {
        for url in [
            "http://localhost:1234/v1",
            "http://LOCALHOST/",
            "http://api.localhost/",
            "http://127.0.0.1/",
            "http://127.8.9.10:80/",
            "http://[::1]/",
            "http://[::ffff:127.0.0.1]/",
        ] {
            assert!(origin(url).is_loopback(), "{url} stays on this machine");
            assert!(!origin(url).is_cleartext_remote(), "{url}");
        }
        for url in [
            "http://192.168.1.2/",
            "http://10.0.0.1/",
            "http://localhost.example.com/",
            "http://127.0.0.1.nip.io/",
            "http://[::2]/",
            "http://0.0.0.0/",
        ] {
            assert!(!origin(url).is_loopback(), "{url} may leave this machine");
            assert!(origin(url).is_cleartext_remote(), "{url}");
        }
        assert!(!origin("https://example.com").is_cleartext_remote());
    }

    #[test]
    fn non_web_urls_are_refused_without_echoing_them() {
        for url in [
            "sk-secret-pasted-here",
            "ftp://x/",
            "file:///etc/passwd",
            "https://",
            "",
        ] {
            let error = Origin::of(url).expect_err(url);
            assert!(!error.to_string().contains("sk-secret"), "{error}");
        }
    }
}
