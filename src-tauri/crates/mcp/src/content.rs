//! A tool's answer, twice: typed parts the UI shows (text, an image, an
//! embedded resource, a link, structured JSON), and the one string the model
//! gets as `function_call_output`. Both are bounded: a server decides how much
//! it sends, not how much Halley keeps.

use base64::Engine;
use rmcp::model::{CallToolResult, ContentBlock, ResourceContents};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// What the UI shows of one tool call's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "McpToolResult.ts", rename = "McpToolResult")]
pub struct ToolResult {
    pub parts: Vec<ResultPart>,
    /// `structuredContent`, as the server sent it.
    #[ts(type = "unknown")]
    pub structured: Option<Value>,
    /// The server said the call failed (`isError`): the model is told so.
    pub is_error: bool,
    /// Something was cut to the limits (see [`OutputLimits`]).
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export_to = "McpResultPart.ts", rename = "McpResultPart")]
pub enum ResultPart {
    Text {
        text: String,
    },
    /// A raster image the UI may show as a `data:` URL. Other image types
    /// (SVG can carry script and remote references) arrive as [`ResultPart::Omitted`].
    #[serde(rename_all = "camelCase")]
    Image {
        mime_type: String,
        /// Base64, as sent.
        data: String,
    },
    #[serde(rename_all = "camelCase")]
    Resource {
        uri: String,
        mime_type: Option<String>,
        /// The resource's text, when it is text.
        text: Option<String>,
        /// How many bytes a binary resource has (not kept).
        blob_bytes: Option<u64>,
    },
    #[serde(rename_all = "camelCase")]
    ResourceLink {
        uri: String,
        name: String,
        description: Option<String>,
        mime_type: Option<String>,
    },
    /// A part Halley does not show (audio, an image type it does not
    /// display), described.
    #[serde(rename_all = "camelCase")]
    Omitted {
        kind: String,
        mime_type: Option<String>,
        bytes: u64,
    },
}

impl ToolResult {
    /// Replaces `secret`'s value wherever a server echoed it back (a tool
    /// that prints its own environment): results are shown, stored in the
    /// history and sent to the model, and a secret must reach none of them.
    pub fn scrub(&mut self, scrub: impl Fn(&str) -> String) {
        for part in &mut self.parts {
            match part {
                ResultPart::Text { text } => *text = scrub(text),
                ResultPart::Resource { uri, text, .. } => {
                    *uri = scrub(uri);
                    if let Some(text) = text {
                        *text = scrub(text);
                    }
                }
                ResultPart::ResourceLink {
                    uri,
                    name,
                    description,
                    ..
                } => {
                    *uri = scrub(uri);
                    *name = scrub(name);
                    if let Some(description) = description {
                        *description = scrub(description);
                    }
                }
                ResultPart::Image { .. } | ResultPart::Omitted { .. } => {}
            }
        }
        if let Some(structured) = &mut self.structured {
            scrub_value(structured, &scrub);
        }
    }
}

fn scrub_value(value: &mut Value, scrub: &impl Fn(&str) -> String) {
    match value {
        Value::String(text) => *text = scrub(text),
        Value::Array(items) => items.iter_mut().for_each(|v| scrub_value(v, scrub)),
        Value::Object(map) => map.values_mut().for_each(|v| scrub_value(v, scrub)),
        _ => {}
    }
}

/// How much of an answer is kept.
#[derive(Debug, Clone, Copy)]
pub struct OutputLimits {
    /// Per text part (and embedded text resource) shown to the user.
    pub max_text_chars: usize,
    /// The string the model gets.
    pub max_model_chars: usize,
}

impl Default for OutputLimits {
    fn default() -> Self {
        Self {
            max_text_chars: 256 * 1024,
            max_model_chars: 100_000,
        }
    }
}

const SHOWN_IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

impl ToolResult {
    pub fn from_mcp(result: &CallToolResult, limits: OutputLimits) -> Self {
        let mut truncated = false;
        let mut cut = |text: &str| {
            let (kept, was_cut) = cut_chars(text, limits.max_text_chars);
            truncated |= was_cut;
            kept
        };
        let parts = result
            .content
            .iter()
            .map(|block| match block {
                ContentBlock::Text(text) => ResultPart::Text {
                    text: cut(&text.text),
                },
                ContentBlock::Image(image) => {
                    let mime = image.mime_type.to_ascii_lowercase();
                    if SHOWN_IMAGE_TYPES.contains(&mime.as_str()) && is_base64(&image.data) {
                        ResultPart::Image {
                            mime_type: mime,
                            data: image.data.clone(),
                        }
                    } else {
                        ResultPart::Omitted {
                            kind: "image".into(),
                            mime_type: Some(image.mime_type.clone()),
                            bytes: base64_len(&image.data),
                        }
                    }
                }
                ContentBlock::Audio(audio) => ResultPart::Omitted {
                    kind: "audio".into(),
                    mime_type: Some(audio.mime_type.clone()),
                    bytes: base64_len(&audio.data),
                },
                ContentBlock::Resource(embedded) => match &embedded.resource {
                    ResourceContents::TextResourceContents {
                        uri,
                        mime_type,
                        text,
                        ..
                    } => ResultPart::Resource {
                        uri: uri.clone(),
                        mime_type: mime_type.clone(),
                        text: Some(cut(text)),
                        blob_bytes: None,
                    },
                    ResourceContents::BlobResourceContents {
                        uri,
                        mime_type,
                        blob,
                        ..
                    } => ResultPart::Resource {
                        uri: uri.clone(),
                        mime_type: mime_type.clone(),
                        text: None,
                        blob_bytes: Some(base64_len(blob)),
                    },
                    _ => ResultPart::Omitted {
                        kind: "resource".into(),
                        mime_type: None,
                        bytes: 0,
                    },
                },
                ContentBlock::ResourceLink(link) => ResultPart::ResourceLink {
                    uri: link.uri.clone(),
                    name: link.name.clone(),
                    description: link.description.clone(),
                    mime_type: link.mime_type.clone(),
                },
                // A kind of content newer than this client.
                _ => ResultPart::Omitted {
                    kind: "unknown".into(),
                    mime_type: None,
                    bytes: 0,
                },
            })
            .collect();
        Self {
            parts,
            structured: result.structured_content.clone(),
            is_error: result.is_error == Some(true),
            truncated,
        }
    }

    /// The `function_call_output` string: the text parts, every other part
    /// described in a line, `structuredContent` as JSON when the text does not
    /// already carry it, cut to `max_model_chars` with a note saying so.
    pub fn model_output(&self, limits: OutputLimits) -> String {
        let mut pieces: Vec<String> = Vec::new();
        if self.is_error {
            pieces.push("The tool reported an error:".into());
        }
        for part in &self.parts {
            pieces.push(match part {
                ResultPart::Text { text } => text.clone(),
                ResultPart::Image { mime_type, data } => format!(
                    "[image, {mime_type}, {} bytes: shown to the user]",
                    base64_len(data)
                ),
                ResultPart::Resource {
                    uri,
                    text: Some(text),
                    ..
                } => format!("[resource {uri}]\n{text}"),
                ResultPart::Resource {
                    uri,
                    mime_type,
                    blob_bytes,
                    ..
                } => format!(
                    "[resource {uri}, {}, {} bytes of binary data]",
                    mime_type.as_deref().unwrap_or("unknown type"),
                    blob_bytes.unwrap_or(0)
                ),
                ResultPart::ResourceLink {
                    uri,
                    name,
                    description,
                    ..
                } => match description {
                    Some(d) => format!("[resource link: {name} <{uri}>: {d}]"),
                    None => format!("[resource link: {name} <{uri}>]"),
                },
                ResultPart::Omitted {
                    kind,
                    mime_type,
                    bytes,
                } => format!(
                    "[{kind}, {}, {bytes} bytes: not passed on]",
                    mime_type.as_deref().unwrap_or("unknown type")
                ),
            });
        }
        if let Some(structured) = &self.structured {
            let carried = self.parts.iter().any(|p| match p {
                ResultPart::Text { text } => {
                    serde_json::from_str::<Value>(text).ok().as_ref() == Some(structured)
                }
                _ => false,
            });
            if !carried {
                pieces.push(structured.to_string());
            }
        }
        let joined = pieces.join("\n\n");
        let total = joined.chars().count();
        let (mut kept, was_cut) = cut_chars(&joined, limits.max_model_chars);
        if was_cut || self.truncated {
            kept.push_str(&format!(
                "\n\n[Halley cut this answer: it had {total} characters or more; the first {} are above.]",
                kept.chars().count()
            ));
        }
        kept
    }
}

fn cut_chars(text: &str, max: usize) -> (String, bool) {
    match text.char_indices().nth(max) {
        Some((byte, _)) => (text[..byte].to_owned(), true),
        None => (text.to_owned(), false),
    }
}

fn base64_len(data: &str) -> u64 {
    let trimmed = data.trim_end_matches('=');
    (trimmed.len() as u64 * 3) / 4
}

fn is_base64(data: &str) -> bool {
    // Decoding a whole multi-MB image only to check it is wasteful; a
    // sample of the start plus the alphabet check is enough for a data: URL.
    data.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        && base64::engine::general_purpose::STANDARD
            .decode(&data[..data.len().min(4096) / 4 * 4])
            .is_ok()
}

#[cfg(test)]
mod tests {
    use rmcp::model::{ContentBlock, Resource};
    use serde_json::json;

    use super::*;

    fn result(content: Vec<ContentBlock>) -> CallToolResult {
        CallToolResult::success(content)
    }

    #[test]
    fn every_kind_of_part_is_typed_for_the_ui_and_described_for_the_model() {
        let png = "iVBORw0KGgo=";
        let mut r = result(vec![
            ContentBlock::text("hello"),
            ContentBlock::image(png, "image/png"),
            ContentBlock::image("PHN2Zz4=", "image/svg+xml"),
            ContentBlock::embedded_text("file:///a.txt", "inside"),
            ContentBlock::ResourceLink(Resource::new("file:///b.txt", "b.txt")),
        ]);
        r.structured_content = Some(json!({"n": 1}));
        let shown = ToolResult::from_mcp(&r, OutputLimits::default());
        assert!(
            matches!(&shown.parts[1], ResultPart::Image { mime_type, .. } if mime_type == "image/png")
        );
        assert!(
            matches!(&shown.parts[2], ResultPart::Omitted { kind, .. } if kind == "image"),
            "SVG is not shown: {:?}",
            shown.parts[2]
        );
        let text = shown.model_output(OutputLimits::default());
        for needle in [
            "hello",
            "[image, image/png",
            "[resource file:///a.txt]\ninside",
            "resource link: b.txt <file:///b.txt>",
            "{\"n\":1}",
        ] {
            assert!(text.contains(needle), "{needle} in {text}");
        }
    }

    #[test]
    fn structured_content_already_in_the_text_is_not_sent_twice() {
        let mut r = result(vec![ContentBlock::text("{\"n\": 1}")]);
        r.structured_content = Some(json!({"n": 1}));
        let text =
            ToolResult::from_mcp(&r, OutputLimits::default()).model_output(OutputLimits::default());
        assert_eq!(text, "{\"n\": 1}");
    }

    #[test]
    fn an_error_result_says_so_and_a_long_one_is_cut_with_a_note() {
        let r = CallToolResult::error(vec![ContentBlock::text("x".repeat(1000))]);
        let limits = OutputLimits {
            max_text_chars: 500,
            max_model_chars: 100,
        };
        let shown = ToolResult::from_mcp(&r, limits);
        assert!(shown.is_error && shown.truncated);
        let text = shown.model_output(limits);
        assert!(text.starts_with("The tool reported an error:"), "{text}");
        assert!(text.contains("Halley cut this answer"), "{text}");
        assert!(text.chars().count() < 300, "{}", text.len());
    }
}
