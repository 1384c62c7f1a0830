//! `halley eval run | resume | import`.

use std::io::IsTerminal;
use std::path::Path;

use halley_core::eval::{
    self, Comparison, DatasetFormat, EvalRunRequest, EvalRunStatus, GraderSpec, ModelGrader,
    Overrides, Reference, RunControl, RunMode, VariantSpec,
};
use halley_core::History;
use halley_responses::Client;

use super::args::{EvalCommand, ImportArgs, ResumeArgs, RunArgs, Verdict};
use super::output;
use super::setup::{self, Opened};
use super::Exit;

pub async fn run(command: EvalCommand) -> Result<Exit, String> {
    match command {
        EvalCommand::Run(args) => Box::pin(run_new(*args)).await,
        EvalCommand::Resume(args) => resume(args).await,
        EvalCommand::Import(args) => import(args),
    }
}

fn import(args: ImportArgs) -> Result<Exit, String> {
    let opened = setup::open()?;
    let summary = import_file(
        &opened.history,
        &args.file,
        args.name.as_deref(),
        args.expected.as_deref(),
    )?;
    println!(
        "{} version {}: {} rows",
        summary.name, summary.latest_version, summary.rows
    );
    Ok(Exit::Passed)
}

fn import_file(
    history: &History,
    file: &Path,
    name: Option<&str>,
    expected: Option<&str>,
) -> Result<eval::DatasetSummary, String> {
    let file_name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let format = DatasetFormat::of_file_name(file_name)
        .ok_or_else(|| format!("{} is not a .csv or .jsonl file", file.display()))?;
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let name = name.map(str::to_owned).unwrap_or_else(|| {
        file.file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("dataset")
            .to_owned()
    });
    // The expected column: as asked, else one named `expected`.
    let table = eval::dataset::parse(&bytes, format)
        .map_err(|p| format!("{} was not imported: {p}", file.display()))?;
    let expected = expected
        .map(str::to_owned)
        .or_else(|| table.column("expected").map(|_| "expected".to_owned()));
    history
        .store_dataset(&name, format, &table, expected.as_deref())
        .map_err(|e| format!("{} was not imported: {e}", file.display()))
}

fn variant(spec: &str, preset_id: &str, history: &History) -> Result<VariantSpec, String> {
    let mut variant = VariantSpec {
        label: None,
        preset_id: preset_id.to_owned(),
        preset_version: None,
        provider_id: None,
        overrides: Overrides::default(),
    };
    for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("--variant {spec}: \"{pair}\" is not key=value"))?;
        let bad = |what: &str| format!("--variant {spec}: {value} is not {what}");
        match key.trim() {
            "version" => {
                variant.preset_version = Some(
                    value
                        .trim_start_matches('v')
                        .parse()
                        .map_err(|_| bad("a version number"))?,
                )
            }
            "model" => variant.overrides.model = Some(value.to_owned()),
            "temperature" => {
                variant.overrides.temperature = Some(value.parse().map_err(|_| bad("a number"))?)
            }
            "max-output-tokens" => {
                variant.overrides.max_output_tokens =
                    Some(value.parse().map_err(|_| bad("a whole number"))?)
            }
            "effort" => variant.overrides.reasoning_effort = Some(value.to_owned()),
            "provider" => variant.provider_id = Some(setup::provider(history, Some(value))?.id),
            "label" => variant.label = Some(value.to_owned()),
            other => return Err(format!("--variant {spec}: unknown setting \"{other}\"")),
        }
    }
    Ok(variant)
}

fn grader(spec: &str) -> Result<GraderSpec, String> {
    let (kind, rest) = spec.split_once('=').unwrap_or((spec, ""));
    Ok(match kind {
        "exact" | "exact-ci" => GraderSpec::Exact {
            reference: Reference::Expected,
            ignore_case: kind.ends_with("-ci"),
        },
        "contains" | "contains-ci" => GraderSpec::Contains {
            reference: Reference::Expected,
            ignore_case: kind.ends_with("-ci"),
        },
        "regex" if !rest.is_empty() => GraderSpec::Regex {
            pattern: rest.to_owned(),
        },
        "json-schema" => GraderSpec::JsonSchema {
            schema: (!rest.is_empty()).then(|| rest.to_owned()),
        },
        "json-path" => {
            let mut words = rest.splitn(3, ' ');
            let (Some(path), Some(op), Some(value)) = (words.next(), words.next(), words.next())
            else {
                return Err(format!("--grader {spec}: write json-path=PATH OP VALUE"));
            };
            let op = match op {
                "eq" => Comparison::Eq,
                "ne" => Comparison::Ne,
                "lt" => Comparison::Lt,
                "le" => Comparison::Le,
                "gt" => Comparison::Gt,
                "ge" => Comparison::Ge,
                "contains" => Comparison::Contains,
                other => return Err(format!("--grader {spec}: unknown comparison \"{other}\"")),
            };
            // A JSON value when it reads as one (`3`, `true`, `"x"`), else text.
            let value = serde_json::from_str(value)
                .unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
            GraderSpec::JsonPath {
                path: path.to_owned(),
                op,
                value,
            }
        }
        _ => return Err(format!("--grader {spec}: unknown grader (see --help)")),
    })
}

fn scale(text: &str) -> Result<(i32, i32, i32), String> {
    let bad = || format!("--scale {text}: write MIN-MAX:PASS, e.g. 1-5:4");
    let (range, pass) = text.split_once(':').ok_or_else(bad)?;
    let (min, max) = range.split_once('-').ok_or_else(bad)?;
    let number = |s: &str| s.trim().parse::<i32>().map_err(|_| bad());
    Ok((number(min)?, number(max)?, number(pass)?))
}

async fn run_new(args: RunArgs) -> Result<Exit, String> {
    let opened = setup::open()?;
    let history = &opened.history;
    let preset = history
        .list_presets()
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|p| p.name == args.preset || p.id == args.preset)
        .ok_or_else(|| {
            format!(
                "no preset called \"{}\" (save one in the Playground)",
                args.preset
            )
        })?;
    let path = Path::new(&args.dataset);
    let dataset = if path.is_file() {
        import_file(history, path, None, args.expected.as_deref())?
    } else {
        history
            .dataset_named(&args.dataset)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("no dataset called \"{}\", and no such file", args.dataset))?
    };
    let info = history
        .dataset_version(&dataset.id, Some(dataset.latest_version))
        .map_err(|e| e.to_string())?;
    let provider = setup::provider(history, args.provider.as_deref())?;
    let mut variants = args
        .variants
        .iter()
        .map(|spec| variant(spec, &preset.id, history))
        .collect::<Result<Vec<_>, _>>()?;
    if variants.is_empty() {
        variants.push(variant("", &preset.id, history)?);
    }
    for v in &mut variants {
        v.provider_id.get_or_insert_with(|| provider.id.clone());
    }
    let mut graders = args
        .graders
        .iter()
        .map(|spec| grader(spec))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(file) = &args.graders_json {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let more: Vec<GraderSpec> = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not a list of graders: {e}", file.display()))?;
        graders.extend(more);
    }
    if let (Some(model), Some(rubric)) = (&args.judge, &args.rubric) {
        let (min, max, pass_at) = scale(&args.scale)?;
        graders.push(GraderSpec::Model(ModelGrader {
            provider_id: Some(provider.id.clone()),
            model: model.clone(),
            rubric: rubric.clone(),
            min,
            max,
            pass_at,
        }));
    }
    if graders.is_empty() {
        if info.expected_column.is_none() {
            return Err(
                "the dataset has no expected column: say how to grade with --grader, --judge or --graders-json"
                    .into(),
            );
        }
        graders.push(grader("exact")?);
    }
    let run_id = eval::create_run(
        history,
        &EvalRunRequest {
            dataset_id: dataset.id.clone(),
            dataset_version: Some(dataset.latest_version),
            variants,
            graders,
            concurrency: args.concurrency,
            mode: if args.batch {
                RunMode::Batch
            } else {
                RunMode::Live
            },
        },
    )
    .map_err(|e| e.to_string())?;
    eprintln!(
        "run {run_id}: {} v{} × {} rows of {} v{}",
        preset.name, preset.latest_version, info.rows, dataset.name, dataset.latest_version
    );
    drive(&opened, &run_id, &args.verdict).await
}

async fn resume(args: ResumeArgs) -> Result<Exit, String> {
    let opened = setup::open()?;
    drive(&opened, &args.run_id, &args.verdict).await
}

/// Runs (or resumes) `run_id` to its end, Ctrl-C pausing it, and prints
/// the aggregates.
async fn drive(opened: &Opened, run_id: &str, verdict: &Verdict) -> Result<Exit, String> {
    let prepared =
        eval::prepare_run(&opened.history, &opened.keys, run_id).map_err(|e| e.to_string())?;
    let client = Client::new().map_err(|e| e.to_string())?;
    let control = RunControl::default();
    let pause = control.pause.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("\nhalley: pausing: the rows in flight finish and are kept…");
            pause.cancel();
        }
    });
    let terminal = std::io::stderr().is_terminal();
    let status = eval::run_eval(opened.history.clone(), &client, &prepared, control, |p| {
        if terminal {
            eprint!("\r{}", output::progress_line(&p));
        }
    })
    .await
    .map_err(|e| e.to_string())?;
    if terminal {
        eprintln!();
    }
    let aggregates = eval::aggregate(&opened.history, run_id).map_err(|e| e.to_string())?;
    let passed = aggregates
        .iter()
        .all(|a| verdict.threshold.is_none_or(|t| a.pass_rate >= t));
    if verdict.json {
        println!(
            "{}",
            output::json(run_id, status, verdict.threshold, passed, &aggregates)
        );
    } else {
        print!("{}", output::table(&aggregates));
    }
    if status != EvalRunStatus::Completed {
        eprintln!(
            "halley: the run is {}; go on with: halley eval resume {run_id}",
            status.as_str()
        );
        return Ok(Exit::Interrupted);
    }
    Ok(if passed {
        Exit::Passed
    } else {
        Exit::BelowThreshold
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grader_specs_read_as_documented() {
        assert!(matches!(
            grader("exact-ci"),
            Ok(GraderSpec::Exact {
                ignore_case: true,
                ..
            })
        ));
        assert!(
            matches!(grader("regex=^a,b$"), Ok(GraderSpec::Regex { pattern }) if pattern == "^a,b$")
        );
        let path = grader("json-path=$.n ge 3").expect("json path");
        assert_eq!(
            path,
            GraderSpec::JsonPath {
                path: "$.n".into(),
                op: Comparison::Ge,
                value: serde_json::json!(3)
            }
        );
        assert!(grader("json-path=$.n").is_err());
        assert!(grader("regex").is_err(), "a regex needs its pattern");
        assert!(grader("nope").is_err());
        assert_eq!(scale("1-5:4"), Ok((1, 5, 4)));
        assert!(scale("5").is_err());
    }

    #[test]
    fn variant_specs_read_as_documented() {
        let history = History::open_in_memory().expect("history");
        let v = variant(
            "version=v2, model=m, temperature=0.5, label=cheap",
            "p",
            &history,
        )
        .expect("variant");
        assert_eq!(v.preset_version, Some(2));
        assert_eq!(v.overrides.model.as_deref(), Some("m"));
        assert_eq!(v.overrides.temperature, Some(0.5));
        assert_eq!(v.label.as_deref(), Some("cheap"));
        assert!(variant("temperature=hot", "p", &history).is_err());
        assert!(variant("colour=red", "p", &history).is_err());
        assert!(variant("provider=none", "p", &history).is_err());
    }
}
