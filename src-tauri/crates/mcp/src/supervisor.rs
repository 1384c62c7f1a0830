//! Every configured server's life: started when something needs it, its
//! state kept and announced, restarted or stopped on request, and all of
//! them stopped on shutdown.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use halley_responses::request::FunctionTool;
use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::config::{SecretSlot, ServerConfig, ServerId, TransportConfig};
use crate::connection::{Catalog, Connection, Endpoint, ListKind};
use crate::content::ToolResult;
use crate::http::HeaderSource;
use crate::naming::{function_names, ToolRef};
use crate::process::{Launch, LaunchValue};
use crate::schema::function_tool;
use crate::{Error, ErrorKind, Limits, SecretSource, SecretString};

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
#[ts(export_to = "McpServerState.ts", rename = "McpServerState")]
pub enum ServerState {
    Stopped,
    Starting,
    Ready {
        tools: u32,
        resources: u32,
        prompts: u32,
    },
    #[serde(rename_all = "camelCase")]
    Failed {
        kind: ErrorKind,
        message: String,
        /// The last lines the server wrote on stderr (bounded, scrubbed).
        stderr_tail: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "McpServerStatus.ts", rename = "McpServerStatus")]
pub struct ServerStatus {
    pub id: ServerId,
    pub name: String,
    pub enabled: bool,
    #[serde(flatten)]
    pub state: ServerState,
    /// The process id of a running stdio server.
    pub pid: Option<u32>,
}

/// A change worth telling the UI: a server's state, or what it lists.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "McpServerEvent.ts", rename = "McpServerEvent")]
pub struct ServerEvent {
    pub status: ServerStatus,
    pub catalog_changed: bool,
}

/// One tool offered to the model: its function definition and where it goes.
#[derive(Debug, Clone)]
pub struct OfferedTool {
    pub function: FunctionTool,
    pub server_id: ServerId,
    pub server_name: String,
    pub tool: String,
    pub read_only: bool,
    pub destructive: bool,
}

/// A finished call: what to show, what to tell the model, and how long the
/// server took.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "McpCallOutcome.ts", rename = "McpCallOutcome")]
pub struct CallOutcome {
    pub result: ToolResult,
    pub model_output: String,
    pub ms: f64,
}

struct Slot {
    config: Mutex<ServerConfig>,
    state: Mutex<ServerState>,
    conn: Mutex<Option<Arc<Connection>>>,
    start_lock: tokio::sync::Mutex<()>,
    /// Cancels a start under way (a stop during the handshake).
    start_cancel: Mutex<CancellationToken>,
    /// Bumped by every stop: a watcher of an older connection stays quiet.
    generation: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every critical section here is a plain read or assignment.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Slot {
    fn new(config: ServerConfig) -> Self {
        Self {
            config: Mutex::new(config),
            state: Mutex::new(ServerState::Stopped),
            conn: Mutex::new(None),
            start_lock: tokio::sync::Mutex::new(()),
            start_cancel: Mutex::new(CancellationToken::new()),
            generation: AtomicU64::new(0),
        }
    }

    fn live(&self) -> Option<Arc<Connection>> {
        lock(&self.conn).clone().filter(|c| !c.is_closed())
    }

    fn status(&self) -> ServerStatus {
        let config = lock(&self.config).clone();
        ServerStatus {
            id: config.id,
            name: config.name,
            enabled: config.enabled,
            state: lock(&self.state).clone(),
            pid: lock(&self.conn)
                .as_ref()
                .and_then(|c| c.process.as_ref().map(|p| p.pid)),
        }
    }
}

struct Inner {
    limits: Limits,
    secrets: Arc<dyn SecretSource>,
    slots: Mutex<BTreeMap<ServerId, Arc<Slot>>>,
    events: broadcast::Sender<ServerEvent>,
    shutdown: CancellationToken,
    /// Home folder: where a stdio server without a working folder starts.
    home: Option<PathBuf>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        for slot in lock(&self.slots).values() {
            if let Some(conn) = lock(&slot.conn).as_ref() {
                conn.kill_now();
            }
        }
    }
}

/// Cheap to clone; all clones share the servers.
#[derive(Clone)]
pub struct Supervisor {
    inner: Arc<Inner>,
}

impl Supervisor {
    pub fn new(limits: Limits, secrets: Arc<dyn SecretSource>, home: Option<PathBuf>) -> Self {
        let (events, _) = broadcast::channel(256);
        Self {
            inner: Arc::new(Inner {
                limits,
                secrets,
                slots: Mutex::new(BTreeMap::new()),
                events,
                shutdown: CancellationToken::new(),
                home,
            }),
        }
    }

    pub fn limits(&self) -> Limits {
        self.inner.limits
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ServerEvent> {
        self.inner.events.subscribe()
    }

    fn emit(&self, slot: &Slot, catalog_changed: bool) {
        let _ = self.inner.events.send(ServerEvent {
            status: slot.status(),
            catalog_changed,
        });
    }

    fn slot(&self, id: &str) -> Result<Arc<Slot>, Error> {
        lock(&self.inner.slots)
            .get(id)
            .cloned()
            .ok_or_else(|| Error::UnknownServer(id.to_owned()))
    }

    /// Makes the configured servers exactly `configs`: new ones are added
    /// (stopped), removed ones stopped, and a running server whose config
    /// changed (or that was turned off) is stopped, to start again with the
    /// new config when next needed.
    pub async fn set_servers(&self, configs: Vec<ServerConfig>) {
        let mut to_stop = Vec::new();
        {
            let mut slots = lock(&self.inner.slots);
            let wanted: HashSet<&str> = configs.iter().map(|c| c.id.as_str()).collect();
            let removed: Vec<ServerId> = slots
                .keys()
                .filter(|id| !wanted.contains(id.as_str()))
                .cloned()
                .collect();
            for id in removed {
                if let Some(slot) = slots.remove(&id) {
                    to_stop.push(slot);
                }
            }
            for config in configs {
                match slots.get(&config.id) {
                    Some(slot) => {
                        let mut current = lock(&slot.config);
                        if *current != config {
                            let restart = current.transport != config.transport || !config.enabled;
                            *current = config;
                            drop(current);
                            if restart {
                                to_stop.push(slot.clone());
                            }
                        }
                    }
                    None => {
                        slots.insert(config.id.clone(), Arc::new(Slot::new(config)));
                    }
                }
            }
        }
        futures_util::future::join_all(to_stop.iter().map(|slot| self.stop_slot(slot))).await;
    }

    /// The configs to start with, before any server runs (at start-up,
    /// where nothing can be awaited yet). Later changes go through
    /// [`Self::set_servers`], which also stops what must stop.
    pub fn load(&self, configs: Vec<ServerConfig>) {
        let mut slots = lock(&self.inner.slots);
        for config in configs {
            slots
                .entry(config.id.clone())
                .or_insert_with(|| Arc::new(Slot::new(config)));
        }
    }

    pub fn statuses(&self) -> Vec<ServerStatus> {
        lock(&self.inner.slots)
            .values()
            .map(|s| s.status())
            .collect()
    }

    pub fn status(&self, id: &str) -> Result<ServerStatus, Error> {
        Ok(self.slot(id)?.status())
    }

    /// The server's connection, starting it first if it is not running.
    pub async fn ensure_ready(&self, id: &str) -> Result<Arc<Connection>, Error> {
        let slot = self.slot(id)?;
        if let Some(conn) = slot.live() {
            return Ok(conn);
        }
        let _starting = slot.start_lock.lock().await;
        if let Some(conn) = slot.live() {
            return Ok(conn);
        }
        if self.inner.shutdown.is_cancelled() {
            return Err(Error::ShuttingDown);
        }
        let config = lock(&slot.config).clone();
        if !config.enabled {
            return Err(Error::Disabled(config.name));
        }
        let generation = slot.generation.load(Ordering::SeqCst);
        let cancel = lock(&slot.start_cancel).clone();
        *lock(&slot.state) = ServerState::Starting;
        self.emit(&slot, false);
        let opened = self.open(&config, cancel).await;
        let (conn, changes) = match opened {
            Ok(opened) => opened,
            Err(error) => {
                if slot.generation.load(Ordering::SeqCst) == generation {
                    *lock(&slot.state) = failed(&error, String::new());
                    self.emit(&slot, false);
                }
                return Err(error);
            }
        };
        conn.refresh_all().await;
        let conn = Arc::new(conn);
        if slot.generation.load(Ordering::SeqCst) != generation {
            // Stopped while it started.
            conn.close().await;
            return Err(Error::Cancelled);
        }
        *lock(&slot.conn) = Some(conn.clone());
        *lock(&slot.state) = ready(&conn.catalog());
        self.emit(&slot, true);
        tokio::spawn(
            self.clone()
                .watch(slot.clone(), conn.clone(), changes, generation),
        );
        Ok(conn)
    }

    async fn open(
        &self,
        config: &ServerConfig,
        cancel: CancellationToken,
    ) -> Result<(Connection, mpsc::UnboundedReceiver<ListKind>), Error> {
        let (endpoint, scrub) = self.endpoint(config).await?;
        let (tx, rx) = mpsc::unbounded_channel();
        let cancel_all = self.inner.shutdown.child_token();
        let linked = cancel_all.clone();
        let stop_on = cancel.clone();
        // Either a stop of this server or Halley's shutdown cancels the start.
        let link = tokio::spawn(async move {
            stop_on.cancelled().await;
            linked.cancel();
        });
        let opened = Connection::open(endpoint, self.inner.limits, scrub, tx, cancel_all).await;
        link.abort();
        Ok((opened?, rx))
    }

    /// The config with its secrets read (on a blocking thread).
    async fn endpoint(
        &self,
        config: &ServerConfig,
    ) -> Result<(Endpoint, Vec<SecretString>), Error> {
        let secrets = self.inner.secrets.clone();
        let owned = config.clone();
        let values: Vec<(SecretSlot, SecretString)> = tokio::task::spawn_blocking(move || {
            owned
                .secret_slots()
                .into_iter()
                .map(|slot| match secrets.secret(&owned, &slot) {
                    Ok(Some(value)) => Ok((slot, value)),
                    Ok(None) => Err(Error::Secret(format!(
                        "no value is stored for the secret {} of MCP server {}; enter it again in Settings",
                        slot_name(&slot),
                        owned.name
                    ))),
                    Err(message) => Err(Error::Secret(message)),
                })
                .collect::<Result<_, _>>()
        })
        .await
        .map_err(|_| Error::Secret("reading the server's secrets failed".into()))??;
        let secret_of = |slot: &SecretSlot| {
            values
                .iter()
                .find(|(s, _)| s == slot)
                .map(|(_, v)| v.clone())
        };
        let endpoint = match &config.transport {
            TransportConfig::Stdio {
                command,
                args,
                env,
                cwd,
            } => Endpoint::Stdio(Launch {
                command: command.clone(),
                args: args.clone(),
                env: env
                    .iter()
                    .map(|v| {
                        let value = if v.secret {
                            secret_of(&SecretSlot::Env(v.name.clone()))
                                .map_or(LaunchValue::Plain(String::new()), LaunchValue::Secret)
                        } else {
                            LaunchValue::Plain(v.value.clone())
                        };
                        (v.name.clone(), value)
                    })
                    .collect(),
                cwd: cwd
                    .as_deref()
                    .filter(|c| !c.trim().is_empty())
                    .map(PathBuf::from)
                    .or_else(|| self.inner.home.clone()),
            }),
            TransportConfig::Http { url, headers } => Endpoint::Http {
                url: url.clone(),
                headers: headers
                    .iter()
                    .map(|h| {
                        let value = if h.secret {
                            secret_of(&SecretSlot::header(&h.name))
                                .map_or(HeaderSource::Plain(String::new()), HeaderSource::Secret)
                        } else {
                            HeaderSource::Plain(h.value.clone())
                        };
                        (h.name.clone(), value)
                    })
                    .collect(),
            },
        };
        Ok((endpoint, values.into_iter().map(|(_, v)| v).collect()))
    }

    /// Follows one connection: refreshes its listings on `list_changed`,
    /// and reports it failed when it ends without being asked to.
    async fn watch(
        self,
        slot: Arc<Slot>,
        conn: Arc<Connection>,
        mut changes: mpsc::UnboundedReceiver<ListKind>,
        generation: u64,
    ) {
        let current = |slot: &Slot| slot.generation.load(Ordering::SeqCst) == generation;
        let mut listening = true;
        loop {
            let change = tokio::select! {
                change = changes.recv(), if listening => change,
                () = tokio::time::sleep(Duration::from_millis(200)) => None,
                () = self.inner.shutdown.cancelled() => return,
            };
            if !current(&slot) {
                return;
            }
            if let Some(first) = change {
                // Many notifications at once need one listing of each kind.
                let mut kinds = vec![first];
                while let Ok(more) = changes.try_recv() {
                    kinds.push(more);
                }
                for kind in [ListKind::Tools, ListKind::Resources, ListKind::Prompts] {
                    if kinds
                        .iter()
                        .any(|k| std::mem::discriminant(k) == std::mem::discriminant(&kind))
                    {
                        conn.refresh(kind).await;
                    }
                }
                if current(&slot) {
                    *lock(&slot.state) = ready(&conn.catalog());
                    self.emit(&slot, true);
                }
            } else if changes.is_closed() {
                listening = false;
            }
            if conn.is_closed() {
                let reason = conn.closed_reason().await;
                let tail = conn.stderr_tail();
                conn.kill_now();
                if current(&slot) {
                    *lock(&slot.conn) = None;
                    *lock(&slot.state) = ServerState::Failed {
                        kind: ErrorKind::Closed,
                        message: reason,
                        stderr_tail: tail,
                    };
                    self.emit(&slot, false);
                }
                return;
            }
        }
    }

    /// What the server lists, starting it if needed.
    pub async fn catalog(&self, id: &str) -> Result<Catalog, Error> {
        Ok(self.ensure_ready(id).await?.catalog())
    }

    pub async fn stop(&self, id: &str) -> Result<(), Error> {
        let slot = self.slot(id)?;
        self.stop_slot(&slot).await;
        Ok(())
    }

    async fn stop_slot(&self, slot: &Slot) {
        slot.generation.fetch_add(1, Ordering::SeqCst);
        {
            let mut cancel = lock(&slot.start_cancel);
            cancel.cancel();
            *cancel = CancellationToken::new();
        }
        let _starting = slot.start_lock.lock().await;
        let conn = lock(&slot.conn).take();
        if let Some(conn) = conn {
            conn.close().await;
        }
        *lock(&slot.state) = ServerState::Stopped;
        self.emit(slot, false);
    }

    pub async fn restart(&self, id: &str) -> Result<Catalog, Error> {
        self.stop(id).await?;
        self.catalog(id).await
    }

    /// Calls `tool` on server `id` (starting it if needed), within the
    /// call limit, until `cancel`.
    pub async fn call(
        &self,
        id: &str,
        tool: &str,
        arguments: Value,
        cancel: &CancellationToken,
    ) -> Result<CallOutcome, Error> {
        let arguments: Map<String, Value> = match arguments {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            _ => {
                return Err(Error::InvalidArguments(
                    "a tool's arguments must be a JSON object".into(),
                ))
            }
        };
        let conn = self.ensure_ready(id).await?;
        let catalog = conn.catalog();
        if !catalog.tools.iter().any(|t| t.name == tool) {
            let name = self.status(id).map(|s| s.name).unwrap_or_default();
            return Err(Error::Server(format!(
                "MCP server {name} has no tool named {tool:?} (any more)"
            )));
        }
        let limits = self.inner.limits;
        let (result, elapsed) = conn.call(tool, arguments, limits.call, cancel).await?;
        let model_output = result.model_output(limits.output);
        Ok(CallOutcome {
            result,
            model_output,
            ms: elapsed.as_secs_f64() * 1000.0,
        })
    }

    /// The function tools of the enabled servers among `ids` (every enabled
    /// server when `None`), starting them if needed. A server that cannot
    /// start is left out and reported; so is a tool whose schema the API
    /// would refuse (its reason is on its [`crate::ToolView`]).
    pub async fn offered_tools(
        &self,
        ids: Option<&[ServerId]>,
    ) -> (Vec<OfferedTool>, Vec<(ServerId, Error)>) {
        let chosen: Vec<ServerStatus> = self
            .statuses()
            .into_iter()
            .filter(|s| s.enabled && ids.is_none_or(|ids| ids.contains(&s.id)))
            .collect();
        let opened = futures_util::future::join_all(
            chosen
                .iter()
                .map(|s| async move { (s, self.ensure_ready(&s.id).await) }),
        )
        .await;
        let mut failures = Vec::new();
        let mut listed = Vec::new();
        for (status, opened) in opened {
            match opened {
                Ok(conn) => listed.push((status.clone(), conn.catalog())),
                Err(error) => failures.push((status.id.clone(), error)),
            }
        }
        let refs: Vec<ToolRef> = listed
            .iter()
            .flat_map(|(status, catalog)| {
                catalog.tools.iter().map(|t| ToolRef {
                    server_id: status.id.clone(),
                    server_name: status.name.clone(),
                    tool: t.name.clone(),
                })
            })
            .collect();
        let names = function_names(&refs);
        let mut offered = Vec::new();
        for (status, catalog) in &listed {
            for tool in &catalog.tools {
                let key = ToolRef {
                    server_id: status.id.clone(),
                    server_name: status.name.clone(),
                    tool: tool.name.clone(),
                };
                let Some(name) = names.get(&key) else {
                    continue;
                };
                if let Some(function) =
                    function_tool(name, tool.description.as_deref(), &tool.input_schema)
                {
                    offered.push(OfferedTool {
                        function,
                        server_id: status.id.clone(),
                        server_name: status.name.clone(),
                        tool: tool.name.clone(),
                        read_only: tool.read_only,
                        destructive: tool.destructive,
                    });
                }
            }
        }
        (offered, failures)
    }

    /// Stops every server (stdin closed, then SIGTERM, then SIGKILL to each
    /// process group) and refuses to start any more. Bounded: after
    /// `3 × stop_grace` and a second, whatever is left is killed.
    pub async fn shutdown(&self) {
        self.inner.shutdown.cancel();
        let slots: Vec<Arc<Slot>> = lock(&self.inner.slots).values().cloned().collect();
        let limit = self.inner.limits.stop_grace * 3 + Duration::from_secs(1);
        let stops = futures_util::future::join_all(slots.iter().map(|s| self.stop_slot(s)));
        if tokio::time::timeout(limit, stops).await.is_err() {
            self.kill_all_now();
        }
    }

    /// SIGKILL to every server's process group, now: for an exit that
    /// cannot wait.
    pub fn kill_all_now(&self) {
        self.inner.shutdown.cancel();
        for slot in lock(&self.inner.slots).values() {
            if let Some(conn) = lock(&slot.conn).as_ref() {
                conn.kill_now();
            }
        }
    }
}

fn ready(catalog: &Catalog) -> ServerState {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    ServerState::Ready {
        tools: count(catalog.tools.len()),
        resources: count(catalog.resources.len()),
        prompts: count(catalog.prompts.len()),
    }
}

fn failed(error: &Error, stderr_tail: String) -> ServerState {
    ServerState::Failed {
        kind: error.kind(),
        message: error.to_string(),
        stderr_tail,
    }
}

fn slot_name(slot: &SecretSlot) -> String {
    match slot {
        SecretSlot::Env(name) => format!("environment variable {name}"),
        SecretSlot::Header(name) => format!("header {name}"),
    }
}
