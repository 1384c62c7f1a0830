//! A loopback server that speaks the OpenAI Responses API, for tests,
//! benchmarks and demos. It works on `serde_json::Value` and never on the
//! app's own types, so it holds the app to what real servers send.
//!
//! The request's `model` picks a scenario: `echo` (and any unknown model),
//! `echo-reasoning`, `case:<name>` (a recorded case under
//! [`Config::cases_dir`]) or `fault:<kind>`; `GET /v1/models` lists them.
//! The echo also runs the hosted tools a request names (`file_search` over
//! the files uploaded to it, `code_interpreter`, `image_generation`); the
//! triggers and shapes are in docs/testing.md ("halley-mock's files and
//! hosted tools").
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = halley_mock::serve(halley_mock::Config::default()).await?;
//! println!("{}", server.base_url()); // http://127.0.0.1:PORT/v1
//! server.shutdown().await
//! # }
//! ```

mod api_error;
mod auth;
mod config;
mod create_request;
mod file_text;
mod files;
mod pictures;
mod playback;
mod request_log;
mod response_object;
mod routes;
mod scenarios;
mod server;
mod sse;
mod store;

pub use auth::BAD_KEY_PREFIX;
pub use config::Config;
pub use request_log::RecordedRequest;
pub use server::{serve, RunningServer};
