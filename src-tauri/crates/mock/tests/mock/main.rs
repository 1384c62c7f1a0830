//! Wire-level tests of the mock server over real loopback HTTP, and a run of
//! the official `openai` Python SDK against every scenario.

mod binary;
mod echo;
mod endpoints;
mod faults;
mod hosted_tools;
mod python_sdk;
mod replay;
mod support;
