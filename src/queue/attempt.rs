//! What a worker's attempt did: heartbeats, progress, log lines, and how it ended (completed,
//! failed, released). Every write is fenced (see [`Fence`]). The rescue of attempts whose
//! worker went silent lives here too: it ends attempts on their worker's behalf.

use std::time::Duration;

use serde_json::Value;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::{clean_json, clean_text, Fence};
use crate::error::Result;
use crate::log::NewLogLine;
use crate::task::{TaskId, TaskStatus};

/// A running task as the heartbeat sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct HeldTask {
    /// The task.
    pub task_id: TaskId,
    /// True once someone asked to cancel it.
    pub cancel_requested: bool,
}

/// Extend the leases of the given attempts; returns the ones this worker still holds (a task
/// missing from the answer was rescued or finished elsewhere: stop working on it).
///
/// N.B.: rows are read and locked by id alone and the fence is checked on the locked rows: with
/// `worker_id = $3` next to the id, the planner may prefer a plan
/// that reads every task the worker ever ran over one probe per held task, and a heartbeat
/// must stay cheap however long the worker has lived (see `docs/performance.md`).
pub async fn heartbeat_tasks(
    pool: &PgPool,
    worker_id: &str,
    held: &[(TaskId, i32)],
    lease: Duration,
) -> Result<Vec<HeldTask>> {
    if held.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = held.iter().map(|(id, _)| id.0).collect();
    let attempts: Vec<i32> = held.iter().map(|(_, a)| *a).collect();
    let rows: Vec<(TaskId, bool)> = sqlx::query_as(
        "WITH locked AS ( \
            SELECT t.id, t.attempt, t.worker_id, t.status, f.attempt AS fenced_attempt \
            FROM unnest($1::uuid[], $2::int4[]) AS f(id, attempt) JOIN tasks t ON t.id = f.id \
            ORDER BY t.id FOR UPDATE OF t) \
         UPDATE tasks t SET heartbeat_at = now(), \
            lease_expires_at = now() + make_interval(secs => $4) \
         FROM locked l \
         WHERE t.id = l.id AND l.attempt = l.fenced_attempt AND l.worker_id = $3 \
           AND l.status = 'running' \
         RETURNING t.id, t.cancel_requested",
    )
    .bind(&ids)
    .bind(&attempts)
    .bind(worker_id)
    .bind(lease.as_secs_f64())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(task_id, cancel_requested)| HeldTask {
            task_id,
            cancel_requested,
        })
        .collect())
}

/// Record a successful attempt.
pub async fn complete(
    db: impl PgExecutor<'_>,
    fence: &Fence,
    result: Option<&Value>,
    exit_code: Option<i32>,
) -> Result<()> {
    let (done,): (i64,) = sqlx::query_as(
        "WITH done AS ( \
            UPDATE tasks SET status = 'completed', result = $4, exit_code = $5, \
                completed_at = now(), updated_at = now(), lease_expires_at = NULL, \
                error_details = NULL \
            WHERE id = $1 AND attempt = $2 AND worker_id = $3 AND status = 'running' \
            RETURNING worker_id), \
         counted AS ( \
            UPDATE workers w SET tasks_completed = tasks_completed + 1 FROM done \
            WHERE w.id = done.worker_id) \
         SELECT count(*) FROM done",
    )
    .bind(fence.task_id)
    .bind(fence.attempt)
    .bind(&fence.worker_id)
    .bind(result.map(clean_json))
    .bind(exit_code)
    .fetch_one(db)
    .await?;
    if done == 0 {
        return Err(fence.refused());
    }
    Ok(())
}

/// How an attempt ended badly.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Failure {
    /// The executor failed (non-zero exit, signal, bad result): retried while attempts remain.
    Failed,
    /// The attempt ran past its timeout: retried while attempts remain, else `timeout`.
    Timeout,
    /// Stopped at a user's request: never retried.
    Cancelled,
}

/// Record a failed attempt. Failures and timeouts go back to `pending` with exponential backoff
/// and jitter (1 s, 2 s, 4 s, … capped at 10 min, ±25 %) while attempts remain; returns the
/// task's new status.
pub async fn fail(
    db: impl PgExecutor<'_>,
    fence: &Fence,
    failure: Failure,
    error: &str,
    exit_code: Option<i32>,
) -> Result<TaskStatus> {
    fail_keeping(db, fence, failure, error, exit_code, None).await
}

/// [`fail`], keeping what the attempt got to as the task's result (an AIOpsLab run's history
/// so far and its error), so a failure loses no research data.
pub async fn fail_keeping(
    db: impl PgExecutor<'_>,
    fence: &Fence,
    failure: Failure,
    error: &str,
    exit_code: Option<i32>,
    partial: Option<&Value>,
) -> Result<TaskStatus> {
    let terminal = match failure {
        Failure::Failed => TaskStatus::Failed,
        Failure::Timeout => TaskStatus::Timeout,
        Failure::Cancelled => TaskStatus::Cancelled,
    };
    let retryable = failure != Failure::Cancelled;
    let row: Option<(TaskStatus,)> = sqlx::query_as(
        "WITH done AS ( \
            UPDATE tasks SET \
                status = CASE WHEN $6 AND attempt < max_attempts AND NOT cancel_requested \
                    THEN 'pending'::task_status ELSE $4::task_status END, \
                run_at = CASE WHEN $6 AND attempt < max_attempts AND NOT cancel_requested \
                    THEN now() + make_interval(secs => least(600, power(2, attempt - 1)) * (0.75 + random() * 0.5)) \
                    ELSE run_at END, \
                completed_at = CASE WHEN $6 AND attempt < max_attempts AND NOT cancel_requested \
                    THEN NULL ELSE now() END, \
                worker_id = CASE WHEN $6 AND attempt < max_attempts AND NOT cancel_requested \
                    THEN NULL ELSE worker_id END, \
                error_details = $5, exit_code = $7, result = $8, lease_expires_at = NULL, \
                updated_at = now() \
            WHERE id = $1 AND attempt = $2 AND worker_id = $3 AND status = 'running' \
            RETURNING status), \
         w AS ( \
            UPDATE workers SET tasks_failed = tasks_failed + 1 \
            WHERE id = $3 AND EXISTS (SELECT 1 FROM done)) \
         SELECT status FROM done",
    )
    .bind(fence.task_id)
    .bind(fence.attempt)
    .bind(&fence.worker_id)
    .bind(terminal)
    .bind(clean_text(error))
    .bind(retryable)
    .bind(exit_code)
    .bind(partial)
    .fetch_optional(db)
    .await?;
    row.map(|(s,)| s).ok_or_else(|| fence.refused())
}

/// Give a task back without spending an attempt (a worker shutting down on a second signal).
pub async fn release(db: impl PgExecutor<'_>, fence: &Fence, why: &str) -> Result<()> {
    let done = sqlx::query(
        "UPDATE tasks SET status = 'pending', attempt = attempt - 1, worker_id = NULL, \
            lease_expires_at = NULL, run_at = now(), progress = NULL, started_at = NULL, \
            error_details = $4, updated_at = now() \
         WHERE id = $1 AND attempt = $2 AND worker_id = $3 AND status = 'running'",
    )
    .bind(fence.task_id)
    .bind(fence.attempt)
    .bind(&fence.worker_id)
    .bind(why)
    .execute(db)
    .await?;
    if done.rows_affected() == 0 {
        return Err(fence.refused());
    }
    Ok(())
}

/// Record an attempt's progress (e.g. `{"step": 3, "max_steps": 30}`).
pub async fn set_progress(db: impl PgExecutor<'_>, fence: &Fence, progress: &Value) -> Result<()> {
    let done = sqlx::query(
        "UPDATE tasks SET progress = $4, updated_at = now() \
         WHERE id = $1 AND attempt = $2 AND worker_id = $3 AND status = 'running'",
    )
    .bind(fence.task_id)
    .bind(fence.attempt)
    .bind(&fence.worker_id)
    .bind(clean_json(progress))
    .execute(db)
    .await?;
    if done.rows_affected() == 0 {
        return Err(fence.refused());
    }
    Ok(())
}

/// A task taken back from a worker whose lease expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rescued {
    /// The task.
    pub task_id: TaskId,
    /// `pending` (will run again), `failed` (no attempts left) or `cancelled` (cancel was asked).
    pub status: TaskStatus,
}

/// Take back running tasks whose lease expired: re-queue them (the lost attempt counts) or,
/// with no attempts left, fail them with "worker lost". One statement, safe to run from every
/// worker and server at once (SKIP LOCKED); also marks the silent workers offline.
pub async fn rescue_expired(pool: &PgPool) -> Result<Vec<Rescued>> {
    let rows: Vec<(TaskId, TaskStatus)> = sqlx::query_as(
        "WITH expired AS ( \
            SELECT id FROM tasks WHERE status = 'running' AND lease_expires_at < now() \
            ORDER BY lease_expires_at LIMIT 1000 FOR UPDATE SKIP LOCKED), \
         rescued AS ( \
            UPDATE tasks t SET \
                status = CASE WHEN t.cancel_requested THEN 'cancelled'::task_status \
                    WHEN t.attempt < t.max_attempts THEN 'pending'::task_status \
                    ELSE 'failed'::task_status END, \
                completed_at = CASE WHEN t.cancel_requested OR t.attempt >= t.max_attempts \
                    THEN now() ELSE NULL END, \
                worker_id = CASE WHEN t.cancel_requested OR t.attempt >= t.max_attempts \
                    THEN t.worker_id ELSE NULL END, \
                error_details = 'worker lost: ' || t.worker_id || ' stopped heartbeating (lease expired ' \
                    || to_char(now() - t.lease_expires_at, 'HH24:MI:SS') || ' ago)', \
                run_at = now(), lease_expires_at = NULL, updated_at = now() \
            WHERE t.id = ANY(ARRAY(SELECT id FROM expired)) \
            RETURNING t.id, t.attempt, t.status, t.error_details), \
         logged AS ( \
            INSERT INTO task_logs (task_id, attempt, level, source, message) \
            SELECT id, attempt, 'warning', 'worker', error_details || CASE status \
                WHEN 'pending' THEN '; re-queued' WHEN 'failed' THEN '; no attempts left' \
                ELSE '; cancelled as requested' END FROM rescued), \
         lost AS ( \
            UPDATE workers SET status = 'offline', current_task_id = NULL \
            WHERE status <> 'offline' AND lease_expires_at < now()) \
         SELECT id, status FROM rescued",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(task_id, status)| Rescued { task_id, status })
        .collect())
}

/// Append lines to a running attempt's log in one statement; refused once the lease is lost.
pub async fn append_logs(
    db: impl PgExecutor<'_>,
    fence: &Fence,
    lines: &[NewLogLine],
) -> Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let n = lines.len();
    let mut ts = Vec::with_capacity(n);
    let mut level = Vec::with_capacity(n);
    let mut source = Vec::with_capacity(n);
    let mut message = Vec::with_capacity(n);
    let mut context = Vec::with_capacity(n);
    for l in lines {
        ts.push(l.timestamp);
        level.push(l.level.as_str());
        source.push(l.source.as_str());
        message.push(clean_text(&l.message));
        context.push(l.context.as_ref().map(clean_json));
    }
    let done = sqlx::query(
        "INSERT INTO task_logs (task_id, attempt, timestamp, level, source, message, context) \
         SELECT $1, $2, l.ts, l.level::log_level, l.source::log_source, l.message, l.context \
         FROM unnest($4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::jsonb[]) \
            AS l(ts, level, source, message, context) \
         WHERE EXISTS (SELECT 1 FROM tasks WHERE id = $1 AND attempt = $2 AND worker_id = $3 \
                       AND status = 'running')",
    )
    .bind(fence.task_id)
    .bind(fence.attempt)
    .bind(&fence.worker_id)
    .bind(&ts)
    .bind(&level)
    .bind(&source)
    .bind(&message)
    .bind(&context)
    .execute(db)
    .await?;
    if done.rows_affected() == 0 {
        return Err(fence.refused());
    }
    Ok(())
}

/// One successful attempt for [`complete_batch`], with what it has not written yet.
#[derive(Debug, Clone, Copy)]
pub struct Completed<'a> {
    /// The attempt that succeeded.
    pub fence: &'a Fence,
    /// Its last log lines.
    pub lines: &'a [NewLogLine],
    /// Its last progress, if it changed.
    pub progress: Option<&'a Value>,
    /// What the executor returned.
    pub result: Option<&'a Value>,
    /// Its exit code.
    pub exit_code: Option<i32>,
}

/// Record many successful attempts, with their last log lines and progress, in one statement,
/// each fenced on its own (task id, attempt and worker id). Returns, in input order, whether
/// each was recorded: `false` means the attempt no longer held its task and nothing of it was
/// written. Finished attempts are recorded a batch at a time by the worker's recorder; one
/// statement for the batch instead of two per attempt is what lets short tasks drain fast.
///
/// N.B.: rows are locked in id order first, so two batches over the same tasks cannot deadlock,
/// and read by id alone with the fence checked on the locked rows (see
/// [`heartbeat_tasks`] for why). Lines are inserted in their order within each attempt, so
/// their ids keep it.
pub async fn complete_batch(db: impl PgExecutor<'_>, done: &[Completed<'_>]) -> Result<Vec<bool>> {
    if done.is_empty() {
        return Ok(Vec::new());
    }
    let n = done.len();
    let (mut ids, mut attempts, mut workers) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut results, mut codes, mut progress) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut rec, mut ts, mut level, mut source, mut message, mut context) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for (i, c) in done.iter().enumerate() {
        ids.push(c.fence.task_id.0);
        attempts.push(c.fence.attempt);
        workers.push(c.fence.worker_id.as_str());
        results.push(c.result.map(clean_json));
        codes.push(c.exit_code);
        progress.push(c.progress.map(clean_json));
        for l in c.lines {
            rec.push(i as i32 + 1);
            ts.push(l.timestamp);
            level.push(l.level.as_str());
            source.push(l.source.as_str());
            message.push(clean_text(&l.message));
            context.push(l.context.as_ref().map(clean_json));
        }
    }
    // Answered by record (its ordinal), not by task: two records of one task in a batch (an
    // attempt that lost its lease next to the one that replaced it) get their own answers.
    let recorded: Vec<(i64,)> = sqlx::query_as(
        "WITH f AS ( \
            SELECT * FROM unnest($1::uuid[], $2::int4[], $3::text[], $4::jsonb[], $5::int4[], \
                $6::jsonb[]) WITH ORDINALITY \
                AS f(id, attempt, worker_id, result, exit_code, progress, rec)), \
         locked AS ( \
            SELECT t.id, t.attempt, t.worker_id, t.status, f.attempt AS fenced_attempt, \
                f.worker_id AS fenced_worker, f.result, f.exit_code, f.progress, f.rec \
            FROM f JOIN tasks t ON t.id = f.id ORDER BY t.id FOR UPDATE OF t), \
         held AS ( \
            SELECT * FROM locked WHERE attempt = fenced_attempt AND worker_id = fenced_worker \
                AND status = 'running'), \
         lines AS ( \
            INSERT INTO task_logs (task_id, attempt, timestamp, level, source, message, context) \
            SELECT held.id, held.attempt, l.ts, l.level::log_level, l.source::log_source, \
                l.message, l.context \
            FROM unnest($7::int4[], $8::timestamptz[], $9::text[], $10::text[], $11::text[], \
                $12::jsonb[]) WITH ORDINALITY AS l(rec, ts, level, source, message, context, n) \
            JOIN held ON held.rec = l.rec \
            ORDER BY l.n), \
         done AS ( \
            UPDATE tasks t SET status = 'completed', result = held.result, \
                exit_code = held.exit_code, progress = coalesce(held.progress, t.progress), \
                completed_at = now(), updated_at = now(), lease_expires_at = NULL, \
                error_details = NULL \
            FROM held WHERE t.id = held.id \
            RETURNING t.id, t.worker_id, held.rec), \
         counted AS ( \
            UPDATE workers w SET tasks_completed = tasks_completed + c.n \
            FROM (SELECT worker_id, count(*) AS n FROM done GROUP BY worker_id) c \
            WHERE w.id = c.worker_id) \
         SELECT rec FROM done",
    )
    .bind(&ids)
    .bind(&attempts)
    .bind(&workers)
    .bind(&results)
    .bind(&codes)
    .bind(&progress)
    .bind(&rec)
    .bind(&ts)
    .bind(&level)
    .bind(&source)
    .bind(&message)
    .bind(&context)
    .fetch_all(db)
    .await?;
    let recorded: std::collections::HashSet<i64> = recorded.into_iter().map(|(rec,)| rec).collect();
    Ok((1..=done.len() as i64)
        .map(|rec| recorded.contains(&rec))
        .collect())
}
