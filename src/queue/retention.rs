//! Deleting finished tasks once they are old enough (`aiops prune`), in short batches that never
//! wait on workers.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::error::Result;
use crate::task::TaskStatus;

/// The instant, by the database's clock, before which finished tasks count as older than `age`.
/// Read once, so a prune's count, prompt and batches all use the same line.
pub async fn retention_cutoff(pool: &PgPool, age: Duration) -> Result<DateTime<Utc>> {
    let (cutoff,): (DateTime<Utc>,) = sqlx::query_as("SELECT now() - make_interval(secs => $1)")
        .bind(age.as_secs_f64())
        .fetch_one(pool)
        .await?;
    Ok(cutoff)
}

/// How many tasks in each of `statuses` (terminal ones only) finished before `cutoff`.
pub async fn count_prunable(
    pool: &PgPool,
    cutoff: DateTime<Utc>,
    statuses: &[TaskStatus],
) -> Result<Vec<(TaskStatus, i64)>> {
    let statuses: Vec<&str> = statuses
        .iter()
        .filter(|s| s.is_terminal())
        .map(|s| s.as_str())
        .collect();
    Ok(sqlx::query_as(
        "SELECT status, count(*) FROM tasks \
         WHERE completed_at < $1 AND status = ANY($2::text[]::task_status[]) \
         GROUP BY status ORDER BY status",
    )
    .bind(cutoff)
    .bind(&statuses)
    .fetch_all(pool)
    .await?)
}

/// Delete up to `limit` tasks in `statuses` (terminal ones only) that finished before `cutoff`,
/// with their logs and callback deliveries (ON DELETE CASCADE). Short statements that skip
/// rows others hold, so a prune never waits on or blocks workers; call until it returns less
/// than `limit`.
pub async fn prune_batch(
    pool: &PgPool,
    cutoff: DateTime<Utc>,
    statuses: &[TaskStatus],
    limit: i64,
) -> Result<u64> {
    let statuses: Vec<&str> = statuses
        .iter()
        .filter(|s| s.is_terminal())
        .map(|s| s.as_str())
        .collect();
    // N.B.: the outer conditions repeat the inner ones: a row retried between the pick and the
    // delete is re-checked against its new version and kept.
    let done = sqlx::query(
        "DELETE FROM tasks WHERE id IN ( \
            SELECT id FROM tasks \
            WHERE completed_at < $1 AND status = ANY($2::text[]::task_status[]) \
            LIMIT $3 FOR UPDATE SKIP LOCKED) \
         AND completed_at < $1 AND status = ANY($2::text[]::task_status[])",
    )
    .bind(cutoff)
    .bind(&statuses)
    .bind(limit)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Delete every task of `queues`, whatever its status, with its logs and callback deliveries
/// (ON DELETE CASCADE); returns how many went. For `aiops bench`, whose queues are its own:
/// its measurements must start from an empty queue and leave nothing behind.
pub async fn delete_queues(pool: &PgPool, queues: &[String]) -> Result<u64> {
    let done = sqlx::query("DELETE FROM tasks WHERE queue = ANY($1)")
        .bind(queues)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
