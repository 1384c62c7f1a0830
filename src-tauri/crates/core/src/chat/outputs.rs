//! What the hosted tools of a turn leave behind, made into things a person
//! can look at: the passages a file search cited, a code interpreter's code,
//! logs, charts and files, a generated image. Images and files are kept in
//! the history (`message_files`) when the turn ends, because the provider
//! lets them go (a container expires after minutes of idleness).

use std::sync::Arc;

use base64::Engine;
use halley_responses::{Annotation, Client, ContentPart, Endpoint, Nullable, OutputItem, Response};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use super::run::Emit;
use super::updates::RunUpdate;
use crate::history::{FileCitation, GeneratedFile, GeneratedFileKind, MessageFileData};
use crate::{Error, History};

/// Files one turn keeps at most: a bound against a response that cites
/// a thousand container files.
pub const MAX_FILES_PER_TURN: usize = 16;

/// A search result's text is cut here for the card (the model saw it all).
const MAX_HIT_CHARS: usize = 4_000;

/// A hosted tool's output item as the answer shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export_to = "ToolOutput.ts")]
pub enum ToolOutput {
    /// A code interpreter run: its code and what it printed. Its images
    /// are [`GeneratedFile`]s with this `item_id`.
    #[serde(rename_all = "camelCase")]
    CodeRun {
        item_id: String,
        code: String,
        logs: Vec<String>,
        failed: bool,
    },
    /// An image generation; the image is a [`GeneratedFile`] with this
    /// `item_id`.
    #[serde(rename_all = "camelCase")]
    ImageGeneration {
        item_id: String,
        revised_prompt: Option<String>,
        failed: bool,
    },
    /// A search of the conversation's files.
    #[serde(rename_all = "camelCase")]
    FileSearch {
        item_id: String,
        queries: Vec<String>,
        results: Vec<FileSearchHit>,
    },
}

/// One passage a file search found.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "FileSearchHit.ts")]
pub struct FileSearchHit {
    pub file_id: String,
    pub filename: String,
    pub score: Option<f64>,
    pub text: String,
}

fn failed(status: &Nullable<String>) -> bool {
    matches!(status.as_str(), Some("failed" | "incomplete"))
}

fn hits(results: &Nullable<Vec<Value>>) -> Vec<FileSearchHit> {
    results
        .get()
        .into_iter()
        .flatten()
        .filter_map(|result| {
            let text = result.get("text")?.as_str()?;
            Some(FileSearchHit {
                file_id: result.get("file_id")?.as_str()?.to_owned(),
                filename: result
                    .get("filename")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                score: result.get("score").and_then(Value::as_f64),
                text: text.chars().take(MAX_HIT_CHARS).collect(),
            })
        })
        .collect()
}

/// The card for a hosted tool's item; `None` for everything else (web
/// search has its own sources list, MCP its steps).
pub fn tool_output(item: &OutputItem) -> Option<ToolOutput> {
    match item {
        OutputItem::CodeInterpreterCall(call) => Some(ToolOutput::CodeRun {
            item_id: call.id.as_str()?.to_owned(),
            code: call.code.as_str().unwrap_or_default().to_owned(),
            logs: call
                .outputs
                .get()
                .into_iter()
                .flatten()
                .filter(|o| o.get("type").and_then(Value::as_str) == Some("logs"))
                .filter_map(|o| o.get("logs")?.as_str().map(str::to_owned))
                .collect(),
            failed: failed(&call.status),
        }),
        OutputItem::ImageGenerationCall(call) => Some(ToolOutput::ImageGeneration {
            item_id: call.id.as_str()?.to_owned(),
            revised_prompt: call.revised_prompt.as_str().map(str::to_owned),
            failed: failed(&call.status),
        }),
        OutputItem::FileSearchCall(call) => Some(ToolOutput::FileSearch {
            item_id: call.id.as_str()?.to_owned(),
            queries: call.queries.get().cloned().unwrap_or_default(),
            results: hits(&call.results),
        }),
        _ => None,
    }
}

/// Every card of a stored answer, in output order.
pub fn tool_outputs(output: &[OutputItem]) -> Vec<ToolOutput> {
    output.iter().filter_map(tool_output).collect()
}

/// The citation a `file_citation` annotation makes, with the best passage
/// the turn's file searches found in that file as its quote.
pub fn file_citation(annotation: &Annotation, output: &[OutputItem]) -> Option<FileCitation> {
    let Annotation::FileCitation(citation) = annotation else {
        return None;
    };
    let best = output
        .iter()
        .filter_map(|item| match item {
            OutputItem::FileSearchCall(call) => Some(hits(&call.results)),
            _ => None,
        })
        .flatten()
        .filter(|hit| hit.file_id == citation.file_id)
        .max_by(|a, b| a.score.unwrap_or(0.0).total_cmp(&b.score.unwrap_or(0.0)));
    Some(FileCitation {
        file_id: citation.file_id.clone(),
        filename: citation
            .filename
            .as_str()
            .map(str::to_owned)
            .or_else(|| best.as_ref().map(|hit| hit.filename.clone()))
            .unwrap_or_else(|| citation.file_id.clone()),
        quote: best.map(|hit| hit.text),
    })
}

/// An image's type from its first bytes (never from what a server says).
fn image_mime(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [0xff, 0xd8, 0xff, ..] => Some("image/jpeg"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        _ => None,
    }
}

fn extension(mime: &str) -> &'static str {
    match mime {
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        "image/gif" => "gif",
        _ => "png",
    }
}

/// A file's type from its name, for the save dialog and the chip's icon.
fn mime_of_name(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, ext)| ext);
    match ext {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "csv" => "text/csv",
        "txt" | "log" => "text/plain",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// A file to keep, found in the response.
struct Found {
    kind: GeneratedFileKind,
    name: String,
    item_id: Option<String>,
    source: Source,
}

enum Source {
    Bytes(Vec<u8>),
    Container {
        container_id: String,
        file_id: String,
    },
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim().as_bytes())
        .ok()
}

/// Takes the images out of the response's items (their base64 is kept as
/// a file, not in the parts column) and lists the container files the
/// answer cites.
fn take_files(output: &mut [OutputItem]) -> Vec<Found> {
    let mut found = Vec::new();
    let mut images = 0;
    for item in output.iter_mut() {
        match item {
            OutputItem::ImageGenerationCall(call) => {
                let Some(bytes) = call.result.as_str().and_then(decode_base64) else {
                    continue;
                };
                call.result = Nullable::Absent;
                images += 1;
                let mime = image_mime(&bytes).unwrap_or("image/png");
                found.push(Found {
                    kind: GeneratedFileKind::Image,
                    name: format!("image-{images}.{}", extension(mime)),
                    item_id: call.id.as_str().map(str::to_owned),
                    source: Source::Bytes(bytes),
                });
            }
            OutputItem::CodeInterpreterCall(call) => {
                let item_id = call.id.as_str().map(str::to_owned);
                let Nullable::Value(outputs) = &mut call.outputs else {
                    continue;
                };
                for output in outputs.iter_mut() {
                    if output.get("type").and_then(Value::as_str) != Some("image") {
                        continue;
                    }
                    let Some(data) = output
                        .get("url")
                        .and_then(Value::as_str)
                        .and_then(|url| url.strip_prefix("data:"))
                        .and_then(|rest| rest.split_once(";base64,"))
                        .and_then(|(_, data)| decode_base64(data))
                    else {
                        continue;
                    };
                    if let Some(object) = output.as_object_mut() {
                        object.remove("url");
                    }
                    images += 1;
                    let mime = image_mime(&data).unwrap_or("image/png");
                    found.push(Found {
                        kind: GeneratedFileKind::CodeImage,
                        name: format!("chart-{images}.{}", extension(mime)),
                        item_id: item_id.clone(),
                        source: Source::Bytes(data),
                    });
                }
            }
            OutputItem::Message(message) => {
                for part in &message.content {
                    let ContentPart::OutputText(text) = part else {
                        continue;
                    };
                    for annotation in text.annotations.get().into_iter().flatten() {
                        let Annotation::ContainerFileCitation(cited) = annotation else {
                            continue;
                        };
                        let seen = found.iter().any(|f| {
                            matches!(&f.source, Source::Container { file_id, .. } if *file_id == cited.file_id)
                        });
                        if seen {
                            continue;
                        }
                        found.push(Found {
                            kind: GeneratedFileKind::CodeFile,
                            name: cited
                                .filename
                                .as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| cited.file_id.clone()),
                            item_id: None,
                            source: Source::Container {
                                container_id: cited.container_id.clone(),
                                file_id: cited.file_id.clone(),
                            },
                        });
                    }
                }
            }
            _ => {}
        }
    }
    found.truncate(MAX_FILES_PER_TURN);
    found
}

/// Keeps the images and files of `response` with `message_id`, taking the
/// images' base64 out of its items; tells the UI of each as it is kept.
/// A container file that can no longer be fetched is listed as missing,
/// with the provider's words.
pub async fn keep_files(
    history: &Arc<History>,
    client: &Client,
    endpoint: &Endpoint,
    message_id: &str,
    response: &mut Response,
    emit: &Emit,
) -> Result<Vec<GeneratedFile>, Error> {
    let Nullable::Value(output) = &mut response.output else {
        return Ok(Vec::new());
    };
    let found = take_files(output);
    let mut kept = Vec::with_capacity(found.len());
    for (position, file) in found.into_iter().enumerate() {
        let fetched = match file.source {
            Source::Bytes(bytes) => Ok(bytes),
            Source::Container {
                container_id,
                file_id,
            } => client
                .container_file_content(endpoint, &container_id, &file_id)
                .await
                .map(|bytes| bytes.to_vec()),
        };
        let generated = match fetched {
            Ok(data) => {
                let mime = image_mime(&data)
                    .filter(|_| file.kind != GeneratedFileKind::CodeFile)
                    .unwrap_or_else(|| mime_of_name(&file.name))
                    .to_owned();
                let size = data.len() as u64;
                let row = MessageFileData {
                    name: file.name.clone(),
                    mime: mime.clone(),
                    data,
                };
                let history = history.clone();
                let message_id = message_id.to_owned();
                let position = u32::try_from(position).unwrap_or(u32::MAX);
                let id = tokio::task::spawn_blocking(move || {
                    history.add_message_file(&message_id, position, &row)
                })
                .await
                .map_err(|e| Error::TaskLost(format!("a file could not be kept: {e}")))??;
                GeneratedFile {
                    id: Some(id),
                    kind: file.kind,
                    name: file.name,
                    mime,
                    size,
                    item_id: file.item_id,
                    missing: None,
                }
            }
            Err(error) => GeneratedFile {
                id: None,
                kind: file.kind,
                mime: mime_of_name(&file.name).to_owned(),
                name: file.name,
                size: 0,
                item_id: file.item_id,
                missing: Some(error.detail()),
            },
        };
        emit(RunUpdate::File {
            file: generated.clone(),
        });
        kept.push(generated);
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(doc: Value) -> OutputItem {
        serde_json::from_value(doc).expect("parses")
    }

    #[test]
    fn a_file_citation_quotes_the_best_passage_of_its_file() {
        let output = vec![item(json!({
            "type": "file_search_call", "id": "fs_1", "status": "completed", "queries": ["q"],
            "results": [
                {"file_id": "file_a", "filename": "a.pdf", "score": 0.2, "text": "weak"},
                {"file_id": "file_a", "filename": "a.pdf", "score": 0.9, "text": "Section 3 says yes."},
                {"file_id": "file_b", "filename": "b.txt", "score": 1.0, "text": "other file"}
            ]
        }))];
        let annotation: Annotation = serde_json::from_value(
            json!({"type": "file_citation", "file_id": "file_a", "filename": "a.pdf", "index": 3}),
        )
        .expect("parses");
        let citation = file_citation(&annotation, &output).expect("a citation");
        assert_eq!(citation.filename, "a.pdf");
        assert_eq!(citation.quote.as_deref(), Some("Section 3 says yes."));
        let url: Annotation =
            serde_json::from_value(json!({"type": "url_citation", "url": "https://e.com"}))
                .expect("parses");
        assert_eq!(file_citation(&url, &output), None);
    }

    #[test]
    fn images_leave_the_items_and_container_citations_are_listed_once() {
        let png = [0x89, b'P', b'N', b'G', 1, 2, 3];
        let b64 = base64::engine::general_purpose::STANDARD.encode(png);
        let mut output = vec![
            item(
                json!({"type": "image_generation_call", "id": "ig_1", "status": "completed", "result": b64}),
            ),
            item(
                json!({"type": "code_interpreter_call", "id": "ci_1", "status": "completed",
                "code": "plot()", "container_id": "cntr_1",
                "outputs": [{"type": "logs", "logs": "ok"}, {"type": "image", "url": format!("data:image/png;base64,{b64}")}]}),
            ),
            item(
                json!({"type": "message", "id": "m", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": "t", "annotations": [
                    {"type": "container_file_citation", "container_id": "cntr_1", "file_id": "cfile_1", "filename": "data.csv", "start_index": 0, "end_index": 1},
                    {"type": "container_file_citation", "container_id": "cntr_1", "file_id": "cfile_1", "filename": "data.csv", "start_index": 0, "end_index": 1}
                ]}]}),
            ),
        ];
        let found = take_files(&mut output);
        let kinds: Vec<_> = found.iter().map(|f| (f.kind, f.name.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (GeneratedFileKind::Image, "image-1.png"),
                (GeneratedFileKind::CodeImage, "chart-2.png"),
                (GeneratedFileKind::CodeFile, "data.csv"),
            ]
        );
        let OutputItem::ImageGenerationCall(call) = &output[0] else {
            panic!("still an image call")
        };
        assert!(
            call.result.is_absent(),
            "the base64 is not kept in the parts"
        );
        let cards = tool_outputs(&output);
        assert_eq!(
            cards[1],
            ToolOutput::CodeRun {
                item_id: "ci_1".into(),
                code: "plot()".into(),
                logs: vec!["ok".into()],
                failed: false
            }
        );
        let serialized = serde_json::to_string(&output).expect("serializes");
        assert!(!serialized.contains("base64"), "{serialized}");
    }

    #[test]
    fn image_types_come_from_the_bytes() {
        assert_eq!(image_mime(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(image_mime(b"<svg"), None);
        assert_eq!(mime_of_name("Data.CSV"), "text/csv");
    }
}
