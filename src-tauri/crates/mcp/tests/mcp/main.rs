//! halley-mcp against real servers: its own test server (a child process
//! built from `tests/server`), shell commands that misbehave, and the
//! third-party servers from npm in `tests/mcp` (server-everything over stdio
//! and Streamable HTTP, server-filesystem on a temporary folder). Every
//! check of "no process left" reads /proc.

mod faults;
mod own_server;
mod support;
mod third_party;
