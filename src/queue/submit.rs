//! Making tasks: one at a time (idempotent by key) or many in one transaction, by `COPY` when
//! nothing can conflict.

use std::sync::LazyLock;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{clean_json, clean_text, TASK_COLUMNS};
use crate::error::Result;
use crate::task::{NewTask, Task, TaskId};

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
             timeout_seconds, metadata, callback_url, idempotency_key, max_attempts, run_at, \
             concurrency_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12, now()), $13) \
             ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING {TASK_COLUMNS}"
        )
    });
    let inserted: Option<Task> = sqlx::query_as(SQL.as_str())
        .bind(t.id)
        .bind(&t.problem_id)
        .bind(&t.queue)
        .bind(t.priority)
        .bind(t.backend_type)
        .bind(clean_json(&t.parameters))
        .bind(t.timeout_seconds)
        .bind(clean_json(&t.metadata))
        .bind(&t.callback_url)
        .bind(&t.idempotency_key)
        .bind(t.max_attempts)
        .bind(t.run_at)
        .bind(&t.concurrency_key)
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
             timeout_seconds, metadata, callback_url, max_attempts, concurrency_key) \
             FROM STDIN (FORMAT csv)",
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
    if let Some(b) = t.backend_type {
        text(out, b.as_str());
    }
    out.push(b',');
    text(out, &clean_json(&t.parameters).to_string());
    let _ = write!(out, ",{},", t.timeout_seconds);
    text(out, &clean_json(&t.metadata).to_string());
    out.push(b',');
    if let Some(c) = &t.callback_url {
        text(out, c);
    }
    let _ = write!(out, ",{},", t.max_attempts);
    if let Some(k) = &t.concurrency_key {
        text(out, k);
    }
    out.push(b'\n');
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
    let ids = insert_many(&mut tx, tasks).await?;
    tx.commit().await?;
    Ok(ids)
}

/// [`submit_many`]'s INSERT path, inside a caller's transaction (an experiment's submit makes
/// its record and its tasks together). Ids in input order; a task whose idempotency key is
/// taken gets the id of the task holding it.
pub(super) async fn insert_many(tx: &mut PgConnection, tasks: &[NewTask]) -> Result<Vec<TaskId>> {
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
        let mut ckey = Vec::with_capacity(chunk.len());
        for t in chunk {
            id.push(t.id.0);
            problem.push(t.problem_id.clone());
            queue.push(t.queue.clone());
            priority.push(t.priority);
            backend.push(t.backend_type);
            params.push(clean_json(&t.parameters));
            timeout.push(t.timeout_seconds);
            meta.push(clean_json(&t.metadata));
            callback.push(t.callback_url.clone());
            key.push(t.idempotency_key.clone());
            attempts.push(t.max_attempts);
            run_at.push(t.run_at);
            ckey.push(t.concurrency_key.clone());
        }
        let inserted: Vec<(Uuid,)> = sqlx::query_as(
            "INSERT INTO tasks (id, problem_id, queue, priority, backend_type, parameters, \
             timeout_seconds, metadata, callback_url, idempotency_key, max_attempts, run_at, \
             concurrency_key) \
             SELECT id, problem_id, queue, priority, backend_type, parameters, timeout_seconds, \
                    metadata, callback_url, idempotency_key, max_attempts, coalesce(run_at, now()), \
                    concurrency_key \
             FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int2[], $5::text[], $6::jsonb[], \
                         $7::int4[], $8::jsonb[], $9::text[], $10::text[], $11::int4[], \
                         $12::timestamptz[], $13::text[]) \
               AS x(id, problem_id, queue, priority, backend_type, parameters, timeout_seconds, \
                    metadata, callback_url, idempotency_key, max_attempts, run_at, \
                    concurrency_key) \
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
        .bind(&ckey)
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
    Ok(ids)
}
