//! The results as `docs/compatibility.md` (a table of cases × servers and,
//! per server, what it did and what Halley did) and as a console summary.

use std::fmt::Write;

use crate::cases::{Case, CaseResult, Verdict};
use crate::probe_check::ProbeResult;
use crate::servers::Server;

fn mark(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Ok => "✅",
        Verdict::Finding(_) => "⚠️",
        Verdict::Wrong(_) => "❌",
        Verdict::Untested(_) => "—",
    }
}

fn short(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Ok => "works".into(),
        Verdict::Finding(text) => text.clone(),
        Verdict::Wrong(text) => format!("Halley wrong: {text}"),
        Verdict::Untested(text) => format!("untested: {text}"),
    }
}

/// Table cells must not break the table.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn find(results: &[CaseResult], server: usize, case: Case) -> Option<&CaseResult> {
    results
        .iter()
        .find(|r| r.server == server && r.case == case)
}

pub fn markdown(servers: &[Server], results: &[CaseResult], probes: &[ProbeResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Compatibility with third-party Responses API servers\n"
    );
    let _ = writeln!(
        out,
        "Written by `tests/compat/run.sh` (part of `./x test`): each server below is \
         installed from a package registry and run on 127.0.0.1, and every case is sent \
         with Halley's own client (`halley-responses`). Do not edit by hand.\n"
    );
    let _ = writeln!(
        out,
        "✅ works · ⚠️ the server differs (a finding Halley must handle or tell the user) · \
         ❌ Halley ended in a wrong state (the suite fails) · — untested, with the reason\n"
    );
    let mut header = String::from("| Case |");
    let mut rule = String::from("|---|");
    for server in servers {
        let _ = write!(header, " {} |", cell(&server.name));
        rule.push_str("---|");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for case in Case::ALL {
        let mut row = format!("| {} |", case.title());
        for index in 0..servers.len() {
            match find(results, index, case) {
                Some(r) => {
                    let _ = write!(row, " {} {} |", mark(&r.verdict), cell(&short(&r.verdict)));
                }
                None => row.push_str(" |"),
            }
        }
        let _ = writeln!(out, "{row}");
    }
    for (index, server) in servers.iter().enumerate() {
        let _ = writeln!(out, "\n## {}\n", server.name);
        let _ = writeln!(
            out,
            "| Case | The server | Halley | Verdict |\n|---|---|---|---|"
        );
        for case in Case::ALL {
            if let Some(r) = find(results, index, case) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} {} |",
                    case.title(),
                    cell(&r.server_did),
                    cell(&r.halley_did),
                    mark(&r.verdict),
                    cell(&short(&r.verdict))
                );
            }
        }
        if let Some(probe) = probes.iter().find(|p| p.server == index) {
            probe_section(&mut out, probe);
        }
    }
    out
}

/// What the capability probe found at one server, feature by feature, and
/// whether it agrees with the cases above.
fn probe_section(out: &mut String, probe: &ProbeResult) {
    let _ = writeln!(
        out,
        "\nThe capability probe (what Halley checks when a model is first used), \
         held to the cases above:\n\n| Feature | Probe | Evidence | Agrees with the cases |\n|---|---|---|---|"
    );
    for finding in &probe.findings {
        let agreement = probe
            .checks
            .iter()
            .find(|c| c.feature == finding.feature)
            .map_or("—".to_owned(), |c| {
                let said = match &c.verdict {
                    Verdict::Ok => "agrees".to_owned(),
                    other => short(other),
                };
                format!("{} {} ({})", mark(&c.verdict), cell(&said), c.case.title())
            });
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            finding.feature.as_str(),
            finding.verdict.as_str(),
            cell(&finding.evidence),
            agreement
        );
    }
}

pub fn summary(servers: &[Server], results: &[CaseResult], probes: &[ProbeResult]) -> String {
    let mut out = String::new();
    for (index, server) in servers.iter().enumerate() {
        let mine: Vec<&CaseResult> = results.iter().filter(|r| r.server == index).collect();
        let count = |f: fn(&Verdict) -> bool| mine.iter().filter(|r| f(&r.verdict)).count();
        let _ = writeln!(
            out,
            "{}: {} works, {} findings, {} wrong, {} untested",
            server.name,
            count(|v| matches!(v, Verdict::Ok)),
            count(|v| matches!(v, Verdict::Finding(_))),
            count(|v| matches!(v, Verdict::Wrong(_))),
            count(|v| matches!(v, Verdict::Untested(_))),
        );
        for r in mine.iter().filter(|r| r.verdict.is_wrong()) {
            let _ = writeln!(
                out,
                "  WRONG {}: server {}; Halley {}; {}",
                r.case.title(),
                r.server_did,
                r.halley_did,
                short(&r.verdict)
            );
        }
        for check in probes
            .iter()
            .filter(|p| p.server == index)
            .flat_map(|p| &p.checks)
            .filter(|c| c.verdict.is_wrong())
        {
            let _ = writeln!(
                out,
                "  WRONG probe of {}: {} ({})",
                check.feature.as_str(),
                short(&check.verdict),
                check.case.title()
            );
        }
    }
    out
}
