//! What a chat turn will send, decided from what is known of the provider.

use super::adapt;
use super::request::{build_request, Chaining, ChatOptions};
use super::run::Turn;
use crate::capabilities::{Feature, Verdict};
use crate::history::{ConversationTree, TurnNote};
use crate::{Error, History};

/// The turn answering `user_message_id` into `assistant_message_id`.
///
/// Turns chain with `previous_response_id` only where the provider is known
/// to honour it for this model (the probe's two-turn check): most gateways
/// tried accept the id with a 200 and drop the first turn, so until that is
/// ruled out the branch is replayed whole. Features known to be refused for
/// the model are left out, each with a note.
pub fn plan_turn(
    history: &History,
    tree: &ConversationTree,
    user_message_id: &str,
    options: &ChatOptions,
    provider_id: &str,
    assistant_message_id: &str,
) -> Result<Turn, Error> {
    let capabilities = history.capabilities(provider_id)?;
    let chaining = match capabilities.verdict(Feature::Chaining, &options.model) {
        Verdict::Supported => Chaining::PreviousResponse,
        Verdict::Unsupported | Verdict::Ignored | Verdict::Untested => Chaining::Replay,
    };
    let (request, withheld) = adapt::withhold_known(
        build_request(history, tree, user_message_id, options, chaining)?,
        &capabilities,
    );
    // Built up front so a provider that rejects previous_response_id costs
    // one extra request, not a failed turn.
    let replay = match request.previous_response_id.is_value() {
        true => Some(
            adapt::withhold_known(
                build_request(history, tree, user_message_id, options, Chaining::Replay)?,
                &capabilities,
            )
            .0,
        ),
        false => None,
    };
    Ok(Turn {
        assistant_message_id: assistant_message_id.to_owned(),
        provider_id: provider_id.to_owned(),
        request,
        replay,
        // Background mode is left out without a word on every later turn:
        // the refusal itself was said once, and the answer looks the same.
        notes: withheld
            .into_iter()
            .filter(|feature| *feature != Feature::Background)
            .map(|feature| TurnNote::Withheld { feature })
            .collect(),
        tools: None,
    })
}
