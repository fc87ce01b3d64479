//! The worker registry: registration (one live worker per cluster), a worker's own heartbeat,
//! going offline, and the listing `aiops workers` and the HTTP API show.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use super::{clean_json, clean_text};
use crate::error::{Error, Result};
use crate::task::{sql_as_text, Backend, TaskId};

/// A worker's status as stored and shown: what it last reported, or `offline` once it left or
/// its lease ran out. The column is `text` with a CHECK of these values.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum WorkerStatus {
    /// Waiting for work.
    Idle,
    /// Running at least one task.
    Busy,
    /// Finishing its tasks before exit.
    Stopping,
    /// Gone: it said so at exit, or its lease ran out.
    Offline,
}

impl WorkerStatus {
    /// Every status, in the order messages list them.
    pub const ALL: [WorkerStatus; 4] = [
        WorkerStatus::Idle,
        WorkerStatus::Busy,
        WorkerStatus::Stopping,
        WorkerStatus::Offline,
    ];

    /// The name used in JSON, SQL and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerStatus::Idle => "idle",
            WorkerStatus::Busy => "busy",
            WorkerStatus::Stopping => "stopping",
            WorkerStatus::Offline => "offline",
        }
    }
}

impl std::fmt::Display for WorkerStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for WorkerStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        WorkerStatus::ALL
            .into_iter()
            .find(|w| w.as_str() == s)
            .ok_or_else(|| {
                format!("unknown worker status '{s}'; use idle, busy, stopping or offline")
            })
    }
}

sql_as_text!(WorkerStatus);

/// A worker as stored; `status` reads `offline` once its lease has run out.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Worker {
    pub id: String,
    pub cluster_name: String,
    pub backend_type: Backend,
    pub status: WorkerStatus,
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
    /// Asked to drain ([`request_drain`]): it finishes its tasks, claims nothing more and exits.
    pub drain_requested: bool,
}

const WORKER_SELECT: &str = "SELECT id, cluster_name, backend_type, \
    CASE WHEN status <> 'offline' AND lease_expires_at < now() THEN 'offline' ELSE status END AS status, \
    hostname, pid, version, queues, concurrency, current_task_id, capabilities, metadata, \
    registered_at, last_heartbeat, extract(epoch FROM now() - last_heartbeat)::float8 AS heartbeat_age_seconds, \
    tasks_completed, tasks_failed, drain_requested_at IS NOT NULL AS drain_requested FROM workers";

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
    pub backend_type: Backend,
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
            lease_expires_at = now() + make_interval(secs => $11), current_task_id = NULL, \
            drain_requested_at = NULL",
    )
    .bind(&w.id)
    .bind(&w.cluster_name)
    .bind(w.backend_type)
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

/// A worker's own liveness: the [`WorkerStatus`] values a live worker may report (only its
/// exit or a lost lease makes it `offline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkerState {
    /// Waiting for work.
    Idle,
    /// Running at least one task.
    Busy,
    /// Finishing its tasks before exit.
    Stopping,
}

impl From<WorkerState> for WorkerStatus {
    fn from(s: WorkerState) -> Self {
        match s {
            WorkerState::Idle => WorkerStatus::Idle,
            WorkerState::Busy => WorkerStatus::Busy,
            WorkerState::Stopping => WorkerStatus::Stopping,
        }
    }
}

/// What a heartbeat's answer tells the worker to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerOrders {
    /// Someone asked it to drain: finish the running tasks, claim nothing more, exit.
    pub drain: bool,
}

/// Extend a worker's own lease and report its state; the answer carries its orders. `None`
/// when the row is gone or was taken over by another worker (the caller should stop).
pub async fn heartbeat_worker(
    pool: &PgPool,
    worker_id: &str,
    pid: i32,
    hostname: &str,
    state: WorkerState,
    current: Option<TaskId>,
    lease: Duration,
) -> Result<Option<WorkerOrders>> {
    let drain: Option<bool> = sqlx::query_scalar(
        "UPDATE workers SET last_heartbeat = now(), lease_expires_at = now() + make_interval(secs => $5), \
            status = $2, current_task_id = $3 \
         WHERE id = $1 AND pid = $4 AND hostname = $6 \
         RETURNING drain_requested_at IS NOT NULL",
    )
    .bind(worker_id)
    .bind(WorkerStatus::from(state))
    .bind(current)
    .bind(pid)
    .bind(lease.as_secs_f64())
    .bind(clean_text(hostname))
    .fetch_optional(pool)
    .await?;
    Ok(drain.map(|drain| WorkerOrders { drain }))
}

/// Ask a live worker to drain: it hears it at its next heartbeat, finishes its running tasks,
/// claims nothing more and exits. Asking again changes nothing.
pub async fn request_drain(pool: &PgPool, id: &str) -> Result<Worker> {
    let sql = format!(
        "WITH asked AS (UPDATE workers SET drain_requested_at = coalesce(drain_requested_at, now()) \
            WHERE id = $1 AND status <> 'offline' AND lease_expires_at >= now() RETURNING id) \
         {WORKER_SELECT} WHERE id = (SELECT id FROM asked)"
    );
    let w: Option<Worker> = sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?;
    match w {
        Some(mut w) => {
            // The statement's snapshot predates its own update.
            w.drain_requested = true;
            Ok(w)
        }
        None => {
            let w = get_worker(pool, id).await?;
            Err(Error::Conflict(format!(
                "worker '{}' is {}; only a live worker can be drained",
                w.id, w.status
            )))
        }
    }
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

/// Forget workers by id, live or not. For `aiops bench`, whose simulated workers must not stay
/// in `aiops workers` once it has finished.
pub async fn delete_workers(pool: &PgPool, ids: &[String]) -> Result<u64> {
    let done = sqlx::query("DELETE FROM workers WHERE id = ANY($1)")
        .bind(ids)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// The maintainer's session-level advisory lock, as `pg_try_advisory_lock(int4, int4)` takes
/// it (`classid` and `objid` in `pg_locks`, `objsubid` 2).
const MAINTAINER_LOCK: (i32, i32) = (0x6169_6f70, 1);

/// Try to become the process that runs the maintenance duties, on this session, which then
/// holds the lock for as long as it lives; it names itself (`application_name`) so that
/// [`maintainer`] can say who it is.
pub async fn try_maintain(conn: &mut PgConnection, who: &str) -> Result<bool> {
    let (got,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1, $2)")
        .bind(MAINTAINER_LOCK.0)
        .bind(MAINTAINER_LOCK.1)
        .fetch_one(&mut *conn)
        .await?;
    if got {
        // N.B.: the lock lives as long as the server keeps the session. A maintainer cut off
        // without a reset (a partition, a host gone) would otherwise keep it for as long as
        // the server's TCP timeouts (hours by default), and nobody would rescue anything.
        // Short keepalives and a user timeout on this session let the server drop it, and the
        // lock with it, within seconds (they do nothing over a unix socket, where a dead peer
        // is seen at once).
        sqlx::query(
            "SELECT set_config('application_name', $1, false), \
                set_config('tcp_keepalives_idle', '2', false), \
                set_config('tcp_keepalives_interval', '1', false), \
                set_config('tcp_keepalives_count', '3', false), \
                set_config('tcp_user_timeout', '5000', false)",
        )
        .bind(format!("aiops maintainer: {who}"))
        .execute(&mut *conn)
        .await?;
    }
    Ok(got)
}

/// Whether this session still holds the maintainer's lock (and answers at all).
pub async fn still_maintainer(conn: &mut PgConnection) -> Result<bool> {
    let (held,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' \
            AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 2 \
            AND pid = pg_backend_pid() AND granted)",
    )
    .bind(i64::from(MAINTAINER_LOCK.0))
    .bind(i64::from(MAINTAINER_LOCK.1))
    .fetch_one(&mut *conn)
    .await?;
    Ok(held)
}

/// Give the maintainer's lock up on this session, so the next maintainer need not wait for
/// the session to end.
pub async fn resign_maintainer(conn: &mut PgConnection) -> Result<()> {
    sqlx::query("SELECT pg_advisory_unlock($1, $2)")
        .bind(MAINTAINER_LOCK.0)
        .bind(MAINTAINER_LOCK.1)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Who runs the maintenance duties now, as it named itself; `None` when no process does.
pub async fn maintainer(pool: &PgPool) -> Result<Option<String>> {
    let who: Option<String> = sqlx::query_scalar(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.classid::bigint = $1 AND l.objid::bigint = $2 \
            AND l.objsubid = 2 AND l.granted \
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .bind(i64::from(MAINTAINER_LOCK.0))
    .bind(i64::from(MAINTAINER_LOCK.1))
    .fetch_optional(pool)
    .await?;
    Ok(who.map(|w| {
        w.strip_prefix("aiops maintainer: ")
            .map(str::to_string)
            .unwrap_or(w)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// JSON, SQL and the tables spell a status the same way, and every state a live worker
    /// reports is one of them.
    #[test]
    fn status_names_agree_everywhere() {
        for w in WorkerStatus::ALL {
            assert_eq!(w.as_str().parse::<WorkerStatus>(), Ok(w));
            assert_eq!(serde_json::to_value(w).unwrap(), w.as_str());
        }
        for s in [WorkerState::Idle, WorkerState::Busy, WorkerState::Stopping] {
            assert_ne!(WorkerStatus::from(s), WorkerStatus::Offline);
        }
    }
}
