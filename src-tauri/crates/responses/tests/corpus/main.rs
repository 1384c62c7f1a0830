//! Conformance over recorded traffic: every case under `HALLEY_CORPUS`
//! (default: the repository's `../shared/fixtures/responses/cases`).
//!
//! Each check walks all cases and collects every failure, so one run shows
//! the whole picture rather than the first mismatch.

mod bodies;
mod cases;
mod chunking;
mod errors;
mod fold;
mod fuzz;
mod reference;
mod streams;
#[path = "../reference/whatwg_sse.rs"]
mod whatwg_sse;
