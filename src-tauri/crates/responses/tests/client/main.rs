//! The HTTP client against a real loopback server (axum on 127.0.0.1).

mod calls;
mod files;
mod hosted_tools;
mod limits;
mod redirects;
mod server;
mod streaming;
