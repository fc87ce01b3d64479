//! `/api/v1/tasks`: create, list, read, cancel, retry and logs (JSON pages or a live SSE
//! stream). Handlers translate HTTP to `queue` calls and back; no SQL here.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::error::{ApiError, ApiJson, ApiQuery, ApiResult, Problem};
use super::AppState;
use crate::follow::Follow;
use crate::log::{LogEntry, LogLevel};
use crate::queue::{self, CancelOutcome, LogQuery, Submitted, TaskFilter, TaskSort};
use crate::task::{parse_status_list, FieldError, Task, TaskId, TaskRequest};

/// A path id: a full UUID, or a unique prefix of at least 8 hex characters.
pub async fn task_id(st: &AppState, s: &str) -> ApiResult<TaskId> {
    if let Ok(u) = uuid::Uuid::parse_str(s) {
        return Ok(TaskId(u));
    }
    queue::resolve_id(&st.pool, s).await.map_err(|e| match e {
        crate::Error::Usage(m) => ApiError::new(StatusCode::NOT_FOUND, "not-found", m),
        other => other.into(),
    })
}

#[utoipa::path(post, path = "/api/v1/tasks", operation_id = "create_task", tag = "tasks", request_body = TaskRequest,
    responses(
        (status = 201, description = "Created", body = Task,
         headers(("Location" = String, description = "URL of the new task"))),
        (status = 200, description = "The task that already holds this idempotency key", body = Task),
        (status = 422, description = "Invalid request", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json")))]
/// Create a task.
pub async fn create(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<TaskRequest>,
) -> ApiResult<Response> {
    let new = req.validate().map_err(|errors| {
        let detail = errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        ApiError::invalid(detail, errors)
    })?;
    if let Err(e) = queue::check_known_problems(&st.pool, &[new.problem_id.as_str()]).await {
        return Err(match e {
            crate::Error::Usage(m) => ApiError::invalid(
                m.replace(", or pass --allow-unknown", ""),
                vec![FieldError {
                    field: "problem_id".into(),
                    message: "is not in the problem catalog".into(),
                }],
            ),
            other => other.into(),
        });
    }
    match queue::submit(&st.pool, &new).await? {
        Submitted::Created(t) => {
            let loc = format!("/api/v1/tasks/{}", t.id);
            Ok((StatusCode::CREATED, [(header::LOCATION, loc)], Json(t)).into_response())
        }
        Submitted::Existing(t) => Ok((StatusCode::OK, Json(t)).into_response()),
    }
}

/// Query of `GET /api/v1/tasks`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Comma list of statuses.
    #[param(
        pattern = r"^(pending|running|completed|failed|timeout|cancelled)?(,(pending|running|completed|failed|timeout|cancelled)?)*$"
    )]
    pub status: Option<String>,
    pub problem_id: Option<String>,
    pub worker_id: Option<String>,
    pub queue: Option<String>,
    /// `kind`, `existing` or `none`.
    #[param(pattern = "^(kind|existing|none)$")]
    pub backend_type: Option<String>,
    /// RFC 3339.
    #[param(format = DateTime)]
    pub created_after: Option<String>,
    /// RFC 3339.
    #[param(format = DateTime)]
    pub created_before: Option<String>,
    /// `created_at`, `-created_at` (default), `priority`, `-priority`.
    #[param(pattern = "^-?(created_at|priority)$")]
    pub sort: Option<String>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// Default 0.
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

/// A page of tasks.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TaskList {
    pub tasks: Vec<Task>,
    /// Tasks matching the filters, over all pages.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

fn time_param(field: &str, v: &Option<String>) -> ApiResult<Option<chrono::DateTime<chrono::Utc>>> {
    v.as_deref()
        .map(|s| {
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|e| {
                    ApiError::bad_param(field, format!("'{s}' is not an RFC 3339 time ({e})"))
                })
        })
        .transpose()
}

#[utoipa::path(get, path = "/api/v1/tasks", operation_id = "list_tasks", tag = "tasks", params(ListParams),
    responses((status = 200, body = TaskList),
        (status = 400, body = Problem, content_type = "application/problem+json")))]
/// List tasks with filters and pagination.
pub async fn list(
    State(st): State<AppState>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<TaskList>> {
    let statuses = match &p.status {
        Some(s) => parse_status_list(s).map_err(|m| ApiError::bad_param("status", m))?,
        None => Vec::new(),
    };
    let sort = match &p.sort {
        Some(s) => TaskSort::parse(s).ok_or_else(|| {
            ApiError::bad_param(
                "sort",
                format!("unknown sort '{s}'; use created_at, -created_at, priority or -priority"),
            )
        })?,
        None => TaskSort::default(),
    };
    let limit = p.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::bad_param(
            "limit",
            format!("{limit} is out of range; use 1 to 100"),
        ));
    }
    let offset = p.offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::bad_param("offset", "must not be negative"));
    }
    let f = TaskFilter {
        statuses,
        problem_id: p.problem_id.clone(),
        worker_id: p.worker_id.clone(),
        queue: p.queue.clone(),
        backend_type: p
            .backend_type
            .as_deref()
            .map(|b| {
                b.parse::<crate::task::Backend>()
                    .map_err(|m| ApiError::bad_param("backend_type", m))
            })
            .transpose()?,
        created_within: None,
        created_after: time_param("created_after", &p.created_after)?,
        created_before: time_param("created_before", &p.created_before)?,
        ..Default::default()
    };
    let (tasks, total) = queue::list(&st.pool, &f, sort, limit, offset).await?;
    Ok(Json(TaskList {
        tasks,
        total,
        limit,
        offset,
    }))
}

/// Query of `GET /api/v1/tasks/{id}`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GetParams {
    /// Add the task's log lines (up to 1000) as `logs`.
    pub include_logs: Option<bool>,
}

/// A task, optionally with its logs.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TaskWithLogs {
    #[serde(flatten)]
    pub task: Task,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logs: Option<Vec<LogEntry>>,
}

#[utoipa::path(get, path = "/api/v1/tasks/{id}", operation_id = "get_task", tag = "tasks",
    params(("id" = String, Path, description = "Task id or unique prefix"), GetParams),
    responses((status = 200, body = TaskWithLogs),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// One task.
pub async fn get(
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<GetParams>,
) -> ApiResult<Json<TaskWithLogs>> {
    let id = task_id(&st, &id).await?;
    let task = queue::get(&st.pool, id).await?;
    let logs = if p.include_logs.unwrap_or(false) {
        let q = LogQuery {
            limit: 1000,
            ..Default::default()
        };
        Some(queue::logs(&st.pool, id, &q).await?)
    } else {
        None
    };
    Ok(Json(TaskWithLogs { task, logs }))
}

/// Query of cancel.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CancelParams {
    /// Why, recorded on the task.
    pub reason: Option<String>,
}

async fn do_cancel(st: &AppState, id: &str, reason: Option<&str>) -> ApiResult<Response> {
    let id = task_id(st, id).await?;
    let outcome = queue::cancel(&st.pool, id, reason).await?;
    let task = queue::get(&st.pool, id).await?;
    let code = match outcome {
        CancelOutcome::Requested => StatusCode::ACCEPTED,
        CancelOutcome::Cancelled | CancelOutcome::AlreadyCancelled => StatusCode::OK,
    };
    Ok((code, Json(task)).into_response())
}

#[utoipa::path(delete, path = "/api/v1/tasks/{id}", operation_id = "cancel_task", tag = "tasks",
    params(("id" = String, Path), CancelParams),
    responses((status = 200, description = "Cancelled (or already cancelled)", body = Task),
        (status = 202, description = "Running: its worker was asked to stop it", body = Task),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already finished", body = Problem, content_type = "application/problem+json")))]
/// Cancel a task.
///
/// The task is not removed: it stays readable, cancelled at once when pending, or running with
/// `cancel_requested` until its worker stops it.
pub async fn cancel(
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<CancelParams>,
) -> ApiResult<Response> {
    do_cancel(&st, &id, p.reason.as_deref()).await
}

#[utoipa::path(post, path = "/api/v1/tasks/{id}/cancel", operation_id = "cancel_task_post", tag = "tasks",
    params(("id" = String, Path), CancelParams),
    responses((status = 200, body = Task), (status = 202, body = Task),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
/// Cancel a task (same as DELETE).
pub async fn cancel_post(
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<CancelParams>,
) -> ApiResult<Response> {
    do_cancel(&st, &id, p.reason.as_deref()).await
}

#[utoipa::path(post, path = "/api/v1/tasks/{id}/retry", operation_id = "retry_task", tag = "tasks",
    params(("id" = String, Path)),
    responses((status = 200, body = Task),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not failed, timeout or cancelled", body = Problem, content_type = "application/problem+json")))]
/// Re-queue a failed, timed-out or cancelled task for one more attempt.
pub async fn retry(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Task>> {
    let id = task_id(&st, &id).await?;
    Ok(Json(queue::retry(&st.pool, id).await?))
}

/// Query of the log read.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// Minimum level: debug, info, warning, error, critical.
    #[param(pattern = "^(debug|info|warning|error|critical)$")]
    pub level: Option<String>,
    /// Only lines newer than this duration, e.g. `10m`.
    #[param(value_type = Option<super::openapi::DurationText>)]
    pub since: Option<String>,
    /// Only lines with a larger id.
    pub after_id: Option<i64>,
    /// 1 to 1000, default 100.
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// A page of log lines.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LogPage {
    pub logs: Vec<LogEntry>,
    /// Pass as `after_id` for the next page (null when there are no lines yet).
    pub next_after_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/tasks/{id}/logs", operation_id = "get_task_logs", tag = "tasks",
    params(("id" = String, Path), LogParams),
    responses((status = 200, description = "A page, or with `Accept: text/event-stream` a live stream of `log` events ending with an `end` event", body = LogPage),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// A task's log, as pages or a live SSE stream.
pub async fn logs(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<LogParams>,
) -> ApiResult<Response> {
    let id = task_id(&st, &id).await?;
    queue::get(&st.pool, id).await?;
    let min_level = p
        .level
        .as_deref()
        .map(|l| {
            l.parse::<LogLevel>()
                .map_err(|m| ApiError::bad_param("level", m))
        })
        .transpose()?;
    let within = p
        .since
        .as_deref()
        .map(|s| crate::duration::parse(s).map_err(|m| ApiError::bad_param("since", m)))
        .transpose()?;
    let limit = p.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_param(
            "limit",
            format!("{limit} is out of range; use 1 to 1000"),
        ));
    }
    let q = LogQuery {
        after_id: p.after_id,
        min_level,
        within,
        attempt: None,
        tail: None,
        limit,
    };
    let wants_sse = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"));
    if wants_sse {
        return Ok(stream_logs(st, id, q).into_response());
    }
    let logs = queue::logs(&st.pool, id, &q).await?;
    let next_after_id = logs.last().map(|l| l.id).or(p.after_id);
    Ok(Json(LogPage {
        logs,
        next_after_id,
    })
    .into_response())
}

/// How often a stream re-reads even without a notification (a missed NOTIFY, a lost LISTEN).
const BACKSTOP: Duration = Duration::from_secs(1);

/// Live log: every line after `q.after_id` as a `log` event (id = log id), then an `end`
/// event with the task's final status once it has ended and its remaining lines are sent.
fn stream_logs(
    st: AppState,
    id: TaskId,
    q: LogQuery,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let (tx, rx) = mpsc::channel::<Result<Event, Infallible>>(64);
    let mut f = Follow::new(id, q.min_level, q.attempt);
    f.after(q.after_id);
    tokio::spawn(async move {
        let mut notes = st.watch_tasks().await;
        let mut shutdown = st.shutdown.clone();
        let key = id.to_string();
        loop {
            // Status first, lines second: lines written before the end are all read.
            let ended = match f.task(&st.pool).await {
                Ok(t) if t.status.is_terminal() => Some(t.status),
                Ok(_) => None,
                Err(crate::Error::NotFound(_)) => return,
                Err(_) => None,
            };
            loop {
                let Ok((lines, more)) = f.lines(&st.pool).await else {
                    break;
                };
                for l in lines {
                    let ev = Event::default().event("log").id(l.id.to_string());
                    let ev = ev.json_data(&l).unwrap_or_else(|_| Event::default());
                    if tx.send(Ok(ev)).await.is_err() {
                        return;
                    }
                }
                if !more {
                    break;
                }
            }
            if let Some(status) = ended {
                let ev = Event::default()
                    .event("end")
                    .data(format!("{{\"status\":\"{status}\"}}"));
                let _ = tx.send(Ok(ev)).await;
                return;
            }
            let nap = tokio::time::sleep(BACKSTOP);
            tokio::pin!(nap);
            loop {
                tokio::select! {
                    _ = &mut nap => break,
                    _ = tx.closed() => return,
                    _ = shutdown.changed() => return,
                    n = notes.recv() => match n {
                        Ok(n) if n.payload.starts_with(&key) => break,
                        Ok(_) => continue,
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                        Err(_) => { (&mut nap).await; break }
                    },
                }
            }
        }
    });
    Sse::new(ReceiverStream::new(rx)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
