//! Running an evaluation: every (variant, row) pair that has no result yet
//! is sent, graded and stored, at most `concurrency` at a time.
//!
//! - *Resume.* A result is stored as soon as its row is done, in its own
//!   transaction, so a run interrupted anywhere (pause, cancel, a crash)
//!   starts again from the database with only the rows that have none:
//!   nothing stored is sent, or billed, again. A row whose request was in
//!   flight when the process died has no result and is sent again; at most
//!   `concurrency` rows can be in that state.
//! - *Pause* stops starting rows and lets those in flight finish and be
//!   stored; *cancel* also stops those in flight (their rows stay without a
//!   result) and the run cannot be resumed.
//! - *Rate limits.* Each request retries a 429 after its `Retry-After`
//!   (and a 5xx with exponential backoff) through the client's retry policy,
//!   and a 429 also holds back every other row of the run until the wait
//!   is over, so concurrency does not hammer a provider that said "slow
//!   down". A row whose retries run out is failed with the provider's words;
//!   the others go on.
//! - *Costs* are the prices in effect when the run started
//!   (`crate::pricing`), stored with each row.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::StreamExt;
use halley_responses::{
    Accumulator, Client, CreateResponse, Endpoint, Input, Nullable, Response, RetryPolicy,
    StreamOptions,
};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::form::{Overrides, PresetForm};
use super::grader::{self, Grade, GraderSpec, RowView};
use super::stats::{percentile, wilson_95, VariantAggregate};
use super::{EvalRunStatus, ResolvedVariant, RowResult, RowStatus, RunMode, StoredRun, Table};
use crate::history::{now_ms, History, Usage};
use crate::keys::KeyStore;
use crate::pricing::{self, ModelPrice};
use crate::redact::Secrets;
use crate::stream::{self, Ended};
use crate::Error;

/// Rows in flight at once unless the run says otherwise: low enough for a
/// new account's rate limits, high enough that a 100-row run takes seconds.
pub const DEFAULT_CONCURRENCY: u32 = 4;
pub const MAX_CONCURRENCY: u32 = 64;

/// One variant as asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "EvalVariantSpec.ts", rename = "EvalVariantSpec")]
pub struct VariantSpec {
    /// Shown in results; defaults to "<preset> v<version>".
    #[serde(default)]
    pub label: Option<String>,
    pub preset_id: String,
    /// `None`: the latest version.
    #[serde(default)]
    pub preset_version: Option<u32>,
    /// `None`: the active provider.
    #[serde(default)]
    pub provider_id: Option<String>,
    #[serde(default)]
    pub overrides: Overrides,
}

/// What starting a run takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "EvalRunRequest.ts")]
pub struct EvalRunRequest {
    pub dataset_id: String,
    /// `None`: the latest version.
    #[serde(default)]
    pub dataset_version: Option<u32>,
    pub variants: Vec<VariantSpec>,
    pub graders: Vec<GraderSpec>,
    #[serde(default)]
    pub concurrency: Option<u32>,
    #[serde(default)]
    pub mode: RunMode,
}

/// Told after every stored row.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "EvalRunProgress.ts")]
pub struct EvalRunProgress {
    pub run_id: String,
    /// Rows × variants with a result (this session's and earlier ones).
    pub done: u32,
    /// Of those, rows whose request failed.
    pub failed: u32,
    pub total: u32,
    /// The time left at this session's pace; `None` before the first row.
    pub eta_ms: Option<f64>,
    pub status: EvalRunStatus,
    /// Why the run stopped when it could not go on (its results could not
    /// be stored); the rows stored so far are kept.
    pub error: Option<String>,
}

/// Pause and cancel for a running run.
#[derive(Debug, Clone, Default)]
pub struct RunControl {
    pub pause: CancellationToken,
    pub cancel: CancellationToken,
}

/// The runs this process is running, by id, with their controls: so Pause
/// and Cancel reach them, and a run is never started twice at once (two
/// drivers would send the same rows).
#[derive(Debug, Clone, Default)]
pub struct RunningRuns {
    runs: Arc<Mutex<HashMap<String, RunControl>>>,
}

impl RunningRuns {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, RunControl>> {
        self.runs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The new run's controls, or `None` when it is running already.
    pub fn start(&self, run_id: &str) -> Option<RunControl> {
        let mut runs = self.lock();
        if runs.contains_key(run_id) {
            return None;
        }
        let control = RunControl::default();
        runs.insert(run_id.to_owned(), control.clone());
        Some(control)
    }

    pub fn finish(&self, run_id: &str) {
        self.lock().remove(run_id);
    }

    /// Whether a run by that id was running.
    pub fn pause(&self, run_id: &str) -> bool {
        self.lock().get(run_id).map(|c| c.pause.cancel()).is_some()
    }

    /// Whether a run by that id was running.
    pub fn cancel(&self, run_id: &str) -> bool {
        self.lock().get(run_id).map(|c| c.cancel.cancel()).is_some()
    }
}

/// Resolves the variants (each preset version's form copied) and graders,
/// checks them, and stores the new run. Nothing is sent yet.
pub fn create_run(history: &History, request: &EvalRunRequest) -> Result<String, Error> {
    let info = history.dataset_version(&request.dataset_id, request.dataset_version)?;
    if request.variants.is_empty() {
        return Err(Error::InvalidInput(
            "a run needs at least one variant".into(),
        ));
    }
    for grader in &request.graders {
        grader.check()?;
    }
    let concurrency = request.concurrency.unwrap_or(DEFAULT_CONCURRENCY);
    if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
        return Err(Error::InvalidInput(format!(
            "concurrency is 1 to {MAX_CONCURRENCY}, not {concurrency}"
        )));
    }
    let presets = history.list_presets()?;
    let active = history.active_provider_id()?;
    let mut variants = Vec::new();
    for spec in &request.variants {
        let preset = presets
            .iter()
            .find(|p| p.id == spec.preset_id)
            .ok_or_else(|| Error::NotFound(format!("no preset {}", spec.preset_id)))?;
        let versions = history.preset_versions(&preset.id)?;
        let version = match spec.preset_version {
            None => versions.first(),
            Some(v) => versions.iter().find(|pv| pv.version == v),
        }
        .ok_or_else(|| {
            Error::NotFound(format!(
                "the preset {} has no version {:?}",
                preset.name, spec.preset_version
            ))
        })?;
        let form = PresetForm::parse(&version.state)?;
        // Every variable must be a column: said now, not on row 1.
        for variable in form.variables() {
            if !info.columns.contains(&variable) {
                return Err(Error::InvalidInput(format!(
                    "the preset {} uses {{{{{variable}}}}}, which is not a column of the dataset (its columns: {})",
                    preset.name,
                    info.columns.join(", ")
                )));
            }
        }
        let provider_id = spec
            .provider_id
            .clone()
            .or_else(|| active.clone())
            .ok_or_else(|| Error::InvalidInput("no provider is set up".into()))?;
        history.provider(&provider_id)?;
        variants.push(ResolvedVariant {
            label: spec
                .label
                .clone()
                .filter(|l| !l.trim().is_empty())
                .unwrap_or_else(|| {
                    let model = spec.overrides.model.as_deref().map(|m| format!(" ({m})"));
                    format!(
                        "{} v{}{}",
                        preset.name,
                        version.version,
                        model.unwrap_or_default()
                    )
                }),
            preset_id: preset.id.clone(),
            preset_name: preset.name.clone(),
            preset_version: version.version,
            provider_id,
            state: version.state.clone(),
            overrides: spec.overrides.clone(),
        });
    }
    history.create_eval_run(&StoredRun {
        mode: request.mode,
        dataset_id: request.dataset_id.clone(),
        dataset_version: info.version,
        variants,
        graders: request.graders.clone(),
        concurrency,
    })
}

/// Everything a run needs before its first request: its description, the
/// dataset, each provider's endpoint (the key read once from the store)
/// and the prices.
pub struct PreparedRun {
    pub run_id: String,
    pub(super) run: StoredRun,
    forms: Vec<PresetForm>,
    pub(super) table: Arc<Table>,
    expected: Option<usize>,
    pub(super) endpoints: HashMap<String, Endpoint>,
    prices: Vec<ModelPrice>,
    /// Each grader's regex compiled once, where it can be.
    compiled: Vec<Option<regex::Regex>>,
    /// The retry policy of every request; tests make it quick.
    pub retry: RetryPolicy,
    /// How often a Batch API batch is looked at.
    pub batch_poll: std::time::Duration,
}

impl PreparedRun {
    pub fn total(&self) -> u32 {
        (self.table.rows.len() * self.run.variants.len()) as u32
    }

    pub fn variants(&self) -> &[ResolvedVariant] {
        &self.run.variants
    }
}

/// Reads a stored run back for (re)starting it. A completed or cancelled
/// run is refused.
pub fn prepare_run(
    history: &History,
    keys: &dyn KeyStore,
    run_id: &str,
) -> Result<PreparedRun, Error> {
    let (run, status) = history.eval_run(run_id)?;
    if matches!(status, EvalRunStatus::Completed | EvalRunStatus::Cancelled) {
        return Err(Error::InvalidInput(format!(
            "the run is {}: start a new one",
            status.as_str()
        )));
    }
    let info = history.dataset_version(&run.dataset_id, Some(run.dataset_version))?;
    let table = history.dataset_table(&run.dataset_id, run.dataset_version)?;
    let expected = info
        .expected_column
        .as_deref()
        .and_then(|c| table.column(c));
    let forms = run
        .variants
        .iter()
        .map(|v| PresetForm::parse(&v.state))
        .collect::<Result<Vec<_>, _>>()?;
    let mut providers: Vec<String> = run.variants.iter().map(|v| v.provider_id.clone()).collect();
    for grader in &run.graders {
        if let GraderSpec::Model(m) = grader {
            providers.extend(m.provider_id.clone());
        }
    }
    let mut endpoints = HashMap::new();
    for id in providers {
        if endpoints.contains_key(&id) {
            continue;
        }
        let provider = history.provider(&id)?;
        let key = keys.get(&id)?.ok_or_else(|| {
            Error::KeyRequired(format!("No API key is set for {}.", provider.name))
        })?;
        endpoints.insert(id, Endpoint::new(provider.base_url, key));
    }
    let compiled = run.graders.iter().map(grader::compile_once).collect();
    Ok(PreparedRun {
        compiled,
        run_id: run_id.to_owned(),
        run,
        forms,
        table: Arc::new(table),
        expected,
        endpoints,
        prices: pricing::in_effect(history)?,
        retry: RetryPolicy {
            max_retries: 5,
            ..RetryPolicy::default()
        },
        batch_poll: std::time::Duration::from_secs(10),
    })
}

/// What one request came to.
pub(super) enum Sent {
    Answered(Box<Response>),
    Failed(halley_responses::Error),
    /// Failed, in the provider's words (a batch's error line, a row its
    /// result left out).
    Refused(String),
    Stopped,
}

/// Shared by the rows of one run.
pub(super) struct Shared<'a> {
    pub(super) prepared: &'a PreparedRun,
    pub(super) client: &'a Client,
    pub(super) cancel: CancellationToken,
    /// No request starts before this instant (set by a 429's wait).
    not_before: Arc<Mutex<Option<Instant>>>,
}

impl Shared<'_> {
    async fn hold_back(&self) {
        loop {
            let until = *self
                .not_before
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match until {
                Some(at) if at > Instant::now() => tokio::time::sleep_until(at.into()).await,
                _ => return,
            }
        }
    }

    async fn send(&self, endpoint: &Endpoint, request: &CreateResponse) -> Sent {
        self.hold_back().await;
        let not_before = self.not_before.clone();
        let options = StreamOptions {
            cancel: self.cancel.clone(),
            retry: self.prepared.retry.clone(),
            on_retry: Some(Arc::new(move |notice: halley_responses::RetryNotice| {
                if notice.status == Some(429) {
                    let at = Instant::now() + notice.delay;
                    let mut slot = not_before
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    if slot.is_none_or(|t| t < at) {
                        *slot = Some(at);
                    }
                }
            })),
        };
        let mut accumulator = Accumulator::new();
        let opened = stream::open(
            &self.cancel,
            self.client.create_stream(endpoint, request, options),
        )
        .await;
        let ended = match opened {
            Err(ended) => ended,
            Ok(mut events) => {
                let Ok(ended) = stream::read(&mut events, &self.cancel, |event| {
                    accumulator.apply(&event);
                    Ok::<(), Infallible>(())
                })
                .await;
                ended
            }
        };
        match ended {
            Ended::Stopped => Sent::Stopped,
            Ended::Failed(error) => Sent::Failed(error),
            Ended::Done => match accumulator.finish() {
                Ok(response) => Sent::Answered(Box::new(response)),
                Err(error) => Sent::Failed(error),
            },
        }
    }

    fn cost(&self, provider_id: &str, model: &str, usage: &Usage) -> Option<f64> {
        pricing::answer_cost(&self.prepared.prices, Some(provider_id), Some(model), usage)
    }
}

fn usage_of(response: &Response) -> Usage {
    response
        .usage
        .get()
        .map(crate::chat::usage_of)
        .unwrap_or_default()
}

/// A row's result before anything happened: failed, with nothing in it.
fn empty_result(variant: u32, position: u32) -> RowResult {
    RowResult {
        variant,
        position,
        status: RowStatus::Failed,
        passed: false,
        output: String::new(),
        request: None,
        response: None,
        error: None,
        latency_ms: None,
        model: None,
        usage: Usage::default(),
        cost_usd: None,
        grades: Vec::new(),
        grader_requests: 0,
        grader_cost_usd: None,
        human_grade: None,
        finished_at: now_ms(),
    }
}

/// The request of one row of one variant, or the row's failed result when
/// its template cannot be filled (nothing is sent then).
pub(super) fn row_request(
    prepared: &PreparedRun,
    variant: u32,
    position: u32,
) -> Result<CreateResponse, Box<RowResult>> {
    let spec = &prepared.run.variants[variant as usize];
    let form = &prepared.forms[variant as usize];
    let columns = &prepared.table.columns;
    let cells = &prepared.table.rows[position as usize - 1];
    let lookup = |name: &str| {
        columns
            .iter()
            .position(|c| c == name)
            .map(|i| cells[i].as_str())
    };
    form.request(position, lookup, &spec.overrides)
        .map_err(|problem| {
            let mut result = empty_result(variant, position);
            result.error = Some(problem.to_string());
            Box::new(result)
        })
}

/// Runs one row of one variant to a result, live; `None` when stopped
/// before it had one (cancel).
async fn run_row(shared: &Shared<'_>, variant: u32, position: u32) -> Option<RowResult> {
    let request = match row_request(shared.prepared, variant, position) {
        Ok(request) => request,
        Err(result) => return Some(*result),
    };
    let spec = &shared.prepared.run.variants[variant as usize];
    let endpoint = &shared.prepared.endpoints[&spec.provider_id];
    let started = Instant::now();
    let sent = shared.send(endpoint, &request).await;
    let latency = started.elapsed().as_secs_f64() * 1000.0;
    finish_row(shared, variant, position, &request, sent, Some(latency)).await
}

/// A row's result from what its request came to, graded.
pub(super) async fn finish_row(
    shared: &Shared<'_>,
    variant: u32,
    position: u32,
    request: &CreateResponse,
    sent: Sent,
    latency_ms: Option<f64>,
) -> Option<RowResult> {
    let prepared = shared.prepared;
    let spec = &prepared.run.variants[variant as usize];
    let form = &prepared.forms[variant as usize];
    let columns = &prepared.table.columns;
    let cells = &prepared.table.rows[position as usize - 1];
    let lookup = |name: &str| {
        columns
            .iter()
            .position(|c| c == name)
            .map(|i| cells[i].as_str())
    };
    let mut result = empty_result(variant, position);
    let endpoint = &prepared.endpoints[&spec.provider_id];
    let secrets = Secrets::of_endpoint(endpoint);
    result.model = request.model.get().cloned();
    result.request = serde_json::to_string(request).ok();
    result.latency_ms = latency_ms;
    let response = match sent {
        Sent::Stopped => return None,
        Sent::Refused(mut message) => {
            secrets.scrub_in_place(&mut message);
            result.error = Some(message);
            result.finished_at = now_ms();
            return Some(result);
        }
        Sent::Failed(error) => {
            let mut message = crate::chat::TurnError::from_api(&error).message;
            secrets.scrub_in_place(&mut message);
            result.error = Some(message);
            if let halley_responses::Error::ResponseFailed { response, .. }
            | halley_responses::Error::Incomplete { response, .. } = &error
            {
                result.response = serde_json::to_string(response).ok();
                result.usage = usage_of(response);
            }
            result.finished_at = now_ms();
            return Some(result);
        }
        Sent::Answered(response) => response,
    };
    result.status = RowStatus::Answered;
    result.output = response.output_text();
    result.usage = usage_of(&response);
    if let Some(model) = response.model.get() {
        result.model = Some(model.clone());
    }
    let model = result.model.clone().unwrap_or_default();
    result.cost_usd = shared.cost(&spec.provider_id, &model, &result.usage);
    result.response = serde_json::to_string(&response)
        .ok()
        .map(|text| secrets.scrub(&text));

    let expected = prepared.expected.map(|i| cells[i].as_str());
    let view = RowView {
        output: &result.output,
        expected,
        cell: &lookup,
        reply_schema: form.reply_schema(),
    };
    let mut grades = Vec::new();
    let mut grader_cost: Option<f64> = None;
    for (spec_grader, compiled) in prepared.run.graders.iter().zip(&prepared.compiled) {
        let GraderSpec::Model(model_grader) = spec_grader else {
            grades.push(grader::grade_locally(spec_grader, compiled.as_ref(), &view));
            continue;
        };
        let (instructions, input) = match grader::model_prompt(model_grader, &view) {
            Ok(prompt) => prompt,
            Err(note) => {
                grades.push(Grade::failed(spec_grader.name(), note));
                continue;
            }
        };
        let provider = model_grader
            .provider_id
            .clone()
            .unwrap_or_else(|| spec.provider_id.clone());
        let mut ask = CreateResponse::new(model_grader.model.clone(), Input::Text(input));
        ask.instructions = Nullable::Value(instructions);
        result.grader_requests += 1;
        match shared.send(&prepared.endpoints[&provider], &ask).await {
            Sent::Stopped => return None,
            Sent::Refused(message) => grades.push(Grade::failed(
                spec_grader.name(),
                format!("the grader's request failed: {}", secrets.scrub(&message)),
            )),
            Sent::Failed(error) => {
                let mut message = crate::chat::TurnError::from_api(&error).message;
                secrets.scrub_in_place(&mut message);
                grades.push(Grade::failed(
                    spec_grader.name(),
                    format!("the grader's request failed: {message}"),
                ));
            }
            Sent::Answered(answer) => {
                if let Some(cost) = shared.cost(&provider, &model_grader.model, &usage_of(&answer))
                {
                    *grader_cost.get_or_insert(0.0) += cost;
                }
                grades.push(grader::read_score(model_grader, &answer.output_text()));
            }
        }
    }
    result.passed = grades.iter().all(|g| g.passed);
    result.grades = grades;
    result.grader_cost_usd = grader_cost;
    result.finished_at = now_ms();
    Some(result)
}

/// Runs every row of `prepared` that has no result yet, storing each as it
/// finishes and telling `progress` after each. Returns the run's status at
/// the end: completed, paused or cancelled.
pub async fn run_eval(
    history: Arc<History>,
    client: &Client,
    prepared: &PreparedRun,
    control: RunControl,
    progress: impl Fn(EvalRunProgress),
) -> Result<EvalRunStatus, Error> {
    let run_id = prepared.run_id.clone();
    {
        let history = history.clone();
        let run_id = run_id.clone();
        blocking(move || history.set_eval_run_status(&run_id, EvalRunStatus::Running)).await?;
    }
    let done = {
        let history = history.clone();
        let run_id = run_id.clone();
        blocking(move || history.eval_results_done(&run_id)).await?
    };
    let failed_before = {
        let history = history.clone();
        let run_id = run_id.clone();
        blocking(move || {
            Ok(history
                .eval_results(&run_id, None, 0, u32::MAX, false)?
                .iter()
                .filter(|r| r.status == RowStatus::Failed)
                .count() as u32)
        })
        .await?
    };
    let rows = prepared.table.rows.len() as u32;
    let variants = prepared.run.variants.len() as u32;
    let jobs: Vec<(u32, u32)> = (0..variants)
        .flat_map(|v| (1..=rows).map(move |p| (v, p)))
        .filter(|job| !done.contains(job))
        .collect();
    let total = prepared.total();
    let mut count = done.len() as u32;
    let mut failed = failed_before;
    let session_start = Instant::now();
    let mut session_done = 0u32;
    let mut record = |status: RowStatus| {
        count += 1;
        session_done += 1;
        if status == RowStatus::Failed {
            failed += 1;
        }
        let per_row = session_start.elapsed().as_secs_f64() * 1000.0 / f64::from(session_done);
        progress(EvalRunProgress {
            run_id: run_id.clone(),
            done: count,
            failed,
            total,
            eta_ms: Some(per_row * f64::from(total.saturating_sub(count))),
            status: EvalRunStatus::Running,
            error: None,
        });
    };

    let shared = Shared {
        prepared,
        client,
        cancel: control.cancel.clone(),
        not_before: Arc::new(Mutex::new(None)),
    };
    // Batch runs send what they can through the Batch API; what a provider
    // without one cannot take goes on live below.
    let jobs = match prepared.run.mode {
        RunMode::Live => jobs,
        RunMode::Batch => {
            Box::pin(super::batch::run(
                &shared,
                &history,
                &run_id,
                jobs,
                &control,
                &mut record,
            ))
            .await?
        }
    };
    let pause = control.pause.clone();
    let cancel = control.cancel.clone();
    let shared = &shared;
    let history_for_rows = history.clone();
    let run_for_rows = run_id.clone();
    let mut results = futures_util::stream::iter(jobs)
        .take_while(move |_| std::future::ready(!pause.is_cancelled() && !cancel.is_cancelled()))
        .map(move |(variant, position)| {
            let history = history_for_rows.clone();
            let run_id = run_for_rows.clone();
            async move {
                let Some(result) = Box::pin(run_row(shared, variant, position)).await else {
                    return Ok(None);
                };
                let status = result.status;
                blocking(move || history.save_eval_result(&run_id, &result)).await?;
                Ok::<_, Error>(Some(status))
            }
        })
        .buffer_unordered(prepared.run.concurrency.max(1) as usize);
    while let Some(stored) = results.next().await {
        let Some(status) = stored? else { continue };
        record(status);
    }
    drop(results);
    let status = if control.cancel.is_cancelled() {
        EvalRunStatus::Cancelled
    } else if count >= total {
        EvalRunStatus::Completed
    } else {
        EvalRunStatus::Paused
    };
    {
        let history = history.clone();
        let run_id = run_id.clone();
        blocking(move || history.set_eval_run_status(&run_id, status)).await?;
    }
    progress(EvalRunProgress {
        run_id,
        done: count,
        failed,
        total,
        eta_ms: None,
        status,
        error: None,
    });
    Ok(status)
}

pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::TaskLost(format!("a database write did not come back: {e}")))?
}

/// The aggregates of a run, one per variant.
pub fn aggregate(history: &History, run_id: &str) -> Result<Vec<VariantAggregate>, Error> {
    let (run, _) = history.eval_run(run_id)?;
    let results = history.eval_results(run_id, None, 0, u32::MAX, false)?;
    Ok(run
        .variants
        .iter()
        .enumerate()
        .map(|(index, variant)| {
            let rows: Vec<&RowResult> = results
                .iter()
                .filter(|r| r.variant == index as u32)
                .collect();
            aggregate_rows(index as u32, &variant.label, &rows)
        })
        .collect())
}

fn aggregate_rows(variant: u32, label: &str, rows: &[&RowResult]) -> VariantAggregate {
    let total = rows.len() as u64;
    let passed = rows.iter().filter(|r| r.passed).count() as u64;
    let (low, high) = wilson_95(passed, total);
    let scores: Vec<f64> = rows
        .iter()
        .flat_map(|r| r.grades.iter().filter_map(|g| g.score))
        .collect();
    let mut latencies: Vec<f64> = rows
        .iter()
        .filter(|r| r.status == RowStatus::Answered)
        .filter_map(|r| r.latency_ms)
        .collect();
    let answered: Vec<&&RowResult> = rows
        .iter()
        .filter(|r| r.status == RowStatus::Answered)
        .collect();
    // A cost only when every answered row had a price: a sum over some of
    // them would look like the whole.
    let cost_usd = answered
        .iter()
        .map(|r| r.cost_usd)
        .sum::<Option<f64>>()
        .filter(|_| !answered.is_empty());
    let grader_requests: u32 = rows.iter().map(|r| r.grader_requests).sum();
    let grader_cost_usd = rows
        .iter()
        .filter(|r| r.grader_requests > 0)
        .map(|r| r.grader_cost_usd)
        .sum::<Option<f64>>()
        .filter(|_| grader_requests > 0);
    VariantAggregate {
        variant,
        label: label.to_owned(),
        rows: total as u32,
        passed: passed as u32,
        failed: rows
            .iter()
            .filter(|r| r.status == RowStatus::Failed)
            .count() as u32,
        grading_errors: rows
            .iter()
            .filter(|r| r.grades.iter().any(|g| g.error))
            .count() as u32,
        pass_rate: if total == 0 {
            0.0
        } else {
            passed as f64 / total as f64
        },
        pass_rate_low: low,
        pass_rate_high: high,
        mean_score: (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64),
        latency_p50_ms: percentile(&mut latencies, 0.5),
        latency_p95_ms: percentile(&mut latencies, 0.95),
        input_tokens: rows.iter().map(|r| u64::from(r.usage.input_tokens)).sum(),
        output_tokens: rows.iter().map(|r| u64::from(r.usage.output_tokens)).sum(),
        cost_usd,
        grader_cost_usd,
        grader_requests,
    }
}

/// One row whose verdict changed between two runs.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "EvalRowComparison.ts", rename = "EvalRowComparison")]
pub struct RowComparison {
    pub position: u32,
    pub passed_before: bool,
    pub passed_after: bool,
}

/// Two runs of the same dataset version, variant by variant.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "EvalRunComparison.ts")]
pub struct EvalRunComparison {
    pub before: VariantAggregate,
    pub after: VariantAggregate,
    /// Rows that passed before and not after, then rows fixed.
    pub regressions: Vec<RowComparison>,
    pub fixes: Vec<RowComparison>,
}

/// Compares variant `variant_before` of run `before` with `variant_after`
/// of `after`. Runs over different datasets or versions are refused: their
/// rows are not the same cases.
pub fn compare_runs(
    history: &History,
    before: (&str, u32),
    after: (&str, u32),
) -> Result<EvalRunComparison, Error> {
    let (run_a, _) = history.eval_run(before.0)?;
    let (run_b, _) = history.eval_run(after.0)?;
    if (run_a.dataset_id.as_str(), run_a.dataset_version)
        != (run_b.dataset_id.as_str(), run_b.dataset_version)
    {
        return Err(Error::InvalidInput(
            "the two runs are over different datasets or dataset versions".into(),
        ));
    }
    let side = |run: &StoredRun, id: &str, variant: u32| -> Result<_, Error> {
        let label = run
            .variants
            .get(variant as usize)
            .map(|v| v.label.clone())
            .ok_or_else(|| Error::NotFound(format!("run {id} has no variant {variant}")))?;
        let rows = history.eval_results(id, Some(variant), 0, u32::MAX, false)?;
        Ok((label, rows))
    };
    let (label_a, rows_a) = side(&run_a, before.0, before.1)?;
    let (label_b, rows_b) = side(&run_b, after.0, after.1)?;
    let verdicts: HashMap<u32, bool> = rows_a.iter().map(|r| (r.position, r.passed)).collect();
    let mut regressions = Vec::new();
    let mut fixes = Vec::new();
    for row in &rows_b {
        if let Some(&was) = verdicts.get(&row.position) {
            let change = RowComparison {
                position: row.position,
                passed_before: was,
                passed_after: row.passed,
            };
            match (was, row.passed) {
                (true, false) => regressions.push(change),
                (false, true) => fixes.push(change),
                _ => {}
            }
        }
    }
    Ok(EvalRunComparison {
        before: aggregate_rows(before.1, &label_a, &rows_a.iter().collect::<Vec<_>>()),
        after: aggregate_rows(after.1, &label_b, &rows_b.iter().collect::<Vec<_>>()),
        regressions,
        fixes,
    })
}
