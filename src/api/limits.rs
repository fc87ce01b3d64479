//! `/api/v1/limits`: concurrency caps per key, as `aiops limits` sets them. Handlers translate
//! HTTP to `queue` calls and back; no SQL here.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use super::error::{ApiJson, ApiResult, Problem};
use super::AppState;
use crate::queue::{self, ConcurrencyLimit};

/// Body of `PUT /api/v1/limits/{key}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitRequest {
    /// Most tasks with this key running at once across all workers (0 holds them back).
    #[serde(deserialize_with = "crate::task::whole::i32")]
    #[schema(minimum = 0, maximum = 100000)]
    pub cap: i32,
}

#[utoipa::path(get, path = "/api/v1/limits", operation_id = "list_limits", tag = "limits",
    responses((status = 200, body = Vec<ConcurrencyLimit>)))]
/// Every concurrency limit, with how many of its tasks run and wait now.
pub async fn list(State(st): State<AppState>) -> ApiResult<Json<Vec<ConcurrencyLimit>>> {
    Ok(Json(queue::list_limits(&st.pool).await?))
}

#[utoipa::path(put, path = "/api/v1/limits/{key}", operation_id = "set_limit", tag = "limits",
    params(("key" = String, Path, description = "The concurrency key tasks carry",
        pattern = r"^[^\x00-\x1f\x7f-\x9f]{1,255}$")),
    request_body = LimitRequest,
    responses((status = 200, body = ConcurrencyLimit),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
/// Set the cap of a key.
pub async fn set(
    State(st): State<AppState>,
    Path(key): Path<String>,
    ApiJson(req): ApiJson<LimitRequest>,
) -> ApiResult<Json<ConcurrencyLimit>> {
    Ok(Json(
        queue::set_limit(&st.pool, &key, i64::from(req.cap)).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/limits/{key}", operation_id = "clear_limit", tag = "limits",
    params(("key" = String, Path, description = "The concurrency key tasks carry")),
    responses((status = 204, description = "Removed"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// Remove the cap of a key.
pub async fn clear(State(st): State<AppState>, Path(key): Path<String>) -> ApiResult<StatusCode> {
    queue::clear_limit(&st.pool, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}
