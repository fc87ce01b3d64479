//! `GET /metrics`: Prometheus text. HTTP request counts and latencies are kept in memory by a
//! middleware (labelled by route template, not raw path, so ids do not explode cardinality).
//! Queue gauges and the wait/run time histograms are read from the database at scrape time:
//! the histograms cover every started/finished task still stored (cumulative, so `rate()`
//! works; `aiops prune` lowers them like a counter reset), which keeps several servers and
//! workers consistent without any of them holding state.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::{EncodeMetric, MetricEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;

use super::error::ApiResult;
use super::AppState;
use crate::monitor::{self, Buckets, DURATION_BUCKETS};

type Labels = Vec<(&'static str, String)>;

/// In-memory HTTP metrics shared by every request.
#[derive(Debug, Clone)]
pub struct HttpMetrics {
    requests: Family<Labels, Counter>,
    latency: Family<Labels, Histogram>,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        HttpMetrics {
            requests: Family::default(),
            latency: Family::new_with_constructor(|| {
                Histogram::new(exponential_buckets(0.001, 2.5, 12))
            }),
        }
    }
}

/// Middleware: count and time every request by method, route template and status.
pub async fn track(State(m): State<Arc<HttpMetrics>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    m.requests
        .get_or_create(&vec![
            ("method", method.clone()),
            ("route", route.clone()),
            ("status", status),
        ])
        .inc();
    m.latency
        .get_or_create(&vec![("method", method), ("route", route)])
        .observe(start.elapsed().as_secs_f64());
    resp
}

/// A histogram whose buckets were counted by the database.
#[derive(Debug)]
struct DbHistogram(Buckets);

impl EncodeMetric for DbHistogram {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), std::fmt::Error> {
        let mut buckets: Vec<(f64, u64)> = DURATION_BUCKETS
            .iter()
            .copied()
            .zip(self.0.counts.iter().copied())
            .collect();
        buckets.push((f64::MAX, self.0.counts.last().copied().unwrap_or(0)));
        encoder.encode_histogram::<()>(self.0.sum, self.0.count, &buckets, None)
    }

    fn metric_type(&self) -> MetricType {
        MetricType::Histogram
    }
}

fn gauge_family() -> Family<Labels, Gauge<f64, std::sync::atomic::AtomicU64>> {
    Family::default()
}

#[utoipa::path(get, path = "/metrics", tag = "health",
    responses((status = 200, description = "Prometheus text exposition", content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8")))]
/// Prometheus metrics.
pub async fn metrics(State(st): State<AppState>) -> ApiResult<Response> {
    let mut reg = Registry::with_prefix("aiops");
    let counts = monitor::task_counts(&st.pool).await?;
    let tasks = gauge_family();
    for c in &counts {
        tasks
            .get_or_create(&vec![
                ("status", c.status.clone()),
                ("queue", c.queue.clone()),
            ])
            .set(c.count as f64);
    }
    reg.register("tasks", "Tasks by status and queue", tasks);
    let backlog = monitor::backlog(&st.pool).await?;
    let depth: Gauge = Gauge::default();
    depth.set(backlog.depth);
    reg.register("queue_depth", "Pending tasks that are due", depth);
    let age: Gauge<f64, std::sync::atomic::AtomicU64> = Gauge::default();
    age.set(backlog.oldest_pending_age_seconds);
    reg.register(
        "oldest_pending_age_seconds",
        "How long the oldest due pending task has waited",
        age,
    );
    let workers = gauge_family();
    for (status, n) in monitor::worker_counts(&st.pool).await? {
        workers
            .get_or_create(&vec![("status", status)])
            .set(n as f64);
    }
    reg.register("workers", "Workers by status", workers);
    reg.register(
        "task_wait_seconds",
        "Time from due to start of the latest attempt, over stored tasks",
        DbHistogram(monitor::wait_buckets(&st.pool).await?),
    );
    reg.register(
        "task_run_seconds",
        "Run time of the latest attempt of finished tasks, over stored tasks",
        DbHistogram(monitor::run_buckets(&st.pool).await?),
    );
    reg.register(
        "http_requests",
        "HTTP requests by method, route and status",
        st.http.requests.clone(),
    );
    reg.register(
        "http_request_duration_seconds",
        "HTTP request latency by method and route",
        st.http.latency.clone(),
    );
    let mut out = String::new();
    if prometheus_client::encoding::text::encode(&mut out, &reg).is_err() {
        return Err(super::error::ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "metrics",
            "encoding metrics failed",
        ));
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        out,
    )
        .into_response())
}
