//! `halley-mock [--port N] [--cases DIR] [--delay-ms N]`: runs the mock
//! until killed, after printing `listening on http://127.0.0.1:PORT/v1`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use halley_mock::Config;

const USAGE: &str = "usage: halley-mock [--port N] [--cases DIR] [--delay-ms N]";

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Config, String> {
    let mut config = Config::default();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => config.port = value()?.parse().map_err(|_| "--port: not a port")?,
            "--cases" => config.cases_dir = Some(PathBuf::from(value()?)),
            "--delay-ms" => {
                let ms: u64 = value()?.parse().map_err(|_| "--delay-ms: not a number")?;
                config.delta_delay = Duration::from_millis(ms);
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(config)
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[tokio::main]
async fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let server = match halley_mock::serve(config).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("halley-mock: cannot listen: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Scripts read the port from this one line, so it must go out now.
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on {}", server.base_url());
    let _ = stdout.flush();
    stop_signal().await;
    match server.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("halley-mock: {error}");
            ExitCode::FAILURE
        }
    }
}
