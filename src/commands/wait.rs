//! Waiting for a task to end (`submit --wait`) and following its log (`logs -f`): both wake on
//! the database's NOTIFY and re-read the task, with a short polling backstop.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::PgPool;

use crate::commands::logs::print_entries;
use crate::commands::Ctx;
use crate::error::{Error, Result};
use crate::log::LogLevel;
use crate::queue::{self, LogQuery};
use crate::task::{Task, TaskId};
use crate::watch;

/// Follows one task: wakes on its notifications, prints new log lines, tracks progress.
pub struct Follower {
    listener: Option<PgListener>,
    /// False after the listener's session was lost: the watch must be registered again.
    watching: bool,
    id: TaskId,
    last_log_id: Option<i64>,
    min_level: Option<LogLevel>,
    attempt: Option<i32>,
}

impl Follower {
    /// Start watching before the first read, so no change between read and watch is missed.
    pub async fn new(pool: &PgPool, id: TaskId) -> Follower {
        // N.B.: a listener holds its connection for good, so it gets its own, leaving the
        // command's (single-connection) pool free for queries.
        let own = PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with((*pool.connect_options()).clone());
        let listener = match PgListener::connect_with(&own).await {
            Ok(mut l) => match watch::start(&mut l, Some(id)).await {
                Ok(_) => Some(l),
                Err(e) => {
                    tracing::debug!("watching the task failed, polling instead: {e}");
                    None
                }
            },
            Err(e) => {
                tracing::debug!("LISTEN connection failed, polling instead: {e}");
                None
            }
        };
        Follower {
            listener,
            watching: true,
            id,
            last_log_id: None,
            min_level: None,
            attempt: None,
        }
    }

    /// Only lines matching these filters (`logs -f --level/--attempt`); paging is ours.
    pub fn with_filter(mut self, min_level: Option<LogLevel>, attempt: Option<i32>) -> Follower {
        self.min_level = min_level;
        self.attempt = attempt;
        self
    }

    /// Start after this log id (lines up to it were already shown).
    pub fn after(&mut self, id: Option<i64>) {
        if id.is_some() {
            self.last_log_id = id;
        }
    }

    /// Print log lines added since the last call; with a progress bar on screen, the bar steps
    /// aside while they print.
    pub async fn print_new_logs(
        &mut self,
        ctx: &Ctx,
        pool: &PgPool,
        bar: Option<&ProgressBar>,
    ) -> Result<()> {
        const PAGE: i64 = 1000;
        loop {
            let q = LogQuery {
                after_id: self.last_log_id,
                min_level: self.min_level,
                attempt: self.attempt,
                limit: PAGE,
                ..Default::default()
            };
            let entries = queue::logs(pool, self.id, &q).await?;
            if let Some(last) = entries.last() {
                self.last_log_id = Some(last.id);
            }
            match bar {
                Some(b) if !entries.is_empty() => {
                    b.suspend(|| print_entries(ctx, &entries, true))?
                }
                _ => print_entries(ctx, &entries, true)?,
            }
            if (entries.len() as i64) < PAGE {
                return Ok(());
            }
        }
    }

    /// Stop watching, so that this task's changes are no longer announced for us (a follower
    /// dropped without it is forgotten by the next rescue pass).
    pub async fn finish(self) {
        if let Some(mut l) = self.listener {
            if let Err(e) = watch::stop(&mut l).await {
                tracing::debug!("unwatch failed: {e}");
            }
        }
    }

    /// Sleep until something about this task is announced, or `max` passes.
    pub async fn wait(&mut self, max: Duration) {
        let deadline = tokio::time::Instant::now() + max;
        let Some(listener) = self.listener.as_mut() else {
            tokio::time::sleep(max).await;
            return;
        };
        if !self.watching {
            match watch::start(listener, Some(self.id)).await {
                Ok(_) => self.watching = true,
                Err(e) => tracing::debug!("watching again failed: {e}"),
            }
        }
        let id = self.id.to_string();
        loop {
            match tokio::time::timeout_at(deadline, listener.try_recv()).await {
                Err(_) => return,
                Ok(Ok(Some(n))) => {
                    if n.payload().starts_with(&id) {
                        return;
                    }
                }
                Ok(Ok(None)) => {
                    // Reconnected: the watch belonged to the lost session. Register again,
                    // then re-read.
                    self.watching = watch::start(listener, Some(self.id)).await.is_ok();
                    return;
                }
                Ok(Err(e)) => {
                    // The connection dropped and could not be made again yet. Re-read now;
                    // the next wait reconnects and registers again.
                    self.watching = false;
                    tracing::debug!("notification connection lost: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    return;
                }
            }
        }
    }
}

fn bar_for(ctx: &Ctx) -> Option<ProgressBar> {
    if !ctx.printer.show_progress() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}").expect("static template"),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

fn update_bar(bar: &ProgressBar, t: &Task) {
    let step = t
        .progress
        .as_ref()
        .and_then(|p| p.get("step"))
        .and_then(|v| v.as_u64());
    let max = t
        .progress
        .as_ref()
        .and_then(|p| p.get("max_steps"))
        .and_then(|v| v.as_u64());
    match (step, max) {
        (Some(step), Some(max)) if max > 0 => {
            if bar.length().is_none() {
                bar.set_style(
                    ProgressStyle::with_template(
                        "{elapsed_precise} [{bar:30}] step {pos}/{len} {msg}",
                    )
                    .expect("static template")
                    .progress_chars("=> "),
                );
            }
            bar.set_length(max);
            bar.set_position(step.min(max));
        }
        _ => {}
    }
    bar.set_message(format!(
        "{} (attempt {}/{})",
        t.status, t.attempt, t.max_attempts
    ));
}

/// Block until the task ends; the exit code says how (0, 10, 11, 12), or 13 when
/// `timeout` passes first.
pub async fn wait_for(
    ctx: &Ctx,
    pool: &PgPool,
    id: TaskId,
    follow: bool,
    timeout: Option<Duration>,
) -> Result<u8> {
    let mut f = Follower::new(pool, id).await;
    let ended = wait_with(ctx, pool, id, follow, timeout, &mut f).await;
    f.finish().await;
    ended
}

async fn wait_with(
    ctx: &Ctx,
    pool: &PgPool,
    id: TaskId,
    follow: bool,
    timeout: Option<Duration>,
    f: &mut Follower,
) -> Result<u8> {
    let deadline = timeout.map(|d| Instant::now() + d);
    let bar = bar_for(ctx);
    loop {
        let task = queue::get(pool, id).await?;
        if follow {
            f.print_new_logs(ctx, pool, bar.as_ref()).await?;
        }
        if let Some(b) = &bar {
            update_bar(b, &task);
        }
        if task.status.is_terminal() {
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            if follow {
                f.print_new_logs(ctx, pool, None).await?;
            }
            return finish(ctx, &task);
        }
        let mut nap = if bar.is_some() {
            Duration::from_millis(500)
        } else {
            Duration::from_secs(2)
        };
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() {
                if let Some(b) = &bar {
                    b.finish_and_clear();
                }
                return Err(Error::WaitExpired(id));
            }
            nap = nap.min(left);
        }
        f.wait(nap).await;
    }
}

fn finish(ctx: &Ctx, t: &Task) -> Result<u8> {
    let code = t.status.wait_exit_code();
    if ctx.printer.json() {
        ctx.printer.print_json(t)?;
        return Ok(code);
    }
    let took = match (t.started_at, t.completed_at) {
        (Some(s), Some(e)) => format!(
            " in {}",
            crate::duration::human((e - s).to_std().unwrap_or_default())
        ),
        _ => String::new(),
    };
    let detail = t
        .error_details
        .as_deref()
        .map(|e| format!(": {}", crate::error::one_line(e)))
        .unwrap_or_default();
    ctx.printer.note(format!(
        "task {} {}{} (attempt {} of {}){}",
        t.id, t.status, took, t.attempt, t.max_attempts, detail
    ));
    Ok(code)
}
