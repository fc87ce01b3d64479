//! `aiops prune`: delete finished tasks (with their logs and callback deliveries) that ended
//! longer ago than a given age, in short batches; `--dry-run` only counts.

use serde_json::json;

use crate::cli::PruneArgs;
use crate::commands::{ts, Ctx};
use crate::error::{Error, Result};
use crate::queue;
use crate::task::{parse_status_list, TaskStatus};

/// Tasks per DELETE statement: short locks, few round trips.
const BATCH: i64 = 1_000;

/// Entry point of `aiops prune`.
pub async fn run(ctx: &Ctx, a: PruneArgs) -> Result<u8> {
    let statuses = match &a.status {
        Some(s) => parse_status_list(s).map_err(|e| Error::usage(format!("--status: {e}")))?,
        None => Vec::new(),
    };
    if let Some(s) = statuses.iter().find(|s| !s.is_terminal()) {
        return Err(Error::usage(format!(
            "--status {s}: prune only deletes finished tasks; use completed, failed, timeout or cancelled (cancel pending tasks with 'aiops cancel')"
        )));
    }
    let statuses: Vec<TaskStatus> = if statuses.is_empty() {
        TaskStatus::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
            .collect()
    } else {
        statuses
    };
    let pool = ctx.pool().await?;
    let cutoff = queue::retention_cutoff(&pool, a.older_than).await?;
    let counts = queue::count_prunable(&pool, cutoff, &statuses).await?;
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let by_status: serde_json::Map<String, serde_json::Value> = counts
        .iter()
        .map(|(s, n)| (s.to_string(), json!(n)))
        .collect();
    if a.dry_run {
        if ctx.printer.json() {
            ctx.printer.print_json(&json!({
                "dry_run": true, "cutoff": cutoff, "would_delete": total, "by_status": by_status,
            }))?;
        } else {
            let rows = counts
                .iter()
                .map(|(s, n)| vec![s.to_string(), n.to_string()])
                .collect();
            ctx.printer.table(&["status", "tasks"], rows)?;
            ctx.printer.note(format!(
                "dry run: would delete {total} finished tasks that ended before {} (and their logs); nothing deleted",
                ts(&cutoff)
            ));
        }
        return Ok(0);
    }
    if total == 0 {
        ctx.printer.note(format!(
            "no finished tasks ended before {}; nothing deleted",
            ts(&cutoff)
        ));
        if ctx.printer.json() {
            ctx.printer
                .print_json(&json!({"dry_run": false, "cutoff": cutoff, "deleted": 0}))?;
        }
        return Ok(0);
    }
    let question = format!(
        "Delete {total} finished tasks that ended before {} and their logs?",
        ts(&cutoff)
    );
    if !ctx.printer.confirm(&question, a.yes)? {
        ctx.printer.note("nothing deleted");
        return Ok(0);
    }
    let mut deleted = 0u64;
    loop {
        let n = queue::prune_batch(&pool, cutoff, &statuses, BATCH).await?;
        deleted += n;
        if n < BATCH as u64 {
            break;
        }
    }
    if ctx.printer.json() {
        ctx.printer
            .print_json(&json!({"dry_run": false, "cutoff": cutoff, "deleted": deleted}))?;
    } else {
        ctx.printer.note(format!(
            "deleted {deleted} finished tasks that ended before {} (and their logs)",
            ts(&cutoff)
        ));
    }
    Ok(0)
}
