//! Whether an MCP tool may run when the model calls it: ask every time (the
//! default, so nothing is stored for it), always allow, or never. Kept per
//! server and tool in the settings table (`mcp_tool_policies`), so Settings
//! can list and revoke what was allowed.
//!
//! A tool the server marks destructive (`destructiveHint`) always asks,
//! whatever was stored: one "always allow" must not let a model delete files
//! unseen later.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, History};

const SETTINGS_KEY: &str = "mcp_tool_policies";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "McpToolPolicy.ts", rename = "McpToolPolicy")]
pub enum ToolPolicy {
    Ask,
    Allow,
    Never,
}

/// One remembered choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "McpToolPolicyEntry.ts", rename = "McpToolPolicyEntry")]
pub struct ToolPolicyEntry {
    pub server_id: String,
    pub tool: String,
    pub policy: ToolPolicy,
}

/// What happens to a call of `tool` on `server_id` under `entries`.
pub fn policy_for(
    entries: &[ToolPolicyEntry],
    server_id: &str,
    tool: &str,
    destructive: bool,
) -> ToolPolicy {
    let stored = entries
        .iter()
        .find(|e| e.server_id == server_id && e.tool == tool)
        .map_or(ToolPolicy::Ask, |e| e.policy);
    match stored {
        ToolPolicy::Allow if destructive => ToolPolicy::Ask,
        other => other,
    }
}

fn read(conn: &rusqlite::Connection) -> Result<Vec<ToolPolicyEntry>, Error> {
    let text: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            params![SETTINGS_KEY],
            |row| row.get(0),
        )
        .optional()?;
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    // Damage reads as "ask for everything": the safe side, and it loses
    // only remembered permissions, never a call the user did not see.
    Ok(serde_json::from_str(&text).unwrap_or_else(|problem| {
        tracing::warn!(%problem, "the stored MCP tool permissions cannot be read; every tool asks");
        Vec::new()
    }))
}

impl History {
    pub fn mcp_tool_policies(&self) -> Result<Vec<ToolPolicyEntry>, Error> {
        self.read(read)
    }

    /// Remembers `policy` for one tool (`Ask` forgets it); returns them all.
    pub fn set_mcp_tool_policy(
        &self,
        server_id: &str,
        tool: &str,
        policy: ToolPolicy,
    ) -> Result<Vec<ToolPolicyEntry>, Error> {
        self.write(|tx| {
            let mut entries = read(tx)?;
            entries.retain(|e| !(e.server_id == server_id && e.tool == tool));
            if policy != ToolPolicy::Ask {
                entries.push(ToolPolicyEntry {
                    server_id: server_id.to_owned(),
                    tool: tool.to_owned(),
                    policy,
                });
            }
            let text =
                serde_json::to_string(&entries).map_err(|e| Error::InvalidInput(e.to_string()))?;
            crate::history::put_setting(tx, SETTINGS_KEY, &text)?;
            Ok(entries)
        })
    }

    /// Forgets every choice about the server `server_id` (it was removed).
    pub fn forget_mcp_tool_policies(&self, server_id: &str) -> Result<(), Error> {
        self.write(|tx| {
            let mut entries = read(tx)?;
            entries.retain(|e| e.server_id != server_id);
            let text =
                serde_json::to_string(&entries).map_err(|e| Error::InvalidInput(e.to_string()))?;
            crate::history::put_setting(tx, SETTINGS_KEY, &text)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_kept_revoked_and_destructive_tools_always_ask() {
        let history = History::open_in_memory().expect("history");
        assert_eq!(history.mcp_tool_policies().expect("reads"), vec![]);
        history
            .set_mcp_tool_policy("s1", "read", ToolPolicy::Allow)
            .expect("kept");
        history
            .set_mcp_tool_policy("s1", "rm", ToolPolicy::Allow)
            .expect("kept");
        history
            .set_mcp_tool_policy("s2", "read", ToolPolicy::Never)
            .expect("kept");
        let entries = history.mcp_tool_policies().expect("reads");
        assert_eq!(policy_for(&entries, "s1", "read", false), ToolPolicy::Allow);
        assert_eq!(
            policy_for(&entries, "s1", "rm", true),
            ToolPolicy::Ask,
            "a destructive tool asks even when it was allowed"
        );
        assert_eq!(
            policy_for(&entries, "s2", "read", false),
            ToolPolicy::Never,
            "bound to the server, not only the tool's name"
        );
        assert_eq!(policy_for(&entries, "s3", "x", false), ToolPolicy::Ask);
        history
            .set_mcp_tool_policy("s1", "read", ToolPolicy::Ask)
            .expect("revoked");
        history.forget_mcp_tool_policies("s2").expect("forgotten");
        let entries = history.mcp_tool_policies().expect("reads");
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0].tool, "rm");
    }
}
