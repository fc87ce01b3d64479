//! Liveness (`/healthz`, no database), readiness (`/readyz`: the database answers and the
//! schema is current) and detailed health (`/health`: latency, workers, backlog).

use std::collections::BTreeMap;
use std::time::Instant;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use super::AppState;
use crate::monitor::{self, Backlog};

/// Detailed health.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: String,
    /// The database as seen from this server.
    pub database: DatabaseHealth,
    /// Workers by status (idle, busy, stopping, offline).
    pub workers: BTreeMap<String, i64>,
    /// The pending backlog (null when the database is down).
    pub queue: Option<Backlog>,
}

/// Database reachability.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DatabaseHealth {
    pub reachable: bool,
    /// Round trip of a trivial query, in milliseconds.
    pub latency_ms: Option<f64>,
    pub schema_current: Option<bool>,
}

/// Liveness and readiness answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Probe {
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[utoipa::path(get, path = "/health", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
/// Detailed health: database latency, workers by status, queue depth.
pub async fn health(State(st): State<AppState>) -> (StatusCode, Json<Health>) {
    let start = Instant::now();
    let schema = crate::db::schema_status(&st.pool).await;
    let latency = start.elapsed().as_secs_f64() * 1000.0;
    let Ok(schema) = schema else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "unavailable".into(),
                database: DatabaseHealth {
                    reachable: false,
                    latency_ms: None,
                    schema_current: None,
                },
                workers: BTreeMap::new(),
                queue: None,
            }),
        );
    };
    let workers = monitor::worker_counts(&st.pool)
        .await
        .unwrap_or_default()
        .into_iter()
        .collect();
    let queue = monitor::backlog(&st.pool).await.ok();
    let ok = schema.is_current();
    (
        if ok {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        Json(Health {
            status: if ok { "ok" } else { "unavailable" }.into(),
            database: DatabaseHealth {
                reachable: true,
                latency_ms: Some((latency * 1000.0).round() / 1000.0),
                schema_current: Some(ok),
            },
            workers,
            queue,
        }),
    )
}

#[utoipa::path(get, path = "/healthz", tag = "health", security(()),
    responses((status = 200, body = Probe)))]
/// Liveness: the process answers (no database access).
pub async fn healthz() -> Json<Probe> {
    Json(Probe {
        status: "ok".into(),
        reason: None,
    })
}

#[utoipa::path(get, path = "/readyz", tag = "health", security(()),
    responses((status = 200, body = Probe), (status = 503, body = Probe)))]
/// Readiness: the database answers and its schema is the one this binary knows.
pub async fn readyz(State(st): State<AppState>) -> (StatusCode, Json<Probe>) {
    let probe = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        crate::db::schema_status(&st.pool),
    )
    .await;
    let (code, reason) = match probe {
        Ok(Ok(s)) if s.is_current() => (StatusCode::OK, None),
        Ok(Ok(s)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Some(format!(
                "schema version {:?}, this binary knows {}; run 'aiops db migrate'",
                s.applied, s.known
            )),
        ),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Some("the database does not answer".into()),
            )
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Some("the database did not answer within 3 s".into()),
        ),
    };
    (
        code,
        Json(Probe {
            status: if code == StatusCode::OK {
                "ready"
            } else {
                "unavailable"
            }
            .into(),
            reason,
        }),
    )
}
