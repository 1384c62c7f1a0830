//! The names the model sees for MCP tools: `server__tool`, within the
//! Responses API's function-name rule `^[a-zA-Z0-9_-]{1,64}$`.
//!
//! A name that had to change (a character replaced, cut to length) or that
//! would clash with another gets a short hash of the server id and the tool's
//! own name at its end. The hash makes the result depend only on that one
//! tool, not on the order or the set of the others, so a tool keeps its name
//! when another server is added; a second clash (of hashes) is settled by a
//! counter in the order of (server id, tool name), which is deterministic.

use std::collections::{BTreeMap, HashSet};

pub const MAX_FUNCTION_NAME: usize = 64;
const SEPARATOR: &str = "__";
/// `_` + 6 hex digits.
const HASH_SUFFIX_LEN: usize = 7;

/// One tool to name: which server it is on, the server's display name, and
/// the tool's name as the server gives it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ToolRef {
    pub server_id: String,
    pub server_name: String,
    pub tool: String,
}

/// The model-facing name of every tool, keyed by its [`ToolRef`].
pub fn function_names(tools: &[ToolRef]) -> BTreeMap<ToolRef, String> {
    let mut sorted: Vec<&ToolRef> = tools.iter().collect();
    sorted.sort();
    sorted.dedup();
    // First pass: how many tools want each plain name.
    let mut wanted: BTreeMap<String, usize> = BTreeMap::new();
    let plain: Vec<(String, bool)> = sorted
        .iter()
        .map(|t| {
            let (name, exact) = plain_name(t);
            *wanted.entry(name.clone()).or_default() += 1;
            (name, exact)
        })
        .collect();
    let mut used = HashSet::new();
    let mut names = BTreeMap::new();
    for (tool, (name, exact)) in sorted.into_iter().zip(plain) {
        let mut candidate = if exact && wanted[&name] == 1 {
            name
        } else {
            with_suffix(&name, &format!("_{:06x}", hash(tool) & 0xff_ffff))
        };
        let mut n = 2;
        while !used.insert(candidate.clone()) {
            candidate = with_suffix(&candidate, &format!("_{n}"));
            n += 1;
        }
        names.insert(tool.clone(), candidate);
    }
    names
}

/// `server__tool` with every character outside `[a-zA-Z0-9_-]` replaced by
/// `_`, cut to the limit; and whether nothing had to change.
fn plain_name(tool: &ToolRef) -> (String, bool) {
    let server = sanitize(&tool.server_name);
    let name = sanitize(&tool.tool);
    let exact = server.changed == 0 && name.changed == 0;
    let mut full = format!("{}{SEPARATOR}{}", server.text, name.text);
    if full.len() <= MAX_FUNCTION_NAME {
        return (
            full,
            exact && !server.text.is_empty() && !name.text.is_empty(),
        );
    }
    // Too long: keep at most 20 characters of the server, then the tool.
    let server_part: String = server.text.chars().take(20).collect();
    full = format!("{server_part}{SEPARATOR}{}", name.text);
    full.truncate(MAX_FUNCTION_NAME);
    (full, false)
}

struct Sanitized {
    text: String,
    changed: usize,
}

fn sanitize(text: &str) -> Sanitized {
    let mut changed = 0;
    let text = text
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                changed += 1;
                '_'
            }
        })
        .collect();
    Sanitized { text, changed }
}

/// `base` cut so that `base + suffix` fits the limit.
fn with_suffix(base: &str, suffix: &str) -> String {
    let keep = MAX_FUNCTION_NAME.saturating_sub(suffix.len());
    // ASCII only by now, so byte cuts are character cuts.
    let mut cut = base.to_owned();
    if cut.len() > keep {
        cut.truncate(keep);
    }
    debug_assert!(suffix.len() <= HASH_SUFFIX_LEN + 4);
    format!("{cut}{suffix}")
}

/// FNV-1a over the server id and the tool name: stable across runs and
/// platforms (std's hasher is randomly seeded).
fn hash(tool: &ToolRef) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in tool
        .server_id
        .bytes()
        .chain(std::iter::once(0))
        .chain(tool.tool.bytes())
    {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Whether `name` fits the API's function-name rule.
pub fn is_valid_function_name(name: &str) -> bool {
    (1..=MAX_FUNCTION_NAME).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(server_id: &str, server_name: &str, tool: &str) -> ToolRef {
        ToolRef {
            server_id: server_id.into(),
            server_name: server_name.into(),
            tool: tool.into(),
        }
    }

    #[test]
    fn a_plain_name_is_server_then_tool() {
        let t = tool("1", "files", "read_file");
        assert_eq!(
            function_names(std::slice::from_ref(&t))[&t],
            "files__read_file"
        );
    }

    #[test]
    fn every_name_fits_the_api_rule_whatever_the_input() {
        let tools = vec![
            tool("1", "My Files (home)", "read file"),
            tool("2", "ünïcødé", "工具"),
            tool("3", &"s".repeat(100), &"t".repeat(100)),
            tool("4", "", ""),
            tool("5", "a.b", "c/d"),
        ];
        let names = function_names(&tools);
        for (t, name) in &names {
            assert!(is_valid_function_name(name), "{t:?} -> {name}");
        }
        let unique: HashSet<_> = names.values().collect();
        assert_eq!(unique.len(), tools.len(), "{names:?}");
    }

    #[test]
    fn clashes_are_resolved_the_same_way_in_any_order() {
        // "a b" and "a_b" both sanitize to a_b; two servers named alike.
        let tools = vec![
            tool("1", "files", "a b"),
            tool("1", "files", "a_b"),
            tool("2", "files", "a_b"),
        ];
        let forward = function_names(&tools);
        let mut reversed = tools.clone();
        reversed.reverse();
        assert_eq!(forward, function_names(&reversed));
        let unique: HashSet<_> = forward.values().collect();
        assert_eq!(unique.len(), 3, "{forward:?}");
        for name in forward.values() {
            assert!(name.starts_with("files__a_b_"), "{name}");
        }
    }

    #[test]
    fn a_tool_keeps_its_name_when_another_server_joins() {
        let long = tool("1", "server", &"x".repeat(80));
        let before = function_names(std::slice::from_ref(&long))[&long].clone();
        let after = function_names(&[long.clone(), tool("9", "other", "y")])[&long].clone();
        assert_eq!(before, after);
        assert_eq!(before.len(), MAX_FUNCTION_NAME);
    }
}
