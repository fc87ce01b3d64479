//! Queues as an operator sees them: pending and running per queue, and pausing one (claims
//! skip a paused queue; its running tasks go on).

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use super::clean_text;
use crate::error::{Error, Result};

/// Most pending tasks counted per queue: counting reads one index entry per task, so a deep
/// queue is shown as "at least this many" and the listing stays fast.
pub const PENDING_COUNT_CAP: i64 = 10_000;

/// One queue: what waits in it, what runs from it, and whether claims skip it.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct QueueInfo {
    /// The queue's name.
    pub name: String,
    /// Pending tasks, counted up to [`PENDING_COUNT_CAP`].
    pub pending: i64,
    /// Whether `pending` reached the cap (there may be more).
    pub pending_capped: bool,
    /// Running tasks.
    pub running: i64,
    /// Whether claims skip this queue.
    pub paused: bool,
    /// When it was paused.
    pub paused_at: Option<DateTime<Utc>>,
    /// Live workers serving it.
    pub workers: i64,
}

/// Every queue that has pending or running tasks, a live worker, or a pause, by name.
///
/// N.B.: the names of queues with pending tasks come from a skip scan of `tasks_claimable`
/// (one index probe per queue), not a scan of every pending row. The planner's estimate of the
/// recursive scan is so high that it would JIT-compile the statement, which takes far longer
/// (half a second) than running it (milliseconds): JIT is off for it.
pub async fn list_queues(pool: &PgPool) -> Result<Vec<QueueInfo>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET LOCAL jit = off").execute(&mut *tx).await?;
    let queues = sqlx::query_as(
        "WITH RECURSIVE pq(name) AS ( \
            (SELECT queue FROM tasks WHERE status = 'pending' ORDER BY queue LIMIT 1) \
            UNION ALL \
            SELECT (SELECT queue FROM tasks WHERE status = 'pending' AND queue > pq.name \
                    ORDER BY queue LIMIT 1) FROM pq WHERE pq.name IS NOT NULL), \
         running AS (SELECT queue AS name, count(*) AS n FROM tasks WHERE status = 'running' \
                     GROUP BY queue), \
         live AS (SELECT unnest(queues) AS name, count(*) AS n FROM workers \
                  WHERE status <> 'offline' AND lease_expires_at >= now() GROUP BY 1), \
         names AS (SELECT name FROM pq WHERE name IS NOT NULL UNION SELECT name FROM running \
                   UNION SELECT name FROM live UNION SELECT queue FROM paused_queues) \
         SELECT n.name, p.pending, p.pending > $1 AS pending_capped, \
                coalesce(r.n, 0) AS running, pz.queue IS NOT NULL AS paused, pz.paused_at, \
                coalesce(l.n, 0) AS workers \
         FROM names n \
         CROSS JOIN LATERAL (SELECT least(count(*), $1) AS pending FROM (SELECT 1 FROM tasks \
             WHERE status = 'pending' AND queue = n.name LIMIT $1 + 1) c) p \
         LEFT JOIN running r ON r.name = n.name \
         LEFT JOIN live l ON l.name = n.name \
         LEFT JOIN paused_queues pz ON pz.queue = n.name \
         ORDER BY n.name",
    )
    .bind(PENDING_COUNT_CAP)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(queues)
}

fn check_name(queue: &str) -> Result<()> {
    if queue.is_empty() || queue.len() > 255 {
        return Err(Error::usage(format!(
            "queue name '{queue}' must be 1 to 255 characters; list queues with 'aiops queues list'"
        )));
    }
    Ok(())
}

/// Pause a queue: claims skip it from now on, running tasks go on. Returns false when it was
/// paused already (pausing again changes nothing).
pub async fn pause_queue(pool: &PgPool, queue: &str) -> Result<bool> {
    check_name(queue)?;
    let done = sqlx::query("INSERT INTO paused_queues (queue) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind(clean_text(queue))
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Resume a paused queue and wake the workers serving it (the same announcement as a submit).
/// Returns false when it was not paused.
pub async fn resume_queue(pool: &PgPool, queue: &str) -> Result<bool> {
    check_name(queue)?;
    let resumed: Option<bool> = sqlx::query_scalar(
        "WITH gone AS (DELETE FROM paused_queues WHERE queue = $1 RETURNING queue) \
         SELECT pg_notify('aiops_submit', queue) IS NULL OR true FROM gone",
    )
    .bind(clean_text(queue))
    .fetch_optional(pool)
    .await?;
    Ok(resumed.is_some())
}
