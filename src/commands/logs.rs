//! `aiops logs`: a task's log, filtered, or followed live until the task ends.

use std::io::Write;
use std::time::Duration;

use sqlx::PgPool;

use crate::cli::LogsArgs;
use crate::commands::wait::Follower;
use crate::commands::Ctx;
use crate::error::{Error, Result};
use crate::log::{LogEntry, LogLevel};
use crate::queue::{self, LogQuery};
use crate::task::TaskId;

/// Most lines `logs` prints without `--tail`.
const MAX_LINES: i64 = 100_000;

pub async fn run(ctx: &Ctx, a: LogsArgs) -> Result<u8> {
    if let Some(n) = a.tail {
        if n < 0 {
            return Err(Error::usage("--tail must be 0 or more"));
        }
    }
    let pool = ctx.pool().await?;
    let id = queue::resolve_id(&pool, &a.id).await?;
    let q = LogQuery {
        after_id: None,
        min_level: a.level,
        within: a.since,
        attempt: a.attempt,
        tail: a.tail,
        limit: MAX_LINES,
    };
    if !a.follow {
        let entries = queue::logs(&pool, id, &q).await?;
        if ctx.printer.json() {
            return ctx.printer.print_json(&entries).map(|_| 0);
        }
        print_entries(ctx, &entries, false)?;
        return Ok(0);
    }
    // Follow: listen first, print what is there, then every new line until the task ends.
    let mut f = Follower::new(&pool, id)
        .await
        .with_filter(a.level, a.attempt);
    let first = queue::logs(&pool, id, &q).await?;
    print_entries(ctx, &first, true)?;
    let shown = match first.last() {
        Some(e) => Some(e.id),
        // `--tail 0 -f` (or filters that matched nothing): new lines only, from the newest.
        None if a.tail.is_some() => {
            let newest = LogQuery {
                tail: Some(1),
                limit: 1,
                ..Default::default()
            };
            queue::logs(&pool, id, &newest).await?.last().map(|e| e.id)
        }
        None => None,
    };
    f.after(shown);
    let ended = follow(ctx, &pool, id, &mut f).await;
    f.finish().await;
    ended
}

/// Print new lines until the task ends.
async fn follow(ctx: &Ctx, pool: &PgPool, id: TaskId, f: &mut Follower) -> Result<u8> {
    loop {
        // Status first: lines written before the task ended are all read below.
        let status = queue::get(pool, id).await?.status;
        f.print_new_logs(ctx, pool, None).await?;
        if status.is_terminal() {
            return Ok(0);
        }
        f.wait(Duration::from_secs(2)).await;
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
