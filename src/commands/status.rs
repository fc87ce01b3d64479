//! `aiops status`: the task list, or every field of one task.

use serde::Serialize;
use serde_json::json;

use crate::callbacks::{self, Delivery};
use crate::cli::StatusArgs;
use crate::commands::output::ellipsize;
use crate::commands::{resolve_ids, ts, Ctx};
use crate::error::{Error, Result};
use crate::queue::{self, TaskFilter, TaskSort};
use crate::task::{parse_status_list, Task};

/// One task in detail: every task field, plus its callback deliveries when it has a callback URL.
#[derive(Serialize)]
struct TaskView {
    #[serde(flatten)]
    task: Task,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_deliveries: Option<Vec<Delivery>>,
}

pub async fn run(ctx: &Ctx, a: StatusArgs) -> Result<u8> {
    let statuses = match &a.status {
        Some(s) => parse_status_list(s).map_err(|e| Error::usage(format!("--status: {e}")))?,
        None => Vec::new(),
    };
    if !(1..=10_000).contains(&a.limit) {
        return Err(Error::usage("--limit must be from 1 to 10000"));
    }
    let pool = ctx.pool().await?;
    if !a.ids.is_empty() {
        let ids = resolve_ids(&pool, &a.ids).await?;
        let mut tasks = Vec::with_capacity(ids.len());
        for id in ids {
            let task = queue::get(&pool, id).await?;
            let callback_deliveries = match task.callback_url {
                Some(_) => Some(callbacks::deliveries(&pool, id).await?),
                None => None,
            };
            tasks.push(TaskView {
                task,
                callback_deliveries,
            });
        }
        if ctx.printer.json() {
            return if tasks.len() == 1 {
                ctx.printer.print_json(&tasks[0])
            } else {
                ctx.printer.print_json(&tasks)
            }
            .map(|_| 0);
        }
        for (i, t) in tasks.iter().enumerate() {
            if i > 0 {
                ctx.printer.data("")?;
            }
            detail(ctx, &t.task, t.callback_deliveries.as_deref())?;
        }
        return Ok(0);
    }
    let filter = TaskFilter {
        statuses,
        problem_id: a.problem.clone(),
        worker_id: a.worker.clone(),
        queue: a.queue.clone(),
        created_within: a.since,
        ..Default::default()
    };
    let (tasks, total) = queue::list(&pool, &filter, TaskSort::NewestFirst, a.limit, 0).await?;
    if ctx.printer.json() {
        ctx.printer
            .print_json(&json!({"tasks": tasks, "total": total, "limit": a.limit, "offset": 0}))?;
        return Ok(0);
    }
    if tasks.is_empty() {
        ctx.printer
            .note("no tasks match; submit one with 'aiops submit PROBLEM_ID'");
        return Ok(0);
    }
    let now = chrono::Utc::now();
    let rows = tasks
        .iter()
        .map(|t| {
            vec![
                t.id.to_string(),
                t.status.to_string(),
                ellipsize(&t.problem_id, 48),
                t.queue.clone(),
                t.priority.to_string(),
                format!("{}/{}", t.attempt, t.max_attempts),
                t.worker_id.clone().unwrap_or_else(|| "-".into()),
                age(now, t.created_at),
                run_time(t),
            ]
        })
        .collect();
    ctx.printer.table(
        &[
            "id", "status", "problem", "queue", "pri", "attempt", "worker", "age", "run time",
        ],
        rows,
    )?;
    if total > tasks.len() as i64 {
        ctx.printer.note(format!(
            "showing {} of {total} tasks; use --limit or filters to see more",
            tasks.len()
        ));
    }
    Ok(0)
}

fn age(now: chrono::DateTime<chrono::Utc>, t: chrono::DateTime<chrono::Utc>) -> String {
    crate::duration::human((now - t).to_std().unwrap_or_default())
}

fn run_time(t: &Task) -> String {
    match (t.started_at, t.completed_at) {
        (Some(s), Some(e)) => crate::duration::human((e - s).to_std().unwrap_or_default()),
        (Some(s), None) if t.status == crate::task::TaskStatus::Running => format!(
            "{}…",
            crate::duration::human((chrono::Utc::now() - s).to_std().unwrap_or_default())
        ),
        _ => "-".into(),
    }
}

fn opt_ts(t: &Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.as_ref().map(ts).unwrap_or_else(|| "-".into())
}

fn detail(ctx: &Ctx, t: &Task, deliveries: Option<&[Delivery]>) -> Result<()> {
    let mut rows: Vec<(&str, String)> = vec![
        ("id", t.id.to_string()),
        ("problem", t.problem_id.clone()),
        ("status", t.status.to_string()),
        ("queue", t.queue.clone()),
        ("priority", t.priority.to_string()),
        (
            "backend",
            t.backend_type.map_or("any", |b| b.as_str()).to_string(),
        ),
        ("attempt", format!("{} of {}", t.attempt, t.max_attempts)),
        ("worker", t.worker_id.clone().unwrap_or_else(|| "-".into())),
        ("timeout", crate::duration::human(t.timeout())),
        ("max steps", t.max_steps().to_string()),
        ("agent config", t.agent_config().to_string()),
        ("parameters", t.parameters.to_string()),
        ("metadata", t.metadata.to_string()),
        ("created", ts(&t.created_at)),
        ("run at", ts(&t.run_at)),
        ("started", opt_ts(&t.started_at)),
        ("completed", opt_ts(&t.completed_at)),
        ("heartbeat", opt_ts(&t.heartbeat_at)),
        ("run time", run_time(t)),
    ];
    if let Some(p) = &t.progress {
        rows.push(("progress", p.to_string()));
    }
    if t.cancel_requested && !t.status.is_terminal() {
        rows.push(("cancel", "requested".into()));
    }
    if let Some(c) = &t.callback_url {
        let mut v = c.clone();
        for d in deliveries.unwrap_or_default() {
            v.push('\n');
            v.push_str(&delivery_line(d));
        }
        rows.push(("callback", v));
    }
    if let Some(k) = &t.idempotency_key {
        rows.push(("idempotency key", k.clone()));
    }
    if let Some(code) = t.exit_code {
        rows.push(("exit code", code.to_string()));
    }
    if let Some(e) = &t.error_details {
        rows.push(("error", e.clone()));
    }
    if let Some(r) = &t.result {
        rows.push(("result", result_summary(r)));
    }
    ctx.printer.details(&rows)
}

/// A short view of a result: AIOpsLab's `results` object when there is one, else the JSON cut short.
fn result_summary(r: &serde_json::Value) -> String {
    if let Some(obj) = r.get("results").and_then(|v| v.as_object()) {
        let mut parts: Vec<String> = obj.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        if let Some(h) = r.get("history").and_then(|v| v.as_array()) {
            parts.push(format!("history: {} messages", h.len()));
        }
        return parts.join("\n");
    }
    ellipsize(&r.to_string(), 200)
}

/// `delivered (after 3 attempts, HTTP 200) at …` and the like, one line per delivery.
fn delivery_line(d: &Delivery) -> String {
    let tries = format!(
        "{} attempt{}",
        d.attempts,
        if d.attempts == 1 { "" } else { "s" }
    );
    let last = match (&d.last_status, &d.last_error) {
        (_, Some(e)) => format!(", last error: {}", ellipsize(e, 120)),
        (Some(s), None) => format!(", HTTP {s}"),
        _ => String::new(),
    };
    match d.state.as_str() {
        "delivered" => format!(
            "on {}: delivered at {} ({tries}{last})",
            d.task_status,
            opt_ts(&d.delivered_at)
        ),
        "failed" => format!("on {}: failed, gave up ({tries}{last})", d.task_status),
        _ => format!(
            "on {}: pending, next try at {} ({tries}{last})",
            d.task_status,
            ts(&d.next_attempt_at)
        ),
    }
}
