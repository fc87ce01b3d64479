//! `aiops queues`: what waits and runs per queue; pause and resume one.

use crate::cli::{QueuesArgs, QueuesCommand};
use crate::commands::{ts, Ctx};
use crate::error::Result;
use crate::queue;

pub async fn run(ctx: &Ctx, a: QueuesArgs) -> Result<u8> {
    let pool = ctx.pool().await?;
    let (name, paused) = match a.command {
        QueuesCommand::List => return list(ctx, &pool).await,
        QueuesCommand::Pause(q) => (q.queue, true),
        QueuesCommand::Resume(q) => (q.queue, false),
    };
    let changed = if paused {
        queue::pause_queue(&pool, &name).await?
    } else {
        queue::resume_queue(&pool, &name).await?
    };
    if ctx.printer.json() {
        ctx.printer.print_json(&serde_json::json!({
            "queue": name, "paused": paused, "changed": changed,
        }))?;
        return Ok(0);
    }
    let line = match (paused, changed) {
        (true, true) => {
            format!("queue {name} paused: workers claim nothing from it; running tasks go on")
        }
        (true, false) => format!("queue {name} was paused already"),
        (false, true) => format!("queue {name} resumed"),
        (false, false) => format!("queue {name} was not paused"),
    };
    ctx.printer.data(line)?;
    Ok(0)
}

async fn list(ctx: &Ctx, pool: &sqlx::PgPool) -> Result<u8> {
    let queues = queue::list_queues(pool).await?;
    if ctx.printer.json() {
        ctx.printer.print_json(&queues)?;
        return Ok(0);
    }
    if queues.is_empty() {
        ctx.printer
            .note("no queues yet; submit a task with 'aiops submit --queue NAME'");
        return Ok(0);
    }
    let rows = queues
        .iter()
        .map(|q| {
            vec![
                q.name.clone(),
                if q.pending_capped {
                    format!("{}+", q.pending)
                } else {
                    q.pending.to_string()
                },
                q.running.to_string(),
                q.workers.to_string(),
                match &q.paused_at {
                    Some(at) => format!("paused since {}", ts(at)),
                    None => "active".into(),
                },
            ]
        })
        .collect();
    ctx.printer
        .table(&["queue", "pending", "running", "workers", "state"], rows)?;
    Ok(0)
}
