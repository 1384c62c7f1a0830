//! The redirect policy: follow a redirect only within the origin (scheme,
//! host and port) the request was sent to. A gateway that answers with a
//! redirect elsewhere would otherwise receive the conversation (reqwest
//! re-sends a POST body on 307/308, and a `Referer`); the key is not the
//! only secret in a request. Same-origin redirects (a path fix-up) carry
//! nothing to anyone new, so they are followed, a few hops at most.

use reqwest::redirect::{Attempt, Policy};

/// Hops followed within one origin before giving up.
const MAX_SAME_ORIGIN_HOPS: usize = 5;

/// Why a redirect was not followed; read back by [`crate::Error::from_reqwest`].
#[derive(Debug, thiserror::Error)]
#[error("redirect (HTTP {status}) to another origin, {target_origin}, refused")]
pub(crate) struct CrossOriginRedirect {
    pub status: u16,
    pub target_origin: String,
}

pub(crate) fn policy() -> Policy {
    Policy::custom(|attempt: Attempt<'_>| {
        let target = attempt.url().origin();
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == target);
        if !same_origin {
            let error = CrossOriginRedirect {
                status: attempt.status().as_u16(),
                target_origin: target.ascii_serialization(),
            };
            attempt.error(error)
        } else if attempt.previous().len() > MAX_SAME_ORIGIN_HOPS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}
