//! Reading a JSON body whole, within [`Limits`]: never more than
//! `max_body_bytes` (announced or actual), never a wait longer than
//! `idle_timeout` for the next chunk.

use crate::error::{Error, LimitKind};
use crate::limits::Limits;
use bytes::{Bytes, BytesMut};

pub(super) async fn read_bounded(
    mut response: reqwest::Response,
    limits: &Limits,
) -> Result<Bytes, Error> {
    let too_large = || Error::TooLarge {
        limit: LimitKind::Body,
        max_bytes: limits.max_body_bytes,
    };
    let announced = response.content_length();
    if announced.is_some_and(|n| n > limits.max_body_bytes as u64) {
        // Refused before a byte is read.
        return Err(too_large());
    }
    // Reserve only what was announced and allowed; a lie costs nothing.
    let reserve = announced.map_or(0, |n| n as usize).min(1024 * 1024);
    let mut body = BytesMut::with_capacity(reserve);
    loop {
        let chunk = tokio::time::timeout(limits.idle_timeout, response.chunk())
            .await
            .map_err(|_| Error::Stalled {
                idle: limits.idle_timeout,
                events_received: 0,
            })?
            .map_err(|e| Error::from_reqwest(&e))?;
        let Some(chunk) = chunk else {
            return Ok(body.freeze());
        };
        if body.len() + chunk.len() > limits.max_body_bytes {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
}
