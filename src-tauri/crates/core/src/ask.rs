//! One prompt, answered as a stream of text and not stored: what the
//! command line's `halley ask` does. It reads its stream through the same
//! module as chat turns and playground runs (`crate::stream`), so retries,
//! Stop and a broken stream behave the same.

use std::convert::Infallible;

use halley_responses::{Accumulator, Client, CreateResponse, Endpoint, Response, StreamEvent};
use tokio_util::sync::CancellationToken;

use crate::stream::{self, Ended};

/// How an ask ended.
#[derive(Debug)]
pub enum Asked {
    Answered(Box<Response>),
    Stopped,
    Failed(halley_responses::Error),
}

/// Streams `request`, handing each piece of answer text to `on_text` as it
/// arrives (and each retry's wait to `on_retry`).
pub async fn ask(
    client: &Client,
    endpoint: &Endpoint,
    request: &CreateResponse,
    cancel: &CancellationToken,
    mut on_text: impl FnMut(&str),
    on_retry: impl Fn(halley_responses::RetryNotice) + Send + Sync + 'static,
) -> Asked {
    let options = stream::options(cancel, on_retry);
    let mut accumulator = Accumulator::new();
    let ended = match stream::open(cancel, client.create_stream(endpoint, request, options)).await {
        Err(ended) => ended,
        Ok(mut events) => {
            let Ok(ended) = stream::read(&mut events, cancel, |event| {
                if let StreamEvent::OutputTextDelta(delta) = &event {
                    on_text(&delta.delta);
                }
                accumulator.apply(&event);
                Ok::<(), Infallible>(())
            })
            .await;
            ended
        }
    };
    match ended {
        Ended::Stopped => Asked::Stopped,
        Ended::Failed(error) => Asked::Failed(error),
        Ended::Done => match accumulator.finish() {
            Ok(response) => Asked::Answered(Box::new(response)),
            Err(error) => Asked::Failed(error),
        },
    }
}
