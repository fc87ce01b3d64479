//! What users do to tasks that exist, from the CLI or HTTP: cancel one, cancel every pending
//! task a filter matches, retry one that ended badly.

use std::sync::LazyLock;

use serde::Serialize;
use sqlx::PgPool;

use super::read::{bind_filter, FILTER_SQL};
use super::{clean_text, get, TaskFilter, TASK_COLUMNS};
use crate::error::{Error, Result};
use crate::task::{Task, TaskId, TaskStatus};

/// What a cancel did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CancelOutcome {
    /// The task was pending and is now cancelled.
    Cancelled,
    /// The task is running; its worker was asked to stop it.
    Requested,
    /// It was cancelled before; nothing changed.
    AlreadyCancelled,
}

/// What a cancel sets: a pending task ends `cancelled` at once, a running one gets a request
/// its worker hears by NOTIFY; `$2` is the reason. Shared by every cancel of running tasks.
pub(super) const CANCEL_SET: &str = "\
    status = CASE WHEN status = 'pending' THEN 'cancelled'::task_status ELSE status END, \
    completed_at = CASE WHEN status = 'pending' THEN now() ELSE completed_at END, \
    error_details = CASE WHEN status = 'pending' \
        THEN 'cancelled' || coalesce(': ' || $2, '') ELSE error_details END, \
    cancel_requested = true, cancel_reason = $2, updated_at = now()";

/// Which tasks a cancel changes: pending ones, and running ones not yet asked to stop.
pub(super) const CANCELLABLE: &str =
    "status IN ('pending', 'running') AND NOT (status = 'running' AND cancel_requested)";

/// What a retry sets: one more attempt, from now, with the last attempt's outcome cleared.
pub(super) const RETRY_SET: &str = "\
    status = 'pending', max_attempts = greatest(max_attempts, attempt + 1), \
    run_at = now(), completed_at = NULL, cancel_requested = false, cancel_reason = NULL, \
    worker_id = NULL, error_details = NULL, exit_code = NULL, result = NULL, \
    progress = NULL, updated_at = now()";

/// Cancel a task: pending ones at once, running ones by a request the owning worker hears
/// by NOTIFY. A task that already ended otherwise is a conflict.
pub async fn cancel(pool: &PgPool, id: TaskId, reason: Option<&str>) -> Result<CancelOutcome> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!("UPDATE tasks SET {CANCEL_SET} WHERE id = $1 AND {CANCELLABLE} RETURNING status")
    });
    let row: Option<(TaskStatus,)> = sqlx::query_as(SQL.as_str())
        .bind(id)
        .bind(reason.map(clean_text))
        .fetch_optional(pool)
        .await?;
    match row {
        Some((TaskStatus::Cancelled,)) => Ok(CancelOutcome::Cancelled),
        Some(_) => Ok(CancelOutcome::Requested),
        None => {
            let task = get(pool, id).await?;
            match task.status {
                TaskStatus::Cancelled => Ok(CancelOutcome::AlreadyCancelled),
                TaskStatus::Running => Ok(CancelOutcome::Requested),
                other => Err(Error::Conflict(format!(
                    "task {id} already ended {other}; only pending or running tasks can be cancelled"
                ))),
            }
        }
    }
}

/// Cancel every pending task matching the filter in one statement; returns their ids.
pub async fn cancel_pending(
    pool: &PgPool,
    f: &TaskFilter,
    reason: Option<&str>,
) -> Result<Vec<TaskId>> {
    let sql = format!(
        "UPDATE tasks SET status = 'cancelled', completed_at = now(), cancel_requested = true, \
            cancel_reason = $13, error_details = 'cancelled' || coalesce(': ' || $13, ''), \
            updated_at = now() \
         WHERE status = 'pending' AND {FILTER_SQL} RETURNING id"
    );
    let rows: Vec<(TaskId,)> = bind_filter(sqlx::query_as(&sql), f)
        .bind(reason.map(clean_text))
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A change made to every task a filter (or a selection) matches, from the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    /// Cancel: pending tasks at once, running ones by a request to their worker.
    Cancel,
    /// Retry failed, timed-out and cancelled tasks.
    Retry,
}

impl BulkAction {
    /// The statuses it changes.
    fn statuses(self) -> &'static [TaskStatus] {
        match self {
            BulkAction::Cancel => &[TaskStatus::Pending, TaskStatus::Running],
            BulkAction::Retry => &[
                TaskStatus::Failed,
                TaskStatus::Timeout,
                TaskStatus::Cancelled,
            ],
        }
    }

    /// The filter narrowed to the tasks the action changes; `None` when none can match.
    fn narrow(self, f: &TaskFilter) -> Option<TaskFilter> {
        let statuses: Vec<TaskStatus> = self
            .statuses()
            .iter()
            .copied()
            .filter(|s| f.statuses.is_empty() || f.statuses.contains(s))
            .collect();
        (!statuses.is_empty()).then(|| TaskFilter {
            statuses,
            ..f.clone()
        })
    }
}

/// How many tasks [`bulk`] would change now: what the confirmation says.
pub async fn bulk_count(pool: &PgPool, f: &TaskFilter, action: BulkAction) -> Result<i64> {
    match action.narrow(f) {
        Some(n) => super::count(pool, &n).await,
        None => Ok(0),
    }
}

/// Apply `action` to every task the filter matches, in one statement; returns how many changed.
pub async fn bulk(pool: &PgPool, f: &TaskFilter, action: BulkAction) -> Result<u64> {
    let Some(n) = action.narrow(f) else {
        return Ok(0);
    };
    let sql = match action {
        BulkAction::Cancel => format!(
            "UPDATE tasks SET \
                status = CASE WHEN status = 'pending' THEN 'cancelled'::task_status ELSE status END, \
                completed_at = CASE WHEN status = 'pending' THEN now() ELSE completed_at END, \
                error_details = CASE WHEN status = 'pending' THEN 'cancelled: from the dashboard' \
                    ELSE error_details END, \
                cancel_requested = true, cancel_reason = 'from the dashboard', updated_at = now() \
             WHERE NOT (status = 'running' AND cancel_requested) AND {FILTER_SQL}"
        ),
        BulkAction::Retry => format!(
            "UPDATE tasks SET status = 'pending', max_attempts = greatest(max_attempts, attempt + 1), \
                run_at = now(), completed_at = NULL, cancel_requested = false, cancel_reason = NULL, \
                worker_id = NULL, error_details = NULL, exit_code = NULL, result = NULL, \
                progress = NULL, updated_at = now() \
             WHERE {FILTER_SQL}"
        ),
    };
    let sql = format!("WITH done AS ({sql} RETURNING 1) SELECT count(*) FROM done");
    let (changed,): (i64,) = bind_filter(sqlx::query_as(&sql), &n)
        .fetch_one(pool)
        .await?;
    Ok(changed as u64)
}

/// Put a failed, timed-out or cancelled task back in the queue for one more attempt.
pub async fn retry(pool: &PgPool, id: TaskId) -> Result<Task> {
    let sql = format!(
        "UPDATE tasks SET {RETRY_SET} \
         WHERE id = $1 AND status IN ('failed', 'timeout', 'cancelled') RETURNING {TASK_COLUMNS}"
    );
    match sqlx::query_as::<_, Task>(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await?
    {
        Some(t) => Ok(t),
        None => {
            let t = get(pool, id).await?;
            Err(Error::Conflict(format!(
                "task {id} is {}; only failed, timeout or cancelled tasks can be retried",
                t.status
            )))
        }
    }
}

/// A worker's running tasks whose cancel was requested: what an HTTP worker waiting on
/// `serve` is told (a direct worker hears it on [`crate::notify::CANCEL`]).
pub async fn cancels_for(pool: &sqlx::PgPool, worker_id: &str) -> Result<Vec<TaskId>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM tasks WHERE worker_id = $1 AND status = 'running' AND cancel_requested",
    )
    .bind(worker_id)
    .fetch_all(pool)
    .await?)
}
