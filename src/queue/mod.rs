//! Every statement that changes a task, a log or a worker lives under this module, so reading
//! it tells every way state can move. One file per noun: `submit` makes tasks, `claim` hands
//! them to workers, `attempt` records what a worker's attempt did (and takes back the attempts
//! of workers that went silent), `control` is what users do to tasks that exist (cancel,
//! retry), `retention` deletes what is no longer wanted, `read` reads tasks and their logs,
//! `workers` keeps the worker registry, `catalog` the known problems and `limits` the
//! concurrency caps per key. Every public item is re-exported here, so callers name
//! `queue::claim`, never the file it lives in.
//!
//! Worker-side writes are fenced by task id, attempt and worker id: a worker that lost its
//! lease cannot overwrite anything (see [`Fence`]). Time that decides leases, backoff and
//! delays is the database's `now()`.

mod attempt;
mod catalog;
mod claim;
mod control;
mod experiments;
mod limits;
mod queues;
mod read;
mod record;
mod retention;
mod schedules;
mod submit;
mod workers;

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use crate::task::{Task, TaskId};

pub use attempt::{
    append_logs, complete, complete_batch, fail, fail_keeping, heartbeat_tasks, release,
    rescue_expired, set_progress, Completed, Failure, HeldTask, Rescued,
};
pub use catalog::{
    catalog, check_known_problems, closest, import_problems, list_problems, Problem, ProblemSummary,
};
pub use claim::{claim, next_due, peek_claimable, ClaimSpec, Claimer, NextDue, HEAD_RESCAN};
pub use control::{
    bulk, bulk_count, cancel, cancel_pending, cancels_for, retry, BulkAction, CancelOutcome,
};
pub use experiments::{
    cancel_experiment, experiment_runs, get_experiment, list_experiments, retry_experiment,
    submit_experiment, submit_experiment_in, Experiment, ExperimentCancelled, ExperimentRun,
    ExperimentSummary, SubmittedExperiment,
};
pub use limits::{check_limit, clear_limit, list_limits, set_limit, ConcurrencyLimit, MAX_CAP};
pub use queues::{list_queues, pause_queue, resume_queue, QueueInfo, PENDING_COUNT_CAP};
pub(crate) use read::FINISHED_SQL;
pub use read::{
    attempts, count, get, list, list_before, logs, resolve_id, AttemptSummary, IdPrefix, LogQuery,
    TaskFilter, TaskSort,
};
pub use record::{record_batch, Outcome, Record};
pub use retention::{count_prunable, delete_queues, prune_batch, retention_cutoff};
pub use schedules::{
    add_schedule, delete_schedule, due_schedules, fire, get_schedule, list_schedules, lock_due,
    schedule_fires, set_paused, DueSchedule, FirePayload, NewSchedule, Schedule, ScheduleFire,
};
pub use submit::{submit, submit_many, Submitted};
pub use workers::{
    delete_workers, get_worker, heartbeat_worker, list_workers, maintainer, register_worker,
    request_drain, resign_maintainer, still_maintainer, try_maintain, worker_offline, Worker,
    WorkerOrders, WorkerRegistration, WorkerState, WorkerStatus,
};

/// Columns of `tasks` in the order of [`Task`], for SELECT and RETURNING.
const TASK_COLUMNS: &str = "id, problem_id, status, queue, priority, backend_type, parameters, \
    timeout_seconds, metadata, callback_url, idempotency_key, attempt, max_attempts, worker_id, \
    progress, result, error_details, exit_code, cancel_requested, created_at, updated_at, run_at, \
    started_at, completed_at, heartbeat_at, concurrency_key";

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

/// Proof that a worker holds one attempt of a task. Every worker write carries it, and the
/// database applies the write only while the task is still running that attempt for that worker.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Fence {
    /// The task.
    pub task_id: TaskId,
    /// The attempt the worker claimed.
    #[serde(deserialize_with = "crate::task::whole::i32")]
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

    /// The error of a write this fence refused: the attempt no longer holds its task.
    pub fn refused(&self) -> Error {
        Error::Fenced {
            task: self.task_id,
            attempt: self.attempt,
            worker: self.worker_id.clone(),
        }
    }
}
