//! What an operator does to queues and workers over HTTP: list queues, pause and resume one,
//! ask a worker to drain. Handlers translate to `queue` calls; no SQL here.

use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;

use super::error::{ApiError, ApiResult, Problem};
use super::AppState;
use crate::queue::{self, QueueInfo, Worker};

/// Queues.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueList {
    /// By name.
    pub queues: Vec<QueueInfo>,
}

/// What a pause or resume did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueuePause {
    /// The queue's name.
    pub queue: String,
    /// Whether claims skip the queue now.
    pub paused: bool,
    /// False when it already was in that state.
    pub changed: bool,
}

fn queue_name(name: &str) -> ApiResult<&str> {
    if name.is_empty() || name.len() > 255 || name.contains('\0') {
        return Err(ApiError::bad_param(
            "name",
            "a queue name is 1 to 255 characters without NUL",
        ));
    }
    Ok(name)
}

#[utoipa::path(get, path = "/api/v1/queues", operation_id = "list_queues", tag = "queues",
    responses((status = 200, body = QueueList)))]
/// Queues with pending and running counts, live workers, and whether each is paused.
pub async fn list(State(st): State<AppState>) -> ApiResult<Json<QueueList>> {
    Ok(Json(QueueList {
        queues: queue::list_queues(&st.pool).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/queues/{name}/pause", operation_id = "pause_queue", tag = "queues",
    params(("name" = String, Path, description = "The queue")),
    responses((status = 200, body = QueuePause),
        (status = 400, body = Problem, content_type = "application/problem+json")))]
/// Pause a queue: claims skip it; running tasks go on.
pub async fn pause(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<QueuePause>> {
    let changed = queue::pause_queue(&st.pool, queue_name(&name)?).await?;
    Ok(Json(QueuePause {
        queue: name,
        paused: true,
        changed,
    }))
}

#[utoipa::path(post, path = "/api/v1/queues/{name}/resume", operation_id = "resume_queue", tag = "queues",
    params(("name" = String, Path, description = "The queue")),
    responses((status = 200, body = QueuePause),
        (status = 400, body = Problem, content_type = "application/problem+json")))]
/// Resume a paused queue; its workers are woken.
pub async fn resume(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<QueuePause>> {
    let changed = queue::resume_queue(&st.pool, queue_name(&name)?).await?;
    Ok(Json(QueuePause {
        queue: name,
        paused: false,
        changed,
    }))
}

#[utoipa::path(post, path = "/api/v1/workers/{id}/drain", operation_id = "drain_worker", tag = "workers",
    params(("id" = String, Path)),
    responses((status = 200, description = "The worker, asked to drain: it finishes its tasks, claims nothing more and exits", body = Worker),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The worker is offline", body = Problem, content_type = "application/problem+json")))]
/// Ask a worker to drain.
pub async fn drain(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<Worker>> {
    if id.contains('\0') {
        return Err(ApiError::bad_param("id", "must not contain NUL bytes"));
    }
    Ok(Json(queue::request_drain(&st.pool, &id).await?))
}
