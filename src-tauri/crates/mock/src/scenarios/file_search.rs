//! The echo's `file_search`: the user's question searched in the files of
//! the tool's vector stores that finished indexing, the best passage of
//! each quoted as a result, and an answer that cites the best one.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::lifecycle::Item;
use super::said::Said;
use crate::api_error::ApiError;
use crate::create_request::{CreateRequest, FileSearchTool};
use crate::file_text::{best_passage, text_of, words};
use crate::files::FilesInner;

/// One file's best passage for the question.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    pub file_id: String,
    pub filename: String,
    /// Words of the question the passage shares, as a share of them
    /// (0..=1, four decimals, like the API's scores).
    pub score: f64,
    pub text: String,
}

/// Searches the stores' indexed (`completed`) files for `question`, best
/// first, at most the tool's `max_num_results`. A store that does not
/// exist is refused as the API refuses it: 404, naming the store.
pub(crate) fn search(
    files: &FilesInner,
    tool: &FileSearchTool,
    question: &str,
) -> Result<Vec<Hit>, ApiError> {
    let asked = words(question).len();
    let mut hits = Vec::new();
    for store_id in &tool.vector_store_ids {
        let Some(store) = files.stores.get(store_id) else {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "invalid_request_error",
                format!("Vector store with id '{store_id}' not found."),
            )
            .with_param("tools"));
        };
        for indexed in store.files.iter().filter(|f| f.status() == "completed") {
            let Some(file) = files.files.get(&indexed.file_id) else {
                continue;
            };
            let Some((passage, shared)) =
                text_of(&file.bytes).and_then(|text| best_passage(&text, question))
            else {
                continue;
            };
            let score = (shared as f64 / asked.max(1) as f64 * 10_000.0).round() / 10_000.0;
            hits.push(Hit {
                file_id: indexed.file_id.clone(),
                filename: file.filename.clone(),
                score,
                text: passage,
            });
        }
    }
    // Stable: equal scores keep the stores' and files' order.
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    hits.truncate(tool.max_results);
    Ok(hits)
}

/// The `file_search_call` item (results only when `include` asks for
/// them) and what the answer says about it.
pub(crate) fn answer(request: &CreateRequest, hits: &[Hit]) -> (Item, Said) {
    let results = request.includes("file_search_call.results").then(|| {
        hits.iter()
            .map(|hit| {
                json!({"attributes": {}, "file_id": hit.file_id, "filename": hit.filename,
                    "score": hit.score, "text": hit.text})
            })
            .collect::<Vec<Value>>()
    });
    let item = Item::FileSearch {
        queries: vec![request.user_text.clone()],
        results,
    };
    let Some(best) = hits.first() else {
        let question: String = request.user_text.chars().take(100).collect();
        return (
            item,
            Said::plain(format!(
                "I searched the files and found nothing about \"{question}\"."
            )),
        );
    };
    let quote = best.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = format!("According to {}: \"{quote}\".", best.filename);
    // As the API places it: at the end of the cited sentence, before its
    // full stop.
    let index = text.chars().count() - 1;
    let citation = json!({"type": "file_citation", "file_id": best.file_id,
        "filename": best.filename, "index": index});
    (item, Said::new(text, vec![citation]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::{IndexedFile, StoredFile, VectorStore};

    fn library() -> FilesInner {
        let mut files = FilesInner::default();
        for (id, name, text, ready) in [
            (
                "file-1",
                "tides.txt",
                "Cats nap.\n\nTides come twice a day.",
                true,
            ),
            ("file-2", "late.txt", "Tides come and go.", false),
            ("file-3", "moon.txt", "The moon pulls the tides.", true),
        ] {
            files.files.insert(
                id.into(),
                StoredFile {
                    filename: name.into(),
                    purpose: "assistants".into(),
                    bytes: text.as_bytes().to_vec().into(),
                    created_at: 0,
                },
            );
            let looks_left = if ready { 0 } else { 2 };
            let store = files
                .stores
                .entry("vs_1".into())
                .or_insert_with(|| VectorStore {
                    name: None,
                    files: Vec::new(),
                    created_at: 0,
                    metadata: json!({}),
                });
            store.files.push(IndexedFile {
                file_id: id.into(),
                looks_left,
                fails: false,
                created_at: 0,
            });
        }
        files
    }

    fn tool(ids: &[&str]) -> FileSearchTool {
        FileSearchTool {
            vector_store_ids: ids.iter().map(|id| (*id).to_owned()).collect(),
            max_results: 10,
        }
    }

    #[test]
    fn only_indexed_files_are_searched_best_first() {
        let hits = search(&library(), &tool(&["vs_1"]), "when do tides come?").expect("found");
        let names: Vec<&str> = hits.iter().map(|h| h.filename.as_str()).collect();
        // late.txt is still indexing; tides.txt shares two words, moon.txt one.
        assert_eq!(names, ["tides.txt", "moon.txt"]);
        assert_eq!(hits[0].text, "Tides come twice a day.");
        assert_eq!(hits[0].score, 0.6667, "2 of when/tides/come");
    }

    #[test]
    fn an_unknown_store_is_refused_by_name() {
        let error = search(&library(), &tool(&["vs_1", "vs_gone"]), "tides").expect_err("404");
        assert_eq!(error.status, StatusCode::NOT_FOUND);
        assert!(error.message.contains("Vector store") && error.message.contains("vs_gone"));
    }

    #[test]
    fn the_answer_cites_the_best_file_before_the_full_stop() {
        let request = CreateRequest::parse(json!({"model": "echo", "input": "tides?",
            "include": ["file_search_call.results"],
            "tools": [{"type": "file_search", "vector_store_ids": ["vs_1"]}]}))
        .expect("a request");
        let hits = search(&library(), &tool(&["vs_1"]), "tides?").expect("found");
        let (item, said) = answer(&request, &hits);
        let Item::FileSearch { results, queries } = item else {
            panic!("a file search call");
        };
        assert_eq!(queries, ["tides?"]);
        assert_eq!(results.map(|r| r.len()), Some(2), "results were included");
        assert_eq!(
            said.text,
            "According to tides.txt: \"Tides come twice a day.\"."
        );
        let index = said.annotations[0]["index"].as_u64().expect("an index");
        assert_eq!(said.text.chars().nth(index as usize), Some('.'));
        let (_, nothing) = answer(&request, &[]);
        assert!(nothing.text.contains("found nothing") && nothing.annotations.is_empty());
    }
}
