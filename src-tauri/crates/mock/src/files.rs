//! The Files and Vector Stores a mock server holds, in memory, with the
//! status flows of the OpenAI API reference: a file added to a store is
//! `in_progress` for a few looks and then `completed`, or `failed` with a
//! `last_error` when its name says it cannot be indexed.

use std::collections::BTreeMap;
use std::sync::{LazyLock, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use serde_json::{json, Value};

/// Looks at an added file before its indexing completes.
pub(crate) const INDEXING_LOOKS: u32 = 2;

/// A file whose name contains this fails to index (a test's way to ask).
pub(crate) const UNINDEXABLE: &str = "unindexable";

pub(crate) struct StoredFile {
    pub filename: String,
    pub purpose: String,
    pub bytes: Bytes,
    pub created_at: u64,
}

impl StoredFile {
    pub fn object(&self, id: &str) -> Value {
        json!({
            "id": id, "object": "file", "bytes": self.bytes.len(),
            "created_at": self.created_at, "expires_at": null,
            "filename": self.filename, "purpose": self.purpose,
            "status": "processed", "status_details": null,
        })
    }
}

pub(crate) struct IndexedFile {
    pub file_id: String,
    pub looks_left: u32,
    pub fails: bool,
    pub created_at: u64,
}

impl IndexedFile {
    pub fn status(&self) -> &'static str {
        match (self.looks_left, self.fails) {
            (0, true) => "failed",
            (0, false) => "completed",
            _ => "in_progress",
        }
    }

    pub fn object(&self, store_id: &str) -> Value {
        let status = self.status();
        let last_error = if status == "failed" {
            json!({"code": "unsupported_file", "message": "The file type is not supported."})
        } else {
            Value::Null
        };
        json!({
            "id": self.file_id, "object": "vector_store.file", "status": status,
            "last_error": last_error, "vector_store_id": store_id,
            "usage_bytes": 0, "created_at": self.created_at, "attributes": {},
            "chunking_strategy": {"type": "static", "static": {
                "max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}},
        })
    }
}

pub(crate) struct VectorStore {
    pub name: Option<String>,
    pub files: Vec<IndexedFile>,
    pub created_at: u64,
    pub metadata: Value,
}

/// A store's or a batch's `file_counts`, and whether any file is still
/// being indexed (which makes the whole `in_progress`).
pub(crate) fn file_counts<'a>(
    files: impl Iterator<Item = &'a IndexedFile> + Clone,
) -> (Value, bool) {
    let count = |status: &str| files.clone().filter(|f| f.status() == status).count();
    let in_progress = count("in_progress");
    let counts = json!({
        "in_progress": in_progress, "completed": count("completed"),
        "failed": count("failed"), "cancelled": 0, "total": files.clone().count(),
    });
    (counts, in_progress > 0)
}

impl VectorStore {
    pub fn object(&self, id: &str) -> Value {
        let (counts, indexing) = file_counts(self.files.iter());
        json!({
            "id": id, "object": "vector_store", "name": self.name,
            "status": if indexing { "in_progress" } else { "completed" },
            "file_counts": counts,
            "usage_bytes": 0, "created_at": self.created_at, "expires_after": null,
            "expires_at": null, "last_active_at": self.created_at, "metadata": self.metadata,
        })
    }
}

/// A code interpreter container's files: what a run's code wrote.
pub(crate) struct ContainerFile {
    pub id: &'static str,
    pub path: &'static str,
    pub bytes: Vec<u8>,
}

impl ContainerFile {
    /// The name after the folder (`chart.png`).
    pub fn filename(&self) -> &'static str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }
}

/// The months and sales behind the chart (the CSV and the bars agree).
pub(crate) const SALES: [(&str, u32); 6] = [
    ("jan", 3),
    ("feb", 5),
    ("mar", 4),
    ("apr", 7),
    ("may", 6),
    ("jun", 8),
];

/// The CSV the code interpreter "wrote": a header and a row per month.
pub(crate) fn sales_csv() -> String {
    let mut csv = String::from("month,sales\n");
    for (month, sales) in SALES {
        csv.push_str(&format!("{month},{sales}\n"));
    }
    csv
}

/// Every container the mock knows holds the same two files (a chart and
/// the data behind it), except `cntr_expired`, which is gone. The chart is
/// the same PNG a code interpreter call shows inline.
pub(crate) fn container_files() -> &'static [ContainerFile; 2] {
    static FILES: LazyLock<[ContainerFile; 2]> = LazyLock::new(|| {
        [
            ContainerFile {
                id: "cfile_chart",
                path: "/mnt/data/chart.png",
                bytes: sales_chart(),
            },
            ContainerFile {
                id: "cfile_data",
                path: "/mnt/data/data.csv",
                bytes: sales_csv().into_bytes(),
            },
        ]
    });
    &FILES
}

/// The bar chart of [`SALES`] as a PNG.
pub(crate) fn sales_chart() -> Vec<u8> {
    let values: Vec<u32> = SALES.iter().map(|(_, sales)| *sales).collect();
    crate::pictures::bar_chart(&values)
}

pub(crate) const EXPIRED_CONTAINER: &str = "cntr_expired";

#[derive(Default)]
pub(crate) struct Files {
    inner: Mutex<FilesInner>,
}

#[derive(Default)]
pub(crate) struct FilesInner {
    pub files: BTreeMap<String, StoredFile>,
    pub stores: BTreeMap<String, VectorStore>,
    next: u64,
}

impl FilesInner {
    /// Ids in creation order (the maps are ordered by id).
    pub fn new_id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{:08}", self.next)
    }
}

impl Files {
    pub fn lock(&self) -> MutexGuard<'_, FilesInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
