//! Callback delivery (`docs/contract.md` §6): finished tasks with a `callback_url` are POSTed
//! there from a
//! durable outbox, by every worker and server, without ever blocking task work.
//!
//! A trigger on `tasks` inserts a `callback_deliveries` row in the same statement that makes a
//! task with a callback URL terminal, and NOTIFYs `aiops_callback`. [`deliver_loop`] claims due
//! rows with `FOR UPDATE SKIP LOCKED` (safe in any number of processes); the claim pushes
//! `next_attempt_at` a lease ahead, so a row whose deliverer died is simply due again later.
//! Each attempt re-reads the task and POSTs its JSON. With `AIOPS_WEBHOOK_SECRET` set it is
//! signed the Standard Webhooks way (<https://www.standardwebhooks.com>): `webhook-id` (the
//! delivery, the same on every retry), `webhook-timestamp` (Unix seconds of this try) and
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, so a receiver
//! can refuse a replayed or stale request with any Standard Webhooks library; the older
//! `X-Aiops-Signature: sha256=<hex HMAC-SHA256 of the body>` is sent as well.
//! Any 2xx ends it `delivered`; anything else retries with exponential backoff and jitter
//! (base `AIOPS_CALLBACK_BACKOFF_BASE_MS`, default 1 s, doubling, capped at 1 h) until the row is
//! a day old, then it ends `failed`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::stream::{FuturesUnordered, StreamExt};
use hmac::{Hmac, Mac};
use rand::Rng;
use serde::Serialize;
use sqlx::PgPool;
use tokio::sync::{watch, Notify};
use tokio::time::Instant;

use crate::error::Result;
use crate::task::{TaskId, TaskStatus};

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
/// How long a stopping deliverer keeps delivering: what it has in flight and what is due
/// (the callbacks of the tasks its worker just finished, say). What is still unanswered then
/// is handed back, due at once for any other deliverer.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

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

/// The key callbacks are signed with, from `AIOPS_WEBHOOK_SECRET`.
#[derive(Clone)]
pub struct WebhookSecret(Vec<u8>);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

impl WebhookSecret {
    /// `whsec_<base64>` (the Standard Webhooks form) is the base64-decoded key; any other text
    /// is the key as its UTF-8 bytes, as this variable always meant (a Standard Webhooks
    /// library takes those bytes, or `whsec_` followed by their base64).
    pub fn parse(s: &str) -> std::result::Result<WebhookSecret, String> {
        use base64::Engine as _;
        let Some(b64) = s.strip_prefix("whsec_") else {
            return Ok(WebhookSecret(s.as_bytes().to_vec()));
        };
        let engine = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        match engine.decode(b64.trim()) {
            Ok(key) if !key.is_empty() => Ok(WebhookSecret(key)),
            Ok(_) => Err("AIOPS_WEBHOOK_SECRET is 'whsec_' with no key after it; append the base64 of the key, e.g. whsec_$(head -c 32 /dev/urandom | base64)".into()),
            Err(e) => Err(format!(
                "AIOPS_WEBHOOK_SECRET starts with whsec_ but the rest is not base64 ({e}); give whsec_ followed by the base64 of the key, or the key itself without the prefix"
            )),
        }
    }

    /// The secret of this process: `AIOPS_WEBHOOK_SECRET` (None when unset or empty).
    ///
    /// # Errors
    /// A usage error when it has the `whsec_` prefix but is not base64 after it.
    pub fn from_env() -> Result<Option<WebhookSecret>> {
        match std::env::var("AIOPS_WEBHOOK_SECRET") {
            Ok(s) if !s.is_empty() => WebhookSecret::parse(&s)
                .map(Some)
                .map_err(crate::error::Error::usage),
            _ => Ok(None),
        }
    }

    /// `v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>`, the `webhook-signature`
    /// header value of Standard Webhooks.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        use base64::Engine as _;
        let mut mac = self.mac();
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        format!(
            "v1,{}",
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        )
    }

    /// `sha256=<hex HMAC-SHA256(key, body)>`, the older `X-Aiops-Signature` header value.
    pub fn legacy_signature(&self, body: &[u8]) -> String {
        let mut mac = self.mac();
        mac.update(body);
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    }

    fn mac(&self) -> Hmac<sha2::Sha256> {
        Hmac::<sha2::Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length")
    }
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
    secret: Option<WebhookSecret>,
    base: Duration,
}

#[derive(sqlx::FromRow)]
struct Claimed {
    id: i64,
    task_id: TaskId,
    url: String,
    attempts: i32,
}

/// Deliver due callbacks until `stop` turns true (or its sender is dropped). Safe to run in
/// many processes at once.
///
/// Stopping takes at most [`STOP_GRACE`] (plus one database answer): the deliveries in flight
/// finish, and what is due then is delivered too, so a worker that exits right after its last
/// task (`--drain`, `--once`) still sends that task's callback itself. A delivery still
/// unanswered at the deadline is handed back rather than left leased (a minute) by a process
/// that is gone.
///
/// `due` is told when a delivery became due ([`crate::notify::CALLBACK`], heard by the
/// process's session, [`crate::maintenance`]). No connection is held while an endpoint answers,
/// so a slow endpoint never takes one that task work needs.
pub async fn deliver_loop(
    pool: PgPool,
    secret: Option<WebhookSecret>,
    due: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
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
        secret,
        base: backoff_base(),
    };
    // Set once stopping: when to give up.
    let mut deadline: Option<Instant> = None;
    loop {
        if deadline.is_none() && stop_requested(&stop) {
            deadline = Some(Instant::now() + STOP_GRACE);
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return;
        }
        // Deliver everything due, then sleep until the next due row, a notification or the poll.
        let sleep = match d.run_once(&mut stop, &mut deadline).await {
            Ok(n) if n as i64 == BATCH => continue,
            // Stopping and nothing more due (or no time left): done.
            Ok(_) if deadline.is_some() => return,
            Ok(_) => d.next_due().await.unwrap_or(POLL),
            Err(e) if deadline.is_some() => {
                tracing::warn!("callback delivery while stopping: {e}");
                return;
            }
            Err(e) => {
                tracing::warn!("callback delivery: {e}");
                Duration::from_secs(5)
            }
        };
        let sleep = sleep.clamp(Duration::from_millis(10), POLL);
        tokio::select! {
            _ = due.notified() => {}
            _ = tokio::time::sleep(sleep) => {}
            _ = stop.changed() => {}
        }
    }
}

/// Whether the owner asked the loop to stop (or is gone).
fn stop_requested(stop: &watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}

impl Deliverer {
    /// Claim and send one batch of due deliveries; returns how many were claimed. When `stop`
    /// turns true meanwhile, `deadline` is set, and what is unanswered by then is handed back.
    async fn run_once(
        &self,
        stop: &mut watch::Receiver<bool>,
        deadline: &mut Option<Instant>,
    ) -> Result<usize> {
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
        let mut unanswered: Vec<(i64, i32)> = claimed.iter().map(|c| (c.id, c.attempts)).collect();
        let mut sending: FuturesUnordered<_> = claimed
            .iter()
            .map(|c| async move {
                self.deliver(c).await;
                c.id
            })
            .collect();
        loop {
            tokio::select! {
                done = sending.next() => match done {
                    Some(id) => unanswered.retain(|(u, _)| *u != id),
                    None => break,
                },
                _ = stop.changed(), if deadline.is_none() => {
                    *deadline = Some(Instant::now() + STOP_GRACE);
                }
                _ = tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => break,
            }
        }
        drop(sending);
        if !unanswered.is_empty() {
            self.hand_back(&unanswered).await;
        }
        Ok(n)
    }

    /// Make deliveries this deliverer still holds due again at once, and wake the other
    /// deliverers, instead of leaving them leased by a process about to exit. Fenced like
    /// [`Self::record`]: a row someone else took over meanwhile is left alone.
    async fn hand_back(&self, held: &[(i64, i32)]) {
        let (ids, attempts): (Vec<i64>, Vec<i32>) = held.iter().copied().unzip();
        let res = tokio::time::timeout(
            Duration::from_secs(2),
            sqlx::query(
                "WITH back AS ( \
                    UPDATE callback_deliveries d SET next_attempt_at = now(), \
                        last_error = 'the deliverer stopped before the endpoint answered' \
                    FROM unnest($1::bigint[], $2::int[]) AS h(id, attempts) \
                    WHERE d.id = h.id AND d.attempts = h.attempts AND d.state = 'pending' \
                    RETURNING d.id) \
                 SELECT pg_notify($3, '') FROM (SELECT count(*) AS n FROM back) b WHERE b.n > 0",
            )
            .bind(&ids)
            .bind(&attempts)
            .bind(crate::notify::CALLBACK)
            .execute(&self.pool),
        )
        .await;
        match res {
            Ok(Ok(_)) => tracing::info!(
                "handed back {} callback delivery(ies) still in flight",
                ids.len()
            ),
            Ok(Err(e)) => tracing::warn!("handing back callback deliveries {ids:?}: {e}"),
            Err(_) => tracing::warn!("handing back callback deliveries {ids:?}: no answer"),
        }
    }

    async fn deliver(&self, c: &Claimed) {
        let outcome = self.post(c).await;
        if let Err(e) = self.record(c, outcome).await {
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
            let id = webhook_id(c.id);
            let now = Utc::now().timestamp();
            req = req
                .header("webhook-signature", secret.sign(&id, now, &body))
                .header("webhook-id", id)
                .header("webhook-timestamp", now.to_string())
                .header("X-Aiops-Signature", secret.legacy_signature(&body));
        }
        match req.body(body).send().await {
            Ok(resp) if resp.status().is_success() => Ok(resp.status().as_u16()),
            Ok(resp) => Err((
                Some(resp.status().as_u16()),
                format!("HTTP {}", resp.status()),
            )),
            Err(e) => Err((None, crate::error::chain(&e))),
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

/// The `webhook-id` of a delivery: the same on each of its tries, so a receiver can drop a
/// duplicate; a task that finishes again (after a retry) gets a new delivery and a new id.
pub fn webhook_id(delivery: i64) -> String {
    format!("aiops-delivery-{delivery}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification, signed as it says.
    #[test]
    fn signs_as_the_standard_webhooks_example() {
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_raw_secret_is_its_bytes_and_a_bad_whsec_is_refused() {
        let raw = WebhookSecret::parse("s3cret").unwrap();
        assert_eq!(raw.0, b"s3cret");
        // The same key in the prefixed form signs the same.
        let prefixed = WebhookSecret::parse("whsec_czNjcmV0").unwrap();
        assert_eq!(raw.sign("m", 1, b"x"), prefixed.sign("m", 1, b"x"));
        for bad in ["whsec_", "whsec_not base64!"] {
            let e = WebhookSecret::parse(bad).unwrap_err();
            assert!(
                e.contains("AIOPS_WEBHOOK_SECRET") && !e.contains('\n'),
                "{e}"
            );
        }
    }
}
