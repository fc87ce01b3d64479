//! Read-only statistics over tasks, shared by `aiops stats` and `GET /api/v1/stats`.
//!
//! Everything is computed by PostgreSQL in one statement (one scan, `GROUPING SETS` for the
//! overall, per-problem and per-worker rows, `percentile_cont` for the quantiles), so the answer
//! costs the same few seconds at worst on a million tasks and moves no rows to the client.
//!
//! Definitions:
//! - **finished**: completed + failed + timeout + cancelled; **success rate** = completed /
//!   finished (null while nothing finished).
//! - **wait**: `started_at - run_at` of the latest attempt, i.e. how long a due task waited for a
//!   worker (a deliberate `--delay` or a retry backoff is not waiting). Only tasks that started.
//! - **run time**: `completed_at - started_at` of the latest attempt, for finished tasks that ran.

use std::time::Duration;

use serde::Serialize;
use sqlx::PgPool;

use crate::error::Result;

/// Counts and timings over a window of tasks.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Stats {
    /// The window: tasks created within this many seconds (null: every task).
    pub since_seconds: Option<f64>,
    /// Every task in the window.
    pub overall: Summary,
    /// One entry per problem id, by id.
    pub by_problem: Vec<ProblemStats>,
    /// One entry per worker that ran (or runs) a task in the window, by id.
    pub by_worker: Vec<WorkerStats>,
}

/// Counts per status, success rate and wait/run time quantiles of one group of tasks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    /// Tasks in the group.
    pub total: i64,
    pub pending: i64,
    pub running: i64,
    pub completed: i64,
    pub failed: i64,
    pub timeout: i64,
    pub cancelled: i64,
    /// completed + failed + timeout + cancelled.
    pub finished: i64,
    /// completed / finished, from 0 to 1; null while nothing finished.
    pub success_rate: Option<f64>,
    /// Median seconds a due task waited for a worker.
    pub wait_p50_seconds: Option<f64>,
    /// 95th percentile of the wait.
    pub wait_p95_seconds: Option<f64>,
    /// Median seconds from start to end of a finished task's last attempt.
    pub run_p50_seconds: Option<f64>,
    /// 95th percentile of the run time.
    pub run_p95_seconds: Option<f64>,
}

/// [`Summary`] of one problem id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProblemStats {
    pub problem_id: String,
    #[serde(flatten)]
    pub stats: Summary,
}

/// [`Summary`] of the tasks one worker ran.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WorkerStats {
    pub worker_id: String,
    #[serde(flatten)]
    pub stats: Summary,
}

#[derive(sqlx::FromRow)]
struct Row {
    g_problem: i32,
    g_worker: i32,
    problem_id: Option<String>,
    worker_id: Option<String>,
    total: i64,
    pending: i64,
    running: i64,
    completed: i64,
    failed: i64,
    timeout: i64,
    cancelled: i64,
    wait: Option<Vec<Option<f64>>>,
    run: Option<Vec<Option<f64>>>,
}

impl Row {
    fn summary(&self) -> Summary {
        let finished = self.completed + self.failed + self.timeout + self.cancelled;
        let q = |v: &Option<Vec<Option<f64>>>, i: usize| {
            v.as_ref().and_then(|v| v.get(i).copied().flatten())
        };
        Summary {
            total: self.total,
            pending: self.pending,
            running: self.running,
            completed: self.completed,
            failed: self.failed,
            timeout: self.timeout,
            cancelled: self.cancelled,
            finished,
            success_rate: (finished > 0).then(|| self.completed as f64 / finished as f64),
            wait_p50_seconds: q(&self.wait, 0),
            wait_p95_seconds: q(&self.wait, 1),
            run_p50_seconds: q(&self.run, 0),
            run_p95_seconds: q(&self.run, 1),
        }
    }
}

// N.B.: one scan feeds all three grouping sets; `percentile_cont(array[…])` sorts each
// column once per group for both quantiles.
const STATS_SQL: &str = "\
SELECT GROUPING(problem_id) AS g_problem, GROUPING(worker_id) AS g_worker, problem_id, worker_id, \
    count(*) AS total, \
    count(*) FILTER (WHERE status = 'pending') AS pending, \
    count(*) FILTER (WHERE status = 'running') AS running, \
    count(*) FILTER (WHERE status = 'completed') AS completed, \
    count(*) FILTER (WHERE status = 'failed') AS failed, \
    count(*) FILTER (WHERE status = 'timeout') AS timeout, \
    count(*) FILTER (WHERE status = 'cancelled') AS cancelled, \
    percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY wait_s) AS wait, \
    percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY run_s) AS run \
FROM ( \
    SELECT problem_id, worker_id, status, \
        CASE WHEN status <> 'pending' AND started_at >= run_at \
            THEN extract(epoch FROM started_at - run_at)::float8 END AS wait_s, \
        CASE WHEN status NOT IN ('pending', 'running') AND completed_at >= started_at \
            THEN extract(epoch FROM completed_at - started_at)::float8 END AS run_s \
    FROM tasks \
    WHERE ($1::float8 IS NULL OR created_at >= now() - make_interval(secs => $1))) t \
GROUP BY GROUPING SETS ((), (problem_id), (worker_id))";

/// Compute statistics for tasks created within `within` (all tasks when None).
pub async fn compute(pool: &PgPool, within: Option<Duration>) -> Result<Stats> {
    let rows: Vec<Row> = sqlx::query_as(STATS_SQL)
        .bind(within.map(|d| d.as_secs_f64()))
        .fetch_all(pool)
        .await?;
    let mut stats = Stats {
        since_seconds: within.map(|d| d.as_secs_f64()),
        ..Default::default()
    };
    for r in &rows {
        match (r.g_problem, r.g_worker, &r.problem_id, &r.worker_id) {
            (1, 1, _, _) => stats.overall = r.summary(),
            (0, 1, Some(p), _) => stats.by_problem.push(ProblemStats {
                problem_id: p.clone(),
                stats: r.summary(),
            }),
            // Tasks no worker holds (pending, cancelled before a start) have no worker row.
            (1, 0, _, Some(w)) => stats.by_worker.push(WorkerStats {
                worker_id: w.clone(),
                stats: r.summary(),
            }),
            _ => {}
        }
    }
    stats
        .by_problem
        .sort_by(|a, b| a.problem_id.cmp(&b.problem_id));
    stats
        .by_worker
        .sort_by(|a, b| a.worker_id.cmp(&b.worker_id));
    Ok(stats)
}
