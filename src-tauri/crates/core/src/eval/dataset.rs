//! Datasets read from CSV or JSONL, and written back out. Columns become
//! template variables; one column may hold the expected output (the
//! reference the graders compare with).
//!
//! A malformed row refuses the whole import, naming the row: a dataset with
//! a silently missing row would score a run on fewer cases than the user
//! thinks, and fixing the file and importing again loses nothing.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The most rows one dataset version holds.
pub const MAX_ROWS: usize = 1_000_000;
/// The most columns a dataset has.
pub const MAX_COLUMNS: usize = 1_000;

/// Which format a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export_to = "DatasetFormat.ts")]
pub enum DatasetFormat {
    Csv,
    Jsonl,
}

impl DatasetFormat {
    /// The format a file name's ending says (`.csv`, `.jsonl`, `.ndjson`).
    pub fn of_file_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            Some(DatasetFormat::Csv)
        } else if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            Some(DatasetFormat::Jsonl)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DatasetFormat::Csv => "csv",
            DatasetFormat::Jsonl => "jsonl",
        }
    }
}

/// Why a file was not imported. Nothing of it was stored. `row` counts data
/// rows from 1 (the header is not a row); `line` is the file's line where
/// the row starts, as an editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
#[ts(export_to = "DatasetProblem.ts")]
pub enum DatasetProblem {
    #[error("the file has no rows")]
    Empty,
    #[error("column {index} of the header has no name")]
    UnnamedColumn { index: u32 },
    #[error("the header names the column \"{name}\" twice")]
    DuplicateColumn { name: String },
    #[error("row {row} (line {line}) cannot be read: {reason}")]
    Malformed { row: u32, line: u32, reason: String },
    #[error("there is no column \"{name}\" for the expected output")]
    NoSuchColumn { name: String },
    #[error("the file has more than {max} rows")]
    TooManyRows { max: u32 },
    #[error("the file has more than {max} columns")]
    TooManyColumns { max: u32 },
}

/// A file's content: the columns, and each row's cells in column order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

fn check_columns(columns: &[String]) -> Result<(), DatasetProblem> {
    if columns.len() > MAX_COLUMNS {
        return Err(DatasetProblem::TooManyColumns {
            max: MAX_COLUMNS as u32,
        });
    }
    for (index, name) in columns.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(DatasetProblem::UnnamedColumn {
                index: index as u32 + 1,
            });
        }
        if columns[..index].contains(name) {
            return Err(DatasetProblem::DuplicateColumn { name: name.clone() });
        }
    }
    Ok(())
}

fn too_many() -> DatasetProblem {
    DatasetProblem::TooManyRows {
        max: MAX_ROWS as u32,
    }
}

/// Reads `bytes` as `format`. A UTF-8 byte order mark is dropped.
pub fn parse(bytes: &[u8], format: DatasetFormat) -> Result<Table, DatasetProblem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match format {
        DatasetFormat::Csv => parse_csv(bytes),
        DatasetFormat::Jsonl => parse_jsonl(bytes),
    }
}

/// RFC 4180 CSV with a header row: quoted fields, `""` inside quotes,
/// newlines inside quotes, `\r\n` or `\n`. Every row has as many fields as
/// the header (a row of one empty field — a blank line — is skipped).
fn parse_csv(bytes: &[u8]) -> Result<Table, DatasetProblem> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        None => return Err(DatasetProblem::Empty),
        Some(Err(error)) => return Err(malformed(0, 1, &error)),
        Some(Ok(header)) => header,
    };
    let columns = header
        .iter()
        .map(|field| String::from_utf8(field.to_vec()).map(|s| s.trim().to_owned()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| DatasetProblem::Malformed {
            row: 0,
            line: 1,
            reason: "the header is not UTF-8 text".into(),
        })?;
    check_columns(&columns)?;
    let mut rows = Vec::new();
    for record in records {
        let row = rows.len() as u32 + 1;
        let record = record.map_err(|e| malformed(row, 0, &e))?;
        let line = record.position().map_or(0, |p| p.line() as u32);
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        if record.len() != columns.len() {
            return Err(DatasetProblem::Malformed {
                row,
                line,
                reason: format!(
                    "it has {} field{} where the header has {}",
                    record.len(),
                    if record.len() == 1 { "" } else { "s" },
                    columns.len()
                ),
            });
        }
        let cells = record
            .iter()
            .map(|field| String::from_utf8(field.to_vec()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| DatasetProblem::Malformed {
                row,
                line,
                reason: "it is not UTF-8 text".into(),
            })?;
        if rows.len() == MAX_ROWS {
            return Err(too_many());
        }
        rows.push(cells);
    }
    if rows.is_empty() {
        return Err(DatasetProblem::Empty);
    }
    Ok(Table { columns, rows })
}

fn malformed(row: u32, line: u32, error: &csv::Error) -> DatasetProblem {
    let line = error
        .position()
        .map_or(line, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
    DatasetProblem::Malformed {
        row,
        line,
        reason: match error.kind() {
            csv::ErrorKind::Utf8 { .. } => "it is not UTF-8 text".into(),
            _ => error.to_string(),
        },
    }
}

/// One JSON object per line; blank lines are skipped. Columns are the keys
/// in the order they first appear; a row without a key has an empty cell.
/// Strings are taken as they are, other values as their JSON text (`3`,
/// `true`, `{"a":1}`), `null` as empty.
fn parse_jsonl(bytes: &[u8]) -> Result<Table, DatasetProblem> {
    let mut columns: Vec<String> = Vec::new();
    let mut objects = Vec::new();
    for (index, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let line_number = index as u32 + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let row = objects.len() as u32 + 1;
        let bad = |reason: String| DatasetProblem::Malformed {
            row,
            line: line_number,
            reason,
        };
        let value: serde_json::Value =
            serde_json::from_slice(line).map_err(|e| bad(format!("it is not JSON ({e})")))?;
        let serde_json::Value::Object(object) = value else {
            return Err(bad("it is not a JSON object".into()));
        };
        for key in object.keys() {
            if !columns.contains(key) {
                columns.push(key.clone());
                if columns.len() > MAX_COLUMNS {
                    return Err(DatasetProblem::TooManyColumns {
                        max: MAX_COLUMNS as u32,
                    });
                }
            }
        }
        if objects.len() == MAX_ROWS {
            return Err(too_many());
        }
        objects.push(object);
    }
    if objects.is_empty() {
        return Err(DatasetProblem::Empty);
    }
    check_columns(&columns)?;
    let rows = objects
        .into_iter()
        .map(|mut object| {
            columns
                .iter()
                .map(|column| match object.remove(column) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s,
                    Some(other) => other.to_string(),
                })
                .collect()
        })
        .collect();
    Ok(Table { columns, rows })
}

/// What an import would take, shown before it is stored: the columns, the
/// row count and the first rows, or why the file cannot be imported (typed,
/// so the UI says it in the user's language with the row and line).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export_to = "DatasetPreview.ts")]
pub enum DatasetPreview {
    Readable {
        columns: Vec<String>,
        rows: u32,
        first_rows: Vec<Vec<String>>,
    },
    Unreadable {
        problem: DatasetProblem,
    },
}

/// [`DatasetPreview`] of `bytes`, with at most `first` rows.
pub fn preview(bytes: &[u8], format: DatasetFormat, first: usize) -> DatasetPreview {
    match parse(bytes, format) {
        Ok(table) => DatasetPreview::Readable {
            rows: table.rows.len() as u32,
            first_rows: table.rows.into_iter().take(first).collect(),
            columns: table.columns,
        },
        Err(problem) => DatasetPreview::Unreadable { problem },
    }
}

/// The table as CSV (a header, every field quoted where it needs to be).
pub fn to_csv(table: &Table) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing into memory cannot fail; a failure would be a bug in csv.
    let _ = writer.write_record(&table.columns);
    for row in &table.rows {
        let _ = writer.write_record(row);
    }
    writer.into_inner().unwrap_or_default()
}

/// The table as JSONL: one object per row, keys in column order, every
/// value a string (what the import read).
pub fn to_jsonl(table: &Table) -> Vec<u8> {
    let mut out = Vec::new();
    for row in &table.rows {
        let object: serde_json::Map<String, serde_json::Value> = table
            .columns
            .iter()
            .zip(row)
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        out.extend_from_slice(serde_json::Value::Object(object).to_string().as_bytes());
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reads_quotes_embedded_newlines_and_a_bom() {
        let file =
            "\u{FEFF}question,expected\r\n\"Say \"\"hi\"\"\",hi\r\n\"two\nlines\",\"a, b\"\r\n";
        let table = parse(file.as_bytes(), DatasetFormat::Csv).expect("parsed");
        assert_eq!(
            table.columns,
            ["question", "expected"],
            "the BOM is not part of the first name"
        );
        assert_eq!(
            table.rows,
            [
                vec!["Say \"hi\"".to_owned(), "hi".to_owned()],
                vec!["two\nlines".to_owned(), "a, b".to_owned()]
            ]
        );
    }

    #[test]
    fn a_row_with_the_wrong_number_of_fields_refuses_the_file_naming_it() {
        let file = "a,b\n1,2\n3,4,5\n6,7\n";
        let problem = parse(file.as_bytes(), DatasetFormat::Csv).expect_err("row 2 is bad");
        assert_eq!(
            problem,
            DatasetProblem::Malformed {
                row: 2,
                line: 3,
                reason: "it has 3 fields where the header has 2".into()
            }
        );
        assert_eq!(
            problem.to_string(),
            "row 2 (line 3) cannot be read: it has 3 fields where the header has 2"
        );
    }

    #[test]
    fn bad_headers_and_empty_files_are_refused() {
        let csv = DatasetFormat::Csv;
        assert_eq!(parse(b"", csv), Err(DatasetProblem::Empty));
        assert_eq!(parse(b"a,b\n", csv), Err(DatasetProblem::Empty));
        assert_eq!(
            parse(b"a,a\n1,2\n", csv),
            Err(DatasetProblem::DuplicateColumn { name: "a".into() })
        );
        assert_eq!(
            parse(b"a,,c\n1,2,3\n", csv),
            Err(DatasetProblem::UnnamedColumn { index: 2 })
        );
        let latin1 = b"a\n\xE9t\xE9\n";
        assert!(
            matches!(parse(latin1, csv), Err(DatasetProblem::Malformed { row: 1, ref reason, .. }) if reason.contains("UTF-8")),
            "{:?}",
            parse(latin1, csv)
        );
    }

    #[test]
    fn jsonl_takes_keys_as_columns_and_names_a_bad_line() {
        let file = "{\"q\": \"one\", \"n\": 1}\n\n{\"q\": \"two\", \"extra\": {\"a\": true}, \"n\": null}\r\n";
        let table = parse(file.as_bytes(), DatasetFormat::Jsonl).expect("parsed");
        assert_eq!(table.columns, ["q", "n", "extra"]);
        assert_eq!(table.rows[0], ["one", "1", ""]);
        assert_eq!(table.rows[1], ["two", "", "{\"a\":true}"]);

        let bad = "{\"q\": 1}\n[1, 2]\n";
        assert!(matches!(
            parse(bad.as_bytes(), DatasetFormat::Jsonl),
            Err(DatasetProblem::Malformed {
                row: 2,
                line: 2,
                ..
            })
        ));
        let broken = "{\"q\": 1}\n\n{\"q\": \n";
        let problem = parse(broken.as_bytes(), DatasetFormat::Jsonl).expect_err("line 3");
        assert!(
            matches!(&problem, DatasetProblem::Malformed { row: 2, line: 3, reason } if reason.contains("not JSON")),
            "{problem:?}"
        );
    }

    #[test]
    fn export_reads_back_the_same_table_in_both_formats() {
        let table = Table {
            columns: vec!["q".into(), "expected".into()],
            rows: vec![
                vec!["comma, \"quote\"\nnewline".into(), "ü".into()],
                vec!["plain".into(), String::new()],
            ],
        };
        let csv = to_csv(&table);
        assert_eq!(parse(&csv, DatasetFormat::Csv).expect("csv"), table);
        let jsonl = to_jsonl(&table);
        assert_eq!(parse(&jsonl, DatasetFormat::Jsonl).expect("jsonl"), table);
    }

    #[test]
    fn a_hundred_thousand_rows_parse() {
        let mut file = String::from("id,question,expected\n");
        for i in 0..100_000 {
            file.push_str(&format!("{i},\"What is {i}, doubled?\",{}\n", i * 2));
        }
        let table = parse(file.as_bytes(), DatasetFormat::Csv).expect("parsed");
        assert_eq!(table.rows.len(), 100_000);
        assert_eq!(
            table.rows[99_999],
            ["99999", "What is 99999, doubled?", "199998"]
        );
    }

    #[test]
    fn a_preview_shows_the_first_rows_or_the_problem() {
        let readable = preview(b"a,b\n1,2\n3,4\n5,6\n", DatasetFormat::Csv, 2);
        assert_eq!(
            readable,
            DatasetPreview::Readable {
                columns: vec!["a".into(), "b".into()],
                rows: 3,
                first_rows: vec![vec!["1".into(), "2".into()], vec!["3".into(), "4".into()]],
            }
        );
        let problem = preview(b"a,b\n1\n", DatasetFormat::Csv, 2);
        let json = serde_json::to_value(&problem).expect("json");
        assert_eq!(json["kind"], "unreadable");
        assert_eq!(json["problem"]["code"], "malformed");
        assert_eq!(
            (
                json["problem"]["row"].clone(),
                json["problem"]["line"].clone()
            ),
            (serde_json::json!(1), serde_json::json!(2))
        );
    }

    #[test]
    fn file_names_say_the_format() {
        assert_eq!(
            DatasetFormat::of_file_name("a.CSV"),
            Some(DatasetFormat::Csv)
        );
        assert_eq!(
            DatasetFormat::of_file_name("a.ndjson"),
            Some(DatasetFormat::Jsonl)
        );
        assert_eq!(DatasetFormat::of_file_name("a.txt"), None);
    }
}
