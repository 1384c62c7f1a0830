//! Host name lookup for the client, so that a failed lookup is a type of
//! Halley's own. reqwest's default resolver reports failures through
//! hyper-util's private `ConnectError`, whose text ("dns error") was all
//! there was to tell "the name does not exist" from "the server refused";
//! with this resolver the error chain holds a [`LookupFailed`] instead.
//! The lookup itself is the same: the OS resolver (`getaddrinfo`) on the
//! blocking pool, as tokio does it; the connect timeout still bounds it.

use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// The OS resolver, with failures as [`LookupFailed`].
#[derive(Debug, Default)]
pub(crate) struct SystemResolver;

/// A host name that could not be resolved (no such name, no network, or the
/// resolver itself failed).
#[derive(Debug, thiserror::Error)]
#[error("could not look up the address of {host}: {source}")]
pub struct LookupFailed {
    pub host: String,
    #[source]
    pub source: std::io::Error,
}

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // Port 0: reqwest puts the URL's port on each address itself.
            let looked_up: std::io::Result<Vec<SocketAddr>> =
                tokio::net::lookup_host((host.as_str(), 0))
                    .await
                    .map(Iterator::collect);
            match looked_up {
                Ok(addrs) => {
                    if addrs.is_empty() {
                        return Err(Box::new(LookupFailed {
                            host,
                            source: std::io::Error::new(
                                std::io::ErrorKind::NotFound,
                                "the name has no addresses",
                            ),
                        })
                            as Box<dyn std::error::Error + Send + Sync>);
                    }
                    Ok(Box::new(addrs.into_iter()) as Addrs)
                }
                Err(source) => Err(Box::new(LookupFailed { host, source }) as _),
            }
        })
    }
}
