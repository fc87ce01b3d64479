//! `aiops workers`: who is serving which cluster, and how they are doing; `workers drain`.

use std::time::Duration;

use crate::cli::{WorkersArgs, WorkersCommand};
use crate::commands::{ts, Ctx};
use crate::error::Result;
use crate::queue;

pub async fn run(ctx: &Ctx, a: WorkersArgs) -> Result<u8> {
    let pool = ctx.pool().await?;
    if let Some(WorkersCommand::Drain(d)) = &a.command {
        let w = queue::request_drain(&pool, &d.id).await?;
        if ctx.printer.json() {
            ctx.printer.print_json(&w)?;
        } else {
            ctx.printer.data(format!(
                "worker {} asked to drain: it finishes its running tasks, claims nothing more and exits",
                w.id
            ))?;
        }
        return Ok(0);
    }
    if let Some(id) = &a.id {
        let w = queue::get_worker(&pool, id).await?;
        if ctx.printer.json() {
            ctx.printer.print_json(&w)?;
            return Ok(0);
        }
        ctx.printer.details(&[
            ("id", w.id.clone()),
            ("status", w.status.to_string()),
            ("cluster", w.cluster_name.clone()),
            ("backend", w.backend_type.to_string()),
            (
                "host",
                format!("{} (pid {})", w.hostname, w.pid.unwrap_or(0)),
            ),
            ("version", w.version.clone()),
            ("queues", w.queues.join(", ")),
            ("concurrency", w.concurrency.to_string()),
            (
                "current task",
                w.current_task_id
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "-".into()),
            ),
            ("registered", ts(&w.registered_at)),
            (
                "last heartbeat",
                format!(
                    "{} ({} ago)",
                    ts(&w.last_heartbeat),
                    age(w.heartbeat_age_seconds)
                ),
            ),
            ("completed", w.tasks_completed.to_string()),
            ("failed", w.tasks_failed.to_string()),
            (
                "drain requested",
                if w.drain_requested { "yes" } else { "no" }.into(),
            ),
            ("capabilities", w.capabilities.to_string()),
            ("metadata", w.metadata.to_string()),
        ])?;
        return Ok(0);
    }
    let workers = queue::list_workers(&pool).await?;
    if ctx.printer.json() {
        ctx.printer.print_json(&workers)?;
        return Ok(0);
    }
    if workers.is_empty() {
        ctx.printer
            .note("no workers yet; start one with 'aiops worker run --cluster NAME'");
        return Ok(0);
    }
    // Who runs rescue, callbacks and stats for everyone (one process at a time).
    match queue::maintainer(&pool).await? {
        Some(who) => ctx.printer.note(format!("maintainer: {who}")),
        None => ctx
            .printer
            .note("maintainer: none (every worker and `aiops serve` stands for election)"),
    }
    let rows = workers
        .iter()
        .map(|w| {
            vec![
                w.id.clone(),
                w.status.to_string(),
                w.cluster_name.clone(),
                w.backend_type.to_string(),
                age(w.heartbeat_age_seconds),
                w.current_task_id
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "-".into()),
                w.tasks_completed.to_string(),
                w.tasks_failed.to_string(),
            ]
        })
        .collect();
    ctx.printer.table(
        &[
            "id",
            "status",
            "cluster",
            "backend",
            "heartbeat",
            "current task",
            "done",
            "failed",
        ],
        rows,
    )?;
    Ok(0)
}

fn age(secs: f64) -> String {
    crate::duration::human(Duration::from_secs_f64(secs.max(0.0)))
}
