//! aiops: a durable PostgreSQL queue for AIOpsLab problems and shell jobs.
//!
//! The core is [`queue`] (every state change), [`task`] (what a task is) and [`db`] (finding
//! and migrating the database). The CLI in [`commands`], the worker in [`worker`] and the HTTP
//! server all call the same core.

pub mod api;
pub mod bench;
pub mod callbacks;
pub mod cli;
pub mod commands;
pub mod db;
pub mod doctor;
pub mod duration;
pub mod error;
pub mod experiment;
pub mod export;
pub mod follow;
pub mod log;
pub mod maintenance;
pub mod monitor;
pub mod notify;

pub mod queue;
pub mod schedule;
pub mod stats;
pub mod task;
pub mod watch;
pub mod worker;

use clap::Parser;

pub use error::{Error, Result};

/// Parse the arguments, run the command and return the process exit code. Errors are
/// printed here, once, as one line.
pub fn run(args: impl IntoIterator<Item = std::ffi::OsString>) -> u8 {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                error::exit::USAGE
            } else {
                0
            };
            let _ = e.print();
            return code;
        }
    };
    // A worker is a service: its own progress (claims, outcomes) is worth seeing by default.
    let service = matches!(cli.command, cli::Command::Worker(_)) && !cli.global.quiet;
    let printer = commands::output::Printer::new(&cli.global);
    init_tracing(cli.global.verbose, service, printer.color);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(2)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            report(
                &printer,
                &Error::Io(format!("cannot start the async runtime: {e}")),
            );
            return error::exit::RUNTIME;
        }
    };
    let result = runtime.block_on(commands::dispatch(cli, printer.clone()));
    // Do not wait for stray background tasks (e.g. a LISTEN connection) at exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(code) => code,
        Err(e) => {
            report(&printer, &e);
            e.exit_code()
        }
    }
}

fn report(printer: &commands::output::Printer, e: &Error) {
    let msg = error::one_line(&e.to_string());
    if printer.color {
        eprintln!("\x1b[1;31merror:\x1b[0m {msg}");
    } else {
        eprintln!("error: {msg}");
    }
}

/// Log lines go to stderr, coloured only when the error messages are (a terminal, `--color`,
/// `NO_COLOR`): escape codes in a log file or a pipe are noise.
fn init_tracing(verbose: u8, service: bool, ansi: bool) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 if service => "info,sqlx=warn",
        0 => "warn",
        1 => "info,sqlx=warn",
        2 => "debug,sqlx=info",
        _ => "trace",
    };
    let filter = std::env::var("AIOPS_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .try_init();
}
