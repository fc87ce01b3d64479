//! `aiops stats`: counts per status, success rate and wait/run time quantiles, overall, per
//! problem and per worker (see [`crate::stats`] for the definitions).

use std::time::Duration;

use crate::cli::StatsArgs;
use crate::commands::Ctx;
use crate::error::Result;
use crate::stats::{self, Summary};

/// Entry point of `aiops stats`.
pub async fn run(ctx: &Ctx, a: StatsArgs) -> Result<u8> {
    let pool = ctx.pool().await?;
    let s = stats::compute(&pool, a.since).await?;
    if ctx.printer.json() {
        ctx.printer.print_json(&s)?;
        return Ok(0);
    }
    if s.overall.total == 0 {
        ctx.printer.note(match a.since {
            Some(_) => "no tasks were created in that window; widen --since",
            None => "no tasks yet; submit one with 'aiops submit PROBLEM_ID'",
        });
    }
    let mut rows = vec![row("all", "-", &s.overall)];
    rows.extend(
        s.by_problem
            .iter()
            .map(|p| row("problem", &p.problem_id, &p.stats)),
    );
    rows.extend(
        s.by_worker
            .iter()
            .map(|w| row("worker", &w.worker_id, &w.stats)),
    );
    ctx.printer.table(
        &[
            "scope",
            "name",
            "total",
            "pending",
            "running",
            "completed",
            "failed",
            "timeout",
            "cancelled",
            "success",
            "wait p50",
            "wait p95",
            "run p50",
            "run p95",
        ],
        rows,
    )?;
    Ok(0)
}

fn row(scope: &str, name: &str, s: &Summary) -> Vec<String> {
    vec![
        scope.to_string(),
        name.to_string(),
        s.total.to_string(),
        s.pending.to_string(),
        s.running.to_string(),
        s.completed.to_string(),
        s.failed.to_string(),
        s.timeout.to_string(),
        s.cancelled.to_string(),
        s.success_rate
            .map(|r| format!("{:.1}%", r * 100.0))
            .unwrap_or_else(|| "-".into()),
        secs(s.wait_p50_seconds),
        secs(s.wait_p95_seconds),
        secs(s.run_p50_seconds),
        secs(s.run_p95_seconds),
    ]
}

fn secs(v: Option<f64>) -> String {
    match v {
        Some(s) if s.is_finite() && s >= 0.0 => crate::duration::human(Duration::from_secs_f64(s)),
        _ => "-".into(),
    }
}
