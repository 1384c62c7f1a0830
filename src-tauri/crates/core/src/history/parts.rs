//! The `parts` column of a message: what an answer keeps besides its text.
//! One type owns its shape, for the writer (the chat turn), the reader (the
//! app's message view, the replay of a branch) and the export.

use halley_responses::OutputItem;

use crate::capabilities::Feature;
pub use crate::chat::ToolStep;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// A source an answer cites (a `url_citation` annotation), listed once per URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "Citation.ts")]
pub struct Citation {
    pub url: String,
    pub title: Option<String>,
}

/// A passage of the conversation's knowledge an answer cites (a
/// `file_citation` annotation), with the text the search found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "FileCitation.ts")]
pub struct FileCitation {
    pub file_id: String,
    pub filename: String,
    /// The passage the file search returned for this file (when the
    /// request asked for `file_search_call.results`).
    pub quote: Option<String>,
}

/// What made a file a turn kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "GeneratedFileKind.ts")]
pub enum GeneratedFileKind {
    /// An image_generation_call's image.
    Image,
    /// An image a code interpreter run showed (a chart).
    CodeImage,
    /// A file a code interpreter run wrote (cited by the answer).
    CodeFile,
}

/// A file a turn made, kept in `message_files` (bytes read with
/// `History::message_file_data`), or said missing when it could not be
/// fetched before the provider let it go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "GeneratedFile.ts")]
pub struct GeneratedFile {
    /// The `message_files` row; `None` when the file is missing.
    pub id: Option<String>,
    pub kind: GeneratedFileKind,
    pub name: String,
    pub mime: String,
    #[ts(type = "number")]
    pub size: u64,
    /// The output item it belongs to (the image generation or code call).
    pub item_id: Option<String>,
    /// Why the file is not here (the provider no longer had it), in the
    /// provider's words.
    pub missing: Option<String>,
}

/// Something a turn did differently from what was asked, and says so beside
/// the answer (kept, so a reopened conversation still says it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export_to = "TurnNote.ts")]
pub enum TurnNote {
    /// The provider refused `feature` for this model; the request was sent
    /// again without it. `message` is what the provider said.
    Refused { feature: Feature, message: String },
    /// Not sent: this provider is known not to support it for this model.
    Withheld { feature: Feature },
    /// Web search was on, the provider answered, and no search ran.
    NoSearchRan,
    /// The model kept calling tools after `rounds` rounds; the turn ended
    /// there with what it had.
    ToolRoundsExhausted { rounds: u32 },
    /// The MCP server `server` could not start, so its tools were not
    /// offered; `message` says why.
    ToolsUnavailable { server: String, message: String },
}

/// Written as `{"output": [...], "citations": [...], "notes": [...]}`
/// (`notes`, `toolSteps`, `fileCitations` and `files` only when there are any).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MessageParts {
    /// The response's output items as the API sent them (reasoning items
    /// with their `encrypted_content` go back when the branch is replayed).
    pub output: Vec<OutputItem>,
    pub citations: Vec<Citation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<TurnNote>,
    /// The MCP tool calls the turn made, in order, with their arguments
    /// and results (`toolSteps`, only when there are any).
    #[serde(rename = "toolSteps", skip_serializing_if = "Vec::is_empty")]
    pub tool_steps: Vec<ToolStep>,
    #[serde(rename = "fileCitations", skip_serializing_if = "Vec::is_empty")]
    pub file_citations: Vec<FileCitation>,
    /// Images and files the turn made, kept locally. Their bytes are not
    /// in `output` (an image's base64 is taken out once it is kept).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<GeneratedFile>,
    /// How long a reasoning model thought: from the request to the answer's
    /// first words ("Thought for 12 s"); only for answers that reasoned.
    #[serde(rename = "thoughtMs", skip_serializing_if = "Option::is_none")]
    pub thought_ms: Option<u32>,
}

/// The object shape as stored. `output` is `null` in rows of a turn that
/// ended before any output arrived (written by earlier versions).
#[derive(Deserialize)]
struct Stored {
    #[serde(default)]
    output: Option<Vec<OutputItem>>,
    #[serde(default)]
    citations: Vec<Citation>,
    #[serde(default)]
    notes: Vec<TurnNote>,
    #[serde(default, rename = "toolSteps")]
    tool_steps: Vec<ToolStep>,
    #[serde(default, rename = "fileCitations")]
    file_citations: Vec<FileCitation>,
    #[serde(default)]
    files: Vec<GeneratedFile>,
    #[serde(default, rename = "thoughtMs")]
    thought_ms: Option<u32>,
}

impl MessageParts {
    pub fn is_empty(&self) -> bool {
        self.output.is_empty()
            && self.citations.is_empty()
            && self.notes.is_empty()
            && self.tool_steps.is_empty()
            && self.file_citations.is_empty()
            && self.files.is_empty()
            && self.thought_ms.is_none()
    }

    /// Reads the column. `[]` is what user messages and answers that have
    /// not streamed yet were given (the column's default, and what earlier
    /// versions wrote): no parts. Anything else that is not the object shape
    /// is damage, reported to the caller rather than read as nothing.
    pub fn from_column(text: &str) -> Result<MessageParts, String> {
        MessageParts::from_value(serde_json::from_str(text).map_err(|e| e.to_string())?)
    }

    /// Reads either stored shape from JSON (the column, or an exported file).
    pub fn from_value(value: Value) -> Result<MessageParts, String> {
        match value {
            Value::Array(items) if items.is_empty() => Ok(MessageParts::default()),
            Value::Object(_) => {
                let stored: Stored = serde_json::from_value(value).map_err(|e| e.to_string())?;
                Ok(MessageParts {
                    output: stored.output.unwrap_or_default(),
                    citations: stored.citations,
                    notes: stored.notes,
                    tool_steps: stored.tool_steps,
                    file_citations: stored.file_citations,
                    files: stored.files,
                    thought_ms: stored.thought_ms,
                })
            }
            _ => Err("neither an object nor an empty list".into()),
        }
    }

    /// The text stored in the column.
    pub fn to_column(&self) -> Result<String, crate::Error> {
        serde_json::to_string(self).map_err(|e| {
            crate::Error::InvalidInput(format!("the answer's parts cannot be written: {e}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_stored_shapes_read() {
        assert_eq!(MessageParts::from_column("[]"), Ok(MessageParts::default()));
        // An answer that failed before any output: written with `null` output.
        let failed = MessageParts::from_column(r#"{"output":null,"citations":[]}"#).expect("reads");
        assert!(failed.is_empty());
        let answer = MessageParts::from_column(
            r#"{"output":[{"type":"message","id":"msg_1","role":"assistant","status":"completed","content":[{"type":"output_text","text":"hi","annotations":[]}]}],"citations":[{"url":"https://example.com","title":"Example"}]}"#,
        )
        .expect("reads");
        assert_eq!(answer.output.len(), 1);
        assert_eq!(answer.output[0].item_type(), "message");
        assert_eq!(
            answer.citations,
            vec![Citation {
                url: "https://example.com".into(),
                title: Some("Example".into())
            }]
        );
    }

    #[test]
    fn damage_is_an_error_not_nothing() {
        assert!(MessageParts::from_column("not json").is_err());
        assert!(MessageParts::from_column(r#"{"citations":[{"title":"no url"}]}"#).is_err());
        assert!(MessageParts::from_column("[1]").is_err());
    }

    #[test]
    fn written_shape_reads_back() {
        let parts = MessageParts {
            thought_ms: Some(12_345),
            output: vec![OutputItem::Other(
                serde_json::json!({"type": "compaction", "x": 1}),
            )],
            citations: vec![Citation {
                url: "u".into(),
                title: None,
            }],
            notes: vec![TurnNote::Withheld {
                feature: Feature::ReasoningEffort,
            }],
            tool_steps: vec![],
            file_citations: vec![FileCitation {
                file_id: "file_1".into(),
                filename: "report.pdf".into(),
                quote: Some("Section 3".into()),
            }],
            files: vec![GeneratedFile {
                id: Some("f".into()),
                kind: GeneratedFileKind::Image,
                name: "image.png".into(),
                mime: "image/png".into(),
                size: 3,
                item_id: Some("ig_1".into()),
                missing: None,
            }],
        };
        let column = parts.to_column().expect("writes");
        assert!(
            column.starts_with(r#"{"output":[{"type":"compaction""#),
            "{column}"
        );
        assert_eq!(MessageParts::from_column(&column), Ok(parts));
    }
}
