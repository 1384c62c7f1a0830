//! Halley's own MCP test server (stdio), built on rmcp like the client, with
//! a tool for each behaviour the client must survive. Built as the
//! `halley-mcp-test-server` binary of this crate so the tests can start it
//! as a real child process (`CARGO_BIN_EXE_halley-mcp-test-server`).
//!
//! `--ignore-term` makes it catch SIGTERM and carry on, and `--linger`
//! makes it keep running after its stdin closes: a server that ignores the
//! polite ways of being stopped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListPromptsResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams, Prompt,
    PromptArgument, Resource, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt};
use serde_json::{json, Map, Value};

/// A 1×1 transparent PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

#[derive(Clone, Default)]
struct TestServer {
    added: Arc<AtomicBool>,
}

fn schema(value: Value) -> Arc<Map<String, Value>> {
    Arc::new(value.as_object().cloned().unwrap_or_default())
}

fn text_arg(request: &CallToolRequestParams, name: &str) -> String {
    request
        .arguments
        .as_ref()
        .and_then(|a| a.get(name))
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string())
        })
        .unwrap_or_default()
}

fn number_arg(request: &CallToolRequestParams, name: &str) -> u64 {
    request
        .arguments
        .as_ref()
        .and_then(|a| a.get(name))
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

impl TestServer {
    fn tools(&self) -> Vec<Tool> {
        let text = schema(
            json!({"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}),
        );
        let empty = schema(json!({"type": "object", "properties": {}}));
        let mut tools = vec![
            Tool::new("echo", "Echoes its text back", text.clone()),
            Tool::new("fail", "Answers with isError", empty.clone()),
            Tool::new("error", "Answers with a JSON-RPC error", empty.clone()),
            Tool::new(
                "sleep",
                "Sleeps for ms milliseconds",
                schema(json!({"type": "object", "properties": {"ms": {"type": "integer"}}})),
            ),
            Tool::new("image", "Returns a PNG", empty.clone()),
            Tool::new(
                "big",
                "Returns `bytes` bytes of text",
                schema(json!({"type": "object", "properties": {"bytes": {"type": "integer"}}})),
            ),
            Tool::new(
                "rich",
                "Returns structured content, a resource and a link",
                empty.clone(),
            ),
            Tool::new(
                "add_tool",
                "Adds the tool `added` and sends list_changed",
                empty.clone(),
            ),
            Tool::new("crash", "Exits the process mid-call", empty.clone()),
            Tool::new(
                "env",
                "Returns the value of environment variable `name`",
                schema(json!({"type": "object", "properties": {"name": {"type": "string"}}})),
            ),
            Tool::new(
                "spawn_child",
                "Starts a long sleep in a child process and returns its pid",
                empty.clone(),
            ),
            Tool::new(
                "bad_schema",
                "Has an input schema that is not valid JSON Schema",
                schema(json!({"type": "object", "properties": {"x": {"type": "nonsense"}}})),
            ),
        ];
        if self.added.load(Ordering::SeqCst) {
            tools.push(Tool::new("added", "Appeared after add_tool", empty));
        }
        tools
    }
}

impl ServerHandler for TestServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_tool_list_changed()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(Implementation::new("halley-mcp-test-server", "1.0.0"))
    }

    async fn list_tools(
        &self,
        _: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    async fn list_resources(
        &self,
        _: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let mut readme = Resource::new("test://readme", "readme");
        readme.mime_type = Some("text/plain".into());
        Ok(ListResourcesResult::with_all_items(vec![readme]))
    }

    async fn list_prompts(
        &self,
        _: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(vec![Prompt::new(
            "greet",
            Some("Greets someone"),
            Some(vec![PromptArgument::new("name")]),
        )]))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let result = match request.name.as_ref() {
            "echo" => CallToolResult::success(vec![ContentBlock::text(text_arg(&request, "text"))]),
            "fail" => CallToolResult::error(vec![ContentBlock::text("it failed on purpose")]),
            "error" => {
                return Err(ErrorData::invalid_params(
                    "the error tool always refuses",
                    None,
                ))
            }
            "sleep" => {
                tokio::time::sleep(Duration::from_millis(number_arg(&request, "ms"))).await;
                CallToolResult::success(vec![ContentBlock::text("slept")])
            }
            "image" => CallToolResult::success(vec![
                ContentBlock::text("a pixel"),
                ContentBlock::image(PNG, "image/png"),
            ]),
            "big" => CallToolResult::success(vec![ContentBlock::text(
                "x".repeat(number_arg(&request, "bytes") as usize),
            )]),
            "rich" => {
                let mut result = CallToolResult::success(vec![
                    ContentBlock::embedded_text("test://readme", "read me"),
                    ContentBlock::ResourceLink(Resource::new("test://other", "other")),
                ]);
                result.structured_content = Some(json!({"temperature": 21.5, "unit": "C"}));
                result
            }
            "add_tool" => {
                self.added.store(true, Ordering::SeqCst);
                let _ = context.peer.notify_tool_list_changed().await;
                CallToolResult::success(vec![ContentBlock::text("added")])
            }
            "crash" => std::process::exit(3),
            "env" => CallToolResult::success(vec![ContentBlock::text(
                std::env::var(text_arg(&request, "name")).unwrap_or_else(|_| "<unset>".into()),
            )]),
            "spawn_child" => {
                let child = std::process::Command::new("sleep")
                    .arg("300")
                    .spawn()
                    .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
                let pid = child.id();
                std::mem::forget(child);
                CallToolResult::success(vec![ContentBlock::text(pid.to_string())])
            }
            "added" => CallToolResult::success(vec![ContentBlock::text("I am new")]),
            other => return Err(ErrorData::invalid_params(format!("no tool {other}"), None)),
        };
        Ok(result.into())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let ignore_term = args.iter().any(|a| a == "--ignore-term");
    let linger = args.iter().any(|a| a == "--linger");
    #[cfg(unix)]
    let _term = if ignore_term {
        // Catching SIGTERM (and doing nothing) is how a server ignores it.
        Some(
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("a handler"),
        )
    } else {
        None
    };
    #[cfg(not(unix))]
    let _ = ignore_term;
    eprintln!(
        "halley-mcp-test-server starting (pid {})",
        std::process::id()
    );
    let running = TestServer::default()
        .serve((tokio::io::stdin(), tokio::io::stdout()))
        .await;
    if let Ok(service) = running {
        let _ = service.waiting().await;
    }
    eprintln!("halley-mcp-test-server: stdin closed");
    if linger {
        loop {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    }
}
