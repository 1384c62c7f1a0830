//! One Halley app per test, on Tauri's mock runtime, with its own data folder
//! and its own mock Responses server; invoked the way the webview invokes it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{mpsc, Arc, Mutex, OnceLock, PoisonError};

use halley_mock::{RecordedRequest, RunningServer};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponse, InvokeResponseBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};
use tempfile::TempDir;

use crate::channels::ChannelLog;
use crate::logs;

/// Where every test's exports go. The app reads `HALLEY_EXPORT_DIR` when it
/// exports; the process environment is shared by all tests, so it is set
/// once, before the first app starts, and never changed.
fn export_dir() -> &'static Path {
    static DIR: OnceLock<TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary export folder");
        std::env::set_var("HALLEY_EXPORT_DIR", dir.path());
        dir
    })
    .path()
}

/// A started run: what `send_message`/`regenerate` returned, and the id of the
/// channel its updates arrive on.
pub struct Run {
    pub run_id: String,
    pub conversation_id: String,
    pub user_message_id: Option<String>,
    pub assistant_message_id: String,
    pub channel: u32,
}

pub struct TestApp {
    webview: WebviewWindow<MockRuntime>,
    pub channels: Arc<ChannelLog>,
    /// The raw body of every IPC response, success or error, in order.
    responses: Mutex<Vec<String>>,
    next_channel: AtomicU32,
    pub mock: RunningServer,
    // Before the data folder: the app holds the database open.
    _app: App<MockRuntime>,
    data_dir: TempDir,
    /// Whether dropping deletes the providers (and so their keys).
    delete_providers_on_drop: bool,
}

impl TestApp {
    pub fn start() -> Self {
        Self::start_in(tempfile::tempdir().expect("a temporary data folder"))
    }

    /// Starts on an existing data folder, as the app does on its next launch.
    fn start_in(data_dir: TempDir) -> Self {
        logs::capture();
        export_dir();
        let mock =
            tauri::async_runtime::block_on(halley_mock::serve(halley_mock::Config::default()))
                .expect("the mock server binds a loopback port");
        let channels = ChannelLog::new();
        let recorder = channels.clone();
        let mut app = halley_app::run_app_with(mock_builder(), Some(data_dir.path().to_owned()))
            .channel_interceptor(move |_webview, callback, _index, body| {
                recorder.record(callback.0, body);
                true
            })
            .build(mock_context(noop_assets()))
            .expect("the app builds on the mock runtime");
        // The setup hook (which opens the history and picks the key store)
        // runs on the first event-loop turn. One turn is all these tests
        // need: the mock runtime has no event loop to keep going, and
        // commands are invoked directly. (Deprecated because calling it in
        // a loop busy-waits; it is called once.)
        #[allow(deprecated)]
        app.run_iteration(|_, _| {});
        let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("a webview window on the mock runtime");
        let app = Self {
            webview,
            channels,
            responses: Mutex::new(Vec::new()),
            next_channel: AtomicU32::new(1000),
            mock,
            _app: app,
            data_dir,
            delete_providers_on_drop: true,
        };
        app.set_automatic_probes(false);
        app
    }

    /// The probe the app starts by itself (a model's first turn) would add about
    /// twenty requests to the mock and, ending late, overwrite what a test
    /// recorded (`trust_chaining`): off unless a test turns it on.
    pub fn set_automatic_probes(&self, on: bool) {
        let state = tauri::Manager::state::<halley_app::state::AppState>(&self._app);
        let mut settings = state.history.settings().expect("settings").settings;
        settings.probe_automatically = on;
        state
            .history
            .save_settings(&settings)
            .expect("settings saved");
    }

    /// Quits and starts again on the same data folder (with a new mock
    /// server), keeping the providers and their keys.
    pub fn restart(mut self) -> Self {
        self.delete_providers_on_drop = false;
        // A real restart is a new process, and the OS frees the data folder's
        // lock with the old one. Here the old app stays referenced inside the
        // mock runtime, so take its state back first: that closes the
        // database and frees the lock, as quitting does. Nothing uses that
        // state any more (every turn has finished), so nothing dangles.
        #[allow(deprecated)]
        drop(tauri::Manager::unmanage::<halley_app::state::AppState>(
            &self._app,
        ));
        #[allow(deprecated)]
        drop(tauri::Manager::unmanage::<
            halley_app::instance::DataFolderLock,
        >(&self._app));
        let placeholder = tempfile::tempdir().expect("a temporary folder");
        let data_dir = std::mem::replace(&mut self.data_dir, placeholder);
        drop(self);
        Self::start_in(data_dir)
    }

    /// The app's own state, to set up what a test needs without a turn.
    pub fn state(&self) -> tauri::State<'_, halley_app::state::AppState> {
        tauri::Manager::state::<halley_app::state::AppState>(&self._app)
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    pub fn export_dir(&self) -> PathBuf {
        export_dir().to_owned()
    }

    /// Hands a command to the app as the webview's IPC does, without waiting
    /// for its answer: returns once the app has taken the call (for a sync
    /// command, that is once it has run), with where the answer will arrive.
    pub fn dispatch(&self, cmd: &str, args: Value) -> mpsc::Receiver<Result<Value, Value>> {
        let (tx, rx) = mpsc::channel();
        self.webview.clone().on_message(
            request(cmd, args),
            Box::new(move |_webview, _cmd, response, _callback, _error| {
                let answer = match response {
                    InvokeResponse::Ok(body) => Ok(body
                        .deserialize::<Value>()
                        .expect("command responses are JSON")),
                    InvokeResponse::Err(error) => Err(error.0),
                };
                let _ = tx.send(answer);
            }),
        );
        rx
    }

    /// Invokes a command with a JSON body, as `invoke(cmd, args)` in the UI does.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = request(cmd, args);
        let response = tauri::test::get_ipc_response(&self.webview, request);
        let raw = match &response {
            Ok(InvokeResponseBody::Json(json)) => json.clone(),
            Ok(InvokeResponseBody::Raw(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
            Err(error) => error.to_string(),
        };
        self.responses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(raw);
        response.map(|body| {
            body.deserialize::<Value>()
                .expect("command responses are JSON")
        })
    }

    /// Invokes a command that must succeed.
    pub fn call(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|error| panic!("{cmd} failed: {error}"))
    }

    /// Every IPC response body so far.
    pub fn responses(&self) -> Vec<String> {
        self.responses
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Asserts that no IPC response and no channel payload so far held `key`.
    pub fn assert_key_never_sent_to_ui(&self, key: &str) {
        for (index, body) in self.responses().iter().enumerate() {
            assert!(
                !body.contains(key),
                "IPC response #{index} must never carry the key: {body}"
            );
        }
        for payload in self.channels.all_payloads() {
            assert!(
                !payload.contains(key),
                "a Channel payload must never carry the key: {payload}"
            );
        }
    }

    /// A channel argument, as the JS `Channel` serializes itself.
    pub fn new_channel(&self) -> (u32, String) {
        let id = self.next_channel.fetch_add(1, Ordering::Relaxed);
        (id, format!("__CHANNEL__:{id}"))
    }

    /// Records that the provider's `model` honours `previous_response_id`,
    /// as the probe finds for a real OpenAI (halley-mock's echo does not
    /// remember turns, so its own probe would say otherwise).
    pub fn trust_chaining(&self, provider: &Value, model: &str) {
        use halley_core::capabilities::{Feature, Finding, FindingSource, Verdict};
        let state = tauri::Manager::state::<halley_app::state::AppState>(&self._app);
        let id = provider["id"].as_str().expect("a provider id");
        state
            .history
            .record_finding(
                id,
                &Finding::new(
                    Feature::Chaining,
                    model,
                    Verdict::Supported,
                    "recorded by the test",
                    Some(200),
                    FindingSource::Probe,
                ),
            )
            .expect("a finding is recorded");
    }

    /// Adds a custom provider pointing at this test's mock server.
    pub fn add_mock_provider(&self, key: &str) -> Value {
        self.call(
            "save_provider",
            json!({"input": {
                "id": null, "name": "Mock", "kind": "custom",
                "baseUrl": self.mock.base_url(), "apiKey": key,
            }}),
        )
    }

    /// Sends `text` with `model` under `parent` (in `conversation`), as the chat UI does.
    pub fn send(
        &self,
        conversation: Option<&str>,
        parent: Option<&str>,
        text: &str,
        model: &str,
        store: bool,
    ) -> Run {
        let (channel, channel_arg) = self.new_channel();
        let started = self.call(
            "send_message",
            json!({
                "input": {
                    "conversationId": conversation, "parentId": parent, "text": text,
                    "attachments": [], "model": model, "webSearch": false,
                    "reasoningEffort": null, "store": store,
                },
                "onUpdate": channel_arg,
            }),
        );
        run_of(&started, channel)
    }

    pub fn regenerate(&self, assistant_message_id: &str, model: &str) -> Run {
        let (channel, channel_arg) = self.new_channel();
        let started = self.call(
            "regenerate",
            json!({
                "input": {
                    "assistantMessageId": assistant_message_id, "model": model,
                    "webSearch": false, "reasoningEffort": null, "store": true,
                },
                "onUpdate": channel_arg,
            }),
        );
        run_of(&started, channel)
    }

    pub fn conversation(&self, id: &str) -> Value {
        self.call("get_conversation", json!({ "id": id }))
    }

    /// The `POST /responses` requests of turns the mock received, oldest
    /// first: without the one naming a new conversation after its first
    /// answer (`chat::title`), which is not a turn and comes when it comes.
    pub fn create_requests(&self) -> Vec<RecordedRequest> {
        self.posts_to_responses()
            .into_iter()
            .filter(|r| !is_naming(r))
            .collect()
    }

    /// The naming requests [`Self::create_requests`] leaves out.
    pub fn naming_requests(&self) -> Vec<RecordedRequest> {
        self.posts_to_responses()
            .into_iter()
            .filter(is_naming)
            .collect()
    }

    fn posts_to_responses(&self) -> Vec<RecordedRequest> {
        self.mock
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path == "/v1/responses")
            .collect()
    }
}

/// Whether a request is the one naming a conversation (its instructions).
fn is_naming(request: &RecordedRequest) -> bool {
    request
        .body
        .as_ref()
        .and_then(|b| b["instructions"].as_str())
        .is_some_and(|i| i.starts_with("Name this conversation"))
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Keys may have gone to the real keyring: take them out again.
        if !self.delete_providers_on_drop {
            return;
        }
        if let Ok(Value::Array(providers)) = self.invoke("list_providers", json!({})) {
            for provider in providers {
                let _ = self.invoke("delete_provider", json!({ "id": provider["id"] }));
            }
        }
    }
}

fn request(cmd: &str, args: Value) -> InvokeRequest {
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("a valid URL"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_owned(),
    }
}

fn run_of(started: &Value, channel: u32) -> Run {
    let text = |field: &str| {
        started[field]
            .as_str()
            .unwrap_or_else(|| panic!("RunStarted has a string {field}: {started}"))
            .to_owned()
    };
    Run {
        run_id: text("runId"),
        conversation_id: text("conversationId"),
        user_message_id: started["userMessageId"].as_str().map(str::to_owned),
        assistant_message_id: text("assistantMessageId"),
        channel,
    }
}

/// The message of that id in a `ConversationView`.
pub fn message<'a>(conversation: &'a Value, id: &str) -> &'a Value {
    conversation["messages"]
        .as_array()
        .and_then(|messages| messages.iter().find(|m| m["id"] == id))
        .unwrap_or_else(|| panic!("message {id} is in the conversation: {conversation}"))
}

/// The text of all `textDelta` updates, joined.
pub fn streamed_text(updates: &[Value]) -> String {
    updates
        .iter()
        .filter(|u| u["kind"] == "textDelta")
        .filter_map(|u| u["text"].as_str())
        .collect()
}

/// The one `finished` update, which must come last.
pub fn finished(updates: &[Value]) -> &Value {
    let last = updates.last().expect("a run sends updates");
    assert_eq!(
        last["kind"], "finished",
        "finished is the last update of a run: {updates:?}"
    );
    assert_eq!(
        updates.iter().filter(|u| u["kind"] == "finished").count(),
        1,
        "a run finishes exactly once: {updates:?}"
    );
    last
}
