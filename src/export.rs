//! The research dataset: finished tasks as JSON Lines records with a fixed field order
//! (documented in README.md, "Research data: export"), streamed from PostgreSQL row by row so
//! memory stays flat however many tasks there are.

use chrono::{DateTime, Utc};
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::PgPool;

use crate::error::Result;
use crate::task::{TaskId, TaskStatus, DEFAULT_MAX_STEPS};

/// One exported task. Field order is the order on each line; keep it stable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ExportRecord {
    pub id: TaskId,
    pub problem_id: String,
    pub status: TaskStatus,
    pub queue: String,
    pub backend_type: Option<crate::task::Backend>,
    /// `parameters.agent_config` (an empty object when none was given).
    pub agent_config: Value,
    /// `parameters.max_steps` (the default when none was given).
    pub max_steps: Value,
    /// Every parameter, including the two above and any extra keys.
    pub parameters: Value,
    pub metadata: Value,
    /// Attempts used, including the last.
    pub attempt: i32,
    pub max_attempts: i32,
    pub worker_id: Option<String>,
    pub exit_code: Option<i32>,
    pub error_details: Option<String>,
    pub created_at: DateTime<Utc>,
    pub run_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// `started_at - run_at` of the last attempt (time a due task waited for a worker).
    pub wait_seconds: Option<f64>,
    /// `completed_at - started_at` of the last attempt.
    pub run_seconds: Option<f64>,
    /// What the run produced: for AIOpsLab, the orchestrator's `results`, the agent's
    /// `history`, `final_state`, `framework_overhead`, session and prompts.
    pub result: Option<Value>,
}

/// Which tasks to export.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Any of these statuses (the caller keeps them terminal).
    pub statuses: Vec<TaskStatus>,
    /// Exact problem id.
    pub problem_id: Option<String>,
    /// Created within this long before the database's now.
    pub created_within: Option<std::time::Duration>,
    /// Only the tasks of this experiment.
    pub experiment: Option<String>,
}

// N.B.: `ORDER BY id` walks the primary key (v7 ids sort by creation), so rows flow at once
// instead of after a sort of the whole result.
const EXPORT_SQL: &str = "\
SELECT id, problem_id, status, queue, backend_type, \
    coalesce(parameters -> 'agent_config', '{}'::jsonb) AS agent_config, \
    coalesce(parameters -> 'max_steps', to_jsonb($4::int8)) AS max_steps, \
    parameters, metadata, attempt, max_attempts, worker_id, exit_code, error_details, \
    created_at, run_at, started_at, completed_at, \
    CASE WHEN started_at >= run_at THEN extract(epoch FROM started_at - run_at)::float8 END AS wait_seconds, \
    CASE WHEN completed_at >= started_at THEN extract(epoch FROM completed_at - started_at)::float8 END AS run_seconds, \
    result \
FROM tasks \
WHERE status = ANY($1::text[]::task_status[]) \
  AND ($2::text IS NULL OR problem_id = $2) \
  AND ($3::float8 IS NULL OR created_at >= now() - make_interval(secs => $3)) \
  AND ($5::text IS NULL OR (metadata ? 'experiment' AND metadata ->> 'experiment' = $5)) \
ORDER BY id";

/// Stream the matching tasks in creation order, one row at a time.
pub fn stream<'a>(pool: &'a PgPool, f: &'a ExportFilter) -> BoxStream<'a, Result<ExportRecord>> {
    let statuses: Vec<&'static str> = f.statuses.iter().map(|s| s.as_str()).collect();
    sqlx::query_as::<_, ExportRecord>(EXPORT_SQL)
        .bind(statuses)
        .bind(f.problem_id.as_deref())
        .bind(f.created_within.map(|d| d.as_secs_f64()))
        .bind(DEFAULT_MAX_STEPS)
        .bind(f.experiment.as_deref())
        .fetch(pool)
        .map(|r| r.map_err(Into::into))
        .boxed()
}
