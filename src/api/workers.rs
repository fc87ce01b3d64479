//! `/api/v1/workers`: listing, and the protocol for workers that speak HTTP instead of SQL.
//! Claims, heartbeats and every task write use the same `queue` functions and the same fence
//! (task id, attempt, worker id) as native workers.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{ApiError, ApiJson, ApiQuery, ApiResult, Problem};
use super::AppState;
use crate::log::{LogLevel, LogSource, NewLogLine};
use crate::queue::{
    self, ClaimSpec, Failure, Fence, NextDue, Record, Worker, WorkerRegistration, WorkerState,
    WorkerStatus,
};
use crate::task::{Backend, FieldError, Task, TaskId};
use crate::worker::link::{
    Beat, Beaten, ClaimRequest, OfflineBody, ProgressBody, Unwritten, WaitRequest, Waited,
    WAIT_HOLD,
};

/// Lease of HTTP workers and their tasks: three of the recommended 10 s heartbeats.
pub const HTTP_LEASE: Duration = Duration::from_secs(30);

/// Query of the worker list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkerParams {
    /// idle, busy, stopping or offline.
    pub status: Option<String>,
    /// kind, existing or none.
    pub backend_type: Option<String>,
}

/// Workers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkerList {
    pub workers: Vec<Worker>,
    pub total: usize,
}

#[utoipa::path(get, path = "/api/v1/workers", operation_id = "list_workers", tag = "workers", params(WorkerParams),
    responses((status = 200, body = WorkerList)))]
/// List workers, live ones first.
pub async fn list(
    State(st): State<AppState>,
    ApiQuery(p): ApiQuery<WorkerParams>,
) -> ApiResult<Json<WorkerList>> {
    let workers: Vec<Worker> = queue::list_workers(&st.pool)
        .await?
        .into_iter()
        .filter(|w| p.status.as_deref().is_none_or(|s| w.status.as_str() == s))
        .filter(|w| {
            p.backend_type
                .as_deref()
                .is_none_or(|b| w.backend_type.as_str() == b)
        })
        .collect();
    Ok(Json(WorkerList {
        total: workers.len(),
        workers,
    }))
}

#[utoipa::path(get, path = "/api/v1/workers/{id}", operation_id = "get_worker", tag = "workers", params(("id" = String, Path)),
    responses((status = 200, body = Worker), (status = 404, body = Problem, content_type = "application/problem+json")))]
/// One worker.
pub async fn get(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Worker>> {
    Ok(Json(queue::get_worker(&st.pool, &id).await?))
}

/// Body of `POST /api/v1/workers/register`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    /// Any text but NUL (as `cluster_name`): ids are keys in PostgreSQL text.
    #[schema(min_length = 1, max_length = 255, pattern = r"^[^\x00]*$")]
    pub id: String,
    /// kind, existing or none.
    #[schema(pattern = "^(kind|existing|none)$")]
    pub backend_type: String,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub capabilities: Option<Value>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    /// Default: the id.
    #[serde(default)]
    #[schema(pattern = r"^[^\x00]*$")]
    pub cluster_name: Option<String>,
    /// Default: `["default"]`.
    #[serde(default)]
    pub queues: Option<Vec<String>>,
    #[serde(default)]
    pub hostname: Option<String>,
    /// The worker's process id on its host, shown by `aiops workers`.
    #[serde(default, deserialize_with = "crate::task::whole::opt_i32")]
    pub pid: Option<i32>,
    /// Tasks it runs at once (1-256). Default 1.
    #[serde(default, deserialize_with = "crate::task::whole::opt_i32")]
    #[schema(minimum = 1, maximum = 256)]
    pub concurrency: Option<i32>,
    /// How long its registration lasts without a heartbeat (1-3600 s). Default 30.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 3600)]
    pub lease_seconds: Option<f64>,
}

#[utoipa::path(post, path = "/api/v1/workers/register", operation_id = "register_worker", tag = "worker protocol", request_body = RegisterBody,
    responses((status = 201, body = Worker),
        (status = 409, description = "A live worker holds this id or cluster", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
/// Register an HTTP worker (lease 30 s: heartbeat every 10 s).
pub async fn register(
    State(st): State<AppState>,
    ApiJson(b): ApiJson<RegisterBody>,
) -> ApiResult<Response> {
    let mut errors = Vec::new();
    if b.id.is_empty() || b.id.chars().count() > 255 {
        errors.push(FieldError {
            field: "id".into(),
            message: "must be 1 to 255 characters long".into(),
        });
    }
    let backend = match b.backend_type.parse::<Backend>() {
        Ok(backend) => Some(backend),
        Err(message) => {
            errors.push(FieldError {
                field: "backend_type".into(),
                message,
            });
            None
        }
    };
    for (field, v) in [
        ("id", Some(&b.id)),
        ("cluster_name", b.cluster_name.as_ref()),
    ] {
        if v.is_some_and(|v| v.contains('\0')) {
            errors.push(FieldError {
                field: field.into(),
                message: "must not contain NUL bytes".into(),
            });
        }
    }
    for (field, v) in [("capabilities", &b.capabilities), ("metadata", &b.metadata)] {
        if v.as_ref().is_some_and(|v| !v.is_object() && !v.is_null()) {
            errors.push(FieldError {
                field: field.into(),
                message: "must be a JSON object".into(),
            });
        }
    }
    if b.concurrency.is_some_and(|c| !(1..=256).contains(&c)) {
        errors.push(FieldError {
            field: "concurrency".into(),
            message: "must be from 1 to 256".into(),
        });
    }
    let lease = match b.lease_seconds {
        None => Some(HTTP_LEASE),
        Some(s) if (1.0..=3600.0).contains(&s) => Some(Duration::from_secs_f64(s)),
        Some(_) => {
            errors.push(FieldError {
                field: "lease_seconds".into(),
                message: "must be from 1 to 3600".into(),
            });
            None
        }
    };
    let (true, Some(backend), Some(lease)) = (errors.is_empty(), backend, lease) else {
        return Err(ApiError::invalid(
            "the registration has invalid fields",
            errors,
        ));
    };
    let reg = WorkerRegistration {
        cluster_name: b.cluster_name.unwrap_or_else(|| b.id.clone()),
        id: b.id,
        backend_type: backend,
        hostname: b.hostname.unwrap_or_else(|| "http".into()),
        pid: b.pid.unwrap_or(0),
        version: env!("CARGO_PKG_VERSION").into(),
        queues: b
            .queues
            .unwrap_or_else(|| vec![crate::task::DEFAULT_QUEUE.into()]),
        concurrency: b.concurrency.unwrap_or(1),
        capabilities: b.capabilities.unwrap_or_else(|| serde_json::json!({})),
        metadata: b.metadata.unwrap_or_else(|| serde_json::json!({})),
        lease,
    };
    queue::register_worker(&st.pool, &reg, false).await?;
    st.announce("local_worker", &reg.id);
    let w = queue::get_worker(&st.pool, &reg.id).await?;
    Ok((StatusCode::CREATED, Json(w)).into_response())
}

/// Body of a heartbeat.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatBody {
    #[schema(pattern = r"^[^\x00]*$")]
    pub worker_id: String,
    /// idle, busy or stopping.
    #[schema(pattern = "^(idle|busy|stopping)$")]
    pub status: String,
    #[serde(default)]
    pub current_task_id: Option<TaskId>,
}

/// Answer to a heartbeat.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HeartbeatAnswer {
    pub acknowledged: bool,
    /// The task a claim would get now (advisory), when idle.
    pub next_task_id: Option<TaskId>,
    /// True when the current task's cancel was requested: stop it and report `fail` with
    /// `kind: cancelled`.
    pub cancel_requested: bool,
}

async fn live_worker(st: &AppState, id: &str) -> ApiResult<Worker> {
    let w = queue::get_worker(&st.pool, id).await?;
    if w.status == WorkerStatus::Offline {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "worker-offline",
            format!("worker '{id}' is offline (its lease expired); register it again"),
        ));
    }
    Ok(w)
}

fn spec_of(w: &Worker) -> ClaimSpec {
    ClaimSpec {
        worker_id: w.id.clone(),
        queues: w.queues.clone(),
        backend_type: w.backend_type,
        lease: HTTP_LEASE,
    }
}

#[utoipa::path(post, path = "/api/v1/workers/heartbeat", operation_id = "heartbeat_worker", tag = "worker protocol", request_body = HeartbeatBody,
    responses((status = 200, body = HeartbeatAnswer),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The worker is offline or was taken over", body = Problem, content_type = "application/problem+json")))]
/// Extend a worker's lease (and its current task's).
pub async fn heartbeat(
    State(st): State<AppState>,
    ApiJson(b): ApiJson<HeartbeatBody>,
) -> ApiResult<Json<HeartbeatAnswer>> {
    let state = match b.status.as_str() {
        "idle" => WorkerState::Idle,
        "busy" => WorkerState::Busy,
        "stopping" => WorkerState::Stopping,
        other => {
            return Err(ApiError::invalid(
                "invalid heartbeat",
                vec![FieldError {
                    field: "status".into(),
                    message: format!("unknown status '{other}'; use idle, busy or stopping"),
                }],
            ))
        }
    };
    if b.worker_id.contains('\0') {
        return Err(ApiError::invalid(
            "invalid heartbeat",
            vec![FieldError {
                field: "worker_id".into(),
                message: "must not contain NUL bytes".into(),
            }],
        ));
    }
    let w = live_worker(&st, &b.worker_id).await?;
    let ok = queue::heartbeat_worker(
        &st.pool,
        &w.id,
        w.pid.unwrap_or(0),
        &w.hostname,
        state,
        b.current_task_id,
        HTTP_LEASE,
    )
    .await?
    .is_some();
    if !ok {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "worker-taken-over",
            format!("worker '{}' was taken over by another process", w.id),
        ));
    }
    let mut cancel_requested = false;
    if let Some(tid) = b.current_task_id {
        let t = queue::get(&st.pool, tid).await?;
        if t.worker_id.as_deref() == Some(w.id.as_str()) {
            let held =
                queue::heartbeat_tasks(&st.pool, &w.id, &[(tid, t.attempt)], HTTP_LEASE).await?;
            cancel_requested = held.iter().any(|h| h.cancel_requested);
        }
    }
    let next_task_id = if state == WorkerState::Idle {
        queue::peek_claimable(&st.pool, &spec_of(&w)).await?
    } else {
        None
    };
    Ok(Json(HeartbeatAnswer {
        acknowledged: true,
        next_task_id,
        cancel_requested,
    }))
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/claim", operation_id = "claim_task", tag = "worker protocol", params(("id" = String, Path)),
    responses((status = 200, description = "The claimed task; its `attempt` and the worker id form the fence of every later write", body = Task),
        (status = 204, description = "Nothing claimable"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
/// Claim the next task for this worker.
pub async fn claim(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let w = live_worker(&st, &id).await?;
    let mut got = queue::claim(&st.pool, &spec_of(&w), 1).await?;
    match got.pop() {
        Some(t) => Ok(Json(t).into_response()),
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

fn fence(worker: String, task: &str, attempt: i32) -> ApiResult<Fence> {
    let task_id = uuid::Uuid::parse_str(task).map(TaskId).map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("'{task}' is not a task id"),
        )
    })?;
    Ok(Fence {
        task_id,
        attempt,
        worker_id: worker,
    })
}

/// Body of complete.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteBody {
    /// The attempt from the claim.
    #[serde(deserialize_with = "crate::task::whole::i32")]
    pub attempt: i32,
    #[serde(default)]
    pub result: Option<Value>,
    #[serde(default, deserialize_with = "crate::task::whole::opt_i32")]
    pub exit_code: Option<i32>,
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/tasks/{task_id}/complete", operation_id = "complete_task", tag = "worker protocol",
    params(("id" = String, Path), ("task_id" = String, Path)), request_body = CompleteBody,
    responses((status = 200, body = Task),
        (status = 409, description = "Fenced: the worker no longer holds this attempt", body = Problem, content_type = "application/problem+json")))]
/// Record a successful attempt.
pub async fn complete(
    State(st): State<AppState>,
    Path((id, task)): Path<(String, String)>,
    ApiJson(b): ApiJson<CompleteBody>,
) -> ApiResult<Json<Task>> {
    let f = fence(id, &task, b.attempt)?;
    queue::complete(&st.pool, &f, b.result.as_ref(), b.exit_code).await?;
    Ok(Json(queue::get(&st.pool, f.task_id).await?))
}

/// Body of fail.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FailBody {
    #[serde(deserialize_with = "crate::task::whole::i32")]
    pub attempt: i32,
    /// What went wrong (stored as `error_details`).
    pub error: String,
    #[serde(default, deserialize_with = "crate::task::whole::opt_i32")]
    pub exit_code: Option<i32>,
    /// failed (default; retried while attempts remain), timeout, or cancelled.
    #[serde(default)]
    #[schema(pattern = "^(failed|timeout|cancelled)$")]
    pub kind: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/tasks/{task_id}/fail", operation_id = "fail_task", tag = "worker protocol",
    params(("id" = String, Path), ("task_id" = String, Path)), request_body = FailBody,
    responses((status = 200, description = "The task after the failure (pending again when attempts remain)", body = Task),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
/// Record a failed attempt.
pub async fn fail(
    State(st): State<AppState>,
    Path((id, task)): Path<(String, String)>,
    ApiJson(b): ApiJson<FailBody>,
) -> ApiResult<Json<Task>> {
    let kind = match b.kind.as_deref().unwrap_or("failed") {
        "failed" => Failure::Failed,
        "timeout" => Failure::Timeout,
        "cancelled" => Failure::Cancelled,
        other => {
            return Err(ApiError::invalid(
                "invalid failure",
                vec![FieldError {
                    field: "kind".into(),
                    message: format!("unknown kind '{other}'; use failed, timeout or cancelled"),
                }],
            ))
        }
    };
    let f = fence(id, &task, b.attempt)?;
    queue::fail(&st.pool, &f, kind, &b.error, b.exit_code).await?;
    Ok(Json(queue::get(&st.pool, f.task_id).await?))
}

/// One line sent by an HTTP worker.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogLineBody {
    pub message: String,
    /// Default info. Also the spellings tools use: trace (debug), notice (info), warn, err,
    /// crit and fatal (critical); lower case.
    #[serde(default)]
    #[schema(pattern = "^(debug|trace|info|notice|warning|warn|error|err|critical|crit|fatal)$")]
    pub level: Option<String>,
    /// stdout (default), stderr or worker.
    #[serde(default)]
    #[schema(pattern = "^(stdout|stderr|worker)$")]
    pub source: Option<String>,
    #[serde(default)]
    pub timestamp: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub context: Option<Value>,
}

/// Body of logs.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogsBody {
    #[serde(deserialize_with = "crate::task::whole::i32")]
    pub attempt: i32,
    /// At most 1000 lines.
    #[schema(max_items = 1000)]
    pub lines: Vec<LogLineBody>,
}

/// Answer to logs.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Appended {
    pub appended: usize,
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/tasks/{task_id}/logs", operation_id = "append_task_logs", tag = "worker protocol",
    params(("id" = String, Path), ("task_id" = String, Path)), request_body = LogsBody,
    responses((status = 200, body = Appended),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
/// Append log lines to the held attempt.
pub async fn logs(
    State(st): State<AppState>,
    Path((id, task)): Path<(String, String)>,
    ApiJson(b): ApiJson<LogsBody>,
) -> ApiResult<Json<Appended>> {
    if b.lines.len() > 1000 {
        return Err(ApiError::invalid(
            "too many lines",
            vec![FieldError {
                field: "lines".into(),
                message: "send at most 1000 lines per request".into(),
            }],
        ));
    }
    let mut lines = Vec::with_capacity(b.lines.len());
    for (i, l) in b.lines.into_iter().enumerate() {
        let level = match l.level.as_deref() {
            None => LogLevel::Info,
            Some(s) => Some(s)
                .filter(|s| !s.bytes().any(|b| b.is_ascii_uppercase()))
                .and_then(LogLevel::parse_lenient)
                .ok_or_else(|| {
                    ApiError::invalid(
                        "invalid log line",
                        vec![FieldError {
                            field: format!("lines[{i}].level"),
                            message: format!(
                                "unknown level '{s}'; use debug, info, warning, error or critical"
                            ),
                        }],
                    )
                })?,
        };
        let source = match l.source.as_deref().unwrap_or("stdout") {
            "stdout" => LogSource::Stdout,
            "stderr" => LogSource::Stderr,
            "worker" => LogSource::Worker,
            s => {
                return Err(ApiError::invalid(
                    "invalid log line",
                    vec![FieldError {
                        field: format!("lines[{i}].source"),
                        message: format!("unknown source '{s}'; use stdout, stderr or worker"),
                    }],
                ))
            }
        };
        lines.push(NewLogLine {
            timestamp: l.timestamp.unwrap_or_else(chrono::Utc::now),
            level,
            source,
            message: l.message,
            context: l.context,
        });
    }
    let f = fence(id, &task, b.attempt)?;
    queue::append_logs(&st.pool, &f, &lines).await?;
    Ok(Json(Appended {
        appended: lines.len(),
    }))
}

/// A worker id from a path: text PostgreSQL can hold, or no such worker.
fn path_worker(id: &str) -> ApiResult<()> {
    if id.contains('\0') || id.is_empty() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("no worker '{}'", id.escape_default()),
        ));
    }
    Ok(())
}

/// A live worker whose heartbeat names it as the path does.
async fn own_worker(st: &AppState, id: &str) -> ApiResult<Worker> {
    path_worker(id)?;
    live_worker(st, id).await
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/beat", operation_id = "beat_worker", tag = "worker protocol",
    params(("id" = String, Path)), request_body = Beat,
    responses((status = 200, body = Beaten),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
/// Extend a worker's lease and its running attempts' (`aiops worker run --server`): the
/// answer lists the attempts it still holds and their cancel requests.
pub async fn beat(
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<Beat>,
) -> ApiResult<Json<Beaten>> {
    path_worker(&id)?;
    let b = Beat { worker_id: id, ..b };
    Ok(Json(crate::worker::link::beat_in(&st.pool, &b).await?))
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/claims", operation_id = "claim_tasks", tag = "worker protocol",
    params(("id" = String, Path)), request_body = ClaimRequest,
    responses((status = 200, description = "The claimed tasks, none when nothing is claimable; each task's `attempt` and the worker id fence its later writes", body = Vec<Task>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
/// Claim up to `limit` tasks for this worker, leased for `lease` seconds.
pub async fn claims(
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ClaimRequest>,
) -> ApiResult<Json<Vec<Task>>> {
    if !(1..=100).contains(&b.limit) {
        return Err(ApiError::invalid(
            "invalid claim",
            vec![FieldError {
                field: "limit".into(),
                message: "must be from 1 to 100".into(),
            }],
        ));
    }
    let w = own_worker(&st, &id).await?;
    let spec = ClaimSpec {
        lease: b.lease,
        ..spec_of(&w)
    };
    let claimed = queue::claim(&st.pool, &spec, i64::from(b.limit)).await?;
    if claimed.len() == b.limit as usize {
        // Full: there may be more, so more of the fleet is woken (see `wakeups`).
        for q in &w.queues {
            st.wakeups.wake(q, 2);
        }
    }
    Ok(Json(claimed))
}

#[utoipa::path(get, path = "/api/v1/workers/{id}/next-due", operation_id = "next_due", tag = "worker protocol",
    params(("id" = String, Path)),
    responses((status = 200, body = NextDue),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
/// When this worker's next task becomes claimable (for a worker that found none).
pub async fn next_due(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<NextDue>> {
    let w = own_worker(&st, &id).await?;
    Ok(Json(
        queue::next_due(&st.pool, &w.queues, w.backend_type, &w.id).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/records", operation_id = "record_attempts", tag = "worker protocol",
    params(("id" = String, Path)),
    request_body(content = Vec<Record>, description = "Finished attempts (at most 100): each its `fence`, last `lines`, `progress` and `outcome`"),
    responses((status = 200, description = "Per record in order: null when written, else why not (`fenced` when the attempt is no longer the worker's)", body = Vec<Option<Unwritten>>),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
/// Write finished attempts, several in one transaction, exactly as a direct worker does.
pub async fn records(
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<Vec<Record>>,
) -> ApiResult<Json<Vec<Option<Unwritten>>>> {
    path_worker(&id)?;
    if b.len() > 100 {
        return Err(ApiError::invalid(
            "too many records",
            vec![FieldError {
                field: ".".into(),
                message: "send at most 100 records per request".into(),
            }],
        ));
    }
    // A record fenced by another worker is refused like any record whose fence does not hold.
    let (ours, theirs): (Vec<&Record>, Vec<&Record>) =
        b.iter().partition(|r| r.fence.worker_id == id);
    let mut answers = queue::record_batch(&st.pool, &ours).await?.into_iter();
    Ok(Json(
        b.iter()
            .map(|r| {
                if theirs.iter().any(|t| std::ptr::eq(*t, r)) {
                    Some(Unwritten::of(&r.fence.refused()))
                } else {
                    answers
                        .next()
                        .and_then(|a| a.err().map(|e| Unwritten::of(&e)))
                }
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/tasks/{task_id}/progress", operation_id = "set_task_progress", tag = "worker protocol",
    params(("id" = String, Path), ("task_id" = String, Path)), request_body = ProgressBody,
    responses((status = 200, description = "`{\"progress\": …}` as stored", body = Object),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
/// Set the held attempt's progress.
pub async fn progress(
    State(st): State<AppState>,
    Path((id, task)): Path<(String, String)>,
    ApiJson(b): ApiJson<ProgressBody>,
) -> ApiResult<Json<Value>> {
    path_worker(&id)?;
    let f = fence(id, &task, b.attempt)?;
    queue::set_progress(&st.pool, &f, &b.progress).await?;
    Ok(Json(serde_json::json!({ "progress": b.progress })))
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/wait", operation_id = "wait_worker", tag = "worker protocol",
    params(("id" = String, Path)), request_body = WaitRequest,
    responses((status = 200, description = "At once when a running task of the worker has a cancel request it does not know yet, or a task was submitted to its queues; else after about 20 s with nothing", body = Waited),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
/// Long poll: what an HTTP worker would hear on a LISTEN session, cancels of its tasks and
/// submits to its queues, answered within a moment of either.
pub async fn wait(
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<WaitRequest>,
) -> ApiResult<Json<Waited>> {
    let w = own_worker(&st, &id).await?;
    // Subscribed before the first read, so a cancel committed after it is heard.
    let mut notes = st.protocol.subscribe();
    // A worker with a free slot queues for a wake-up on each of its queues.
    let waiters: Vec<std::sync::Arc<tokio::sync::Notify>> = if b.free {
        w.queues.iter().map(|q| st.wakeups.of(q)).collect()
    } else {
        Vec::new()
    };
    let mut woken: Vec<_> = waiters.iter().map(|n| Box::pin(n.notified())).collect();
    for n in &mut woken {
        n.as_mut().enable();
    }
    let mut woken = (!woken.is_empty()).then(|| futures_util::future::select_all(woken));
    let mut shutdown = st.shutdown.clone();
    let deadline = tokio::time::Instant::now() + WAIT_HOLD;
    loop {
        let cancel: Vec<TaskId> = queue::cancels_for(&st.pool, &w.id)
            .await?
            .into_iter()
            .filter(|t| !b.known.contains(t))
            .collect();
        if !cancel.is_empty() {
            return Ok(Json(Waited {
                cancel,
                submitted: false,
            }));
        }
        // Wait for a wake-up or a note; a cancel is checked by reading again.
        let submitted = tokio::select! {
            _ = async { woken.as_mut().unwrap().await }, if woken.is_some() => true,
            n = notes.recv() => match n {
                Ok(n) if n.channel == crate::notify::CANCEL => false,
                // The session started over, or notes were dropped: look again.
                Ok(_) | Err(_) => true,
            },
            _ = tokio::time::sleep_until(deadline) => return Ok(Json(Waited::default())),
            _ = shutdown.changed() => return Ok(Json(Waited::default())),
        };
        if submitted {
            return Ok(Json(Waited {
                cancel: Vec::new(),
                submitted: true,
            }));
        }
    }
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/offline", operation_id = "worker_offline", tag = "worker protocol",
    params(("id" = String, Path)), request_body = OfflineBody,
    responses((status = 200, body = Worker),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// Mark a worker offline as it exits, so its cluster is free at once.
pub async fn offline(
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<OfflineBody>,
) -> ApiResult<Json<Worker>> {
    path_worker(&id)?;
    queue::worker_offline(&st.pool, &id, b.pid).await?;
    Ok(Json(queue::get_worker(&st.pool, &id).await?))
}
