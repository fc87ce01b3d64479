//! `aiops logs`: a task's log, filtered, or followed live until the task ends.

use std::time::Duration;

use sqlx::PgPool;

use crate::cli::LogsArgs;
use crate::commands::log_lines::{print_entries, print_new_logs};
use crate::commands::Ctx;
use crate::error::{Error, Result};
use crate::follow::{Follow, Waiter};

use crate::queue::{self, LogQuery};

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
    let mut waiter = Waiter::new(&pool, id).await;
    let mut f = Follow::new(id, a.level, a.attempt);
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
    let ended = follow(ctx, &pool, &mut f, &mut waiter).await;
    waiter.finish().await;
    ended
}

/// Print new lines until the task ends.
async fn follow(ctx: &Ctx, pool: &PgPool, f: &mut Follow, waiter: &mut Waiter) -> Result<u8> {
    loop {
        // Status first: lines written before the task ended are all read below.
        let status = f.task(pool).await?.status;
        print_new_logs(ctx, pool, f, None).await?;
        if status.is_terminal() {
            return Ok(0);
        }
        waiter.wait(Duration::from_secs(2)).await;
    }
}
