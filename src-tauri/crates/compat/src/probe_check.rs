//! The capability probe (`halley_core::probe`) against each server, held to
//! what the cases saw that server really do: where a case shows a server
//! drops `previous_response_id`, refuses `reasoning` or runs no search, the
//! probe must say so too, and where a case shows it works, the probe must
//! not turn it off. A disagreement is a wrong state (the suite fails): the
//! app trusts the probe to decide what it sends.

use halley_core::capabilities::{Feature, Finding, Verdict as Found};
use halley_responses::{Client, Endpoint, SecretString};
use tokio_util::sync::CancellationToken;

use crate::cases::{Case, CaseResult, Verdict};
use crate::servers::Server;

/// What the probe found at one server, and whether it agrees with the cases.
pub struct ProbeResult {
    pub server: usize,
    pub findings: Vec<Finding>,
    /// One per feature a case speaks for.
    pub checks: Vec<Agreement>,
}

pub struct Agreement {
    pub feature: Feature,
    pub case: Case,
    pub verdict: Verdict,
}

/// The cases that show what a server does with a feature, and what the
/// probe must then find: (when the case worked, when the case found the
/// server differs).
const SPOKEN_FOR: [(Feature, Case, &[Found], &[Found]); 5] = [
    (
        Feature::Streaming,
        Case::TextStream,
        &[Found::Supported],
        &[Found::Supported],
    ),
    (
        Feature::SequenceNumbers,
        Case::TextStream,
        &[Found::Supported],
        &[Found::Unsupported],
    ),
    (
        Feature::Chaining,
        Case::Chaining,
        &[Found::Supported],
        &[Found::Ignored, Found::Unsupported],
    ),
    (
        Feature::ReasoningEffort,
        Case::Reasoning,
        &[Found::Supported, Found::Ignored],
        &[Found::Unsupported],
    ),
    (
        Feature::WebSearch,
        Case::WebSearch,
        &[Found::Supported],
        &[Found::Ignored, Found::Unsupported],
    ),
];

pub async fn run_all(
    client: &Client,
    servers: &[Server],
    cases: &[CaseResult],
) -> Vec<ProbeResult> {
    let mut results = Vec::new();
    for (index, server) in servers.iter().enumerate() {
        let endpoint = Endpoint::new(&server.base_url, SecretString::new(&server.key));
        let findings =
            halley_core::probe::probe(client, &endpoint, &server.model, &CancellationToken::new())
                .await;
        let checks = SPOKEN_FOR
            .iter()
            .filter_map(|&(feature, case, when_ok, when_differs)| {
                let seen = cases.iter().find(|r| r.server == index && r.case == case)?;
                let found = findings
                    .iter()
                    .find(|f| f.feature == feature)
                    .map_or(Found::Untested, |f| f.verdict);
                Some(Agreement {
                    feature,
                    case,
                    verdict: agree(&seen.verdict, found, when_ok, when_differs),
                })
            })
            .collect();
        eprintln!(
            "[compat] {} / probe: {} findings",
            server.name,
            findings.len()
        );
        results.push(ProbeResult {
            server: index,
            findings,
            checks,
        });
    }
    results
}

fn agree(seen: &Verdict, found: Found, when_ok: &[Found], when_differs: &[Found]) -> Verdict {
    let expected = match seen {
        Verdict::Ok => when_ok,
        Verdict::Finding(_) => when_differs,
        // Nothing to hold the probe to.
        Verdict::Untested(_) | Verdict::Wrong(_) => {
            return Verdict::Untested("the case could not show it".into())
        }
    };
    if found == Found::Untested {
        // A transient failure during the probe: untested is the honest answer.
        Verdict::Untested("the probe could not tell".into())
    } else if expected.contains(&found) {
        Verdict::Ok
    } else {
        Verdict::Wrong(format!(
            "the probe says {} but the case shows otherwise",
            found.as_str()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_must_agree_with_what_a_case_saw() {
        let ok = Verdict::Ok;
        let differs = Verdict::Finding("dropped".into());
        let ignored = [Found::Ignored, Found::Unsupported];
        assert_eq!(
            agree(&differs, Found::Ignored, &[Found::Supported], &ignored),
            Verdict::Ok
        );
        assert!(agree(&differs, Found::Supported, &[Found::Supported], &ignored).is_wrong());
        assert!(agree(&ok, Found::Unsupported, &[Found::Supported], &ignored).is_wrong());
        assert!(matches!(
            agree(&ok, Found::Untested, &[Found::Supported], &ignored),
            Verdict::Untested(_)
        ));
    }
}
