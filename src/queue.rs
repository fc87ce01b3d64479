//! Every statement that changes a task, a log or a worker lives here, so reading this file
//! tells every way state can move. Worker-side writes are fenced by task id, attempt and
//! worker id: a worker that lost its lease cannot overwrite anything (see [`Fence`]).
//! Time that decides leases, backoff and delays is the database's `now()`.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, PgExecutor, PgPool, Postgres, Row};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::log::{LogEntry, LogLevel, NewLogLine};
use crate::task::{NewTask, Task, TaskId, TaskStatus};

/// Columns of `tasks` in the order of [`Task`], for SELECT and RETURNING.
const TASK_COLUMNS: &str = "id, problem_id, status, queue, priority, backend_type, parameters, \
    timeout_seconds, metadata, callback_url, idempotency_key, attempt, max_attempts, worker_id, \
    progress, result, error_details, exit_code, cancel_requested, created_at, updated_at, run_at, \
    started_at, completed_at, heartbeat_at";

fn task_columns(prefix: &str) -> String {
    TASK_COLUMNS
        .split(", ")
        .map(|c| format!("{prefix}{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// PostgreSQL text and jsonb cannot hold NUL; executors can print anything.
fn clean_text(s: &str) -> String {
    if s.contains('\0') {
        s.replace('\0', "\u{FFFD}")
    } else {
        s.to_string()
    }
}

/// N.B.: jsonb stores numbers exactly and prints them without an exponent; a double near its
/// limit then comes back as a 300-digit integer that serde_json cannot read, which would make
/// the row unreadable. Such numbers (|x| > 1e300) are kept as their text instead.
fn clean_json(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(clean_text(s)),
        Value::Number(n) if n.as_f64().is_some_and(|f| f.abs() > 1e300) => {
            Value::String(n.to_string())
        }
        Value::Array(a) => Value::Array(a.iter().map(clean_json).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (clean_text(k), clean_json(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// Submit

/// What submit did: made a new task, or found the one with the same idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub enum Submitted {
    /// A new task was inserted.
    Created(Task),
    /// The idempotency key was already used; this is that task.
    Existing(Task),
}

impl Submitted {
    /// The task either way.
    pub fn task(&self) -> &Task {
        match self {
            Submitted::Created(t) | Submitted::Existing(t) => t,
        }
    }
}

/// Insert one task (or return the one holding its idempotency key).
pub async fn submit(pool: &PgPool, t: &NewTask) -> Result<Submitted> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "INSERT INTO tasks (id, problem_id, queue, priority, backend_type, parameters, \
             timeout_seconds, metadata, callback_url, idempotency_key, max_attempts, run_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12, now())) \
             ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING {TASK_COLUMNS}"
        )
    });
    let inserted: Option<Task> = sqlx::query_as(SQL.as_str())
        .bind(t.id)
        .bind(&t.problem_id)
        .bind(&t.queue)
        .bind(t.priority)
        .bind(&t.backend_type)
        .bind(clean_json(&t.parameters))
        .bind(t.timeout_seconds)
        .bind(clean_json(&t.metadata))
        .bind(&t.callback_url)
        .bind(&t.idempotency_key)
        .bind(t.max_attempts)
        .bind(t.run_at)
        .fetch_optional(pool)
        .await?;
    if let Some(task) = inserted {
        return Ok(Submitted::Created(task));
    }
    let key = t.idempotency_key.as_deref().unwrap_or_default();
    let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE idempotency_key = $1");
    let existing: Task = sqlx::query_as(&sql).bind(key).fetch_one(pool).await?;
    Ok(Submitted::Existing(existing))
}

/// COPY data is sent in pieces of about this many bytes.
const COPY_PIECE: usize = 1 << 20;

/// [`submit_many`]'s path for tasks without idempotency keys or start times: one `COPY … FROM
/// STDIN` in CSV, so `run_at` and `created_at` take their defaults (the database's now()).
async fn copy_tasks(db: &mut PgConnection, tasks: &[NewTask]) -> Result<()> {
    let mut copy = db
        .copy_in_raw(
            "COPY tasks (id, problem_id, queue, priority, backend_type, parameters, \
             timeout_seconds, metadata, callback_url, max_attempts) FROM STDIN (FORMAT csv)",
        )
        .await?;
    let mut rows = tasks.iter().peekable();
    let mut piece = Vec::with_capacity(COPY_PIECE + 4096);
    while rows.peek().is_some() {
        piece.clear();
        while let Some(t) = rows.next_if(|_| piece.len() < COPY_PIECE) {
            csv_row(&mut piece, t);
        }
        if let Err(e) = copy.send(piece.as_slice()).await {
            let _ = copy.abort("bulk submit failed").await;
            return Err(e.into());
        }
    }
    copy.finish().await?;
    Ok(())
}

/// One task as a CSV line in [`copy_tasks`]' column order; every text is quoted, so only an
/// absent value is NULL.
fn csv_row(out: &mut Vec<u8>, t: &NewTask) {
    use std::io::Write as _;
    fn text(out: &mut Vec<u8>, s: &str) {
        out.push(b'"');
        for b in clean_text(s).bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    }
    let _ = write!(out, "{},", t.id);
    text(out, &t.problem_id);
    out.push(b',');
    text(out, &t.queue);
    let _ = write!(out, ",{},", t.priority);
    if let Some(b) = &t.backend_type {
        text(out, b);
    }
    out.push(b',');
    text(out, &clean_json(&t.parameters).to_string());
    let _ = write!(out, ",{},", t.timeout_seconds);
    text(out, &clean_json(&t.metadata).to_string());
    out.push(b',');
    if let Some(c) = &t.callback_url {
        text(out, c);
    }
    let _ = writeln!(out, ",{}", t.max_attempts);
}

/// Rows per INSERT in bulk submit: large enough for few round trips, small enough for
/// PostgreSQL's parameter and memory limits.
const BULK_CHUNK: usize = 5_000;

/// Insert many tasks in one transaction (all or nothing), a few thousand per statement.
/// Returns ids in input order; a line whose idempotency key exists gets the existing id.
pub async fn submit_many(pool: &PgPool, tasks: &[NewTask]) -> Result<Vec<TaskId>> {
    let mut tx = pool.begin().await?;
    if tasks
        .iter()
        .all(|t| t.idempotency_key.is_none() && t.run_at.is_none())
    {
        // Nothing can conflict and every row takes the database's now(): COPY, the cheapest
        // way in.
        copy_tasks(&mut tx, tasks).await?;
        tx.commit().await?;
        return Ok(tasks.iter().map(|t| t.id).collect());
    }
    let mut ids = Vec::with_capacity(tasks.len());
    for chunk in tasks.chunks(BULK_CHUNK) {
        let mut id = Vec::with_capacity(chunk.len());
        let mut problem = Vec::with_capacity(chunk.len());
        let mut queue = Vec::with_capacity(chunk.len());
        let mut priority = Vec::with_capacity(chunk.len());
        let mut backend = Vec::with_capacity(chunk.len());
        let mut params = Vec::with_capacity(chunk.len());
        let mut timeout = Vec::with_capacity(chunk.len());
        let mut meta = Vec::with_capacity(chunk.len());
        let mut callback = Vec::with_capacity(chunk.len());
        let mut key = Vec::with_capacity(chunk.len());
        let mut attempts = Vec::with_capacity(chunk.len());
        let mut run_at = Vec::with_capacity(chunk.len());
        for t in chunk {
            id.push(t.id.0);
            problem.push(t.problem_id.clone());
            queue.push(t.queue.clone());
            priority.push(t.priority);
            backend.push(t.backend_type.clone());
            params.push(clean_json(&t.parameters));
            timeout.push(t.timeout_seconds);
            meta.push(clean_json(&t.metadata));
            callback.push(t.callback_url.clone());
            key.push(t.idempotency_key.clone());
            attempts.push(t.max_attempts);
            run_at.push(t.run_at);
        }
        let inserted: Vec<(Uuid,)> = sqlx::query_as(
            "INSERT INTO tasks (id, problem_id, queue, priority, backend_type, parameters, \
             timeout_seconds, metadata, callback_url, idempotency_key, max_attempts, run_at) \
             SELECT id, problem_id, queue, priority, backend_type, parameters, timeout_seconds, \
                    metadata, callback_url, idempotency_key, max_attempts, coalesce(run_at, now()) \
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int2[], $5::text[], $6::jsonb[], \
                         $7::int4[], $8::jsonb[], $9::text[], $10::text[], $11::int4[], \
                         $12::timestamptz[]) \
               AS x(id, problem_id, queue, priority, backend_type, parameters, timeout_seconds, \
                    metadata, callback_url, idempotency_key, max_attempts, run_at) \
             ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id",
        )
        .bind(&id)
        .bind(&problem)
        .bind(&queue)
        .bind(&priority)
        .bind(&backend)
        .bind(&params)
        .bind(&timeout)
        .bind(&meta)
        .bind(&callback)
        .bind(&key)
        .bind(&attempts)
        .bind(&run_at)
        .fetch_all(&mut *tx)
        .await?;
        if inserted.len() == chunk.len() {
            ids.extend(chunk.iter().map(|t| t.id));
            continue;
        }
        // Some keys were taken: map every line with a key to the task that holds it.
        let keys: Vec<String> = chunk
            .iter()
            .filter_map(|t| t.idempotency_key.clone())
            .collect();
        let held: Vec<(String, Uuid)> =
            sqlx::query_as("SELECT idempotency_key, id FROM tasks WHERE idempotency_key = ANY($1)")
                .bind(&keys)
                .fetch_all(&mut *tx)
                .await?;
        let held: std::collections::HashMap<String, Uuid> = held.into_iter().collect();
        for t in chunk {
            match t.idempotency_key.as_ref().and_then(|k| held.get(k)) {
                Some(existing) => ids.push(TaskId(*existing)),
                None => ids.push(t.id),
            }
        }
    }
    tx.commit().await?;
    Ok(ids)
}

// ---------------------------------------------------------------------------------------------
// Reading tasks

/// Fetch one task by id.
pub async fn get(pool: &PgPool, id: TaskId) -> Result<Task> {
    let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1");
    sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| {
            Error::NotFound(format!(
                "no task with id {id}; list tasks with 'aiops status'"
            ))
        })
}

/// Turn a full id or a unique prefix (at least 8 hex characters, dashes optional) into an id.
pub async fn resolve_id(pool: &PgPool, input: &str) -> Result<TaskId> {
    let hex: String = input.chars().filter(|c| *c != '-').collect();
    if hex.len() < 8 || hex.len() > 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::usage(format!(
            "'{input}' is not a task id; give the full id or at least its first 8 hex characters"
        )));
    }
    let hex = hex.to_ascii_lowercase();
    let lo = Uuid::parse_str(&format!("{hex:0<32}")).expect("32 hex digits");
    let hi = Uuid::parse_str(&format!("{hex:f<32}")).expect("32 hex digits");
    let found: Vec<(Uuid,)> =
        sqlx::query_as("SELECT id FROM tasks WHERE id BETWEEN $1 AND $2 ORDER BY id LIMIT 10")
            .bind(lo)
            .bind(hi)
            .fetch_all(pool)
            .await?;
    match found.as_slice() {
        [] => Err(Error::NotFound(format!(
            "no task matches id '{input}'; list tasks with 'aiops status'"
        ))),
        [(one,)] => Ok(TaskId(*one)),
        many => Err(Error::Ambiguous {
            prefix: input.to_string(),
            candidates: many.iter().map(|(u,)| TaskId(*u)).collect(),
        }),
    }
}

/// Order of task lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TaskSort {
    /// Newest first (the default).
    #[default]
    NewestFirst,
    /// Oldest first.
    OldestFirst,
    /// Lowest priority first.
    PriorityAsc,
    /// Highest priority first.
    PriorityDesc,
}

impl TaskSort {
    /// Parse the HTTP `sort` values (`created_at`, `-created_at`, `priority`, `-priority`).
    pub fn parse(s: &str) -> Option<TaskSort> {
        match s {
            "created_at" => Some(TaskSort::OldestFirst),
            "-created_at" => Some(TaskSort::NewestFirst),
            "priority" => Some(TaskSort::PriorityAsc),
            "-priority" => Some(TaskSort::PriorityDesc),
            _ => None,
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            TaskSort::NewestFirst => "created_at DESC, id DESC",
            TaskSort::OldestFirst => "created_at, id",
            TaskSort::PriorityAsc => "priority, created_at DESC, id DESC",
            TaskSort::PriorityDesc => "priority DESC, created_at DESC, id DESC",
        }
    }
}

/// Filters shared by `status`, `cancel --all`, `export` and `GET /tasks`.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Any of these statuses (empty: all).
    pub statuses: Vec<TaskStatus>,
    /// Exact problem id.
    pub problem_id: Option<String>,
    /// Exact worker id.
    pub worker_id: Option<String>,
    /// Exact queue.
    pub queue: Option<String>,
    /// Exact backend type.
    pub backend_type: Option<String>,
    /// Created within this long before the database's now.
    pub created_within: Option<Duration>,
    /// Created at or after.
    pub created_after: Option<DateTime<Utc>>,
    /// Created before.
    pub created_before: Option<DateTime<Utc>>,
}

const FILTER_SQL: &str = "($1::text[] IS NULL OR status = ANY($1::text[]::task_status[])) \
    AND ($2::text IS NULL OR problem_id = $2) \
    AND ($3::text IS NULL OR worker_id = $3) \
    AND ($4::text IS NULL OR queue = $4) \
    AND ($5::text IS NULL OR backend_type = $5) \
    AND ($6::float8 IS NULL OR created_at >= now() - make_interval(secs => $6)) \
    AND ($7::timestamptz IS NULL OR created_at >= $7) \
    AND ($8::timestamptz IS NULL OR created_at < $8)";

fn bind_filter<'q, O>(
    q: sqlx::query::QueryAs<'q, Postgres, O, sqlx::postgres::PgArguments>,
    f: &'q TaskFilter,
) -> sqlx::query::QueryAs<'q, Postgres, O, sqlx::postgres::PgArguments> {
    let statuses: Option<Vec<&'static str>> = if f.statuses.is_empty() {
        None
    } else {
        Some(f.statuses.iter().map(|s| s.as_str()).collect())
    };
    q.bind(statuses)
        .bind(f.problem_id.as_deref())
        .bind(f.worker_id.as_deref())
        .bind(f.queue.as_deref())
        .bind(f.backend_type.as_deref())
        .bind(f.created_within.map(|d| d.as_secs_f64()))
        .bind(f.created_after)
        .bind(f.created_before)
}

/// The status groups that listing reads, each through a partial index of its own (migration
/// `20261128000010_lean_task_indexes.sql`): claims and completions then write no entries into
/// listing indexes. The predicates are spelled exactly as the indexes' are, so the planner can
/// prove each index covers its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatusGroup {
    /// `tasks_pending_created`, in creation order.
    Pending,
    /// `tasks_running_lease`: few rows (bounded by the workers' slots), sorted after reading.
    Running,
    /// `tasks_finished_created`, in creation order.
    Finished,
}

impl StatusGroup {
    const ALL: [StatusGroup; 3] = [
        StatusGroup::Pending,
        StatusGroup::Running,
        StatusGroup::Finished,
    ];

    fn of(s: TaskStatus) -> StatusGroup {
        match s {
            TaskStatus::Pending => StatusGroup::Pending,
            TaskStatus::Running => StatusGroup::Running,
            _ => StatusGroup::Finished,
        }
    }

    fn predicate(self) -> &'static str {
        match self {
            StatusGroup::Pending => "status = 'pending'",
            StatusGroup::Running => "status = 'running'",
            StatusGroup::Finished => FINISHED_SQL,
        }
    }

    /// The groups holding any of `statuses` (every group when empty), in a fixed order.
    fn covering(statuses: &[TaskStatus]) -> Vec<StatusGroup> {
        StatusGroup::ALL
            .into_iter()
            .filter(|g| statuses.is_empty() || statuses.iter().any(|s| StatusGroup::of(*s) == *g))
            .collect()
    }
}

/// Finished tasks, spelled as the predicate of `tasks_finished_created`.
pub(crate) const FINISHED_SQL: &str = "status IN ('completed', 'failed', 'timeout', 'cancelled')";

/// A page of tasks plus the total that match, for lists and HTTP pagination.
///
/// N.B.: one branch per status group, each ordered and cut to `offset + limit` by its own
/// index, then merged: a single `ORDER BY created_at` over all of `tasks` would need an index
/// over every row, which each claim and completion would have to update.
pub async fn list(
    pool: &PgPool,
    f: &TaskFilter,
    sort: TaskSort,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Task>, i64)> {
    let groups = StatusGroup::covering(&f.statuses);
    let order = sort.order_by();
    let branch = |g: StatusGroup| {
        format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE {} AND {FILTER_SQL} ORDER BY {order}",
            g.predicate()
        )
    };
    let sql = match groups.as_slice() {
        [one] => format!("{} LIMIT $9 OFFSET $10", branch(*one)),
        many => format!(
            "SELECT * FROM ({}) AS page ORDER BY {order} LIMIT $9 OFFSET $10",
            many.iter()
                .map(|g| format!("({} LIMIT $11)", branch(*g)))
                .collect::<Vec<_>>()
                .join(" UNION ALL ")
        ),
    };
    let tasks: Vec<Task> = bind_filter(sqlx::query_as(&sql), f)
        .bind(limit)
        .bind(offset)
        .bind(limit.saturating_add(offset))
        .fetch_all(pool)
        .await?;
    let total = if offset == 0 && (tasks.len() as i64) < limit {
        tasks.len() as i64
    } else {
        count(pool, f).await?
    };
    Ok((tasks, total))
}

// ---------------------------------------------------------------------------------------------
// Cancel and retry

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

/// Cancel a task: pending ones at once, running ones by a request the owning worker hears
/// by NOTIFY. A task that already ended otherwise is a conflict.
pub async fn cancel(pool: &PgPool, id: TaskId, reason: Option<&str>) -> Result<CancelOutcome> {
    let row: Option<(TaskStatus,)> = sqlx::query_as(
        "UPDATE tasks SET \
            status = CASE WHEN status = 'pending' THEN 'cancelled'::task_status ELSE status END, \
            completed_at = CASE WHEN status = 'pending' THEN now() ELSE completed_at END, \
            error_details = CASE WHEN status = 'pending' \
                THEN 'cancelled' || coalesce(': ' || $2, '') ELSE error_details END, \
            cancel_requested = true, cancel_reason = $2, updated_at = now() \
         WHERE id = $1 AND status IN ('pending', 'running') AND NOT (status = 'running' AND cancel_requested) \
         RETURNING status",
    )
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
            cancel_reason = $9, error_details = 'cancelled' || coalesce(': ' || $9, ''), \
            updated_at = now() \
         WHERE status = 'pending' AND {FILTER_SQL} RETURNING id"
    );
    let rows: Vec<(TaskId,)> = bind_filter(sqlx::query_as(&sql), f)
        .bind(reason.map(clean_text))
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// How many tasks match the filter: a list's total, and what [`cancel_pending`] would cancel
/// for the confirmation prompt.
pub async fn count(pool: &PgPool, f: &TaskFilter) -> Result<i64> {
    // One count per status group, so that each can read its group's index.
    let sql = format!(
        "SELECT {}",
        StatusGroup::covering(&f.statuses)
            .iter()
            .map(|g| format!(
                "(SELECT count(*) FROM tasks WHERE {} AND {FILTER_SQL})",
                g.predicate()
            ))
            .collect::<Vec<_>>()
            .join(" + ")
    );
    let (n,): (i64,) = bind_filter(sqlx::query_as(&sql), f).fetch_one(pool).await?;
    Ok(n)
}

/// Put a failed, timed-out or cancelled task back in the queue for one more attempt.
pub async fn retry(pool: &PgPool, id: TaskId) -> Result<Task> {
    let sql = format!(
        "UPDATE tasks SET status = 'pending', max_attempts = greatest(max_attempts, attempt + 1), \
            run_at = now(), completed_at = NULL, cancel_requested = false, cancel_reason = NULL, \
            worker_id = NULL, error_details = NULL, exit_code = NULL, result = NULL, \
            progress = NULL, updated_at = now() \
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

// ---------------------------------------------------------------------------------------------
// Worker side: claim, heartbeat, finish. All fenced.

/// Proof that a worker holds one attempt of a task. Every worker write carries it, and the
/// database applies the write only while the task is still running that attempt for that worker.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Fence {
    /// The task.
    pub task_id: TaskId,
    /// The attempt the worker claimed.
    pub attempt: i32,
    /// The worker that claimed it.
    pub worker_id: String,
}

impl Fence {
    /// The fence of a task a worker just claimed.
    pub fn of(task: &Task) -> Fence {
        Fence {
            task_id: task.id,
            attempt: task.attempt,
            worker_id: task.worker_id.clone().unwrap_or_default(),
        }
    }

    fn refused(&self) -> Error {
        Error::Fenced {
            task: self.task_id,
            attempt: self.attempt,
            worker: self.worker_id.clone(),
        }
    }
}

/// What a worker may claim.
#[derive(Debug, Clone)]
pub struct ClaimSpec {
    /// The claiming worker.
    pub worker_id: String,
    /// Queues it serves.
    pub queues: Vec<String>,
    /// Its backend: tasks asking for another backend are left alone.
    pub backend_type: String,
    /// How long the lease lasts without a heartbeat (3 heartbeats).
    pub lease: Duration,
}

/// What a claim sets on each picked row; shared by both claim statements.
///
/// N.B.: the picked rows are found with `id = ANY(ARRAY(…))`, not by joining `picked`. The
/// claim is planned afresh each time (its `LIMIT` decides the plan), and for a join of a
/// hundred picked rows the planner takes a hash join over a sequential scan of `tasks` to be
/// cheaper than a hundred index probes: at 25k rows that scan took 4.4 ms of every claim.
const CLAIM_SET: &str =
    "UPDATE tasks t SET status = 'running', attempt = t.attempt + 1, worker_id = $1, \
    started_at = now(), heartbeat_at = now(), updated_at = now(), \
    lease_expires_at = now() + make_interval(secs => $5), progress = NULL, \
    exit_code = NULL, result = NULL \
    WHERE t.id = ANY(ARRAY(SELECT id FROM picked))";

/// Claim from one queue. N.B.: `queue = $2`, not `queue = ANY($2)`: with an array PostgreSQL 15
/// cannot read `tasks_claimable` in claim order, so it sorts every pending row of the queue
/// (4.5 s at 1M pending, against 0.3 ms for this form; see `scripts/bench`).
static CLAIM_ONE_QUEUE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH picked AS ({}) {CLAIM_SET} RETURNING {}",
        claimable("id", "$2", ""),
        task_columns("t.")
    )
});

/// Claim from several queues: the head of each queue by the index, then the best `limit` of
/// those. Rows locked in a queue's head but not picked are released when the statement commits.
static CLAIM_MANY_QUEUES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH picked AS ( \
            SELECT h.id FROM unnest($2::text[]) AS q(name) \
            CROSS JOIN LATERAL ({}) h \
            ORDER BY h.priority DESC, h.run_at, h.id LIMIT $4) \
         {CLAIM_SET} RETURNING {}",
        claimable("id, priority, run_at", "q.name", ""),
        task_columns("t.")
    )
});

/// The claimable tasks of one queue (`queue`, an SQL expression) in claim order, `and` further
/// narrowing them (empty, or starting with ` AND`), locked as read and skipping rows others
/// hold, at most `$4`; `$3` is the claiming worker's backend. Every claim statement reads its
/// queues through this, so what "claimable" means is written once.
fn claimable(columns: &str, queue: &str, and: &str) -> String {
    format!(
        "SELECT {columns} FROM tasks \
         WHERE status = 'pending' AND queue = {queue}{and} AND run_at <= now() \
           AND (backend_type IS NULL OR backend_type = $3) \
         ORDER BY priority DESC, run_at, id \
         LIMIT $4 FOR UPDATE SKIP LOCKED"
    )
}

/// Claim up to `limit` claimable tasks in one statement: pending, due, in a served queue, for
/// this backend, in `priority DESC, run_at, id` order, skipping rows other workers hold.
pub async fn claim(pool: &PgPool, spec: &ClaimSpec, limit: i64) -> Result<Vec<Task>> {
    let q = match spec.queues.as_slice() {
        [one] => sqlx::query_as(CLAIM_ONE_QUEUE.as_str())
            .bind(&spec.worker_id)
            .bind(one),
        many => sqlx::query_as(CLAIM_MANY_QUEUES.as_str())
            .bind(&spec.worker_id)
            .bind(many),
    };
    let mut tasks: Vec<Task> = q
        .bind(&spec.backend_type)
        .bind(limit)
        .bind(spec.lease.as_secs_f64())
        .fetch_all(pool)
        .await?;
    sort_in_claim_order(&mut tasks);
    Ok(tasks)
}

fn sort_in_claim_order(tasks: &mut [Task]) {
    tasks.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then(a.run_at.cmp(&b.run_at))
            .then(a.id.cmp(&b.id))
    });
}

/// How long a worker's claims may start at its remembered head (see [`Claimer`]) before one
/// reads its queue from the front again.
pub const HEAD_RESCAN: Duration = Duration::from_secs(1);

/// Claim from one queue, starting at a known head in claim order (`$6` priority, then `$7`
/// run_at and `$8` id at that priority). Three branches, read in claim order, so the outer
/// `LIMIT` takes the best tasks at or after the head: higher priorities from their start, the
/// head's priority from the head on (a row comparison the index starts at), lower priorities
/// from their start. The branches lock only the rows the outer `LIMIT` pulls.
static CLAIM_FROM_HEAD: LazyLock<String> = LazyLock::new(|| {
    let branch = |and: &str| format!("SELECT id FROM ({}) b", claimable("id", "$2", and));
    format!(
        "WITH picked AS ( \
            SELECT id FROM ({} UNION ALL {} UNION ALL {}) h LIMIT $4) \
         {CLAIM_SET} RETURNING {}",
        branch(" AND priority > $6"),
        branch(" AND priority = $6 AND (run_at, id) >= ($7, $8)"),
        branch(" AND priority < $6"),
        task_columns("t.")
    )
});

/// The first claimable task of a queue as a claim last found it, and when a claim last read
/// the queue from its front.
#[derive(Debug, Clone, Copy)]
struct Head {
    priority: i16,
    run_at: DateTime<Utc>,
    id: TaskId,
    front_read: Instant,
}

/// A worker's claims, which skip the index entries of tasks it has already claimed.
///
/// Every claimed task leaves a dead entry at the front of `tasks_claimable` until VACUUM
/// removes it, and autovacuum visits a database at most once a minute. A claim that reads the
/// queue from its front steps over all of them: 10k claimed tasks are about 90 index pages
/// that every claim reads again (32 % of the server's CPU in a 200k-task drain). While claims
/// come back full, the claimer starts the next one at the first task the last one took.
///
/// A task can still land behind that head: a claim by another worker that rolled back, a
/// submit whose transaction began before the head task's, an explicit `run_at` in the past.
/// It is not lost, only claimed a little later: a claim from the head that comes back short is
/// topped up by one from the front (so a short answer still means nothing more is claimable),
/// and the front is read again at least every [`HEAD_RESCAN`]. A local clock is fine for that:
/// it decides only how soon such a task is seen, not a lease or a timeout. A higher priority
/// than the head's is always read from its start. Claims from several queues always read from
/// the front.
#[derive(Debug)]
pub struct Claimer {
    spec: ClaimSpec,
    rescan: Duration,
    head: std::sync::Mutex<Option<Head>>,
}

impl Claimer {
    /// A claimer that reads its queue from the front first, and again every [`HEAD_RESCAN`].
    pub fn new(spec: ClaimSpec) -> Claimer {
        Claimer {
            spec,
            rescan: HEAD_RESCAN,
            head: std::sync::Mutex::new(None),
        }
    }

    /// The same, reading the front again every `rescan` instead (zero: at every claim).
    pub fn rescanning_every(self, rescan: Duration) -> Claimer {
        Claimer { rescan, ..self }
    }

    /// What it claims, and for whom.
    pub fn spec(&self) -> &ClaimSpec {
        &self.spec
    }

    /// Claim up to `limit` tasks as [`claim`] does: a short answer means nothing more is
    /// claimable now, apart from tasks other workers are claiming at the same moment.
    pub async fn claim(&self, pool: &PgPool, limit: i64) -> Result<Vec<Task>> {
        let head = *self.head.lock().unwrap();
        let (from, mut front_read) = match (head, self.spec.queues.as_slice()) {
            (Some(h), [queue]) if h.front_read.elapsed() < self.rescan => {
                (Some((h, queue)), h.front_read)
            }
            _ => (None, Instant::now()),
        };
        let mut tasks = match from {
            None => claim(pool, &self.spec, limit).await?,
            Some((h, queue)) => {
                let mut tasks: Vec<Task> = sqlx::query_as(CLAIM_FROM_HEAD.as_str())
                    .bind(&self.spec.worker_id)
                    .bind(queue)
                    .bind(&self.spec.backend_type)
                    .bind(limit)
                    .bind(self.spec.lease.as_secs_f64())
                    .bind(h.priority)
                    .bind(h.run_at)
                    .bind(h.id)
                    .fetch_all(pool)
                    .await?;
                let got = tasks.len() as i64;
                if got < limit {
                    front_read = Instant::now();
                    // N.B.: the tasks already claimed must reach the worker even if the top-up
                    // fails; the next claim reads from the front and meets the error again.
                    match claim(pool, &self.spec, limit - got).await {
                        Ok(more) => tasks.extend(more),
                        Err(e) if tasks.is_empty() => return Err(e),
                        Err(e) => tracing::warn!(error = %e, "claim from the queue's front failed"),
                    }
                }
                tasks
            }
        };
        sort_in_claim_order(&mut tasks);
        let full = limit > 0 && tasks.len() as i64 == limit;
        *self.head.lock().unwrap() = match tasks.first() {
            // Only a busy queue is worth a head: an idle worker's claims come back short, and
            // each would then be followed by one from the front.
            Some(t) if full => Some(Head {
                priority: t.priority,
                run_at: t.run_at,
                id: t.id,
                front_read,
            }),
            _ => None,
        };
        Ok(tasks)
    }
}

/// When the next pending tasks in these queues become due, in seconds from the database's now
/// (negative: already due), so an idle worker sleeps exactly until then.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NextDue {
    /// The earliest pending task of any kind.
    pub any_in: Option<f64>,
    /// The earliest one waiting out a retry backoff (`--drain` waits for those).
    pub retry_in: Option<f64>,
    /// Running tasks whose lease has run out: they will be rescued and become claimable.
    pub expired_running: i64,
    /// Running tasks in this worker's name. Read while it runs nothing, these are claims that
    /// committed but whose answer was lost with the connection: they come back at lease expiry.
    pub running_as_me: i64,
}

/// Read [`NextDue`] for a worker's queues and backend.
pub async fn next_due(
    pool: &PgPool,
    queues: &[String],
    backend_type: &str,
    worker_id: &str,
) -> Result<NextDue> {
    let (any_in, retry_in, expired_running, running_as_me): (Option<f64>, Option<f64>, i64, i64) =
        sqlx::query_as(
        "SELECT extract(epoch FROM min(run_at) FILTER (WHERE status = 'pending') - now())::float8, \
                extract(epoch FROM min(run_at) FILTER (WHERE status = 'pending' AND attempt > 0) \
                    - now())::float8, \
                count(*) FILTER (WHERE status = 'running' AND lease_expires_at < now()), \
                count(*) FILTER (WHERE status = 'running' AND worker_id = $3) \
         FROM tasks WHERE (status = 'pending' OR status = 'running') AND queue = ANY($1) \
           AND (backend_type IS NULL OR backend_type = $2)",
    )
    .bind(queues)
    .bind(backend_type)
    .bind(worker_id)
    .fetch_one(pool)
    .await?;
    Ok(NextDue {
        any_in,
        retry_in,
        expired_running,
        running_as_me,
    })
}

/// A running task as the heartbeat sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldTask {
    /// The task.
    pub task_id: TaskId,
    /// True once someone asked to cancel it.
    pub cancel_requested: bool,
}

/// Extend the leases of the given attempts; returns the ones this worker still holds (a task
/// missing from the answer was rescued or finished elsewhere: stop working on it).
///
/// N.B.: rows are read and locked by id alone and the fence is checked on the locked rows, as
/// in [`complete_many`]: with `worker_id = $3` next to the id, the planner may read every task
/// the worker ever ran through an index on `worker_id` (214 ms for 14k held tasks, when there
/// was one).
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

/// One successful attempt for [`complete_many`].
#[derive(Debug, Clone)]
pub struct Completion {
    /// The attempt that succeeded.
    pub fence: Fence,
    /// What the executor returned.
    pub result: Option<Value>,
    /// Its exit code.
    pub exit_code: Option<i32>,
}

/// Record many successful attempts in one statement, each fenced on its own (task id, attempt
/// and worker id). Returns, in input order, whether each one was recorded: `false` means that
/// attempt no longer held its task (rescued, cancelled or finished elsewhere) and nothing about
/// it was written. The workers' completed counters move by the number recorded.
///
/// N.B.: rows are locked in id order first, so two batches over the same tasks cannot deadlock.
/// Rows are read by id alone, each batch entry with its row, and the fence is checked on the
/// locked rows afterwards. With the status or the worker next to the id, the planner may read
/// every running task (or every task of the worker) through an index and join it to the batch
/// in a nested loop, because statistics taken while few tasks ran put `status = 'running'` at
/// one row (seen: 84 ms per batch of 150 with 14k running; 5–7 ms per 127 with 380 running).
/// [`heartbeat_tasks`] locks in the same order, so the two cannot deadlock either.
pub async fn complete_many(pool: &PgPool, done: &[Completion]) -> Result<Vec<bool>> {
    if done.is_empty() {
        return Ok(Vec::new());
    }
    let n = done.len();
    let mut ids = Vec::with_capacity(n);
    let mut attempts = Vec::with_capacity(n);
    let mut workers = Vec::with_capacity(n);
    let mut results = Vec::with_capacity(n);
    let mut codes = Vec::with_capacity(n);
    for c in done {
        ids.push(c.fence.task_id.0);
        attempts.push(c.fence.attempt);
        workers.push(c.fence.worker_id.as_str());
        results.push(c.result.as_ref().map(clean_json));
        codes.push(c.exit_code);
    }
    let recorded: Vec<(Uuid, i32, String)> = sqlx::query_as(
        "WITH f AS ( \
            SELECT * FROM unnest($1::uuid[], $2::int4[], $3::text[], $4::jsonb[], $5::int4[]) \
                AS f(id, attempt, worker_id, result, exit_code)), \
         locked AS ( \
            SELECT t.id, t.attempt, t.worker_id, t.status, f.attempt AS fenced_attempt, \
                f.worker_id AS fenced_worker, f.result, f.exit_code \
            FROM f JOIN tasks t ON t.id = f.id ORDER BY t.id FOR UPDATE OF t), \
         held AS ( \
            SELECT * FROM locked WHERE attempt = fenced_attempt AND worker_id = fenced_worker \
                AND status = 'running'), \
         done AS ( \
            UPDATE tasks t SET status = 'completed', result = held.result, \
                exit_code = held.exit_code, completed_at = now(), updated_at = now(), \
                lease_expires_at = NULL, error_details = NULL \
            FROM held WHERE t.id = held.id \
            RETURNING t.id, t.attempt, t.worker_id), \
         counted AS ( \
            UPDATE workers w SET tasks_completed = tasks_completed + c.n \
            FROM (SELECT worker_id, count(*) AS n FROM done GROUP BY worker_id) c \
            WHERE w.id = c.worker_id) \
         SELECT id, attempt, worker_id FROM done",
    )
    .bind(&ids)
    .bind(&attempts)
    .bind(&workers)
    .bind(&results)
    .bind(&codes)
    .fetch_all(pool)
    .await?;
    let recorded: std::collections::HashSet<(Uuid, i32, String)> = recorded.into_iter().collect();
    Ok(done
        .iter()
        .map(|c| {
            recorded.contains(&(
                c.fence.task_id.0,
                c.fence.attempt,
                c.fence.worker_id.clone(),
            ))
        })
        .collect())
}

/// How an attempt ended badly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

// ---------------------------------------------------------------------------------------------
// Logs

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

/// Which log lines to read.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    /// Only lines with a larger id (for paging and following).
    pub after_id: Option<i64>,
    /// This level or worse.
    pub min_level: Option<LogLevel>,
    /// Only lines newer than this, by the database's clock.
    pub within: Option<Duration>,
    /// Only this attempt.
    pub attempt: Option<i32>,
    /// The last N lines instead of the first.
    pub tail: Option<i64>,
    /// Most lines returned.
    pub limit: i64,
}

/// Read a task's log lines in id order.
pub async fn logs(pool: &PgPool, task: TaskId, q: &LogQuery) -> Result<Vec<LogEntry>> {
    let (order, limit) = match q.tail {
        Some(n) => ("id DESC", n.min(q.limit)),
        None => ("id", q.limit),
    };
    let sql = format!(
        "SELECT id, task_id, attempt, timestamp, level, source, message, context FROM task_logs \
         WHERE task_id = $1 AND ($2::bigint IS NULL OR id > $2) \
           AND ($3::text IS NULL OR level >= $3::log_level) \
           AND ($4::float8 IS NULL OR timestamp >= now() - make_interval(secs => $4)) \
           AND ($5::int4 IS NULL OR attempt = $5) \
         ORDER BY {order} LIMIT $6"
    );
    let mut rows: Vec<LogEntry> = sqlx::query_as(&sql)
        .bind(task)
        .bind(q.after_id)
        .bind(q.min_level.map(|l| l.as_str()))
        .bind(q.within.map(|d| d.as_secs_f64()))
        .bind(q.attempt)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    if q.tail.is_some() {
        rows.reverse();
    }
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------
// Workers

/// A worker as stored; `status` reads `offline` once its lease has run out.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Worker {
    pub id: String,
    pub cluster_name: String,
    pub backend_type: String,
    pub status: String,
    pub hostname: String,
    pub pid: Option<i32>,
    pub version: String,
    pub queues: Vec<String>,
    pub concurrency: i32,
    pub current_task_id: Option<TaskId>,
    pub capabilities: Value,
    pub metadata: Value,
    pub registered_at: DateTime<Utc>,
    pub last_heartbeat: DateTime<Utc>,
    pub heartbeat_age_seconds: f64,
    pub tasks_completed: i64,
    pub tasks_failed: i64,
}

const WORKER_SELECT: &str = "SELECT id, cluster_name, backend_type, \
    CASE WHEN status <> 'offline' AND lease_expires_at < now() THEN 'offline' ELSE status END AS status, \
    hostname, pid, version, queues, concurrency, current_task_id, capabilities, metadata, \
    registered_at, last_heartbeat, extract(epoch FROM now() - last_heartbeat)::float8 AS heartbeat_age_seconds, \
    tasks_completed, tasks_failed FROM workers";

/// Workers, live first then by id.
pub async fn list_workers(pool: &PgPool) -> Result<Vec<Worker>> {
    let sql = format!(
        "{WORKER_SELECT} ORDER BY (status <> 'offline' AND lease_expires_at >= now()) DESC, id"
    );
    Ok(sqlx::query_as(&sql).fetch_all(pool).await?)
}

/// One worker by id.
pub async fn get_worker(pool: &PgPool, id: &str) -> Result<Worker> {
    let sql = format!("{WORKER_SELECT} WHERE id = $1");
    sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| {
            Error::NotFound(format!(
                "no worker '{id}'; list workers with 'aiops workers'"
            ))
        })
}

/// What a worker says about itself when it starts.
#[derive(Debug, Clone, Serialize)]
pub struct WorkerRegistration {
    pub id: String,
    pub cluster_name: String,
    pub backend_type: String,
    pub hostname: String,
    pub pid: i32,
    pub version: String,
    pub queues: Vec<String>,
    pub concurrency: i32,
    pub capabilities: Value,
    pub metadata: Value,
    pub lease: Duration,
}

/// Register a worker, refusing while another live worker holds the same cluster or id.
/// `take_over` claims them anyway (the caller proved the holder's process is gone).
/// Serialized per cluster by a transaction-level advisory lock.
pub async fn register_worker(pool: &PgPool, w: &WorkerRegistration, take_over: bool) -> Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('aiops.cluster'), hashtext($1))")
        .bind(&w.cluster_name)
        .execute(&mut *tx)
        .await?;
    let holder: Option<(String, String, Option<i32>, f64)> = sqlx::query_as(
        "SELECT id, hostname, pid, extract(epoch FROM now() - last_heartbeat)::float8 FROM workers \
         WHERE (cluster_name = $1 OR id = $2) AND status <> 'offline' AND lease_expires_at >= now() \
         ORDER BY last_heartbeat DESC LIMIT 1",
    )
    .bind(&w.cluster_name)
    .bind(&w.id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((holder, hostname, pid, age_s)) = holder {
        if !take_over {
            return Err(Error::ClusterHeld {
                cluster: w.cluster_name.clone(),
                holder,
                hostname,
                pid: pid.unwrap_or(0),
                age_s,
            });
        }
    }
    sqlx::query(
        "INSERT INTO workers (id, cluster_name, backend_type, status, hostname, pid, version, \
            queues, concurrency, capabilities, metadata, registered_at, last_heartbeat, \
            lease_expires_at, current_task_id) \
         VALUES ($1, $2, $3, 'idle', $4, $5, $6, $7, $8, $9, $10, now(), now(), \
                 now() + make_interval(secs => $11), NULL) \
         ON CONFLICT (id) DO UPDATE SET cluster_name = $2, backend_type = $3, status = 'idle', \
            hostname = $4, pid = $5, version = $6, queues = $7, concurrency = $8, \
            capabilities = $9, metadata = $10, registered_at = now(), last_heartbeat = now(), \
            lease_expires_at = now() + make_interval(secs => $11), current_task_id = NULL",
    )
    .bind(&w.id)
    .bind(&w.cluster_name)
    .bind(&w.backend_type)
    .bind(clean_text(&w.hostname))
    .bind(w.pid)
    .bind(clean_text(&w.version))
    .bind(w.queues.iter().map(|q| clean_text(q)).collect::<Vec<_>>())
    .bind(w.concurrency)
    .bind(clean_json(&w.capabilities))
    .bind(clean_json(&w.metadata))
    .bind(w.lease.as_secs_f64())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A worker's own liveness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerState {
    /// Waiting for work.
    Idle,
    /// Running at least one task.
    Busy,
    /// Finishing its tasks before exit.
    Stopping,
}

impl WorkerState {
    fn as_str(self) -> &'static str {
        match self {
            WorkerState::Idle => "idle",
            WorkerState::Busy => "busy",
            WorkerState::Stopping => "stopping",
        }
    }
}

/// Extend a worker's own lease and report its state. Returns false when the row is gone or
/// was taken over by another worker (the caller should stop).
pub async fn heartbeat_worker(
    pool: &PgPool,
    worker_id: &str,
    pid: i32,
    hostname: &str,
    state: WorkerState,
    current: Option<TaskId>,
    lease: Duration,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE workers SET last_heartbeat = now(), lease_expires_at = now() + make_interval(secs => $5), \
            status = $2, current_task_id = $3 \
         WHERE id = $1 AND pid = $4 AND hostname = $6",
    )
    .bind(worker_id)
    .bind(state.as_str())
    .bind(current)
    .bind(pid)
    .bind(lease.as_secs_f64())
    .bind(hostname)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Mark a worker offline at exit so its cluster is free at once.
pub async fn worker_offline(pool: &PgPool, worker_id: &str, pid: i32) -> Result<()> {
    sqlx::query(
        "UPDATE workers SET status = 'offline', current_task_id = NULL, lease_expires_at = now() \
         WHERE id = $1 AND pid = $2",
    )
    .bind(worker_id)
    .bind(pid)
    .execute(pool)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Problem catalog

/// A known problem id.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct Problem {
    pub id: String,
    #[serde(default)]
    pub task_type: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// A problem with how its tasks stand, for `problems list`.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ProblemSummary {
    pub id: String,
    pub task_type: Option<String>,
    pub description: Option<String>,
    pub tasks: i64,
    pub pending: i64,
    pub running: i64,
    pub completed: i64,
    pub failed: i64,
    pub timeout: i64,
    pub cancelled: i64,
}

/// Add or update problems in one statement; returns how many rows were new.
pub async fn import_problems(pool: &PgPool, problems: &[Problem], source: &str) -> Result<u64> {
    let ids: Vec<&str> = problems.iter().map(|p| p.id.as_str()).collect();
    let types: Vec<Option<&str>> = problems.iter().map(|p| p.task_type.as_deref()).collect();
    let descs: Vec<Option<&str>> = problems.iter().map(|p| p.description.as_deref()).collect();
    let row = sqlx::query(
        "WITH up AS ( \
            INSERT INTO problems (id, task_type, description, source) \
            SELECT DISTINCT ON (id) id, task_type, description, $4 \
            FROM unnest($1::text[], $2::text[], $3::text[]) AS p(id, task_type, description) \
            ON CONFLICT (id) DO UPDATE SET task_type = coalesce(EXCLUDED.task_type, problems.task_type), \
                description = coalesce(EXCLUDED.description, problems.description), \
                source = EXCLUDED.source, imported_at = now() \
            RETURNING (xmax = 0) AS inserted) \
         SELECT count(*) FILTER (WHERE inserted) FROM up",
    )
    .bind(&ids)
    .bind(&types)
    .bind(&descs)
    .bind(source)
    .fetch_one(pool)
    .await?;
    Ok(row.get::<i64, _>(0) as u64)
}

/// The catalog with per-status task counts.
pub async fn list_problems(pool: &PgPool) -> Result<Vec<ProblemSummary>> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.task_type, p.description, count(t.id) AS tasks, \
            count(*) FILTER (WHERE t.status = 'pending') AS pending, \
            count(*) FILTER (WHERE t.status = 'running') AS running, \
            count(*) FILTER (WHERE t.status = 'completed') AS completed, \
            count(*) FILTER (WHERE t.status = 'failed') AS failed, \
            count(*) FILTER (WHERE t.status = 'timeout') AS timeout, \
            count(*) FILTER (WHERE t.status = 'cancelled') AS cancelled \
         FROM problems p LEFT JOIN tasks t ON t.problem_id = p.id \
         GROUP BY p.id ORDER BY p.id",
    )
    .fetch_all(pool)
    .await?)
}

/// Refuse problem ids the catalog does not know (when it knows any), naming the closest ones.
pub async fn check_known_problems(pool: &PgPool, ids: &[&str]) -> Result<()> {
    let unknown: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT q.id FROM unnest($1::text[]) AS q(id) \
         WHERE EXISTS (SELECT 1 FROM problems) \
           AND NOT EXISTS (SELECT 1 FROM problems p WHERE p.id = q.id)",
    )
    .bind(ids)
    .fetch_all(pool)
    .await?;
    let Some((first,)) = unknown.first() else {
        return Ok(());
    };
    let known: Vec<(String,)> = sqlx::query_as("SELECT id FROM problems")
        .fetch_all(pool)
        .await?;
    let mut scored: Vec<(f64, &str)> = known
        .iter()
        .map(|(k,)| (strsim::normalized_levenshtein(first, k), k.as_str()))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let near: Vec<&str> = scored.iter().take(3).map(|(_, k)| *k).collect();
    let more = if unknown.len() > 1 {
        format!(" (and {} more unknown ids)", unknown.len() - 1)
    } else {
        String::new()
    };
    Err(Error::Usage(format!(
        "unknown problem id '{first}'{more}; did you mean {}? See 'aiops problems list', or pass --allow-unknown",
        near.join(", ")
    )))
}

// ---------------------------------------------------------------------------------------------
// HTTP worker protocol

/// The task a worker would claim next, without claiming it (the `next_task_id` of an HTTP
/// heartbeat answer). Read-only and advisory: another worker may take it first.
pub async fn peek_claimable(pool: &PgPool, spec: &ClaimSpec) -> Result<Option<TaskId>> {
    let row: Option<(TaskId,)> = sqlx::query_as(
        "SELECT id FROM tasks \
         WHERE status = 'pending' AND queue = ANY($1) AND run_at <= now() \
           AND (backend_type IS NULL OR backend_type = $2) \
         ORDER BY priority DESC, run_at, id LIMIT 1",
    )
    .bind(&spec.queues)
    .bind(&spec.backend_type)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id,)| id))
}

// ---------------------------------------------------------------------------------------------
// Retention

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
