//! `halley-compat`: drives Halley's Responses client (`halley-responses`)
//! against Responses API servers nobody on the team wrote, records what each
//! server did and what Halley did, and writes the table to
//! `docs/compatibility.md`.
//!
//! Usage: `halley-compat --servers servers.json --out docs/compatibility.md`
//! (`tests/compat/run.sh` starts the servers and writes the JSON).
//!
//! The exit status is 1 when Halley ended in a wrong state for any case: an
//! answer the server sent that Halley did not read, streamed text that the
//! final response lost, a fault Halley hid, a hang. What a server does
//! differently (drops `previous_response_id`, refuses `reasoning`, reports a
//! wrong key as 400) is a finding written to the table, not a failure: that is
//! the knowledge the capability probe is built from. The probe itself then
//! runs against each server and must agree with what the cases saw there
//! (`probe_check`).

mod backend;
mod cases;
mod probe_check;
mod report;
mod servers;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (servers_path, out_path) = match parse_args(&args) {
        Ok(paths) => paths,
        Err(message) => {
            eprintln!("halley-compat: {message}");
            eprintln!("usage: halley-compat --servers servers.json --out docs/compatibility.md");
            return ExitCode::from(2);
        }
    };
    let servers = match servers::load(&servers_path) {
        Ok(servers) => servers,
        Err(message) => {
            eprintln!("halley-compat: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("halley-compat: cannot start the async runtime: {err}");
            return ExitCode::from(2);
        }
    };
    let client = match halley_responses::Client::new() {
        Ok(client) => client,
        Err(err) => {
            eprintln!("halley-compat: {err}");
            return ExitCode::from(2);
        }
    };
    let results = runtime.block_on(cases::run_all(&client, &servers));
    let probes = runtime.block_on(probe_check::run_all(&client, &servers, &results));
    let markdown = report::markdown(&servers, &results, &probes);
    if let Err(err) = std::fs::write(&out_path, &markdown) {
        eprintln!("halley-compat: cannot write {out_path}: {err}");
        return ExitCode::from(2);
    }
    print!("{}", report::summary(&servers, &results, &probes));
    let wrong = results.iter().filter(|r| r.verdict.is_wrong()).count()
        + probes
            .iter()
            .flat_map(|p| &p.checks)
            .filter(|c| c.verdict.is_wrong())
            .count();
    if wrong > 0 {
        eprintln!("halley-compat: Halley ended in a wrong state in {wrong} case(s); see above");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn parse_args(args: &[String]) -> Result<(String, String), String> {
    let mut servers = None;
    let mut out = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--servers" => servers = it.next().cloned(),
            "--out" => out = it.next().cloned(),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok((
        servers.ok_or("--servers is required")?,
        out.ok_or("--out is required")?,
    ))
}
