//! How log lines look on a terminal or as JSON Lines, for `logs` and `submit --wait --follow`.

use std::io::Write;

use indicatif::ProgressBar;
use sqlx::PgPool;

use crate::commands::Ctx;
use crate::error::{Error, Result};
use crate::follow::Follow;
use crate::log::{LogEntry, LogLevel};

/// Print the lines `f` has not shown yet; with a progress bar on screen, the bar steps aside
/// while they print.
pub async fn print_new_logs(
    ctx: &Ctx,
    pool: &PgPool,
    f: &mut Follow,
    bar: Option<&ProgressBar>,
) -> Result<()> {
    loop {
        let (entries, more) = f.lines(pool).await?;
        match bar {
            Some(b) if !entries.is_empty() => b.suspend(|| print_entries(ctx, &entries, true))?,
            _ => print_entries(ctx, &entries, true)?,
        }
        if !more {
            return Ok(());
        }
    }
}

/// Print log entries: aligned text, or (when following with `-o json`) one JSON object a line.
pub fn print_entries(ctx: &Ctx, entries: &[LogEntry], streaming: bool) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    let mut buf = String::new();
    for e in entries {
        if ctx.printer.json() && streaming {
            buf.push_str(&serde_json::to_string(e).unwrap_or_default());
        } else {
            buf.push_str(&format_entry(e, ctx.printer.stdout_color));
        }
        buf.push('\n');
    }
    match out.write_all(buf.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Error::Io(format!("writing to stdout: {e}"))),
    }
}

/// One line of text for a log entry: time, level, source, attempt, message (and context).
pub fn format_entry(e: &LogEntry, color: bool) -> String {
    let level = format!("{:<8}", e.level.as_str().to_uppercase());
    let level = if color {
        let code = match e.level {
            LogLevel::Debug => "2",
            LogLevel::Info => "32",
            LogLevel::Warning => "33",
            LogLevel::Error | LogLevel::Critical => "31",
        };
        format!("\x1b[{code}m{level}\x1b[0m")
    } else {
        level
    };
    let ctx = match &e.context {
        Some(c) if !c.is_null() => format!(" {c}"),
        _ => String::new(),
    };
    format!(
        "{} {level} {:<6} #{} {}{ctx}",
        e.timestamp
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        e.source.as_str(),
        e.attempt,
        e.message
    )
}
