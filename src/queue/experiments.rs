//! Experiments as stored: the record of each submitted spec, its tasks (found by the
//! `experiment` tag of their metadata), and what users do to all of them at once.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use super::clean_text;
use super::control::{CANCELLABLE, CANCEL_SET, RETRY_SET};
use super::submit::insert_many;
use crate::error::{Error, Result};
use crate::task::{NewTask, TaskId, TaskStatus};

/// The tasks of experiment `$1`, as the `tasks_experiment` index reads them.
const OF_EXPERIMENT: &str = "metadata ? 'experiment' AND metadata ->> 'experiment' = $1";

/// A stored experiment.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Experiment {
    pub name: String,
    /// The spec of the last submit.
    #[schema(value_type = Object)]
    pub spec: Value,
    /// The schedule that made it, if one did.
    pub schedule: Option<String>,
    /// That schedule's tick.
    pub tick: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An experiment with its tasks counted by status, for `experiment list`.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ExperimentSummary {
    pub name: String,
    pub schedule: Option<String>,
    pub created_at: DateTime<Utc>,
    pub tasks: i64,
    pub pending: i64,
    pub running: i64,
    pub completed: i64,
    pub failed: i64,
    pub timeout: i64,
    pub cancelled: i64,
}

/// What a submit of an experiment did.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SubmittedExperiment {
    pub name: String,
    /// Tasks this submit made.
    pub created: usize,
    /// Cells whose task existed already (an earlier submit made it).
    pub existing: usize,
    /// Every cell's task, in matrix order.
    pub task_ids: Vec<TaskId>,
}

/// Record the experiment and make its tasks, in one transaction.
pub async fn submit_experiment(
    pool: &PgPool,
    name: &str,
    spec: &Value,
    tasks: &[NewTask],
) -> Result<SubmittedExperiment> {
    let mut tx = pool.begin().await?;
    let done = submit_experiment_in(&mut tx, name, spec, tasks, None).await?;
    tx.commit().await?;
    Ok(done)
}

/// [`submit_experiment`] inside a caller's transaction; `origin` is the schedule and tick
/// that fire it.
pub async fn submit_experiment_in(
    tx: &mut PgConnection,
    name: &str,
    spec: &Value,
    tasks: &[NewTask],
    origin: Option<(&str, DateTime<Utc>)>,
) -> Result<SubmittedExperiment> {
    sqlx::query(
        "INSERT INTO experiments (name, spec, schedule, tick) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (name) DO UPDATE SET spec = EXCLUDED.spec, updated_at = now()",
    )
    .bind(name)
    .bind(super::clean_json(spec))
    .bind(origin.map(|(s, _)| s))
    .bind(origin.map(|(_, t)| t))
    .execute(&mut *tx)
    .await?;
    let ids = insert_many(tx, tasks).await?;
    let created = ids.iter().zip(tasks).filter(|(id, t)| **id == t.id).count();
    Ok(SubmittedExperiment {
        name: name.to_string(),
        created,
        existing: tasks.len() - created,
        task_ids: ids,
    })
}

/// One experiment, or not found.
pub async fn get_experiment(pool: &PgPool, name: &str) -> Result<Experiment> {
    sqlx::query_as(
        "SELECT name, spec, schedule, tick, created_at, updated_at FROM experiments WHERE name = $1",
    )
    .bind(name)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| {
        Error::NotFound(format!(
            "no experiment named '{name}'; see 'aiops experiment list'"
        ))
    })
}

/// Every experiment, newest first, with its tasks counted by status.
pub async fn list_experiments(pool: &PgPool) -> Result<Vec<ExperimentSummary>> {
    Ok(sqlx::query_as(
        "SELECT e.name, e.schedule, e.created_at, count(t.id) AS tasks, \
            count(*) FILTER (WHERE t.status = 'pending') AS pending, \
            count(*) FILTER (WHERE t.status = 'running') AS running, \
            count(*) FILTER (WHERE t.status = 'completed') AS completed, \
            count(*) FILTER (WHERE t.status = 'failed') AS failed, \
            count(*) FILTER (WHERE t.status = 'timeout') AS timeout, \
            count(*) FILTER (WHERE t.status = 'cancelled') AS cancelled \
         FROM experiments e LEFT JOIN tasks t \
           ON t.metadata ? 'experiment' AND t.metadata ->> 'experiment' = e.name \
         GROUP BY e.name ORDER BY e.created_at DESC, e.name",
    )
    .fetch_all(pool)
    .await?)
}

/// One task of an experiment with what a status or a report needs: its cell, how it ended,
/// and the AIOpsLab `results` of its result (not the history, which can be large).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ExperimentRun {
    pub id: TaskId,
    pub problem_id: String,
    pub status: TaskStatus,
    pub agent: Option<String>,
    pub task_type: Option<String>,
    pub model: Option<String>,
    pub attempt: i32,
    pub max_attempts: i32,
    pub error_details: Option<String>,
    pub exit_code: Option<i32>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// `result.results`, when the run produced one.
    pub results: Option<Value>,
}

/// The tasks of an experiment in creation order, and the database's now (for an ETA).
pub async fn experiment_runs(
    pool: &PgPool,
    name: &str,
) -> Result<(Vec<ExperimentRun>, DateTime<Utc>)> {
    let runs = sqlx::query_as(&format!(
        "SELECT id, problem_id, status, metadata ->> 'agent' AS agent, \
            metadata ->> 'task_type' AS task_type, metadata ->> 'model' AS model, \
            attempt, max_attempts, error_details, exit_code, started_at, completed_at, \
            CASE WHEN jsonb_typeof(result -> 'results') = 'object' THEN result -> 'results' END \
                AS results \
         FROM tasks WHERE {OF_EXPERIMENT} ORDER BY id"
    ))
    .bind(name)
    .fetch_all(pool)
    .await?;
    let (now,): (DateTime<Utc>,) = sqlx::query_as("SELECT now()").fetch_one(pool).await?;
    Ok((runs, now))
}

/// What an experiment's cancel did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExperimentCancelled {
    /// Pending tasks now cancelled.
    pub cancelled: i64,
    /// Running tasks whose workers were asked to stop them.
    pub requested: i64,
}

/// Cancel every unfinished task of an experiment in one statement, as `cancel` does one.
pub async fn cancel_experiment(
    pool: &PgPool,
    name: &str,
    reason: Option<&str>,
) -> Result<ExperimentCancelled> {
    get_experiment(pool, name).await?;
    let (cancelled, requested): (i64, i64) = sqlx::query_as(&format!(
        "WITH c AS (UPDATE tasks SET {CANCEL_SET} WHERE {OF_EXPERIMENT} AND {CANCELLABLE} \
            RETURNING status) \
         SELECT count(*) FILTER (WHERE status = 'cancelled'), \
                count(*) FILTER (WHERE status = 'running') FROM c"
    ))
    .bind(name)
    .bind(reason.map(clean_text))
    .fetch_one(pool)
    .await?;
    Ok(ExperimentCancelled {
        cancelled,
        requested,
    })
}

/// Put an experiment's tasks in these ended states back in the queue for one more attempt,
/// in one statement; returns how many.
pub async fn retry_experiment(pool: &PgPool, name: &str, statuses: &[TaskStatus]) -> Result<i64> {
    get_experiment(pool, name).await?;
    let statuses: Vec<&str> = statuses
        .iter()
        .filter(|s| s.is_retryable())
        .map(|s| s.as_str())
        .collect();
    let (n,): (i64,) = sqlx::query_as(&format!(
        "WITH r AS (UPDATE tasks SET {RETRY_SET} WHERE {OF_EXPERIMENT} \
            AND status = ANY($2::text[]::task_status[]) RETURNING 1) \
         SELECT count(*) FROM r"
    ))
    .bind(name)
    .bind(statuses)
    .fetch_one(pool)
    .await?;
    Ok(n)
}
