//! The evaluation tables: datasets with their versions and rows, runs and
//! each row's result (see `crate::eval` for what they mean).

use std::collections::HashSet;

use rusqlite::{params, OptionalExtension};

use super::{next_version, now_ms, History, Versioned};
use crate::eval::{
    dataset::{self, DatasetFormat, Table},
    DatasetSummary, DatasetVersionInfo, EvalRunStatus, EvalRunSummary, Grade, HumanGrade,
    PendingBatch, RowResult, RowStatus, StoredRun,
};
use crate::Error;

fn json_of<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value)
        .map_err(|e| Error::InvalidInput(format!("could not write JSON: {e}")))
}

fn read_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::InvalidInput(format!("{what} is damaged: {e}")))
}

impl History {
    /// Imports `bytes` as the next version of the dataset `name` (made on its
    /// first import). A file that cannot be read is refused whole
    /// ([`Error::Dataset`]); nothing is stored then.
    pub fn import_dataset(
        &self,
        name: &str,
        format: DatasetFormat,
        bytes: &[u8],
        expected_column: Option<&str>,
    ) -> Result<DatasetSummary, Error> {
        let table = dataset::parse(bytes, format)?;
        self.store_dataset(name, format, &table, expected_column)
    }

    /// Stores `table` as the next version of the dataset `name`.
    pub fn store_dataset(
        &self,
        name: &str,
        format: DatasetFormat,
        table: &Table,
        expected_column: Option<&str>,
    ) -> Result<DatasetSummary, Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::InvalidInput("a dataset needs a name".into()));
        }
        let expected = expected_column.map(str::trim).filter(|c| !c.is_empty());
        if let Some(column) = expected {
            if table.column(column).is_none() {
                return Err(Error::Dataset(dataset::DatasetProblem::NoSuchColumn {
                    name: column.to_owned(),
                }));
            }
        }
        let columns = json_of(&table.columns)?;
        let now = now_ms();
        self.write(|tx| {
            let (id, version) = next_version(tx, Versioned::Dataset, name, now)?;
            tx.execute(
                "INSERT INTO eval_dataset_versions (dataset_id, version, columns, expected_column, row_count, format, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, version, columns, expected, table.rows.len() as i64, format.as_str(), now],
            )?;
            let mut insert = tx.prepare(
                "INSERT INTO eval_dataset_rows (dataset_id, version, position, cells) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (index, row) in table.rows.iter().enumerate() {
                insert.execute(params![id, version, index as i64 + 1, json_of(row)?])?;
            }
            Ok(DatasetSummary {
                id,
                name: name.to_owned(),
                latest_version: version,
                rows: table.rows.len() as u32,
                updated_at: now,
            })
        })
    }

    /// Every dataset, most recently imported first.
    pub fn list_datasets(&self) -> Result<Vec<DatasetSummary>, Error> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT d.id, d.name, v.version, v.row_count, d.updated_at FROM eval_datasets d
                 JOIN eval_dataset_versions v ON v.dataset_id = d.id
                 AND v.version = (SELECT MAX(version) FROM eval_dataset_versions WHERE dataset_id = d.id)
                 ORDER BY d.updated_at DESC, d.name",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok(DatasetSummary {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    latest_version: row.get(2)?,
                    rows: row.get(3)?,
                    updated_at: row.get(4)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// The dataset called `name`, if there is one.
    pub fn dataset_named(&self, name: &str) -> Result<Option<DatasetSummary>, Error> {
        Ok(self
            .list_datasets()?
            .into_iter()
            .find(|d| d.name == name.trim()))
    }

    /// Every version of a dataset, newest first.
    pub fn dataset_versions(&self, dataset_id: &str) -> Result<Vec<DatasetVersionInfo>, Error> {
        let raw = self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT version, columns, expected_column, row_count, format, created_at
                 FROM eval_dataset_versions WHERE dataset_id = ?1 ORDER BY version DESC",
            )?;
            let rows = stmt.query_map(params![dataset_id], |row| {
                Ok((
                    row.get::<_, u32>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, u32>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, f64>(5)?,
                ))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })?;
        if raw.is_empty() {
            return Err(Error::NotFound(format!("no dataset {dataset_id}")));
        }
        raw.into_iter()
            .map(
                |(version, columns, expected_column, rows, format, created_at)| {
                    Ok(DatasetVersionInfo {
                        version,
                        columns: read_json(&columns, "a dataset's column list")?,
                        expected_column,
                        rows,
                        format: if format == "jsonl" {
                            DatasetFormat::Jsonl
                        } else {
                            DatasetFormat::Csv
                        },
                        created_at,
                    })
                },
            )
            .collect()
    }

    /// One version's description (`None`: the latest).
    pub fn dataset_version(
        &self,
        dataset_id: &str,
        version: Option<u32>,
    ) -> Result<DatasetVersionInfo, Error> {
        let versions = self.dataset_versions(dataset_id)?;
        match version {
            None => versions.into_iter().next(),
            Some(v) => versions.into_iter().find(|info| info.version == v),
        }
        .ok_or_else(|| Error::NotFound(format!("no version {version:?} of dataset {dataset_id}")))
    }

    /// Rows `offset + 1 ..= offset + limit` of a version, in file order.
    pub fn dataset_rows(
        &self,
        dataset_id: &str,
        version: u32,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<Vec<String>>, Error> {
        let raw = self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT cells FROM eval_dataset_rows WHERE dataset_id = ?1 AND version = ?2
                 AND position > ?3 ORDER BY position LIMIT ?4",
            )?;
            let rows = stmt.query_map(params![dataset_id, version, offset, limit], |row| {
                row.get::<_, String>(0)
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })?;
        raw.iter()
            .map(|cells| read_json(cells, "a dataset row"))
            .collect()
    }

    /// A whole version as a table.
    pub fn dataset_table(&self, dataset_id: &str, version: u32) -> Result<Table, Error> {
        let info = self.dataset_version(dataset_id, Some(version))?;
        let rows = self.dataset_rows(dataset_id, version, 0, u32::MAX)?;
        Ok(Table {
            columns: info.columns,
            rows,
        })
    }

    /// A version written as CSV or JSONL.
    pub fn export_dataset(
        &self,
        dataset_id: &str,
        version: u32,
        format: DatasetFormat,
    ) -> Result<Vec<u8>, Error> {
        let table = self.dataset_table(dataset_id, version)?;
        Ok(match format {
            DatasetFormat::Csv => dataset::to_csv(&table),
            DatasetFormat::Jsonl => dataset::to_jsonl(&table),
        })
    }

    /// Deletes a dataset, its versions and every run over it.
    pub fn delete_dataset(&self, dataset_id: &str) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM eval_datasets WHERE id = ?1",
                params![dataset_id],
            )?;
            Ok(())
        })
    }

    pub(crate) fn create_eval_run(&self, run: &StoredRun) -> Result<String, Error> {
        let id = format!("eval_{}", uuid::Uuid::new_v4().simple());
        let spec = json_of(run)?;
        let now = now_ms();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO eval_runs (id, dataset_id, dataset_version, spec, status, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?5)",
                params![id, run.dataset_id, run.dataset_version, spec, now],
            )?;
            Ok(())
        })?;
        Ok(id)
    }

    /// A run's stored description and status.
    pub fn eval_run(&self, run_id: &str) -> Result<(StoredRun, EvalRunStatus), Error> {
        let found = self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT spec, status FROM eval_runs WHERE id = ?1",
                    params![run_id],
                    |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)),
                )
                .optional()?)
        })?;
        let (spec, status) = found.ok_or_else(|| Error::NotFound(format!("no run {run_id}")))?;
        Ok((
            read_json(&spec, "the run's description")?,
            EvalRunStatus::parse(&status),
        ))
    }

    /// Every run, newest first.
    pub fn list_eval_runs(&self) -> Result<Vec<EvalRunSummary>, Error> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT r.id, r.dataset_id, r.dataset_version, r.status, r.created_at, r.updated_at,
                 (SELECT COUNT(*) FROM eval_results e WHERE e.run_id = r.id)
                 FROM eval_runs r ORDER BY r.created_at DESC",
            )?;
            let rows = stmt.query_map([], |row| {
                Ok(EvalRunSummary {
                    id: row.get(0)?,
                    dataset_id: row.get(1)?,
                    dataset_version: row.get(2)?,
                    status: EvalRunStatus::parse(&row.get::<_, String>(3)?),
                    created_at: row.get(4)?,
                    updated_at: row.get(5)?,
                    results: row.get(6)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// The batches a run sent and has not read back yet.
    pub(crate) fn eval_run_batches(&self, run_id: &str) -> Result<Vec<PendingBatch>, Error> {
        let text: String = self.read(|conn| {
            Ok(conn.query_row(
                "SELECT batches FROM eval_runs WHERE id = ?1",
                params![run_id],
                |row| row.get(0),
            )?)
        })?;
        read_json(&text, "the run's batches")
    }

    pub(crate) fn set_eval_run_batches(
        &self,
        run_id: &str,
        batches: &[PendingBatch],
    ) -> Result<(), Error> {
        let text = json_of(&batches)?;
        self.write(|tx| {
            tx.execute(
                "UPDATE eval_runs SET batches = ?2 WHERE id = ?1",
                params![run_id, text],
            )?;
            Ok(())
        })
    }

    pub(crate) fn set_eval_run_status(
        &self,
        run_id: &str,
        status: EvalRunStatus,
    ) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                "UPDATE eval_runs SET status = ?2, updated_at = ?3 WHERE id = ?1",
                params![run_id, status.as_str(), now_ms()],
            )?;
            Ok(())
        })
    }

    /// The (variant, position) pairs that already have a result.
    pub(crate) fn eval_results_done(&self, run_id: &str) -> Result<HashSet<(u32, u32)>, Error> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare("SELECT variant, position FROM eval_results WHERE run_id = ?1")?;
            let rows = stmt.query_map(params![run_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
            Ok(rows.collect::<Result<HashSet<_>, _>>()?)
        })
    }

    /// Stores one row's result. A result already stored for the row is kept
    /// (a row is never billed into the table twice).
    pub(crate) fn save_eval_result(&self, run_id: &str, result: &RowResult) -> Result<(), Error> {
        let grades = json_of(&result.grades)?;
        self.write(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO eval_results (run_id, variant, position, status, passed, output,
                 request, response, error, latency_ms, model, input_tokens, cached_tokens, output_tokens,
                 reasoning_tokens, cost_usd, grades, grader_requests, grader_cost_usd, finished_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
                params![
                    run_id,
                    result.variant,
                    result.position,
                    result.status.as_str(),
                    result.passed,
                    result.output,
                    result.request,
                    result.response,
                    result.error,
                    result.latency_ms,
                    result.model,
                    result.usage.input_tokens,
                    result.usage.cached_tokens,
                    result.usage.output_tokens,
                    result.usage.reasoning_tokens,
                    result.cost_usd,
                    grades,
                    result.grader_requests,
                    result.grader_cost_usd,
                    result.finished_at,
                ],
            )?;
            tx.execute(
                "UPDATE eval_runs SET updated_at = ?2 WHERE id = ?1",
                params![run_id, result.finished_at],
            )?;
            Ok(())
        })
    }

    /// A run's results, by variant then row; `variant` narrows to one.
    /// `with_exchange` also reads the stored request and response.
    pub fn eval_results(
        &self,
        run_id: &str,
        variant: Option<u32>,
        offset: u32,
        limit: u32,
        with_exchange: bool,
    ) -> Result<Vec<RowResult>, Error> {
        let raw = self.read(|conn| {
            let exchange = if with_exchange { "request, response" } else { "NULL, NULL" };
            let mut stmt = conn.prepare(&format!(
                "SELECT variant, position, status, passed, output, {exchange}, error, latency_ms, model,
                 input_tokens, cached_tokens, output_tokens, reasoning_tokens, cost_usd, grades,
                 grader_requests, grader_cost_usd, human_grade, finished_at
                 FROM eval_results WHERE run_id = ?1 AND (?2 IS NULL OR variant = ?2)
                 ORDER BY variant, position LIMIT ?3 OFFSET ?4"
            ))?;
            let rows = stmt.query_map(params![run_id, variant, limit, offset], |row| {
                Ok((
                    RowResult {
                        variant: row.get(0)?,
                        position: row.get(1)?,
                        status: RowStatus::parse(&row.get::<_, String>(2)?),
                        passed: row.get(3)?,
                        output: row.get(4)?,
                        request: row.get(5)?,
                        response: row.get(6)?,
                        error: row.get(7)?,
                        latency_ms: row.get(8)?,
                        model: row.get(9)?,
                        usage: super::Usage {
                            input_tokens: row.get(10)?,
                            cached_tokens: row.get(11)?,
                            output_tokens: row.get(12)?,
                            reasoning_tokens: row.get(13)?,
                        },
                        cost_usd: row.get(14)?,
                        grades: Vec::new(),
                        grader_requests: row.get(16)?,
                        grader_cost_usd: row.get(17)?,
                        human_grade: None,
                        finished_at: row.get(19)?,
                    },
                    row.get::<_, String>(15)?,
                    row.get::<_, Option<String>>(18)?,
                ))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })?;
        raw.into_iter()
            .map(|(mut result, grades, human)| {
                result.grades = read_json::<Vec<Grade>>(&grades, "a row's grades")?;
                result.human_grade = human
                    .map(|h| read_json::<HumanGrade>(&h, "a row's human grade"))
                    .transpose()?;
                Ok(result)
            })
            .collect()
    }

    /// Stores (or with `None` clears) a person's grade of one row's result.
    pub fn set_human_grade(
        &self,
        run_id: &str,
        variant: u32,
        position: u32,
        grade: Option<HumanGrade>,
    ) -> Result<(), Error> {
        let grade = grade.map(HumanGrade::check).transpose()?;
        let text = grade.map(|g| json_of(&g)).transpose()?;
        let changed = self.write(|tx| {
            Ok(tx.execute(
                "UPDATE eval_results SET human_grade = ?4 WHERE run_id = ?1 AND variant = ?2 AND position = ?3",
                params![run_id, variant, position, text],
            )?)
        })?;
        if changed == 0 {
            return Err(Error::NotFound(format!(
                "run {run_id} has no result for row {position} of variant {variant}"
            )));
        }
        Ok(())
    }

    pub fn delete_eval_run(&self, run_id: &str) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute("DELETE FROM eval_runs WHERE id = ?1", params![run_id])?;
            Ok(())
        })
    }
}
