//! Reading tasks and their logs: one task, an id from its prefix, filtered and sorted pages,
//! counts, and log lines. Nothing here writes; the filter is shared with `cancel --all`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgPool, Postgres};
use uuid::Uuid;

use super::TASK_COLUMNS;
use crate::error::{Error, Result};
use crate::log::{LogEntry, LogLevel};
use crate::task::{Backend, Task, TaskId, TaskStatus};

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
    pub backend_type: Option<Backend>,
    /// Created within this long before the database's now.
    pub created_within: Option<Duration>,
    /// Created at or after.
    pub created_after: Option<DateTime<Utc>>,
    /// Created before.
    pub created_before: Option<DateTime<Utc>>,
    /// Metadata containing this JSON object (`key=value` filters, e.g. agent or experiment).
    pub metadata: Option<serde_json::Value>,
    /// Ids starting with this prefix (see [`IdPrefix`]).
    pub id_prefix: Option<IdPrefix>,
    /// Only these ids (a selection).
    pub ids: Option<Vec<TaskId>>,
}

/// The range of ids that start with some hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdPrefix {
    lo: Uuid,
    hi: Uuid,
}

impl IdPrefix {
    /// Parse 1 to 32 hex digits (dashes ignored).
    pub fn parse(input: &str) -> std::result::Result<IdPrefix, String> {
        let hex: String = input.chars().filter(|c| *c != '-').collect();
        if hex.is_empty() || hex.len() > 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "'{input}' is not an id prefix; give 1 to 32 hex digits of a task id"
            ));
        }
        let hex = hex.to_ascii_lowercase();
        Ok(IdPrefix {
            lo: Uuid::parse_str(&format!("{hex:0<32}")).expect("32 hex digits"),
            hi: Uuid::parse_str(&format!("{hex:f<32}")).expect("32 hex digits"),
        })
    }
}

pub(super) const FILTER_SQL: &str =
    "($1::text[] IS NULL OR status = ANY($1::text[]::task_status[])) \
    AND ($2::text IS NULL OR problem_id = $2) \
    AND ($3::text IS NULL OR worker_id = $3) \
    AND ($4::text IS NULL OR queue = $4) \
    AND ($5::text IS NULL OR backend_type = $5) \
    AND ($6::float8 IS NULL OR created_at >= now() - make_interval(secs => $6)) \
    AND ($7::timestamptz IS NULL OR created_at >= $7) \
    AND ($8::timestamptz IS NULL OR created_at < $8) \
    AND ($9::jsonb IS NULL OR metadata @> $9) \
    AND ($10::uuid IS NULL OR id BETWEEN $10 AND $11) \
    AND ($12::uuid[] IS NULL OR id = ANY($12))";

pub(super) fn bind_filter<'q, O>(
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
        .bind(f.backend_type)
        .bind(f.created_within.map(|d| d.as_secs_f64()))
        .bind(f.created_after)
        .bind(f.created_before)
        .bind(f.metadata.clone())
        .bind(f.id_prefix.map(|p| p.lo))
        .bind(f.id_prefix.map(|p| p.hi))
        .bind(
            f.ids
                .as_ref()
                .map(|ids| ids.iter().map(|i| i.0).collect::<Vec<Uuid>>()),
        )
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
        [one] => format!("{} LIMIT $13 OFFSET $14", branch(*one)),
        many => format!(
            "SELECT * FROM ({}) AS page ORDER BY {order} LIMIT $13 OFFSET $14",
            many.iter()
                .map(|g| format!("({} LIMIT $15)", branch(*g)))
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

/// Newest first, a page of `limit` tasks created before `before` (a task's `created_at` and id,
/// the last of the previous page; none: from the newest): keyset paging, so a page deep into a
/// million tasks costs what the first does. Each status group reads its own index from the
/// cursor on, as [`list`] does.
pub async fn list_before(
    pool: &PgPool,
    f: &TaskFilter,
    before: Option<(DateTime<Utc>, TaskId)>,
    limit: i64,
) -> Result<Vec<Task>> {
    let branch = |g: StatusGroup| {
        format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE {} AND {FILTER_SQL} \
               AND ($13::timestamptz IS NULL OR (created_at, id) < ($13, $14)) \
             ORDER BY created_at DESC, id DESC LIMIT $15",
            g.predicate()
        )
    };
    let groups = StatusGroup::covering(&f.statuses);
    let sql = match groups.as_slice() {
        [one] => branch(*one),
        many => format!(
            "SELECT * FROM ({}) AS page ORDER BY created_at DESC, id DESC LIMIT $15",
            many.iter()
                .map(|g| format!("({})", branch(*g)))
                .collect::<Vec<_>>()
                .join(" UNION ALL ")
        ),
    };
    Ok(bind_filter(sqlx::query_as(&sql), f)
        .bind(before.map(|b| b.0))
        .bind(before.map(|b| b.1))
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// What one attempt of a task did, as its worker's own log lines tell it.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AttemptSummary {
    /// The attempt's number, from 1.
    pub attempt: i32,
    /// The worker that ran it, as its first line names it.
    pub worker_id: Option<String>,
    /// Its first line.
    pub started_at: DateTime<Utc>,
    /// Its last worker line (its outcome), when it has ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// The worker's last line about it: how it ended, with the exit code or the error.
    pub outcome: Option<String>,
    /// Level of that line (`error` for a failed attempt).
    pub outcome_level: Option<LogLevel>,
}

/// A task's attempts, from the lines its workers wrote at each attempt's start and end (the
/// task row keeps only the last attempt's fields).
pub async fn attempts(pool: &PgPool, task: TaskId) -> Result<Vec<AttemptSummary>> {
    Ok(sqlx::query_as(
        "SELECT attempt, \
            substring((array_agg(message ORDER BY id))[1] FROM 'started on worker (\\S+) ') AS worker_id, \
            min(timestamp) AS started_at, \
            CASE WHEN count(*) > 1 THEN max(timestamp) END AS ended_at, \
            CASE WHEN count(*) > 1 THEN (array_agg(message ORDER BY id DESC))[1] END AS outcome, \
            CASE WHEN count(*) > 1 THEN (array_agg(level ORDER BY id DESC))[1] END AS outcome_level \
         FROM task_logs WHERE task_id = $1 AND source = 'worker' \
           AND (message LIKE 'attempt % started on worker %' \
                OR message ~ '^attempt [0-9]+ (completed|failed|timed out|cancelled|stopped|could not|exited)') \
         GROUP BY attempt ORDER BY attempt",
    )
    .bind(task)
    .fetch_all(pool)
    .await?)
}

/// How many tasks match the filter: a list's total, and what [`cancel_pending`](super::cancel_pending) would cancel
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
