//! One integration-test binary for halley-core, on real SQLite files in temp
//! dirs and on in-memory databases.

mod assistants;
mod background;
mod backup;
mod canary;
mod capabilities;
mod chat;
mod eval;
mod export;
mod health;
mod import;
mod keys;
mod knowledge;
mod large_pdf;
mod migrations;
mod naming;
mod parts;
mod playground;
mod providers;
mod purge;
mod remote_image;
mod search;
mod streaming;
mod support;
mod tools;
mod tree;
mod turn_limits;
