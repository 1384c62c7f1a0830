//! MCP servers: the list in Settings (SQLite for configs, the keyring for
//! secrets, on the blocking pool), and what talks to the servers (starting,
//! listing, calling: async, bounded by `halley_mcp::Limits`).

use halley_core::mcp_servers;
use halley_mcp::{SecretSlot, ServerConfig, TransportConfig};
use serde_json::Value;
use tauri::ipc::Channel;
use tauri::State;

use super::blocking::with_state;
use crate::error::{ErrorCode, IpcError, IpcResult};
use crate::ipc_types::{
    ApprovalAnswer, McpCallOutcome, McpCatalog, McpImportResult, McpOfferedTool, McpOfferedTools,
    McpSecretInput, McpServerConfig, McpServerEvent, McpServerFailure, McpServerView,
    McpServersView, McpToolPolicy, McpToolPolicyEntry,
};
use crate::state::AppState;

/// Sends every server's state changes over `on_event` until the window
/// goes away (`watch::forward`).
#[tauri::command]
pub async fn mcp_watch_servers(
    state: State<'_, AppState>,
    on_event: Channel<McpServerEvent>,
) -> IpcResult<()> {
    super::watch::forward(state.mcp.subscribe(), on_event);
    Ok(())
}

fn view(state: &AppState, config: ServerConfig) -> IpcResult<McpServerView> {
    let status = state
        .mcp
        .status(&config.id)
        .unwrap_or(halley_mcp::ServerStatus {
            id: config.id.clone(),
            name: config.name.clone(),
            enabled: config.enabled,
            state: halley_mcp::ServerState::Stopped,
            pid: None,
        });
    let stored_secrets = mcp_servers::stored_slots(state.keys.as_ref(), &config)?;
    Ok(McpServerView {
        config,
        status,
        stored_secrets,
    })
}

#[tauri::command]
pub async fn mcp_list_servers(state: State<'_, AppState>) -> IpcResult<McpServersView> {
    with_state(&state, |state| {
        let stored = state.history.mcp_servers()?;
        Ok(McpServersView {
            servers: stored
                .servers
                .into_iter()
                .map(|c| view(state, c))
                .collect::<IpcResult<_>>()?,
            damaged: stored.damaged,
        })
    })
    .await
}

/// Where a server's secrets are bound: moving it elsewhere (another origin
/// or command) makes its stored secrets unreachable, so they are deleted.
fn binding(config: &ServerConfig) -> String {
    match &config.transport {
        TransportConfig::Stdio { command, .. } => format!("stdio:{command}"),
        TransportConfig::Http { url, .. } => format!(
            "http:{}",
            halley_core::origin::Origin::of(url)
                .map(|o| o.to_string())
                .unwrap_or_default()
        ),
    }
}

/// Adds a server (empty `id`) or replaces the one with that id. `secrets`
/// are the values typed for its secret entries; a secret entry left without
/// one keeps the value stored before (if any).
#[tauri::command]
pub async fn mcp_save_server(
    state: State<'_, AppState>,
    server: McpServerConfig,
    secrets: Vec<McpSecretInput>,
) -> IpcResult<McpServerView> {
    let (all, saved) = with_state(&state, move |state| {
        let mut server = server;
        if server.id.is_empty() {
            server.id = uuid::Uuid::new_v4().to_string();
        }
        server
            .validate()
            .map_err(|e| IpcError::new(ErrorCode::InvalidInput, e.to_string()))?;
        let mut servers = state.history.mcp_servers()?.servers;
        let old = servers.iter().position(|s| s.id == server.id);
        if let Some(at) = old {
            let previous = &servers[at];
            let keep: Vec<SecretSlot> = if binding(previous) == binding(&server) {
                server.secret_slots()
            } else {
                Vec::new()
            };
            for slot in previous.secret_slots() {
                if !keep.contains(&slot) {
                    state
                        .keys
                        .delete(&mcp_servers::secret_id(previous, &slot)?)?;
                }
            }
        }
        let wanted = server.secret_slots();
        for input in &secrets {
            if !wanted.contains(&input.slot) {
                return Err(IpcError::new(
                    ErrorCode::InvalidInput,
                    "a secret was given for an entry that is not marked secret",
                ));
            }
            mcp_servers::store_secret(state.keys.as_ref(), &server, &input.slot, &input.value)?;
        }
        match old {
            Some(at) => servers[at] = server.clone(),
            None => servers.push(server.clone()),
        }
        state.history.save_mcp_servers(&servers)?;
        Ok((servers, server))
    })
    .await?;
    state.mcp.set_servers(all).await;
    with_state(&state, move |state| view(state, saved)).await
}

#[tauri::command]
pub async fn mcp_set_server_enabled(
    state: State<'_, AppState>,
    id: String,
    enabled: bool,
) -> IpcResult<McpServerView> {
    let (all, changed) = with_state(&state, move |state| {
        let mut servers = state.history.mcp_servers()?.servers;
        let server = servers
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "no such MCP server"))?;
        server.enabled = enabled;
        let changed = server.clone();
        state.history.save_mcp_servers(&servers)?;
        Ok((servers, changed))
    })
    .await?;
    state.mcp.set_servers(all).await;
    with_state(&state, move |state| view(state, changed)).await
}

/// Removes a server, stops it, and deletes its secrets from the keyring.
#[tauri::command]
pub async fn mcp_delete_server(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    let all = with_state(&state, move |state| {
        let mut servers = state.history.mcp_servers()?.servers;
        let Some(at) = servers.iter().position(|s| s.id == id) else {
            return Err(IpcError::new(ErrorCode::NotFound, "no such MCP server"));
        };
        let removed = servers.remove(at);
        state.history.save_mcp_servers(&servers)?;
        mcp_servers::delete_secrets(state.keys.as_ref(), &removed)?;
        state.history.forget_mcp_tool_policies(&removed.id)?;
        Ok(servers)
    })
    .await?;
    state.mcp.set_servers(all).await;
    Ok(())
}

/// Adds the servers of a pasted `mcpServers` config (Claude Desktop,
/// Cursor, VS Code…). Secret-looking values go to the keyring; a name
/// already in use gets a number.
#[tauri::command]
pub async fn mcp_import_servers(
    state: State<'_, AppState>,
    text: String,
) -> IpcResult<McpImportResult> {
    let (all, added, problems) = with_state(&state, move |state| {
        let imported =
            halley_mcp::import::parse_mcp_servers(&text, || uuid::Uuid::new_v4().to_string())
                .map_err(|e| IpcError::new(ErrorCode::InvalidInput, e.to_string()))?;
        let mut servers = state.history.mcp_servers()?.servers;
        let mut added = Vec::new();
        for mut entry in imported.servers {
            entry.config.name = unique_name(&servers, &entry.config.name);
            for (slot, value) in &entry.secrets {
                mcp_servers::store_secret(state.keys.as_ref(), &entry.config, slot, value)?;
            }
            servers.push(entry.config.clone());
            added.push(entry.config);
        }
        state.history.save_mcp_servers(&servers)?;
        Ok((servers, added, imported.problems))
    })
    .await?;
    state.mcp.set_servers(all).await;
    with_state(&state, move |state| {
        Ok(McpImportResult {
            added: added
                .into_iter()
                .map(|c| view(state, c))
                .collect::<IpcResult<_>>()?,
            problems,
        })
    })
    .await
}

fn unique_name(servers: &[ServerConfig], name: &str) -> String {
    let taken = |n: &str| servers.iter().any(|s| s.name.eq_ignore_ascii_case(n));
    if !taken(name) {
        return name.to_owned();
    }
    (2..)
        .map(|n| format!("{name} ({n})"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| name.to_owned())
}

/// What the server lists (tools, resources, prompts), starting it if needed.
#[tauri::command]
pub async fn mcp_server_catalog(state: State<'_, AppState>, id: String) -> IpcResult<McpCatalog> {
    Ok(state.mcp.catalog(&id).await?)
}

#[tauri::command]
pub async fn mcp_restart_server(state: State<'_, AppState>, id: String) -> IpcResult<McpCatalog> {
    Ok(state.mcp.restart(&id).await?)
}

#[tauri::command]
pub async fn mcp_stop_server(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    Ok(state.mcp.stop(&id).await?)
}

/// Runs one tool by hand (the Playground's inspector). `call_id` lets
/// [`mcp_cancel_call`] end it.
#[tauri::command]
pub async fn mcp_call_tool(
    state: State<'_, AppState>,
    call_id: String,
    server_id: String,
    tool: String,
    arguments: Value,
) -> IpcResult<McpCallOutcome> {
    let cancel = state.mcp_calls.start(&call_id);
    let outcome = state.mcp.call(&server_id, &tool, arguments, &cancel).await;
    state.mcp_calls.finish(&call_id);
    Ok(outcome?)
}

#[tauri::command]
pub async fn mcp_cancel_call(state: State<'_, AppState>, call_id: String) -> IpcResult<bool> {
    Ok(state.mcp_calls.cancel(&call_id))
}

/// The user's answer on a chat tool call's approval card. False when no
/// card waits for it (the turn was stopped, or it was answered already).
#[tauri::command]
pub async fn mcp_answer_approval(
    state: State<'_, AppState>,
    run_id: String,
    call_id: String,
    answer: ApprovalAnswer,
) -> IpcResult<bool> {
    Ok(state.approvals.answer(&run_id, &call_id, answer))
}

/// Every remembered "always allow" and "never", for Settings.
#[tauri::command]
pub async fn mcp_tool_policies(state: State<'_, AppState>) -> IpcResult<Vec<McpToolPolicyEntry>> {
    with_state(&state, |state| Ok(state.history.mcp_tool_policies()?)).await
}

/// Sets what happens when the model calls `tool` of `server_id`; `ask`
/// forgets a remembered choice.
#[tauri::command]
pub async fn mcp_set_tool_policy(
    state: State<'_, AppState>,
    server_id: String,
    tool: String,
    policy: McpToolPolicy,
) -> IpcResult<Vec<McpToolPolicyEntry>> {
    with_state(&state, move |state| {
        Ok(state
            .history
            .set_mcp_tool_policy(&server_id, &tool, policy)?)
    })
    .await
}

/// The function tools of the chosen servers (starting them if needed), for
/// the Playground's request, each with where a call of it goes.
#[tauri::command]
pub async fn mcp_offered_tools(
    state: State<'_, AppState>,
    server_ids: Vec<String>,
) -> IpcResult<McpOfferedTools> {
    let (offered, failures) = state.mcp.offered_tools(Some(&server_ids)).await;
    let tools = offered
        .into_iter()
        .map(|t| {
            let function =
                serde_json::to_value(halley_responses::Tool::Function(t.function.clone()))
                    .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))?;
            Ok(McpOfferedTool {
                function,
                name: t.function.name,
                server_id: t.server_id,
                server_name: t.server_name,
                tool: t.tool,
                read_only: t.read_only,
                destructive: t.destructive,
            })
        })
        .collect::<IpcResult<Vec<_>>>()?;
    Ok(McpOfferedTools {
        tools,
        failures: failures
            .into_iter()
            .map(|(server_id, error)| McpServerFailure {
                server_id,
                message: error.to_string(),
            })
            .collect(),
    })
}
