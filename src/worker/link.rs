//! How a worker reaches the queue: straight to PostgreSQL, or through `serve`'s worker API
//! (`aiops worker run --server URL`), for hosts that must not hold database credentials. Both
//! ends run the same core statements ([`crate::queue`]), so leases, fencing, retries, timeouts
//! and results mean the same either way; only the transport differs.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::PgPool;

use crate::error::{Error, Result};
use crate::log::NewLogLine;
use crate::queue::{
    self, ClaimSpec, Claimer, Fence, HeldTask, NextDue, Record, WorkerRegistration, WorkerState,
};
use crate::task::{Task, TaskId};

/// The way to the queue.
#[derive(Clone)]
pub enum Link {
    /// A direct worker's pools.
    Db {
        /// Heartbeats, logs, results.
        pool: PgPool,
        /// Claims ([`super::connections`]).
        claims: PgPool,
    },
    /// `serve`'s worker API.
    Http(Arc<Http>),
}

/// A client of `serve`'s worker API.
pub struct Http {
    client: reqwest::Client,
    /// `…/api/v1`.
    base: String,
    token: Option<String>,
}

/// What a heartbeat says about the worker.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Beat {
    /// The worker (over HTTP, the path names it).
    #[serde(default)]
    pub worker_id: String,
    /// Its process, which must still own the row.
    #[serde(deserialize_with = "crate::task::whole::i32")]
    pub pid: i32,
    /// Its host, likewise.
    pub hostname: String,
    /// idle, busy or stopping.
    #[schema(value_type = String, pattern = "^(idle|busy|stopping)$")]
    pub state: WorkerState,
    /// One of its tasks, shown by `aiops workers`.
    #[serde(default)]
    pub current: Option<TaskId>,
    /// The attempts it runs, whose leases the heartbeat extends.
    #[serde(default)]
    pub held: Vec<Held>,
    /// How long the leases last from now, in seconds.
    #[serde(with = "secs")]
    #[schema(value_type = f64, minimum = 0.001, maximum = 86400)]
    pub lease: Duration,
}

/// An attempt a worker runs.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Held {
    /// The task.
    pub task_id: TaskId,
    /// The attempt of it.
    #[serde(deserialize_with = "crate::task::whole::i32")]
    pub attempt: i32,
}

/// The answer to a heartbeat.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Beaten {
    /// False when the worker's row was taken over or removed.
    pub registered: bool,
    /// Someone asked the worker to drain (`aiops workers drain`): finish, claim nothing, exit.
    #[serde(default)]
    pub drain: bool,
    /// The held attempts it still holds (one missing was rescued or finished elsewhere).
    pub still: Vec<HeldTask>,
}

/// What a worker waiting on `serve` learns.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Waited {
    /// Its running tasks whose cancel was requested (beyond those it said it knows).
    pub cancel: Vec<TaskId>,
    /// A task was submitted to one of its queues, or the server's session started over: claim.
    pub submitted: bool,
}

/// Durations as seconds in JSON.
pub(crate) mod secs {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let v = f64::deserialize(d)?;
        if !(0.001..=86_400.0).contains(&v) {
            return Err(serde::de::Error::custom(
                "must be between 0.001 and 86400 seconds",
            ));
        }
        Ok(Duration::from_secs_f64(v))
    }
}

/// How long one request to `serve` may take, long polls aside.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long `serve` holds a wait open.
pub const WAIT_HOLD: Duration = Duration::from_secs(20);

impl Http {
    /// A client of the server at `server` (its root URL).
    pub fn new(server: &str, token: Option<String>) -> Result<Http> {
        let parsed = url::Url::parse(server).map_err(|e| {
            Error::usage(format!(
                "--server '{server}' is not a URL ({e}); use http://HOST:PORT of aiops serve"
            ))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::usage(format!(
                "--server '{server}' must be an http:// or https:// URL of aiops serve"
            )));
        }
        let client = reqwest::Client::builder()
            .user_agent(concat!("aiops-worker/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| Error::Other(format!("cannot build the HTTP client: {e}")))?;
        Ok(Http {
            client,
            base: format!("{}/api/v1", server.trim_end_matches('/')),
            token: token.filter(|t| !t.is_empty()),
        })
    }

    async fn send<B: Serialize + ?Sized>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
        timeout: Duration,
    ) -> Result<reqwest::Response> {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .timeout(timeout);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| {
            Error::Other(format!(
                "no answer from aiops serve at {}: {}; check that it runs and that --server is right",
                self.base.trim_end_matches("/api/v1"),
                crate::error::one_line(&crate::error::chain(&e))
            ))
        })?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status();
        let problem: Value = resp.json().await.unwrap_or(Value::Null);
        let detail = problem["detail"]
            .as_str()
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("error"))
            .to_string();
        Err(match status.as_u16() {
            401 | 403 => Error::usage(format!(
                "{} refused the worker ({status}): {detail}; pass the server's token with --token or AIOPS_API_TOKEN",
                self.base
            )),
            409 | 404 | 422 | 400 => Error::Conflict(detail),
            _ => Error::Database(format!("{} answered {status}: {detail}", self.base)),
        })
    }

    async fn post<B: Serialize + ?Sized, T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T> {
        let resp = self
            .send(reqwest::Method::POST, path, Some(body), REQUEST_TIMEOUT)
            .await?;
        resp.json().await.map_err(|e| {
            Error::Database(format!(
                "{} sent an answer that does not parse: {e}",
                self.base
            ))
        })
    }
}

/// A fenced write `serve` refused comes back as a conflict naming the fence; it is the same
/// refusal a direct worker gets.
fn fenced(fence: &Fence, e: Error) -> Error {
    match e {
        Error::Conflict(_) => fence.refused(),
        other => other,
    }
}

/// Body of `POST /workers/{id}/claims`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClaimRequest {
    /// Most tasks to claim (1-100).
    #[serde(deserialize_with = "crate::task::whole::i32")]
    #[schema(minimum = 1, maximum = 100)]
    pub limit: i32,
    /// How long their leases last, in seconds.
    #[serde(with = "secs")]
    #[schema(value_type = f64, minimum = 0.001, maximum = 86400)]
    pub lease: Duration,
}

/// Body of `POST /workers/{id}/tasks/{task}/progress`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProgressBody {
    /// The attempt from the claim.
    #[serde(deserialize_with = "crate::task::whole::i32")]
    pub attempt: i32,
    /// What the executor reported.
    #[schema(value_type = serde_json::Value)]
    pub progress: Value,
}

/// Body of `POST /workers/{id}/wait`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WaitRequest {
    /// Cancels the worker already acts on.
    #[serde(default)]
    pub known: Vec<TaskId>,
    /// Whether it has a free slot, so a submit may wake it (default true).
    #[serde(default = "yes")]
    pub free: bool,
}

fn yes() -> bool {
    true
}

/// Body of `POST /workers/{id}/offline`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OfflineBody {
    /// The process going away (another process of the same id is left alone).
    #[serde(deserialize_with = "crate::task::whole::i32")]
    pub pid: i32,
}

/// Why `serve` did not write one record: refused by its fence (the attempt is no longer the
/// worker's: give up on it), or failed otherwise (the worker tries again, as a direct one does).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Unwritten {
    /// The fence refused it.
    pub fenced: bool,
    /// What went wrong, in one line.
    pub reason: String,
}

impl Unwritten {
    /// The answer for a record the core did not write.
    pub fn of(e: &Error) -> Unwritten {
        Unwritten {
            fenced: matches!(e, Error::Fenced { .. }),
            reason: e.to_string(),
        }
    }
}

impl Link {
    /// Register the worker. A direct worker takes over from a holder on this host whose
    /// process is gone.
    pub async fn register(&self, reg: &WorkerRegistration) -> Result<()> {
        match self {
            Link::Db { pool, .. } => match queue::register_worker(pool, reg, false).await {
                Err(Error::ClusterHeld {
                    holder,
                    hostname: h,
                    pid,
                    ..
                }) if h == reg.hostname && !super::pid_alive(pid) => {
                    tracing::warn!(
                        "taking over cluster {} from worker {holder} (pid {pid} on this host is gone)",
                        reg.cluster_name
                    );
                    queue::register_worker(pool, reg, true).await
                }
                other => other,
            },
            Link::Http(h) => {
                let body = serde_json::json!({
                    "id": reg.id,
                    "cluster_name": reg.cluster_name,
                    "backend_type": reg.backend_type.as_str(),
                    "queues": reg.queues,
                    "capabilities": reg.capabilities,
                    "metadata": reg.metadata,
                    "hostname": reg.hostname,
                    "pid": reg.pid,
                    "concurrency": reg.concurrency,
                    "lease_seconds": reg.lease.as_secs_f64().clamp(1.0, 3600.0),
                });
                h.post::<_, Value>("/workers/register", &body)
                    .await
                    .map(drop)
                    .map_err(|e| match e {
                        Error::Conflict(m) => Error::Conflict(format!(
                            "{m}; stop the other worker or give this one another --id/--cluster"
                        )),
                        other => other,
                    })
            }
        }
    }

    /// Mark the worker offline at exit.
    pub async fn offline(&self, id: &str, pid: i32) -> Result<()> {
        match self {
            Link::Db { pool, .. } => queue::worker_offline(pool, id, pid).await,
            Link::Http(h) => h
                .post::<_, Value>(
                    &format!("/workers/{}/offline", enc(id)),
                    &OfflineBody { pid },
                )
                .await
                .map(drop),
        }
    }

    /// Extend the worker's lease and its tasks'.
    pub async fn heartbeat(&self, beat: &Beat) -> Result<Beaten> {
        match self {
            Link::Db { pool, .. } => beat_in(pool, beat).await,
            Link::Http(h) => {
                h.post(&format!("/workers/{}/beat", enc(&beat.worker_id)), beat)
                    .await
            }
        }
    }

    /// Claim up to `limit` tasks.
    pub async fn claim(&self, claimer: &Claimer, limit: i64) -> Result<Vec<Task>> {
        match self {
            Link::Db { claims, .. } => claimer.claim(claims, limit).await,
            Link::Http(h) => {
                let spec = claimer.spec();
                h.post(
                    &format!("/workers/{}/claims", enc(&spec.worker_id)),
                    &ClaimRequest {
                        limit: limit.clamp(1, 100) as i32,
                        lease: spec.lease,
                    },
                )
                .await
            }
        }
    }

    /// When the next task becomes claimable, for a worker that found none.
    pub async fn next_due(&self, spec: &ClaimSpec) -> Result<NextDue> {
        match self {
            Link::Db { pool, .. } => {
                queue::next_due(pool, &spec.queues, spec.backend_type, &spec.worker_id).await
            }
            Link::Http(h) => {
                let resp = h
                    .send::<()>(
                        reqwest::Method::GET,
                        &format!("/workers/{}/next-due", enc(&spec.worker_id)),
                        None,
                        REQUEST_TIMEOUT,
                    )
                    .await?;
                resp.json()
                    .await
                    .map_err(|e| Error::Database(e.to_string()))
            }
        }
    }

    /// Append a running attempt's log lines.
    pub async fn append_logs(&self, fence: &Fence, lines: &[NewLogLine]) -> Result<()> {
        match self {
            Link::Db { pool, .. } => queue::append_logs(pool, fence, lines).await,
            Link::Http(h) => {
                let body = serde_json::json!({
                    "attempt": fence.attempt,
                    "lines": lines.iter().map(|l| serde_json::json!({
                        "message": l.message,
                        "level": l.level.as_str(),
                        "source": l.source.as_str(),
                        "timestamp": l.timestamp,
                        "context": l.context,
                    })).collect::<Vec<_>>(),
                });
                h.post::<_, Value>(&task_path(fence, "logs"), &body)
                    .await
                    .map(drop)
                    .map_err(|e| fenced(fence, e))
            }
        }
    }

    /// Set a running attempt's progress.
    pub async fn set_progress(&self, fence: &Fence, progress: &Value) -> Result<()> {
        match self {
            Link::Db { pool, .. } => queue::set_progress(pool, fence, progress).await,
            Link::Http(h) => h
                .post::<_, Value>(
                    &task_path(fence, "progress"),
                    &ProgressBody {
                        attempt: fence.attempt,
                        progress: progress.clone(),
                    },
                )
                .await
                .map(drop)
                .map_err(|e| fenced(fence, e)),
        }
    }

    /// Write finished attempts; each record's answer in order.
    pub async fn record(&self, records: &[&Record]) -> Result<Vec<Result<()>>> {
        match self {
            Link::Db { pool, .. } => queue::record_batch(pool, records).await,
            Link::Http(h) => {
                let Some(first) = records.first() else {
                    return Ok(Vec::new());
                };
                let answers: Vec<Option<Unwritten>> = h
                    .post(
                        &format!("/workers/{}/records", enc(&first.fence.worker_id)),
                        records,
                    )
                    .await?;
                if answers.len() != records.len() {
                    return Err(Error::Database(format!(
                        "{} answered {} records for {}",
                        h.base,
                        answers.len(),
                        records.len()
                    )));
                }
                Ok(records
                    .iter()
                    .zip(answers)
                    .map(|(r, a)| match a {
                        None => Ok(()),
                        Some(u) if u.fenced => Err(r.fence.refused()),
                        Some(u) => Err(Error::Database(u.reason)),
                    })
                    .collect())
            }
        }
    }
}

impl Http {
    /// Wait (up to [`WAIT_HOLD`]) for a cancel of one of the worker's tasks or, when it has a
    /// free slot, a submit to its queues. A direct worker hears both on its session instead.
    pub async fn wait(&self, worker_id: &str, known: &[TaskId], free: bool) -> Result<Waited> {
        let resp = self
            .send(
                reqwest::Method::POST,
                &format!("/workers/{}/wait", enc(worker_id)),
                Some(&WaitRequest {
                    known: known.to_vec(),
                    free,
                }),
                WAIT_HOLD + REQUEST_TIMEOUT,
            )
            .await?;
        resp.json()
            .await
            .map_err(|e| Error::Database(e.to_string()))
    }
}

/// A heartbeat in the database: the worker's row, then its tasks' leases.
pub async fn beat_in(pool: &PgPool, beat: &Beat) -> Result<Beaten> {
    let orders = queue::heartbeat_worker(
        pool,
        &beat.worker_id,
        beat.pid,
        &beat.hostname,
        beat.state,
        beat.current,
        beat.lease,
    )
    .await?;
    let held: Vec<(TaskId, i32)> = beat.held.iter().map(|h| (h.task_id, h.attempt)).collect();
    let still = queue::heartbeat_tasks(pool, &beat.worker_id, &held, beat.lease).await?;
    Ok(Beaten {
        registered: orders.is_some(),
        drain: orders.is_some_and(|o| o.drain),
        still,
    })
}

fn task_path(fence: &Fence, what: &str) -> String {
    format!(
        "/workers/{}/tasks/{}/{what}",
        enc(&fence.worker_id),
        fence.task_id
    )
}

/// A path segment, percent-encoded.
fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
