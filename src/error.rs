//! The one error type the commands return, its exit code, and the single line a user sees.
//! Core modules keep their own typed errors; this is where they meet the edge.

use std::fmt;

use crate::task::{FieldError, TaskId, TaskStatus};

/// Exit codes of `docs/contract.md` §3, in one place so scripts can rely on them.
pub mod exit {
    /// Success (with `--wait`: the task completed).
    pub const OK: u8 = 0;
    /// Runtime error: database unreachable, I/O.
    pub const RUNTIME: u8 = 1;
    /// Usage or validation error.
    pub const USAGE: u8 = 2;
    /// Not found, or an ambiguous id prefix.
    pub const NOT_FOUND: u8 = 3;
    /// Conflict with the current state (e.g. cancel of a completed task).
    pub const CONFLICT: u8 = 4;
    /// `--wait`: the task failed.
    pub const WAIT_FAILED: u8 = 10;
    /// `--wait`: the task timed out.
    pub const WAIT_TIMEOUT: u8 = 11;
    /// `--wait`: the task was cancelled.
    pub const WAIT_CANCELLED: u8 = 12;
    /// `--wait`: the wait itself timed out first.
    pub const WAIT_EXPIRED: u8 = 13;
}

/// Everything that can end a command early, typed so the exit code follows from the kind.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad flags or values: what was wrong and how to fix it.
    #[error("{0}")]
    Usage(String),
    /// A request with one or more invalid fields.
    #[error("{}", render_fields(.context, .errors))]
    Invalid {
        context: String,
        errors: Vec<FieldError>,
    },
    /// No such task, worker or file.
    #[error("{0}")]
    NotFound(String),
    /// An id prefix that matches several tasks.
    #[error("id prefix '{prefix}' matches {} tasks: {}; give more characters", .candidates.len(), join_ids(.candidates))]
    Ambiguous {
        prefix: String,
        candidates: Vec<TaskId>,
    },
    /// The operation does not fit the task's current state.
    #[error("{0}")]
    Conflict(String),
    /// A worker write refused because the worker no longer holds the task's lease.
    #[error("task {task} attempt {attempt} is no longer held by worker {worker}; its lease was lost and the write was refused")]
    Fenced {
        task: TaskId,
        attempt: i32,
        worker: String,
    },
    /// The cluster is already served by a live worker.
    #[error("cluster '{cluster}' is already served by worker '{holder}' (pid {pid} on {hostname}, last heartbeat {age_s:.0}s ago); stop that worker or choose another --cluster")]
    ClusterHeld {
        cluster: String,
        holder: String,
        hostname: String,
        pid: i32,
        age_s: f64,
    },
    /// The database could not be reached at all.
    #[error("cannot connect to the database at {url}: {reason}; check that PostgreSQL is running and the URL is right (--database-url, AIOPS_DATABASE_URL or DATABASE_URL), or unset them to use the embedded instance")]
    Unreachable { url: String, reason: String },
    /// A database error after connecting.
    #[error("database error: {0}")]
    Database(String),
    /// The schema was made by a newer aiops.
    #[error("the database schema is at version {found}, newer than this aiops knows ({known}); upgrade aiops to use this database")]
    SchemaTooNew { found: i64, known: i64 },
    /// Local I/O: files, terminals, child processes.
    #[error("{0}")]
    Io(String),
    /// `--wait` ended with the task in a non-success state; not a failure of aiops itself.
    #[error("task {id} ended {status}")]
    TaskEnded { id: TaskId, status: TaskStatus },
    /// `--wait` gave up before the task ended.
    #[error("gave up waiting for task {0} after the --wait-timeout; it is still queued or running (see 'aiops status {0}')")]
    WaitExpired(TaskId),
    /// `experiment status --wait` gave up before every task of the experiment ended.
    #[error("gave up waiting for experiment '{name}' after the --wait-timeout; {left} of its tasks are still queued or running (see 'aiops experiment status {name}')")]
    ExperimentWaitExpired { name: String, left: u64 },
    /// Anything else: a bug or an unexpected state, still reported in one line.
    #[error("{0}")]
    Other(String),
}

fn join_ids(ids: &[TaskId]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn render_fields(context: &str, errors: &[FieldError]) -> String {
    let parts: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    if context.is_empty() {
        format!("invalid {}", parts.join("; "))
    } else {
        format!("{context}: invalid {}", parts.join("; "))
    }
}

impl Error {
    /// The process exit code for this error (`docs/contract.md` §3).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Invalid { .. } => exit::USAGE,
            Error::NotFound(_) | Error::Ambiguous { .. } => exit::NOT_FOUND,
            Error::Conflict(_) | Error::Fenced { .. } | Error::ClusterHeld { .. } => exit::CONFLICT,
            Error::TaskEnded { status, .. } => status.wait_exit_code(),
            Error::WaitExpired(_) | Error::ExperimentWaitExpired { .. } => exit::WAIT_EXPIRED,
            Error::Unreachable { .. }
            | Error::Database(_)
            | Error::SchemaTooNew { .. }
            | Error::Io(_)
            | Error::Other(_) => exit::RUNTIME,
        }
    }

    /// Shorthand for a usage error.
    pub fn usage(msg: impl fmt::Display) -> Error {
        Error::Usage(msg.to_string())
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::PoolTimedOut => Error::Database(
                "timed out waiting for a database connection; is the server overloaded or gone?"
                    .into(),
            ),
            sqlx::Error::Io(io) => Error::Database(format!("lost the connection: {io}")),
            // Named statements of one client meeting another's on a shared server connection:
            // only a pool that hands server connections out per transaction does that.
            sqlx::Error::Database(db)
                if matches!(db.code().as_deref(), Some("42P05" | "26000"))
                    && db.message().contains("sqlx_s_") =>
            {
                Error::Usage(TRANSACTION_POOLED.into())
            }
            sqlx::Error::Database(db) => Error::Database(one_line(db.message())),
            // A notification for another client's LISTEN, on a connection that never listened.
            sqlx::Error::Protocol(m) if m.contains("unexpected message: NotificationResponse") => {
                Error::Usage(TRANSACTION_POOLED.into())
            }
            other => Error::Database(one_line(&other.to_string())),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}

/// Why aiops refuses a connection pooled per transaction.
pub const TRANSACTION_POOLED: &str = "the database URL leads to a pool that shares server connections per transaction (PgBouncer pool_mode=transaction): aiops needs session connections (prepared statements, LISTEN, advisory locks); point --database-url at PostgreSQL itself or at a pool in pool_mode=session";

/// An error with its causes, for the ones whose reason sits a few sources down (an HTTP
/// client's "connection refused").
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(cause) = src {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        src = cause.source();
    }
    s
}

/// Squash a multi-line message into one line, so every error stays one line.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Result alias for commands.
pub type Result<T, E = Error> = std::result::Result<T, E>;
