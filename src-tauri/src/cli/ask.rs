//! `halley ask "prompt"`: the answer printed as it streams. Nothing is
//! stored in the history.

use std::io::Write;

use halley_core::ask::{ask, Asked};
use halley_core::eval::{Overrides, PresetForm};
use halley_core::redact::Secrets;
use halley_responses::{Client, CreateResponse, Input, InputItem, Nullable};
use tokio_util::sync::CancellationToken;

use super::args::AskArgs;
use super::setup;
use super::Exit;

pub async fn run(args: AskArgs) -> Result<Exit, String> {
    let opened = setup::open()?;
    let history = &opened.history;
    let provider = setup::provider(history, args.provider.as_deref())?;
    let endpoint = setup::endpoint(&opened.keys, &provider)?;
    let request = request(history, &args)?;
    let client = Client::new().map_err(|e| e.to_string())?;
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            stop.cancel();
        }
    });
    let mut stdout = std::io::stdout();
    let asked = ask(
        &client,
        &endpoint,
        &request,
        &cancel,
        |text| {
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
        },
        |notice| {
            eprintln!(
                "halley: retrying in {} s ({}/{})",
                notice.delay.as_secs_f64().ceil(),
                notice.attempt,
                notice.max_retries
            );
        },
    )
    .await;
    let mut stdout = std::io::stdout();
    match asked {
        Asked::Answered(_) => {
            let _ = writeln!(stdout);
            Ok(Exit::Passed)
        }
        Asked::Stopped => {
            let _ = writeln!(stdout);
            Ok(Exit::Interrupted)
        }
        Asked::Failed(error) => {
            let _ = writeln!(stdout);
            let mut message = halley_core::chat::TurnError::from_api(&error).message;
            Secrets::of_endpoint(&endpoint).scrub_in_place(&mut message);
            Err(message)
        }
    }
}

/// The request: the preset's (its `{{prompt}}` filled, or the question
/// added as the last message), or just the question; `--model` over the
/// preset's model over the app's chat model.
fn request(history: &halley_core::History, args: &AskArgs) -> Result<CreateResponse, String> {
    let mut request = match &args.preset {
        Some(name) => {
            let preset = history
                .list_presets()
                .map_err(|e| e.to_string())?
                .into_iter()
                .find(|p| &p.name == name || &p.id == name)
                .ok_or_else(|| format!("no preset called \"{name}\""))?;
            let versions = history
                .preset_versions(&preset.id)
                .map_err(|e| e.to_string())?;
            let state = versions.first().map(|v| v.state.as_str()).unwrap_or("{}");
            let form = PresetForm::parse(state).map_err(|e| e.to_string())?;
            let fills_prompt = form.variables().contains("prompt");
            let mut request = form
                .request(
                    1,
                    |name| (name == "prompt").then_some(args.prompt.as_str()),
                    &Overrides::default(),
                )
                .map_err(|p| format!("the preset needs more than the question: {p}"))?;
            if !fills_prompt {
                let mut items = match request.input.into_option() {
                    Some(Input::Items(items)) => items,
                    Some(Input::Text(text)) => vec![InputItem::user_text(text)],
                    None => Vec::new(),
                };
                items.push(InputItem::user_text(args.prompt.clone()));
                request.input = Nullable::Value(Input::Items(items));
            }
            request
        }
        None => CreateResponse::new("", Input::Text(args.prompt.clone())),
    };
    let model = match &args.model {
        Some(model) => model.clone(),
        None => match request.model.get().filter(|m| !m.is_empty()) {
            Some(model) => model.clone(),
            None => {
                history
                    .settings()
                    .map_err(|e| e.to_string())?
                    .settings
                    .model
            }
        },
    };
    if model.trim().is_empty() {
        return Err("no model: give one with --model".into());
    }
    request.model = Nullable::Value(model);
    Ok(request)
}
