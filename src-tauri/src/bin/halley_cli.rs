//! `halley-cli`: Halley's command line (`eval`, `ask`) as a console program,
//! so it prints to the terminal on Windows too, where the app's own
//! `halley.exe` is a GUI program without standard output (see
//! `halley_app::cli::console`).

fn main() {
    std::process::exit(halley_app::cli::console());
}
