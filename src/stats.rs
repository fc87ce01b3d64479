//! Read-only statistics over tasks, shared by `aiops stats` and `GET /api/v1/stats`.

use std::time::Duration;

use serde::Serialize;
use sqlx::PgPool;

use crate::error::Result;

/// Counts and timings over a window of tasks.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Stats {
    /// Tasks in the window.
    pub total: i64,
}

/// Compute statistics for tasks created within `within` (all tasks when None).
pub async fn compute(pool: &PgPool, within: Option<Duration>) -> Result<Stats> {
    let (total,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM tasks WHERE ($1::float8 IS NULL OR created_at >= now() - make_interval(secs => $1))",
    )
    .bind(within.map(|d| d.as_secs_f64()))
    .fetch_one(pool)
    .await?;
    Ok(Stats { total })
}
