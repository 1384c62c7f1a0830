//! The command line's arguments (clap): what each subcommand takes.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "halley",
    version,
    about = "Halley on the command line: evaluations and one-off questions, with the app's providers, keys and data"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a preset over a dataset and grade every row.
    Eval {
        #[command(subcommand)]
        command: EvalCommand,
    },
    /// Ask one question and print the answer as it streams.
    Ask(AskArgs),
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Run PRESET over DATASET (a dataset's name, or a .csv/.jsonl file,
    /// imported as a new version of the dataset named after the file).
    Run(Box<RunArgs>),
    /// Go on with a paused or interrupted run: rows already done are not
    /// sent again.
    Resume(ResumeArgs),
    /// Import a .csv or .jsonl file as a new version of a dataset.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct Verdict {
    /// Exit with 1 unless every variant passes at least this share of rows (0–1).
    #[arg(long, value_parser = share)]
    pub threshold: Option<f64>,
    /// Print the aggregates as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The preset's name.
    pub preset: String,
    /// A dataset's name, or a .csv / .jsonl file.
    pub dataset: String,
    /// A variant: `version=N`, `model=NAME`, `temperature=T`,
    /// `max-output-tokens=N`, `effort=LEVEL`, `provider=NAME`, `label=TEXT`,
    /// comma-separated (`--variant model=gpt-5-mini,temperature=0`). Repeat
    /// for more variants; none means the preset's latest version.
    #[arg(long = "variant", value_name = "SPEC")]
    pub variants: Vec<String>,
    /// A grader: `exact`, `exact-ci`, `contains`, `contains-ci` (against the
    /// expected column), `regex=PATTERN`, `json-schema`, or
    /// `json-path=PATH OP VALUE` (OP one of eq ne lt le gt ge contains).
    /// Repeatable. Without any, `exact` when the dataset has an expected
    /// column.
    #[arg(long = "grader", value_name = "SPEC")]
    pub graders: Vec<String>,
    /// Graders as a JSON array (the GraderSpec shape), for model graders
    /// and anything `--grader` cannot say.
    #[arg(long, value_name = "FILE")]
    pub graders_json: Option<PathBuf>,
    /// A model grader: this model scores each answer by `--rubric`.
    #[arg(long, value_name = "MODEL", requires = "rubric")]
    pub judge: Option<String>,
    /// What the judge looks for; `{{output}}`, `{{expected}}` and columns are filled in.
    #[arg(long, value_name = "TEXT")]
    pub rubric: Option<String>,
    /// The judge's scale and passing score, `MIN-MAX:PASS` (default 1-5:4).
    #[arg(long, value_name = "SCALE", default_value = "1-5:4")]
    pub scale: String,
    /// The column holding the expected output, when importing a file
    /// (default: a column named `expected`, if any).
    #[arg(long, value_name = "COLUMN")]
    pub expected: Option<String>,
    /// Rows sent at once (1–64).
    #[arg(long)]
    pub concurrency: Option<u32>,
    /// Send the rows through the provider's Batch API (cheaper, and slower:
    /// a batch may take hours); a provider without one runs them live.
    #[arg(long)]
    pub batch: bool,
    /// The provider to use (its name in Settings); default the active one.
    #[arg(long)]
    pub provider: Option<String>,
    #[command(flatten)]
    pub verdict: Verdict,
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// The run's id, as `halley eval run` printed it.
    pub run_id: String,
    #[command(flatten)]
    pub verdict: Verdict,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The .csv or .jsonl file.
    pub file: PathBuf,
    /// The dataset's name (default: the file's name without its ending).
    #[arg(long)]
    pub name: Option<String>,
    /// The column holding the expected output.
    #[arg(long, value_name = "COLUMN")]
    pub expected: Option<String>,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// The question.
    pub prompt: String,
    /// The model (default: the preset's, else the app's chat model).
    #[arg(long)]
    pub model: Option<String>,
    /// A Playground preset to ask with: its instructions and settings, and
    /// its `{{prompt}}` filled with the question (or the question added as
    /// the last message).
    #[arg(long)]
    pub preset: Option<String>,
    /// The provider (its name in Settings); default the active one.
    #[arg(long)]
    pub provider: Option<String>,
}

fn share(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text} is not a number"))?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{text} is not between 0 and 1"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let cli = Cli::try_parse_from([
            "halley",
            "eval",
            "run",
            "p",
            "d.csv",
            "--variant",
            "model=m",
            "--threshold",
            "0.9",
            "--json",
        ])
        .expect("parses");
        let Command::Eval {
            command: EvalCommand::Run(run),
        } = cli.command
        else {
            panic!("eval run");
        };
        assert_eq!((run.preset.as_str(), run.dataset.as_str()), ("p", "d.csv"));
        assert_eq!(run.variants, ["model=m"]);
        assert_eq!(run.verdict.threshold, Some(0.9));
        assert!(run.verdict.json);
        assert!(
            Cli::try_parse_from(["halley", "eval", "run", "p", "d", "--threshold", "2"]).is_err()
        );
        assert!(
            Cli::try_parse_from(["halley", "ask"]).is_err(),
            "a question is needed"
        );
        assert!(Cli::try_parse_from(["halley", "ask", "hi", "--model", "m"]).is_ok());
    }
}
