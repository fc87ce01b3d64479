//! Watching tasks. The database announces task changes (`aiops_task`) and new log lines
//! (`aiops_log`) only for the tasks some session is registered to watch: those announcements
//! cost every claim and every completion a notifying commit, and only waiters read them
//! (`submit --wait`, `logs -f`, the SSE streams of `serve`). The registration protocol and why
//! it misses nothing are in `migrations/20261127000009_watched_announcements.sql`.

use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::PgPool;

use crate::error::Result;
use crate::task::TaskId;

/// Register the listener's session (already listening on the task and log channels) as the
/// watcher of one task, or of every task (`None`; a session watches one or all, the last call decides). From the
/// moment it returns `Ok(true)`, every change committed to what it watches is announced.
/// `Ok(false)`: a transaction that was already writing tasks took too long to wait for, and a
/// change it commits may go unannounced (waiters re-read on a timer anyway). Call it again
/// after the listener reconnected: the registration belonged to the lost session.
pub async fn start(listener: &mut PgListener, task: Option<TaskId>) -> Result<bool> {
    let (settled,): (bool,) = sqlx::query_as("SELECT aiops_watch($1)")
        .bind(task.map(|t| t.0))
        .fetch_one(&mut *listener)
        .await?;
    Ok(settled)
}

/// Stop listening and withdraw the registration, so that changes stop being announced when
/// nobody else watches.
pub async fn stop(listener: &mut PgListener) -> Result<()> {
    sqlx::query("SELECT aiops_unwatch()")
        .execute(&mut *listener)
        .await?;
    listener.unlisten_all().await?;
    Ok(())
}

/// Drop the registrations of sessions that ended without [`stop`] (a process killed, a lost
/// connection), so that announcements stop when nobody watches any more. Returns how many.
pub async fn forget_gone(pool: &PgPool) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT aiops_forget_gone_watchers()")
        .fetch_one(pool)
        .await?;
    Ok(n)
}

/// How long journal rows are kept ([`prune_journal`]); an older Last-Event-ID gets a
/// `stream.resync`.
pub const JOURNAL_KEPT: Duration = Duration::from_secs(3600);

/// Delete journal rows older than [`JOURNAL_KEPT`] (one of the maintenance duties).
pub async fn prune_journal(pool: &PgPool) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM task_events WHERE at < now() - make_interval(secs => $1)")
            .bind(JOURNAL_KEPT.as_secs_f64())
            .execute(pool)
            .await?
            .rows_affected(),
    )
}
