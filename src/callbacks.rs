//! Callback delivery (SPEC §6): finished tasks with a `callback_url` are POSTed there from a
//! durable outbox, by every worker and server, without ever blocking task work.
//!
//! A trigger on `tasks` inserts a `callback_deliveries` row in the same statement that makes a
//! task with a callback URL terminal, and NOTIFYs `aiops_callback`. [`deliver_loop`] claims due
//! rows with `FOR UPDATE SKIP LOCKED` (safe in any number of processes); the claim pushes
//! `next_attempt_at` a lease ahead, so a row whose deliverer died is simply due again later.
//! Each attempt re-reads the task and POSTs its JSON, signed with
//! `X-Aiops-Signature: sha256=<hex HMAC-SHA256 of the body>` when `AIOPS_WEBHOOK_SECRET` is set.
//! Any 2xx ends it `delivered`; anything else retries with exponential backoff and jitter
//! (base `AIOPS_CALLBACK_BACKOFF_BASE_MS`, default 1 s, doubling, capped at 1 h) until the row is
//! a day old, then it ends `failed`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::Rng;
use serde::Serialize;
use sqlx::postgres::PgListener;
use sqlx::PgPool;

use crate::error::Result;
use crate::task::{TaskId, TaskStatus};

/// The NOTIFY channel the outbox trigger announces on.
pub const CHANNEL: &str = "aiops_callback";
/// How long a claimed delivery is held before another deliverer may retry it.
const LEASE: Duration = Duration::from_secs(60);
/// The HTTP request's whole-exchange timeout.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Retries stop once a delivery is this old.
const GIVE_UP_AFTER: Duration = Duration::from_secs(24 * 3600);
/// Longest pause between two tries.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// Longest sleep without a notification (the polling backstop).
const POLL: Duration = Duration::from_secs(30);
/// Deliveries claimed (and sent concurrently) at once.
const BATCH: i64 = 16;

/// One delivery of one task's callback, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Delivery {
    pub id: i64,
    pub url: String,
    /// The terminal status that caused it.
    pub task_status: TaskStatus,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    pub attempts: i32,
    /// When the next try is due (while pending).
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    /// HTTP status of the last response, if any came.
    pub last_status: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// A task's deliveries, oldest first (read-only; for `status ID` and the API).
pub async fn deliveries(pool: &PgPool, task_id: TaskId) -> Result<Vec<Delivery>> {
    Ok(sqlx::query_as(
        "SELECT id, url, task_status, state, attempts, next_attempt_at, last_error, last_status, \
            created_at, delivered_at \
         FROM callback_deliveries WHERE task_id = $1 ORDER BY id",
    )
    .bind(task_id)
    .fetch_all(pool)
    .await?)
}

/// `sha256=<hex HMAC-SHA256(secret, body)>`, the `X-Aiops-Signature` header value.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Pause before try `attempts + 1`: base · 2^(attempts-1), capped, ±25 % jitter.
fn backoff(base: Duration, attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 30) as u32 - 1;
    let d = base
        .saturating_mul(2u32.saturating_pow(exp))
        .min(MAX_BACKOFF);
    d.mul_f64(rand::thread_rng().gen_range(0.75..1.25))
}

fn backoff_base() -> Duration {
    std::env::var("AIOPS_CALLBACK_BACKOFF_BASE_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(1))
}

struct Deliverer {
    pool: PgPool,
    http: reqwest::Client,
    secret: Option<Vec<u8>>,
    base: Duration,
}

#[derive(sqlx::FromRow)]
struct Claimed {
    id: i64,
    task_id: TaskId,
    url: String,
    attempts: i32,
}

/// Deliver due callbacks until the process ends. Safe to run in many processes at once.
///
/// N.B.: it works through a small pool of its own (same server and credentials as `pool`), so
/// its LISTEN connection and a slow endpoint can never take a connection task work needs.
pub async fn deliver_loop(pool: PgPool) {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(3)
        .connect_lazy_with(pool.connect_options().as_ref().clone());
    let http = match reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("aiops/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("callbacks disabled: cannot build the HTTP client: {e}");
            return;
        }
    };
    let d = Deliverer {
        pool,
        http,
        secret: std::env::var("AIOPS_WEBHOOK_SECRET")
            .ok()
            .filter(|s| !s.is_empty())
            .map(String::into_bytes),
        base: backoff_base(),
    };
    let mut listener: Option<PgListener> = None;
    loop {
        if listener.is_none() {
            listener = listen(&d.pool).await;
        }
        // Deliver everything due, then sleep until the next due row, a notification or the poll.
        let sleep = match d.run_once().await {
            Ok(n) if n as i64 == BATCH => continue,
            Ok(_) => d.next_due().await.unwrap_or(POLL),
            Err(e) => {
                tracing::warn!("callback delivery: {e}");
                Duration::from_secs(5)
            }
        };
        let sleep = sleep.clamp(Duration::from_millis(10), POLL);
        match listener.as_mut() {
            Some(l) => {
                tokio::select! {
                    n = l.try_recv() => match n {
                        Ok(Some(_)) => {}
                        // The connection dropped: reconnect (and look for work) next round.
                        Ok(None) | Err(_) => listener = None,
                    },
                    _ = tokio::time::sleep(sleep) => {}
                }
            }
            None => tokio::time::sleep(sleep.min(Duration::from_secs(5))).await,
        }
    }
}

async fn listen(pool: &PgPool) -> Option<PgListener> {
    let mut l = PgListener::connect_with(pool).await.ok()?;
    l.listen(CHANNEL).await.ok()?;
    Some(l)
}

impl Deliverer {
    /// Claim and send one batch of due deliveries; returns how many were claimed.
    async fn run_once(&self) -> Result<usize> {
        let claimed: Vec<Claimed> = sqlx::query_as(
            "WITH due AS ( \
                SELECT id FROM callback_deliveries \
                WHERE state = 'pending' AND next_attempt_at <= now() \
                ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) \
             UPDATE callback_deliveries d SET attempts = d.attempts + 1, \
                next_attempt_at = now() + make_interval(secs => $2) \
             FROM due WHERE d.id = due.id \
             RETURNING d.id, d.task_id, d.url, d.attempts",
        )
        .bind(BATCH)
        .bind(LEASE.as_secs_f64())
        .fetch_all(&self.pool)
        .await?;
        let n = claimed.len();
        futures_util::future::join_all(claimed.into_iter().map(|c| self.deliver(c))).await;
        Ok(n)
    }

    async fn deliver(&self, c: Claimed) {
        let outcome = self.post(&c).await;
        if let Err(e) = self.record(&c, outcome).await {
            // The lease runs out and the delivery is tried again.
            tracing::warn!("recording callback delivery {}: {e}", c.id);
        }
    }

    /// POST the task; Ok(status) on a 2xx, Err((status, why)) otherwise.
    async fn post(&self, c: &Claimed) -> std::result::Result<u16, (Option<u16>, String)> {
        let task = crate::queue::get(&self.pool, c.task_id)
            .await
            .map_err(|e| (None, format!("reading the task: {e}")))?;
        let body = serde_json::to_vec(&task).map_err(|e| (None, e.to_string()))?;
        let mut req = self
            .http
            .post(&c.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Aiops-Delivery", c.id.to_string())
            .header("X-Aiops-Task-Id", c.task_id.to_string());
        if let Some(secret) = &self.secret {
            req = req.header("X-Aiops-Signature", signature(secret, &body));
        }
        match req.body(body).send().await {
            Ok(resp) if resp.status().is_success() => Ok(resp.status().as_u16()),
            Ok(resp) => Err((
                Some(resp.status().as_u16()),
                format!("HTTP {}", resp.status()),
            )),
            Err(e) => Err((None, error_chain(&e))),
        }
    }

    async fn record(
        &self,
        c: &Claimed,
        outcome: std::result::Result<u16, (Option<u16>, String)>,
    ) -> Result<()> {
        // Fenced by the attempt count: a deliverer whose lease ran out writes nothing.
        match outcome {
            Ok(status) => {
                sqlx::query(
                    "UPDATE callback_deliveries SET state = 'delivered', delivered_at = now(), \
                        last_status = $3, last_error = NULL \
                     WHERE id = $1 AND attempts = $2 AND state = 'pending'",
                )
                .bind(c.id)
                .bind(c.attempts)
                .bind(status as i32)
                .execute(&self.pool)
                .await?;
            }
            Err((status, why)) => {
                tracing::debug!("callback {} to {} failed: {why}", c.id, c.url);
                sqlx::query(
                    "UPDATE callback_deliveries SET \
                        state = CASE WHEN now() >= created_at + make_interval(secs => $5) \
                            THEN 'failed' ELSE 'pending' END, \
                        next_attempt_at = least(now() + make_interval(secs => $6), \
                            created_at + make_interval(secs => $5)), \
                        last_status = $3, last_error = $4 \
                     WHERE id = $1 AND attempts = $2 AND state = 'pending'",
                )
                .bind(c.id)
                .bind(c.attempts)
                .bind(status.map(i32::from))
                .bind(crate::error::one_line(&why))
                .bind(GIVE_UP_AFTER.as_secs_f64())
                .bind(backoff(self.base, c.attempts).as_secs_f64())
                .execute(&self.pool)
                .await?;
            }
        }
        Ok(())
    }

    /// Time until the earliest pending delivery is due (None: nothing pending).
    async fn next_due(&self) -> Option<Duration> {
        let (secs,): (Option<f64>,) = sqlx::query_as(
            "SELECT extract(epoch FROM min(next_attempt_at) - now())::float8 \
             FROM callback_deliveries WHERE state = 'pending'",
        )
        .fetch_one(&self.pool)
        .await
        .ok()?;
        secs.map(|s| Duration::from_secs_f64(s.max(0.0)))
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(cause) = src {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        src = cause.source();
    }
    s
}
