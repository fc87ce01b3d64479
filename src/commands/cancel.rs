//! `aiops cancel`: by id (pending at once, running via the worker), or every matching pending task.

use serde_json::json;

use crate::cli::CancelArgs;
use crate::commands::Ctx;
use crate::error::{Error, Result};
use crate::queue::{self, CancelOutcome, TaskFilter};
use crate::task::{parse_status_list, TaskStatus};

pub async fn run(ctx: &Ctx, a: CancelArgs) -> Result<u8> {
    if a.all {
        return all(ctx, &a).await;
    }
    let pool = ctx.pool().await?;
    let mut results = Vec::new();
    let mut first_err: Option<Error> = None;
    for input in &a.ids {
        let outcome = match queue::resolve_id(&pool, input).await {
            Ok(id) => queue::cancel(&pool, id, a.reason.as_deref())
                .await
                .map(|o| (id, o)),
            Err(e) => Err(e),
        };
        match outcome {
            Ok((id, o)) => {
                if !ctx.printer.json() {
                    let what = match o {
                        CancelOutcome::Cancelled => "cancelled",
                        CancelOutcome::Requested => "cancel requested (its worker stops it)",
                        CancelOutcome::AlreadyCancelled => "already cancelled",
                    };
                    ctx.printer.data(format!("{id} {what}"))?;
                }
                results.push(json!({"id": id, "outcome": o}));
            }
            Err(e) => {
                if a.ids.len() == 1 {
                    return Err(e);
                }
                eprintln!(
                    "error: {}: {}",
                    input,
                    crate::error::one_line(&e.to_string())
                );
                first_err.get_or_insert(e);
            }
        }
    }
    if ctx.printer.json() {
        ctx.printer.print_json(&results)?;
    }
    Ok(first_err.map(|e| e.exit_code()).unwrap_or(0))
}

async fn all(ctx: &Ctx, a: &CancelArgs) -> Result<u8> {
    let statuses = parse_status_list(a.status.as_deref().unwrap_or_default())
        .map_err(|e| Error::usage(format!("--status: {e}")))?;
    if statuses != [TaskStatus::Pending] {
        return Err(Error::usage(
            "cancel --all only cancels pending tasks: pass --status pending (cancel running tasks by id)",
        ));
    }
    let filter = TaskFilter {
        statuses,
        problem_id: a.problem.clone(),
        queue: a.queue.clone(),
        ..Default::default()
    };
    let pool = ctx.pool().await?;
    let n = queue::count(&pool, &filter).await?;
    if n == 0 {
        ctx.printer
            .note("no pending tasks match; nothing cancelled");
        if ctx.printer.json() {
            ctx.printer.print_json(&json!({"cancelled": []}))?;
        }
        return Ok(0);
    }
    if !ctx
        .printer
        .confirm(&format!("Cancel {n} pending tasks?"), a.yes)?
    {
        ctx.printer.note("nothing cancelled");
        return Ok(0);
    }
    let ids = queue::cancel_pending(&pool, &filter, a.reason.as_deref()).await?;
    if ctx.printer.json() {
        ctx.printer.print_json(&json!({"cancelled": ids}))?;
    } else {
        ctx.printer
            .note(format!("cancelled {} pending tasks", ids.len()));
    }
    Ok(0)
}
