//! Chat requests that adapt to what a provider does: a feature known to be
//! refused for a model is left out before sending, and a request refused
//! for one parameter is sent once more without it. Only the features a chat
//! turn adds on the user's behalf (reasoning effort and summary, the
//! encrypted reasoning it asks for, the built-in tools) are dropped this way; the
//! message itself never is. The Playground does not adapt: a prompt
//! engineer sees the refusal as it came.

use halley_responses::{CreateResponse, Nullable, Tool};

use crate::capabilities::{Capabilities, Feature};

const ENCRYPTED_REASONING: &str = "reasoning.encrypted_content";

/// `request` without `feature`, or `None` when the request does not use it
/// (so leaving it out would change nothing, and a retry would fail again).
pub fn without(request: &CreateResponse, feature: Feature) -> Option<CreateResponse> {
    let mut adapted = request.clone();
    match feature {
        Feature::ReasoningEffort => {
            if !adapted.reasoning.is_value() {
                return None;
            }
            adapted.reasoning = Nullable::Absent;
            // Asked for only because of the reasoning settings.
            drop_include(&mut adapted, ENCRYPTED_REASONING);
        }
        Feature::ReasoningSummary => {
            let reasoning = adapted.reasoning.get_mut()?;
            if !reasoning.summary.is_value() {
                return None;
            }
            reasoning.summary = Nullable::Absent;
        }
        Feature::EncryptedReasoning => {
            if !drop_include(&mut adapted, ENCRYPTED_REASONING) {
                return None;
            }
        }
        Feature::WebSearch => {
            drop_tools(&mut adapted, |tool| {
                matches!(tool, Tool::WebSearchPreview(_) | Tool::WebSearch(_))
            })?;
        }
        Feature::CodeInterpreter => {
            drop_tools(&mut adapted, |tool| {
                matches!(tool, Tool::CodeInterpreter(_))
            })?;
            drop_include(&mut adapted, "code_interpreter_call.outputs");
        }
        Feature::FileSearch => {
            drop_tools(&mut adapted, |tool| matches!(tool, Tool::FileSearch(_)))?;
            drop_include(&mut adapted, "file_search_call.results");
        }
        Feature::ImageGeneration => {
            drop_tools(
                &mut adapted,
                |tool| matches!(tool, Tool::Other(v) if v.get("type").and_then(|t| t.as_str()) == Some("image_generation")),
            )?;
        }
        // A long answer then streams as any other (and does not survive a
        // dropped connection): the first refusal's note says so once.
        Feature::Background => {
            if !adapted.background.is_value() {
                return None;
            }
            adapted.background = Nullable::Absent;
        }
        // Not something a chat turn can do without, or not sent by one.
        Feature::ModelList
        | Feature::Responses
        | Feature::Streaming
        | Feature::SequenceNumbers
        | Feature::Chaining
        | Feature::StoredResponses
        | Feature::StructuredOutput
        | Feature::Logprobs
        | Feature::InputTokens => return None,
    }
    Some(adapted)
}

/// Removes the tools `drop` picks; `None` when there were none.
fn drop_tools(request: &mut CreateResponse, drop: impl Fn(&Tool) -> bool) -> Option<()> {
    let tools = request.tools.get_mut()?;
    let before = tools.len();
    tools.retain(|tool| !drop(tool));
    if tools.len() == before {
        return None;
    }
    if tools.is_empty() {
        request.tools = Nullable::Absent;
    }
    Some(())
}

/// Removes `value` from `include`; whether it was there.
fn drop_include(request: &mut CreateResponse, value: &str) -> bool {
    let Some(include) = request.include.get_mut() else {
        return false;
    };
    let before = include.len();
    include.retain(|v| v != value);
    let dropped = include.len() != before;
    if include.is_empty() {
        request.include = Nullable::Absent;
    }
    dropped
}

/// The features a chat turn could leave out, in the order they are tried.
const ADAPTABLE: [Feature; 8] = [
    Feature::ReasoningEffort,
    Feature::ReasoningSummary,
    Feature::EncryptedReasoning,
    Feature::WebSearch,
    Feature::CodeInterpreter,
    Feature::ImageGeneration,
    Feature::FileSearch,
    Feature::Background,
];

/// `request` without every feature `capabilities` says this model refuses
/// or ignores, and which were left out.
pub fn withhold_known(
    mut request: CreateResponse,
    capabilities: &Capabilities,
) -> (CreateResponse, Vec<Feature>) {
    let model = request.model.as_str().unwrap_or_default().to_owned();
    let mut withheld = Vec::new();
    for feature in ADAPTABLE {
        if capabilities.verdict(feature, &model).withholds() {
            if let Some(adapted) = without(&request, feature) {
                request = adapted;
                withheld.push(feature);
            }
        }
    }
    (request, withheld)
}

#[cfg(test)]
mod tests {
    use super::*;
    use halley_responses::request::{ReasoningConfig, WebSearchTool};

    fn full() -> CreateResponse {
        let mut request = CreateResponse::new("m", "hi");
        request.reasoning = Nullable::Value(ReasoningConfig {
            effort: Nullable::Value("high".into()),
            summary: Nullable::Value("auto".into()),
            ..ReasoningConfig::default()
        });
        request.include = Nullable::Value(vec![ENCRYPTED_REASONING.into()]);
        request.tools = Nullable::Value(vec![Tool::WebSearchPreview(WebSearchTool::default())]);
        request
    }

    #[test]
    fn each_feature_comes_out_alone() {
        let request = full();
        let no_effort = without(&request, Feature::ReasoningEffort).expect("had reasoning");
        assert!(no_effort.reasoning.is_absent());
        assert!(no_effort.include.is_absent(), "include went with it");
        assert!(no_effort.tools.is_value(), "web search stays");

        let no_summary = without(&request, Feature::ReasoningSummary).expect("had a summary");
        let reasoning = no_summary.reasoning.get().expect("reasoning stays");
        assert!(reasoning.summary.is_absent());
        assert_eq!(reasoning.effort.as_str(), Some("high"));

        let no_search = without(&request, Feature::WebSearch).expect("had web search");
        assert!(no_search.tools.is_absent());
        assert!(no_search.reasoning.is_value());
    }

    #[test]
    fn a_feature_not_in_the_request_gives_no_retry() {
        let plain = CreateResponse::new("m", "hi");
        for feature in Feature::ALL {
            assert_eq!(without(&plain, feature), None, "{feature:?}");
        }
    }
}
