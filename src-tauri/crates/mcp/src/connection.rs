//! One live connection to one server: the handshake, its listings (kept up
//! to date on `list_changed`), tool calls, and the end.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rmcp::model::{
    CallToolRequestParams, ClientCapabilities, ClientConfig, Implementation,
    PaginatedRequestParams, ProtocolVersion,
};
use rmcp::service::{NotificationContext, RunningService, ServiceError};
use rmcp::transport::async_rw::AsyncRwTransport;
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use halley_responses::SecretString;

use crate::content::ToolResult;
use crate::http::{self, HeaderSource};
use crate::process::{Launch, ServerProcess};
use crate::schema::schema_problem;
use crate::wire::{megabytes, WatchedStdout, WireNotes, TOO_LARGE_CODE};
use crate::{Error, Limits};

/// What a server offers, as it listed it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "McpCatalog.ts", rename = "McpCatalog")]
pub struct Catalog {
    pub server: Option<ServerInfoView>,
    pub tools: Vec<ToolView>,
    pub resources: Vec<ResourceView>,
    pub prompts: Vec<PromptView>,
    /// A listing that failed (the others are still shown).
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "McpServerInfo.ts", rename = "McpServerInfo")]
pub struct ServerInfoView {
    pub name: String,
    pub version: String,
    pub protocol_version: String,
    pub instructions: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "McpToolView.ts", rename = "McpToolView")]
pub struct ToolView {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    #[ts(type = "Record<string, unknown>")]
    pub input_schema: Map<String, Value>,
    /// Why the tool is not offered to the model, when it is not.
    pub schema_problem: Option<String>,
    pub read_only: bool,
    pub destructive: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "McpResourceView.ts", rename = "McpResourceView")]
pub struct ResourceView {
    pub uri: String,
    pub name: String,
    pub description: Option<String>,
    pub mime_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "McpPromptView.ts", rename = "McpPromptView")]
pub struct PromptView {
    pub name: String,
    pub description: Option<String>,
    pub arguments: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
pub enum ListKind {
    Tools,
    Resources,
    Prompts,
}

/// Passes the server's `list_changed` notifications on to the refresher.
struct Handler {
    changed: mpsc::UnboundedSender<ListKind>,
}

impl ClientHandler for Handler {
    fn get_info(&self) -> ClientConfig {
        // The `initialize` handshake every server speaks (2026-07-28 servers
        // also accept it; older ones know nothing else).
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("halley", env!("CARGO_PKG_VERSION")),
        )
        .with_protocol_version(ProtocolVersion::LATEST_WITH_INITIALIZE)
    }

    async fn on_tool_list_changed(&self, _: NotificationContext<RoleClient>) {
        let _ = self.changed.send(ListKind::Tools);
    }

    async fn on_resource_list_changed(&self, _: NotificationContext<RoleClient>) {
        let _ = self.changed.send(ListKind::Resources);
    }

    async fn on_prompt_list_changed(&self, _: NotificationContext<RoleClient>) {
        let _ = self.changed.send(ListKind::Prompts);
    }
}

pub enum Endpoint {
    Stdio(Launch),
    Http {
        url: String,
        headers: Vec<(String, HeaderSource)>,
    },
}

pub struct Connection {
    service: Mutex<Option<RunningService<RoleClient, Handler>>>,
    peer: rmcp::Peer<RoleClient>,
    pub process: Option<Arc<ServerProcess>>,
    notes: Arc<WireNotes>,
    catalog: Mutex<Catalog>,
    limits: Limits,
    scrub: Vec<SecretString>,
}

impl Connection {
    /// Starts the server (or connects) and does the handshake, within
    /// `limits.start`; `changed` receives the kinds of list the server says
    /// changed. Fails with the reason a user can act on: the command was not
    /// found, the server exited (with its last stderr lines), it wrote
    /// something that is not MCP, or it did not answer in time.
    pub async fn open(
        endpoint: Endpoint,
        limits: Limits,
        scrub: Vec<SecretString>,
        changed: mpsc::UnboundedSender<ListKind>,
        cancel: CancellationToken,
    ) -> Result<Self, Error> {
        let handler = Handler { changed };
        let notes = Arc::new(WireNotes::default());
        let (handshake, process) = match endpoint {
            Endpoint::Stdio(launch) => {
                let (process, pipes) = ServerProcess::spawn(&launch, limits.stderr_tail_bytes)?;
                let stdout =
                    WatchedStdout::new(pipes.stdout, limits.max_message_bytes, notes.clone());
                let transport = AsyncRwTransport::new_client(stdout, pipes.stdin)
                    .with_max_line_length(limits.max_message_bytes);
                let process = Arc::new(process);
                let handshake = handler.serve_with_ct(transport, cancel.child_token());
                (
                    tokio::time::timeout(limits.start, handshake).await,
                    Some(process),
                )
            }
            Endpoint::Http { url, headers } => {
                let transport = http::transport(&url, &headers, &limits)?;
                let handshake = handler.serve_with_ct(transport, cancel.child_token());
                (tokio::time::timeout(limits.start, handshake).await, None)
            }
        };
        let service = match handshake {
            Ok(Ok(service)) => service,
            Ok(Err(error)) => {
                let reason =
                    Self::start_failure(&process, &notes, &error.to_string(), &limits).await;
                return Err(Error::Start(scrubbed(&reason, &scrub)));
            }
            Err(_elapsed) => {
                let garbage = notes.snapshot().garbage;
                let mut reason = format!(
                    "the server did not finish its MCP handshake within {} s",
                    limits.start.as_secs()
                );
                if let Some(sample) = garbage {
                    reason.push_str(&format!(
                        "; it wrote text that is not MCP on its standard output: {sample:?}"
                    ));
                }
                if let Some(tail) = process
                    .as_ref()
                    .map(|p| p.stderr.text())
                    .filter(|t| !t.is_empty())
                {
                    reason.push_str(&format!("\nIts last error output:\n{tail}"));
                }
                if let Some(process) = &process {
                    process.kill_now();
                }
                return Err(Error::TimedOut(scrubbed(&reason, &scrub)));
            }
        };
        let peer = service.peer().clone();
        let connection = Self {
            service: Mutex::new(Some(service)),
            peer,
            process,
            notes,
            catalog: Mutex::new(Catalog::default()),
            limits,
            scrub,
        };
        connection.catalog_mut().server = connection.peer.peer_info().map(|info| ServerInfoView {
            name: info
                .server_info
                .as_ref()
                .map(|i| i.name.clone())
                .unwrap_or_default(),
            version: info
                .server_info
                .as_ref()
                .map(|i| i.version.clone())
                .unwrap_or_default(),
            protocol_version: info.protocol_version.to_string(),
            instructions: info
                .instructions
                .clone()
                .map(|i| i.chars().take(8192).collect()),
        });
        Ok(connection)
    }

    /// Why a handshake failed: the process's exit and stderr when it ended.
    async fn start_failure(
        process: &Option<Arc<ServerProcess>>,
        notes: &WireNotes,
        error: &str,
        limits: &Limits,
    ) -> String {
        let Some(process) = process else {
            return format!("the server could not be reached: {error}");
        };
        let exit = process.wait_exit(limits.stop_grace).await;
        if exit.is_some() {
            process.stderr.wait_end(Duration::from_millis(500)).await;
        }
        let mut reason = match exit {
            Some(status) => format!("the server exited before it answered ({status})"),
            None => format!("the server's handshake failed: {error}"),
        };
        if let Some(sample) = notes.snapshot().garbage {
            reason.push_str(&format!(
                "; it wrote text that is not MCP on its standard output: {sample:?}"
            ));
        }
        let tail = process.stderr.text();
        if !tail.is_empty() {
            reason.push_str(&format!("\nIts last error output:\n{tail}"));
        }
        process.kill_now();
        reason
    }

    fn catalog_mut(&self) -> std::sync::MutexGuard<'_, Catalog> {
        self.catalog
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn catalog(&self) -> Catalog {
        self.catalog_mut().clone()
    }

    pub fn is_closed(&self) -> bool {
        self.peer.is_transport_closed()
            || self
                .process
                .as_ref()
                .is_some_and(|p| p.try_exit().is_some())
    }

    /// Lists everything the server says it has (capabilities), within
    /// `limits.list` each; a listing that fails is a problem in the catalog.
    pub async fn refresh_all(&self) {
        for kind in [ListKind::Tools, ListKind::Resources, ListKind::Prompts] {
            self.refresh(kind).await;
        }
    }

    pub async fn refresh(&self, kind: ListKind) {
        let capabilities = self.peer.peer_info().map(|i| i.capabilities.clone());
        let offered = capabilities.as_ref().is_some_and(|c| match kind {
            ListKind::Tools => c.tools.is_some(),
            ListKind::Resources => c.resources.is_some(),
            ListKind::Prompts => c.prompts.is_some(),
        });
        let label = match kind {
            ListKind::Tools => "tools",
            ListKind::Resources => "resources",
            ListKind::Prompts => "prompts",
        };
        if !offered {
            return;
        }
        let listed = tokio::time::timeout(self.limits.list, self.list(kind)).await;
        let mut catalog = self.catalog_mut();
        catalog.problems.retain(|p| !p.starts_with(label));
        match listed {
            Ok(Ok(())) => {}
            Ok(Err(error)) => catalog
                .problems
                .push(format!("{label}: {}", self.describe(&error))),
            Err(_) => catalog.problems.push(format!(
                "{label}: the server did not list them within {} s",
                self.limits.list.as_secs()
            )),
        }
    }

    async fn list(&self, kind: ListKind) -> Result<(), ServiceError> {
        let mut cursor: Option<String> = None;
        let limits = self.limits;
        match kind {
            ListKind::Tools => {
                let mut tools = Vec::new();
                for _ in 0..limits.max_list_pages {
                    let page = self
                        .peer
                        .list_tools(Some(
                            PaginatedRequestParams::default().with_cursor(cursor.take()),
                        ))
                        .await?;
                    tools.extend(page.tools.into_iter().map(|tool| {
                        let schema: Map<String, Value> = (*tool.input_schema).clone();
                        let hints = tool.annotations.as_ref();
                        ToolView {
                            name: tool.name.to_string(),
                            title: tool.title.clone(),
                            description: tool.description.as_ref().map(|d| d.to_string()),
                            schema_problem: schema_problem(&schema),
                            input_schema: schema,
                            read_only: hints.and_then(|h| h.read_only_hint) == Some(true),
                            destructive: hints.and_then(|h| h.destructive_hint) == Some(true),
                        }
                    }));
                    cursor = page.next_cursor;
                    if cursor.is_none() || tools.len() >= limits.max_list_items {
                        break;
                    }
                }
                tools.truncate(limits.max_list_items);
                self.catalog_mut().tools = tools;
            }
            ListKind::Resources => {
                let mut resources = Vec::new();
                for _ in 0..limits.max_list_pages {
                    let page = self
                        .peer
                        .list_resources(Some(
                            PaginatedRequestParams::default().with_cursor(cursor.take()),
                        ))
                        .await?;
                    resources.extend(page.resources.into_iter().map(|r| ResourceView {
                        uri: r.uri.clone(),
                        name: r.name.clone(),
                        description: r.description.clone(),
                        mime_type: r.mime_type.clone(),
                    }));
                    cursor = page.next_cursor;
                    if cursor.is_none() || resources.len() >= limits.max_list_items {
                        break;
                    }
                }
                resources.truncate(limits.max_list_items);
                self.catalog_mut().resources = resources;
            }
            ListKind::Prompts => {
                let mut prompts = Vec::new();
                for _ in 0..limits.max_list_pages {
                    let page = self
                        .peer
                        .list_prompts(Some(
                            PaginatedRequestParams::default().with_cursor(cursor.take()),
                        ))
                        .await?;
                    prompts.extend(page.prompts.into_iter().map(|p| {
                        PromptView {
                            name: p.name.clone(),
                            description: p.description.clone(),
                            arguments: p
                                .arguments
                                .iter()
                                .flatten()
                                .map(|a| a.name.clone())
                                .collect(),
                        }
                    }));
                    cursor = page.next_cursor;
                    if cursor.is_none() || prompts.len() >= limits.max_list_items {
                        break;
                    }
                }
                prompts.truncate(limits.max_list_items);
                self.catalog_mut().prompts = prompts;
            }
        }
        Ok(())
    }

    /// Calls `tool` with `arguments`, within `timeout`, until `cancel`. A
    /// call that ends early tells the server (`notifications/cancelled`).
    pub async fn call(
        &self,
        tool: &str,
        arguments: Map<String, Value>,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<(ToolResult, Duration), Error> {
        let params = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments);
        let started = Instant::now();
        let before = self.notes.snapshot().too_large;
        let answer = tokio::select! {
            answer = tokio::time::timeout(timeout, self.peer.call_tool(params)) => answer,
            () = cancel.cancelled() => return Err(Error::Cancelled),
        };
        let elapsed = started.elapsed();
        match answer {
            Ok(Ok(result)) => {
                let mut result = ToolResult::from_mcp(&result, self.limits.output);
                result.scrub(|text| scrubbed(text, &self.scrub));
                Ok((result, elapsed))
            }
            Ok(Err(error)) => Err(self.call_error(&error).await),
            Err(_) => {
                let notes = self.notes.snapshot();
                if notes.too_large > before {
                    return Err(Error::TooLarge(format!(
                        "the server sent a message of {}, more than the {} Halley accepts, so it was refused",
                        megabytes(notes.largest),
                        megabytes(self.limits.max_message_bytes)
                    )));
                }
                Err(Error::TimedOut(format!(
                    "the tool did not answer within {} s",
                    timeout.as_secs()
                )))
            }
        }
    }

    async fn call_error(&self, error: &ServiceError) -> Error {
        match error {
            ServiceError::McpError(data) if data.code.0 == TOO_LARGE_CODE => {
                Error::TooLarge(data.message.to_string())
            }
            ServiceError::McpError(_) => Error::Server(self.describe(error)),
            ServiceError::TransportClosed | ServiceError::TransportSend(_) => {
                Error::Closed(self.closed_reason().await)
            }
            _ => Error::Server(self.describe(error)),
        }
    }

    /// Why the connection ended, from the process when there is one.
    pub async fn closed_reason(&self) -> String {
        let Some(process) = &self.process else {
            return "the server closed the connection".into();
        };
        let exit = process.wait_exit(Duration::from_millis(500)).await;
        if exit.is_some() {
            process.stderr.wait_end(Duration::from_millis(500)).await;
        }
        let mut reason = match exit {
            Some(status) => format!("the server stopped ({status})"),
            None => "the server closed its output".into(),
        };
        let tail = process.stderr.text();
        if !tail.is_empty() {
            reason.push_str(&format!("\nIts last error output:\n{tail}"));
        }
        scrubbed(&reason, &self.scrub)
    }

    fn describe(&self, error: &ServiceError) -> String {
        let text = match error {
            ServiceError::McpError(data) => {
                format!("the server answered with an error: {}", data.message)
            }
            ServiceError::Timeout { timeout } => {
                format!("the server did not answer within {} s", timeout.as_secs())
            }
            other => other.to_string(),
        };
        scrubbed(&text.chars().take(2000).collect::<String>(), &self.scrub)
    }

    pub fn stderr_tail(&self) -> String {
        self.process
            .as_ref()
            .map(|p| scrubbed(&p.stderr.text(), &self.scrub))
            .unwrap_or_default()
    }

    /// Ends the connection: closes stdin (or the HTTP session), then stops
    /// the process group step by step (see [`ServerProcess::stop`]).
    pub async fn close(&self) {
        let service = self
            .service
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(service) = service {
            // Cancelling drops the transport, which closes the child's stdin.
            let _ = tokio::time::timeout(self.limits.stop_grace, service.cancel()).await;
        }
        if let Some(process) = &self.process {
            process.stop(self.limits.stop_grace).await;
        }
    }

    /// Kills the process group now, for a shutdown that cannot wait.
    pub fn kill_now(&self) {
        if let Some(process) = &self.process {
            process.kill_now();
        }
    }
}

/// `text` with every secret value of the server replaced.
pub fn scrubbed(text: &str, secrets: &[SecretString]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| s.expose().len() >= 4) {
        text = text.replace(secret.expose(), "<redacted>");
    }
    text
}
