//! What each provider and model really does, learned and kept with its
//! evidence. Gateways differ silently: one accepts `previous_response_id`
//! with a 200 and drops the first turn, another refuses `reasoning`. A
//! finding comes from the probe ([`crate::probe`]) or from a chat turn that
//! had to adapt, and is stored per provider and model with the date it was
//! learned, so the next request does not pay for the same lesson and the UI
//! can say why a control is greyed.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::history::{now_ms, History};
use crate::Error;

/// A request feature whose support differs between providers and models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "Feature.ts")]
pub enum Feature {
    /// `GET /models` lists the provider's models.
    ModelList,
    /// `POST /responses` answers at this base URL.
    Responses,
    /// `stream: true` gives server-sent events.
    Streaming,
    /// Stream events carry `sequence_number` (resuming a background run
    /// needs it).
    SequenceNumbers,
    /// `previous_response_id` is honoured: a second turn knows the first.
    /// Accepting it is not enough; many gateways answer 200 and drop it.
    Chaining,
    /// `GET /responses/{id}` returns a stored response.
    StoredResponses,
    /// `reasoning.effort`.
    ReasoningEffort,
    /// `reasoning.summary`.
    ReasoningSummary,
    /// `include: ["reasoning.encrypted_content"]`, which stateless
    /// reasoning turns need to send reasoning back.
    EncryptedReasoning,
    /// The `web_search_preview` tool, and a search really running.
    WebSearch,
    /// `text.format` with a JSON schema.
    StructuredOutput,
    /// `include: ["message.output_text.logprobs"]` with `top_logprobs`.
    Logprobs,
    /// `background: true`, then its stream picked up again (or retrieve),
    /// and cancel.
    Background,
    /// `POST /responses/input_tokens` counts a request's tokens.
    InputTokens,
    /// The hosted `code_interpreter` tool is accepted.
    CodeInterpreter,
    /// The hosted `image_generation` tool is accepted.
    ImageGeneration,
    /// The hosted `file_search` tool is known (it needs a vector store).
    FileSearch,
}

impl Feature {
    pub const ALL: [Feature; 17] = [
        Feature::ModelList,
        Feature::Responses,
        Feature::Streaming,
        Feature::SequenceNumbers,
        Feature::Chaining,
        Feature::StoredResponses,
        Feature::ReasoningEffort,
        Feature::ReasoningSummary,
        Feature::EncryptedReasoning,
        Feature::WebSearch,
        Feature::StructuredOutput,
        Feature::Logprobs,
        Feature::Background,
        Feature::InputTokens,
        Feature::CodeInterpreter,
        Feature::ImageGeneration,
        Feature::FileSearch,
    ];

    /// The stored spelling (the same as the serialized one).
    pub fn as_str(self) -> &'static str {
        match self {
            Feature::ModelList => "model_list",
            Feature::Responses => "responses",
            Feature::Streaming => "streaming",
            Feature::SequenceNumbers => "sequence_numbers",
            Feature::Chaining => "chaining",
            Feature::StoredResponses => "stored_responses",
            Feature::ReasoningEffort => "reasoning_effort",
            Feature::ReasoningSummary => "reasoning_summary",
            Feature::EncryptedReasoning => "encrypted_reasoning",
            Feature::WebSearch => "web_search",
            Feature::StructuredOutput => "structured_output",
            Feature::Logprobs => "logprobs",
            Feature::Background => "background",
            Feature::InputTokens => "input_tokens",
            Feature::CodeInterpreter => "code_interpreter",
            Feature::ImageGeneration => "image_generation",
            Feature::FileSearch => "file_search",
        }
    }

    fn parse(text: &str) -> Option<Feature> {
        Feature::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// Whether support is a property of the provider alone (the model list)
    /// rather than of each model behind it.
    pub fn is_provider_wide(self) -> bool {
        matches!(self, Feature::ModelList)
    }

    /// The feature a refused request parameter belongs to, read from the
    /// field path a server named (`reasoning.effort`, `tools[0].type`,
    /// `web_search_preview`). `None` for parameters Halley cannot do
    /// without.
    pub fn of_param(param: &str) -> Option<Feature> {
        let param = param
            .trim()
            .trim_matches(|c| c == '\'' || c == '"' || c == '`');
        let head = param
            .split(['.', '['])
            .next()
            .unwrap_or(param)
            .to_ascii_lowercase();
        match head.as_str() {
            "reasoning" if param.ends_with("summary") => Some(Feature::ReasoningSummary),
            "reasoning" | "reasoning_effort" => Some(Feature::ReasoningEffort),
            "include" => Some(Feature::EncryptedReasoning),
            "tools" | "web_search_preview" | "web_search" => Some(Feature::WebSearch),
            "code_interpreter" => Some(Feature::CodeInterpreter),
            "image_generation" => Some(Feature::ImageGeneration),
            "file_search" | "vector_store_ids" => Some(Feature::FileSearch),
            "previous_response_id" => Some(Feature::Chaining),
            "background" => Some(Feature::Background),
            "top_logprobs" | "logprobs" => Some(Feature::Logprobs),
            "text" if param.contains("format") => Some(Feature::StructuredOutput),
            _ => None,
        }
    }
}

/// What is known of a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "Verdict.ts")]
pub enum Verdict {
    Supported,
    /// Refused (an error naming it), so Halley stops sending it.
    Unsupported,
    /// Accepted without effect: the 200 came back, the feature did not
    /// happen (a dropped `previous_response_id`, a search that never ran).
    Ignored,
    /// Not found out: never checked, or the check could not tell (a rate
    /// limit, a server that was down). Never a reason to stop sending.
    Untested,
}

impl Verdict {
    /// The stored spelling (the same as the serialized one).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Supported => "supported",
            Verdict::Unsupported => "unsupported",
            Verdict::Ignored => "ignored",
            Verdict::Untested => "untested",
        }
    }

    fn parse(text: &str) -> Verdict {
        match text {
            "supported" => Verdict::Supported,
            "unsupported" => Verdict::Unsupported,
            "ignored" => Verdict::Ignored,
            _ => Verdict::Untested,
        }
    }

    /// Whether Halley leaves the feature out of requests.
    pub fn withholds(self) -> bool {
        matches!(self, Verdict::Unsupported | Verdict::Ignored)
    }
}

/// Where a finding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "FindingSource.ts")]
pub enum FindingSource {
    Probe,
    /// A chat or playground request that was refused for it and retried.
    Request,
}

/// One thing learned about a provider (and model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "Finding.ts")]
pub struct Finding {
    pub feature: Feature,
    /// Empty for a provider-wide feature.
    pub model: String,
    pub verdict: Verdict,
    /// What the provider did, in its words where it gave any: an HTTP
    /// status and message, or what the check saw ("the second answer did
    /// not know the first turn"). Scrubbed of secrets before it is kept.
    pub evidence: String,
    /// The HTTP status the evidence came with, if any.
    pub status: Option<u16>,
    pub source: FindingSource,
    /// Milliseconds since the epoch.
    pub learned_at: f64,
}

/// How long a finding is trusted before it is checked again: gateways are
/// upgraded and models gain features.
pub const STALE_AFTER_MS: f64 = 30.0 * 24.0 * 3600.0 * 1000.0;

impl Finding {
    pub fn new(
        feature: Feature,
        model: &str,
        verdict: Verdict,
        evidence: impl Into<String>,
        status: Option<u16>,
        source: FindingSource,
    ) -> Self {
        let mut evidence: String = evidence.into();
        if evidence.chars().count() > MAX_EVIDENCE_CHARS {
            evidence = evidence.chars().take(MAX_EVIDENCE_CHARS).collect();
            evidence.push('…');
        }
        Finding {
            feature,
            model: if feature.is_provider_wide() {
                String::new()
            } else {
                model.to_owned()
            },
            verdict,
            evidence,
            status,
            source,
            learned_at: now_ms(),
        }
    }

    pub fn is_stale(&self, now: f64) -> bool {
        now - self.learned_at > STALE_AFTER_MS
    }
}

/// Enough for a provider's error message; what a server says is bounded.
const MAX_EVIDENCE_CHARS: usize = 500;

/// What is known of one provider: every finding, for any model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Capabilities {
    findings: Vec<Finding>,
}

impl Capabilities {
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    #[cfg(test)]
    pub(crate) fn from_findings(findings: Vec<Finding>) -> Self {
        Capabilities { findings }
    }

    #[cfg(test)]
    pub(crate) fn findings_mut(&mut self) -> &mut Vec<Finding> {
        &mut self.findings
    }

    /// The finding for `feature` with `model`, if one is known and fresh.
    /// A finding that says "untested" counts as none.
    pub fn finding(&self, feature: Feature, model: &str) -> Option<&Finding> {
        let model = if feature.is_provider_wide() {
            ""
        } else {
            model
        };
        let now = now_ms();
        self.findings.iter().find(|f| {
            f.feature == feature
                && f.model == model
                && f.verdict != Verdict::Untested
                && !f.is_stale(now)
        })
    }

    pub fn verdict(&self, feature: Feature, model: &str) -> Verdict {
        self.finding(feature, model)
            .map_or(Verdict::Untested, |f| f.verdict)
    }
}

impl History {
    /// Everything learned about `provider_id`.
    pub fn capabilities(&self, provider_id: &str) -> Result<Capabilities, Error> {
        self.read(|conn| load(conn, provider_id))
    }

    /// Keeps `finding` for `provider_id`, replacing what was known of the
    /// same feature and model. An "untested" result (a check that could
    /// not tell) never replaces a real verdict: a rate limit during a
    /// re-check must not forget that a feature works.
    pub fn record_finding(&self, provider_id: &str, finding: &Finding) -> Result<(), Error> {
        self.write(|tx| {
            if finding.verdict == Verdict::Untested {
                let known: Option<String> = tx
                    .query_row(
                        "SELECT verdict FROM capabilities
                         WHERE provider_id = ?1 AND model = ?2 AND feature = ?3",
                        params![provider_id, finding.model, finding.feature.as_str()],
                        |row| row.get(0),
                    )
                    .optional()?;
                if known.is_some_and(|v| Verdict::parse(&v) != Verdict::Untested) {
                    return Ok(());
                }
            }
            tx.execute(
                "INSERT INTO capabilities
                   (provider_id, model, feature, verdict, evidence, status, source, learned_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (provider_id, model, feature) DO UPDATE SET
                   verdict = excluded.verdict, evidence = excluded.evidence,
                   status = excluded.status, source = excluded.source,
                   learned_at = excluded.learned_at",
                params![
                    provider_id,
                    finding.model,
                    finding.feature.as_str(),
                    finding.verdict.as_str(),
                    finding.evidence,
                    finding.status,
                    match finding.source {
                        FindingSource::Probe => "probe",
                        FindingSource::Request => "request",
                    },
                    finding.learned_at,
                ],
            )?;
            Ok(())
        })
    }

    /// Forgets everything learned about `provider_id` (its URL changed: it
    /// may be another server now).
    pub fn forget_capabilities(&self, provider_id: &str) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM capabilities WHERE provider_id = ?1",
                [provider_id],
            )?;
            Ok(())
        })
    }
}

fn load(conn: &Connection, provider_id: &str) -> Result<Capabilities, Error> {
    let mut statement = conn.prepare_cached(
        "SELECT model, feature, verdict, evidence, status, source, learned_at
         FROM capabilities WHERE provider_id = ?1 ORDER BY feature, model",
    )?;
    let rows = statement.query_map([provider_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, Option<u16>>(4)?,
            row.get::<_, String>(5)?,
            row.get::<_, f64>(6)?,
        ))
    })?;
    let mut findings = Vec::new();
    for row in rows {
        let (model, feature, verdict, evidence, status, source, learned_at) = row?;
        // A feature this version does not know (written by a newer one) is
        // left alone, not misread.
        let Some(feature) = Feature::parse(&feature) else {
            continue;
        };
        findings.push(Finding {
            feature,
            model,
            verdict: Verdict::parse(&verdict),
            evidence,
            status,
            source: if source == "probe" {
                FindingSource::Probe
            } else {
                FindingSource::Request
            },
            learned_at,
        });
    }
    Ok(Capabilities { findings })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ProviderKind;

    #[test]
    fn refused_params_map_to_the_features_they_belong_to() {
        for (param, feature) in [
            ("reasoning", Some(Feature::ReasoningEffort)),
            ("reasoning.effort", Some(Feature::ReasoningEffort)),
            ("reasoning_effort", Some(Feature::ReasoningEffort)),
            ("reasoning.summary", Some(Feature::ReasoningSummary)),
            ("include", Some(Feature::EncryptedReasoning)),
            ("tools[0].type", Some(Feature::WebSearch)),
            ("'web_search_preview'", Some(Feature::WebSearch)),
            ("text.format.schema", Some(Feature::StructuredOutput)),
            ("input", None),
            ("model", None),
        ] {
            assert_eq!(Feature::of_param(param), feature, "{param}");
        }
    }

    #[test]
    fn findings_are_kept_per_model_and_an_untested_check_forgets_nothing() {
        let history = History::open_in_memory().expect("history");
        let provider = history
            .add_provider(
                "Gateway",
                ProviderKind::Custom,
                Some("http://127.0.0.1:9/v1"),
            )
            .expect("provider");
        let refused = Finding::new(
            Feature::ReasoningEffort,
            "m1",
            Verdict::Unsupported,
            "400: reasoning is not supported",
            Some(400),
            FindingSource::Request,
        );
        history
            .record_finding(&provider.id, &refused)
            .expect("record");
        let caps = history.capabilities(&provider.id).expect("read");
        assert_eq!(
            caps.verdict(Feature::ReasoningEffort, "m1"),
            Verdict::Unsupported
        );
        assert_eq!(
            caps.verdict(Feature::ReasoningEffort, "m2"),
            Verdict::Untested,
            "another model behind the same gateway is not judged by m1"
        );

        let rate_limited = Finding::new(
            Feature::ReasoningEffort,
            "m1",
            Verdict::Untested,
            "429: slow down",
            Some(429),
            FindingSource::Probe,
        );
        history
            .record_finding(&provider.id, &rate_limited)
            .expect("record");
        assert_eq!(
            history
                .capabilities(&provider.id)
                .expect("read")
                .verdict(Feature::ReasoningEffort, "m1"),
            Verdict::Unsupported,
            "a check that could not tell keeps what was known"
        );

        history.forget_capabilities(&provider.id).expect("forget");
        assert!(history
            .capabilities(&provider.id)
            .expect("read")
            .findings()
            .is_empty());
    }

    #[test]
    fn a_stale_finding_no_longer_decides() {
        let mut old = Finding::new(
            Feature::Chaining,
            "m",
            Verdict::Supported,
            "the second turn knew the first",
            Some(200),
            FindingSource::Probe,
        );
        old.learned_at -= STALE_AFTER_MS + 1.0;
        let caps = Capabilities {
            findings: vec![old],
        };
        assert_eq!(caps.verdict(Feature::Chaining, "m"), Verdict::Untested);
    }

    #[test]
    fn evidence_from_a_server_is_bounded() {
        let finding = Finding::new(
            Feature::WebSearch,
            "m",
            Verdict::Unsupported,
            "x".repeat(100_000),
            Some(400),
            FindingSource::Request,
        );
        assert!(finding.evidence.chars().count() <= MAX_EVIDENCE_CHARS + 1);
    }
}
