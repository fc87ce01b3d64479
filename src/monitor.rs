//! Read-only snapshots of the queue for health checks and Prometheus scrapes: counts by
//! status and queue, the pending backlog, workers by status, and wait/run time buckets.
//! Nothing here changes state (that is `queue`'s job).

use serde::Serialize;
use sqlx::PgPool;

use crate::error::Result;

/// Tasks in one status of one queue.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct StatusCount {
    pub status: String,
    pub queue: String,
    pub count: i64,
}

/// Tasks by status and queue.
pub async fn task_counts(pool: &PgPool) -> Result<Vec<StatusCount>> {
    Ok(sqlx::query_as(
        "SELECT status::text AS status, queue, count(*) AS count FROM tasks \
         GROUP BY status, queue ORDER BY status, queue",
    )
    .fetch_all(pool)
    .await?)
}

/// The pending backlog: how many tasks are due and how long the oldest due one has waited.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Backlog {
    /// Pending tasks whose `run_at` has come.
    pub depth: i64,
    /// Seconds the oldest due pending task has waited since its `run_at` (0 when none).
    pub oldest_pending_age_seconds: f64,
}

/// Read the [`Backlog`].
pub async fn backlog(pool: &PgPool) -> Result<Backlog> {
    let (depth, age): (i64, Option<f64>) = sqlx::query_as(
        "SELECT count(*), extract(epoch FROM now() - min(run_at))::float8 FROM tasks \
         WHERE status = 'pending' AND run_at <= now()",
    )
    .fetch_one(pool)
    .await?;
    Ok(Backlog {
        depth,
        oldest_pending_age_seconds: age.unwrap_or(0.0).max(0.0),
    })
}

/// Workers by effective status (`offline` once the lease ran out).
pub async fn worker_counts(pool: &PgPool) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT CASE WHEN status <> 'offline' AND lease_expires_at < now() THEN 'offline' \
                ELSE status END AS s, count(*) FROM workers GROUP BY s ORDER BY s",
    )
    .fetch_all(pool)
    .await?)
}

/// Upper bounds (seconds) of the wait and run time histogram buckets.
pub const DURATION_BUCKETS: [f64; 14] = [
    0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 86400.0,
];

/// A histogram read from the database: per-bucket (not cumulative) counts, the last one
/// for values above every bound, plus the sum and count.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Buckets {
    pub counts: Vec<u64>,
    pub sum: f64,
    pub count: u64,
}

async fn buckets(pool: &PgPool, value_sql: &str, where_sql: &str) -> Result<Buckets> {
    // width_bucket(v, bounds) = how many bounds are <= v, i.e. the bucket index.
    let sql = format!(
        "SELECT width_bucket(v, $1::float8[]) AS i, count(*), coalesce(sum(v), 0)::float8 \
         FROM (SELECT greatest(0, extract(epoch FROM {value_sql}))::float8 AS v FROM tasks \
               WHERE {where_sql}) x GROUP BY i"
    );
    let rows: Vec<(i32, i64, f64)> = sqlx::query_as(&sql)
        .bind(&DURATION_BUCKETS[..])
        .fetch_all(pool)
        .await?;
    let mut b = Buckets {
        counts: vec![0; DURATION_BUCKETS.len() + 1],
        ..Default::default()
    };
    for (i, n, s) in rows {
        let i = (i.max(0) as usize).min(DURATION_BUCKETS.len());
        b.counts[i] += n as u64;
        b.sum += s;
        b.count += n as u64;
    }
    Ok(b)
}

/// Time from due (`run_at`) to start of the latest attempt, over every started task.
pub async fn wait_buckets(pool: &PgPool) -> Result<Buckets> {
    buckets(pool, "started_at - run_at", "started_at IS NOT NULL").await
}

/// Run time of the latest attempt, over every finished task that started.
pub async fn run_buckets(pool: &PgPool) -> Result<Buckets> {
    buckets(
        pool,
        "completed_at - started_at",
        "status IN ('completed', 'failed', 'timeout', 'cancelled') \
         AND started_at IS NOT NULL AND completed_at IS NOT NULL",
    )
    .await
}
