//! The command functions as the UI sees them, read from their source in
//! `commands/`: each one's name, arguments (camelCase, as `invoke` sends
//! them) and what it resolves with. Two checks use them:
//!
//! - `ui/src/lib/bindings/commands.ts` is generated from them (committed,
//!   like the ts-rs bindings), and `ipc.ts` calls commands only through its
//!   `Commands` map: a renamed command or argument fails `svelte-check`, not
//!   a click at run time. `HALLEY_UPDATE_BINDINGS=1 cargo test -p halley
//!   bindings` rewrites it with the other bindings.
//! - Only commands that touch nothing that blocks may be sync (a sync
//!   command runs on the main thread, which draws the window).

use std::collections::BTreeSet;
use std::path::Path;

/// One `#[tauri::command]` function.
#[derive(Debug)]
pub struct Signature {
    pub name: String,
    pub is_async: bool,
    /// `(camelCase name, Rust type)`, without the ones Tauri injects.
    pub args: Vec<(String, String)>,
    /// The Rust return type (`()` when none).
    pub returns: String,
}

/// Commands that may stay sync, and why: none touches SQLite, the keyring,
/// the network or a file, so none can hold the main thread.
pub const SYNC_ALLOWED: &[(&str, &str)] = &[
    ("app_info", "a struct from memory"),
    (
        "keyring_status",
        "the start-up probe's answer, kept in memory",
    ),
    ("env_key_offers", "reads environment variables"),
    ("stop_run", "cancels a token in memory"),
    ("watch_turn", "hands a channel to a relay in memory"),
    ("watch_app", "subscribes a channel to a broadcast in memory"),
    ("instance_problem", "managed state in memory"),
    ("app_quit", "asks the event loop to exit"),
    ("app_restart", "asks the event loop to restart"),
    (
        "bench_mark",
        "only under HALLEY_BENCH: one line appended; a pool hop would delay the moment it marks",
    ),
    (
        "bench_echo",
        "only under HALLEY_BENCH: timestamps compared in memory",
    ),
];

/// Arguments Tauri fills in itself rather than from the UI's JSON.
fn injected(rust_type: &str) -> bool {
    [
        "State<",
        "tauri::AppHandle<",
        "AppHandle<",
        "tauri::Window",
        "tauri::Webview",
    ]
    .iter()
    .any(|prefix| rust_type.starts_with(prefix))
}

/// Every command function in the `commands/` folder, sorted by name.
pub fn read_all() -> Vec<Signature> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src/commands");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the commands folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut all: Vec<Signature> = files
        .iter()
        .flat_map(|file| parse(&std::fs::read_to_string(file).expect("a command file")))
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

/// The signatures in one file. The files are rustfmt-formatted, so each
/// `#[tauri::command]` is followed by `pub [async ]fn name[<…>](…) [-> T] {`.
fn parse(source: &str) -> Vec<Signature> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("#[tauri::command]") {
        rest = &rest[at + "#[tauri::command]".len()..];
        let header_end = rest.find('{').expect("a command has a body");
        let header = rest[..header_end].trim();
        found.push(parse_header(header));
    }
    found
}

fn parse_header(header: &str) -> Signature {
    let header = header.trim_start_matches("pub ").trim();
    let (is_async, header) = match header.strip_prefix("async ") {
        Some(rest) => (true, rest),
        None => (false, header),
    };
    let header = header.strip_prefix("fn ").expect("a command is a fn");
    let name_end = header.find(['<', '(']).expect("a command has parameters");
    let name = header[..name_end].to_owned();
    let params_start = header.find('(').expect("a parameter list");
    let params_end = params_start + closing_paren(&header[params_start..]);
    let params = &header[params_start + 1..params_end];
    let returns = header[params_end + 1..]
        .trim()
        .strip_prefix("->")
        .map_or("()", str::trim)
        .to_owned();
    let args = split_top_level(params)
        .into_iter()
        .filter_map(|param| {
            let (arg, rust_type) = param.split_once(':')?;
            let rust_type = rust_type.trim().to_owned();
            (!injected(&rust_type)).then(|| (camel_case(arg.trim()), rust_type))
        })
        .collect();
    Signature {
        name,
        is_async,
        args,
        returns,
    }
}

/// Where the parenthesis `text` opens with closes (a return type such as
/// `IpcResult<()>` has parentheses of its own).
fn closing_paren(text: &str) -> usize {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return at;
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced parameter list: {text}")
}

/// Splits at commas outside `<…>` and `(…)`.
fn split_top_level(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Tauri's default: a `snake_case` argument is sent as `camelCase`.
fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The TypeScript for a Rust type, collecting the binding types it names.
fn typescript(rust: &str, named: &mut BTreeSet<String>) -> String {
    let rust = rust.trim();
    let inner = |prefix: &str| {
        rust.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix('>'))
            .map(str::to_owned)
    };
    if let Some(t) = inner("IpcResult<") {
        return typescript(&t, named);
    }
    if let Some(t) = inner("Option<") {
        return format!("{} | null", typescript(&t, named));
    }
    if let Some(t) = inner("Vec<") {
        let item = typescript(&t, named);
        return if item.contains(' ') {
            format!("({item})[]")
        } else {
            format!("{item}[]")
        };
    }
    if let Some(t) = inner("Channel<") {
        return format!("Channel<{}>", typescript(&t, named));
    }
    match rust {
        "()" => "null".to_owned(),
        "String" | "&str" | "SecretString" => "string".to_owned(),
        "bool" => "boolean".to_owned(),
        "u16" | "u32" | "i32" | "f64" => "number".to_owned(),
        // The stored responses these commands pass on are JSON objects.
        "Value" | "serde_json::Value" => "Record<string, unknown>".to_owned(),
        // `tauri::ipc::Response`: raw bytes, an ArrayBuffer in the webview.
        "Response" => "ArrayBuffer".to_owned(),
        path => {
            let name = path.rsplit("::").next().unwrap_or(path).to_owned();
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric()),
                "no TypeScript for the Rust type {path}: add it to command_signatures::typescript"
            );
            named.insert(name.clone());
            name
        }
    }
}

/// The text of `commands.ts`; `exported` are the binding types that exist.
pub fn commands_ts(signatures: &[Signature], exported: &BTreeSet<String>) -> String {
    let mut named = BTreeSet::new();
    let mut entries = String::new();
    for signature in signatures {
        let args = if signature.args.is_empty() {
            "Record<string, never>".to_owned()
        } else {
            let fields: Vec<String> = signature
                .args
                .iter()
                .map(|(name, rust)| format!("{name}: {}", typescript(rust, &mut named)))
                .collect();
            format!("{{ {} }}", fields.join("; "))
        };
        let returns = typescript(&signature.returns, &mut named);
        entries.push_str(&format!(
            "  {}: {{ args: {args}; returns: {returns} }};\n",
            signature.name
        ));
    }
    let uses_channel = entries.contains("Channel<");
    let missing: Vec<&String> = named.iter().filter(|n| !exported.contains(*n)).collect();
    assert!(
        missing.is_empty(),
        "commands use types that are not in bindings::EXPORTED: {missing:?}"
    );
    let mut text = String::from(
        "// Generated by src-tauri/src/command_signatures.rs from the command functions.\n\
         // Do not edit this file manually.\n",
    );
    if uses_channel {
        text.push_str("import type { Channel } from \"@tauri-apps/api/core\";\n");
    }
    let names: Vec<&str> = named.iter().map(String::as_str).collect();
    text.push_str(&format!(
        "import type {{ {} }} from \"./index\";\n\n",
        names.join(", ")
    ));
    text.push_str(
        "/** Every command: the arguments `invoke` sends and what it resolves with. */\n\
         export type Commands = {\n",
    );
    text.push_str(&entries);
    text.push_str("};\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_command_has_a_signature_and_no_other() {
        let parsed: BTreeSet<String> = read_all().into_iter().map(|s| s.name).collect();
        let listed: BTreeSet<String> = crate::commands::COMMANDS
            .iter()
            .map(|c| (*c).to_owned())
            .collect();
        assert_eq!(parsed, listed, "commands/*.rs and names.in disagree");
    }

    /// A sync command runs on the main thread: one that waits for SQLite,
    /// the keyring, a file or the network freezes the window meanwhile.
    #[test]
    fn only_commands_that_cannot_block_are_sync() {
        let allowed: BTreeSet<&str> = SYNC_ALLOWED.iter().map(|(name, _)| *name).collect();
        let sync: BTreeSet<String> = read_all()
            .into_iter()
            .filter(|s| !s.is_async)
            .map(|s| s.name)
            .collect();
        let sync: BTreeSet<&str> = sync.iter().map(String::as_str).collect();
        assert_eq!(
            sync, allowed,
            "a sync command must be one of SYNC_ALLOWED (make it async and put its blocking work \
             in commands::blocking), and every allowed one must still exist"
        );
    }

    #[test]
    fn parses_a_generic_command_with_injected_arguments() {
        let parsed = parse(
            "#[tauri::command]\npub async fn export_thing<R: Runtime>(\n    app: tauri::AppHandle<R>,\n    \
             state: State<'_, AppState>,\n    conversation_id: String,\n    events: Vec<playground::RecordedEvent>,\n) -> IpcResult<Option<u32>> {\n}\n\
             #[tauri::command]\npub fn nothing(state: State<'_, AppState>) -> IpcResult<()> {\n}",
        );
        assert_eq!(parsed[1].name, "nothing");
        assert!(parsed[1].args.is_empty() && !parsed[1].is_async);
        assert_eq!(parsed[1].returns, "IpcResult<()>");
        let signature = &parsed[0];
        assert_eq!(signature.name, "export_thing");
        assert!(signature.is_async);
        assert_eq!(
            signature.args,
            vec![
                ("conversationId".to_owned(), "String".to_owned()),
                (
                    "events".to_owned(),
                    "Vec<playground::RecordedEvent>".to_owned()
                )
            ]
        );
        let mut named = BTreeSet::new();
        assert_eq!(typescript(&signature.returns, &mut named), "number | null");
        assert_eq!(
            typescript("Vec<Option<String>>", &mut named),
            "(string | null)[]"
        );
    }
}
