//! Batch runs: a run's rows sent through the provider's Batch API — one
//! JSONL file of requests per provider (`POST /files`, purpose `batch`),
//! `POST /batches`, polled with `GET /batches/{id}` until it ends, its
//! output and error files read back — then graded and stored like live
//! rows. A row the result files leave out is failed, saying so. A provider
//! without a Batch API (a 404 or 405 to the upload or the batch) gets its
//! rows live instead. The batches sent are kept with the run
//! (`eval_runs.batches`) before they are polled, so a resume polls them
//! again rather than sending (and paying for) the rows twice.

use std::collections::{BTreeMap, HashMap, HashSet};

use futures_util::StreamExt;
use halley_responses::files::{BatchStatus, FilePurpose, Upload};
use halley_responses::{Nullable, Response};
use serde_json::{json, Value};

use super::run::{blocking, finish_row, row_request, Sent, Shared};
use super::{PendingBatch, RowStatus};
use crate::history::History;
use crate::Error;

/// Consecutive failed looks at a batch before its rows are failed.
const MAX_POLL_FAILURES: u32 = 5;

fn custom_id(variant: u32, position: u32) -> String {
    format!("v{variant}-r{position}")
}

fn unsupported(error: &halley_responses::Error) -> bool {
    matches!(
        error,
        halley_responses::Error::HttpStatus {
            status: 404 | 405,
            ..
        }
    )
}

fn message_of(value: &Value) -> Option<String> {
    value
        .pointer("/error/message")
        .or_else(|| value.get("message"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// What one line of an output or error file says about its row.
fn read_line(line: &Value) -> Sent {
    if let Some(message) = line
        .get("error")
        .filter(|e| !e.is_null())
        .and_then(message_of)
    {
        return Sent::Refused(message);
    }
    let status = line
        .pointer("/response/status_code")
        .and_then(Value::as_u64);
    let body = line
        .pointer("/response/body")
        .cloned()
        .unwrap_or(Value::Null);
    if status != Some(200) {
        let words = message_of(&body).unwrap_or_else(|| "no message".into());
        return Sent::Refused(format!(
            "the provider answered {} in the batch: {words}",
            status.unwrap_or(0)
        ));
    }
    match serde_json::from_value::<Response>(body) {
        Ok(response) if response.status.as_str() == Some("completed") => {
            Sent::Answered(Box::new(response))
        }
        Ok(response) => Sent::Refused(format!(
            "the response ended {}",
            response.status.as_str().unwrap_or("without a status")
        )),
        Err(error) => Sent::Refused(format!("the batch's answer cannot be read: {error}")),
    }
}

/// Sends `jobs` through the Batch API where the providers have one, storing
/// each row's result and telling `record`; returns the jobs to run live
/// (their provider has no Batch API). Stops early on pause or cancel (a
/// cancel also cancels the batches at the provider).
pub(super) async fn run(
    shared: &Shared<'_>,
    history: &std::sync::Arc<History>,
    run_id: &str,
    jobs: Vec<(u32, u32)>,
    control: &super::RunControl,
    record: &mut impl FnMut(RowStatus),
) -> Result<Vec<(u32, u32)>, Error> {
    let prepared = shared.prepared;
    let todo: HashSet<(u32, u32)> = jobs.iter().copied().collect();
    let mut pending = {
        let history = history.clone();
        let run_id = run_id.to_owned();
        blocking(move || history.eval_run_batches(&run_id)).await?
    };
    pending.retain(|b| b.jobs.iter().any(|job| todo.contains(job)));
    let covered: HashSet<(u32, u32)> = pending.iter().flat_map(|b| b.jobs.clone()).collect();
    let mut by_provider: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
    for job in jobs.iter().filter(|job| !covered.contains(job)) {
        let provider = prepared.run.variants[job.0 as usize].provider_id.clone();
        by_provider.entry(provider).or_default().push(*job);
    }

    let save = |result: super::RowResult| {
        let history = history.clone();
        let run_id = run_id.to_owned();
        async move { blocking(move || history.save_eval_result(&run_id, &result)).await }
    };
    let mut live = Vec::new();
    for (provider, group) in by_provider {
        let endpoint = &prepared.endpoints[&provider];
        let mut lines = String::new();
        let mut sent_jobs = Vec::new();
        for (variant, position) in group {
            match row_request(prepared, variant, position) {
                Err(result) => {
                    save(*result).await?;
                    record(RowStatus::Failed);
                }
                Ok(mut request) => {
                    // A batch answers whole responses, not streams.
                    request.stream = Nullable::Absent;
                    let line = json!({"custom_id": custom_id(variant, position), "method": "POST",
                        "url": "/v1/responses", "body": request});
                    lines.push_str(&line.to_string());
                    lines.push('\n');
                    sent_jobs.push((variant, position));
                }
            }
        }
        if sent_jobs.is_empty() {
            continue;
        }
        let upload = Upload {
            filename: format!("halley-{run_id}.jsonl"),
            mime: "application/jsonl".into(),
            bytes: lines.into_bytes().into(),
            purpose: FilePurpose::Batch,
        };
        let created = match shared
            .client
            .upload_file(endpoint, &upload, None, &shared.cancel)
            .await
        {
            Ok(file) => shared.client.create_batch(endpoint, &file.id).await,
            Err(error) => Err(error),
        };
        match created {
            Ok(batch) => {
                pending.push(PendingBatch {
                    provider_id: provider,
                    batch_id: batch.id,
                    jobs: sent_jobs,
                });
                let history = history.clone();
                let run_id = run_id.to_owned();
                let kept = pending.clone();
                blocking(move || history.set_eval_run_batches(&run_id, &kept)).await?;
            }
            Err(error) if unsupported(&error) => {
                tracing::info!(%provider, "no Batch API at this provider: its rows run live");
                live.extend(sent_jobs);
            }
            Err(error) => {
                let message = crate::chat::TurnError::from_api(&error).message;
                for (variant, position) in sent_jobs {
                    let request = row_request(prepared, variant, position)
                        .map_err(|_| Error::InvalidInput("a row's request changed".into()))?;
                    let sent = Sent::Refused(format!("the batch could not be sent: {message}"));
                    if let Some(result) =
                        Box::pin(finish_row(shared, variant, position, &request, sent, None)).await
                    {
                        save(result).await?;
                        record(RowStatus::Failed);
                    }
                }
            }
        }
    }

    for batch in pending {
        let endpoint = &prepared.endpoints[&batch.provider_id];
        let mut failures = 0;
        let ended = loop {
            tokio::select! {
                () = control.pause.cancelled() => return Ok(Vec::new()),
                () = control.cancel.cancelled() => {
                    let _ = shared.client.cancel_batch(endpoint, &batch.batch_id).await;
                    return Ok(Vec::new());
                }
                () = tokio::time::sleep(prepared.batch_poll) => {}
            }
            match shared
                .client
                .retrieve_batch(endpoint, &batch.batch_id)
                .await
            {
                Ok(state) if state.status.is_final() => break Ok(state),
                Ok(_) => failures = 0,
                Err(error) => {
                    failures += 1;
                    if failures >= MAX_POLL_FAILURES {
                        break Err(crate::chat::TurnError::from_api(&error).message);
                    }
                }
            }
        };
        let mut answers: HashMap<String, Sent> = HashMap::new();
        let mut missing_reason =
            "the provider's batch result has no answer for this row".to_owned();
        match ended {
            Err(message) => missing_reason = format!("the batch could not be read: {message}"),
            Ok(state) if state.status != BatchStatus::Completed => {
                missing_reason =
                    format!("the provider's batch ended {:?}", state.status).to_lowercase();
            }
            Ok(state) => {
                for file in [state.output_file_id.get(), state.error_file_id.get()]
                    .into_iter()
                    .flatten()
                {
                    let bytes = match shared.client.file_content(endpoint, file).await {
                        Ok(bytes) => bytes,
                        Err(error) => {
                            missing_reason = format!(
                                "the batch's result file could not be read: {}",
                                crate::chat::TurnError::from_api(&error).message
                            );
                            continue;
                        }
                    };
                    for line in bytes.split(|b| *b == b'\n') {
                        let Ok(line) = serde_json::from_slice::<Value>(line) else {
                            continue;
                        };
                        if let Some(id) = line.get("custom_id").and_then(Value::as_str) {
                            answers.insert(id.to_owned(), read_line(&line));
                        }
                    }
                }
            }
        }
        let jobs: Vec<(u32, u32)> = batch
            .jobs
            .iter()
            .copied()
            .filter(|j| todo.contains(j))
            .collect();
        let mut answers: Vec<((u32, u32), Sent)> = jobs
            .into_iter()
            .map(|(v, p)| {
                let sent = answers
                    .remove(&custom_id(v, p))
                    .unwrap_or_else(|| Sent::Refused(missing_reason.clone()));
                ((v, p), sent)
            })
            .collect();
        // Graded (a model grader sends requests of its own) with the run's
        // concurrency, each stored as it is done.
        let mut graded = futures_util::stream::iter(answers.drain(..))
            .map(|((variant, position), sent)| async move {
                let request = row_request(prepared, variant, position).ok()?;
                Box::pin(finish_row(shared, variant, position, &request, sent, None)).await
            })
            .buffer_unordered(prepared.run.concurrency.max(1) as usize);
        while let Some(result) = graded.next().await {
            let Some(result) = result else { continue };
            let status = result.status;
            save(result).await?;
            record(status);
        }
    }
    let history = history.clone();
    let run_id = run_id.to_owned();
    blocking(move || history.set_eval_run_batches(&run_id, &[])).await?;
    Ok(live)
}
