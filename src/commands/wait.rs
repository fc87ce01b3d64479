//! Waiting for a task to end (`submit --wait`) and following its log (`logs -f`): both wake on
//! the database's NOTIFY and re-read the task, with a short polling backstop.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use sqlx::PgPool;

use crate::commands::log_lines::print_new_logs;
use crate::commands::Ctx;
use crate::error::{Error, Result};
use crate::follow::{Follow, Waiter};
use crate::task::{Task, TaskId};

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
    let mut waiter = Waiter::new(pool, id).await;
    let mut f = Follow::new(id, None, None);
    let ended = wait_with(ctx, pool, follow, timeout, &mut f, &mut waiter).await;
    waiter.finish().await;
    ended
}

async fn wait_with(
    ctx: &Ctx,
    pool: &PgPool,
    follow: bool,
    timeout: Option<Duration>,
    f: &mut Follow,
    waiter: &mut Waiter,
) -> Result<u8> {
    let id = f.id();
    let deadline = timeout.map(|d| Instant::now() + d);
    let bar = bar_for(ctx);
    loop {
        let task = f.task(pool).await?;
        if follow {
            print_new_logs(ctx, pool, f, bar.as_ref()).await?;
        }
        if let Some(b) = &bar {
            update_bar(b, &task);
        }
        if task.status.is_terminal() {
            if let Some(b) = &bar {
                b.finish_and_clear();
            }
            if follow {
                print_new_logs(ctx, pool, f, None).await?;
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
        waiter.wait(nap).await;
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
