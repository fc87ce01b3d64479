//! The periodic duties of the system as a whole, as opposed to one worker's own tasks:
//! rescuing tasks whose worker stopped heartbeating, forgetting watchers whose session is gone,
//! pruning the event journal, delivering callbacks, folding stats deltas into rollups and
//! firing due schedule ticks.
//!
//! Exactly one process runs them at a time, among every worker and `serve` on the database: the
//! one whose session holds the maintainer's advisory lock. The others try for it every
//! [`ELECT_EVERY`], so when the maintainer dies (its session ends, and the lock with it) another
//! takes over within seconds. A single worker or `serve` maintains with nothing else to start.
//! A maintainer cut off from the database without a reset loses its session, and the lock,
//! within seconds: the session asks the server for short TCP keepalives. The duties are safe to
//! run twice meanwhile (rescue and delivery lock the rows they take with
//! `FOR UPDATE SKIP LOCKED`), so a maintainer that has not noticed yet does no harm.

use std::sync::Arc;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::callbacks::WebhookSecret;

/// How often a process that does not maintain tries to, and the maintainer checks that it
/// still holds the lock.
pub const ELECT_EVERY: Duration = Duration::from_secs(2);

/// How the duties run in this process.
pub struct Plan {
    /// How often leases are checked and watchers and the journal swept; each pass may take
    /// this long before it is given up (a database that stopped answering must not hold it).
    pub sweep_every: Duration,
    /// Told when a pass rescued tasks (a worker claims them at once).
    pub on_rescue: Option<Arc<Notify>>,
    /// How callbacks are signed.
    pub webhook_secret: Option<WebhookSecret>,
    /// Who this process is, as `aiops workers` shows the maintainer (e.g. `worker aiops-1`).
    pub who: String,
    /// Marked when an election statement gets no answer within two rounds (a session that
    /// stops answering counts as lost), as every timed-out call of the process's pool is.
    pub suspect: crate::db::Suspect,
}

/// This process's part in maintenance; [`Maintenance::stop`] ends it.
pub struct Maintenance {
    stop: watch::Sender<bool>,
    election: JoinHandle<()>,
}

/// Take part in the election on `pool`, and run the duties while elected.
pub fn start(pool: PgPool, plan: Plan) -> Maintenance {
    let (stop, stopped) = watch::channel(false);
    Maintenance {
        election: tokio::spawn(elect_loop(pool, plan, stopped)),
        stop,
    }
}

impl Maintenance {
    /// Stop. A maintainer finishes or hands back the callback deliveries in flight, rather
    /// than leave them leased by a process that is gone, then gives the lock up.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(
            crate::callbacks::STOP_GRACE + Duration::from_secs(3),
            self.election,
        )
        .await;
    }
}

/// The duties running while this process maintains.
struct Duties {
    stop: watch::Sender<bool>,
    sweep: JoinHandle<()>,
    compaction: JoinHandle<()>,
    callbacks: JoinHandle<()>,
    schedules: JoinHandle<()>,
}

impl Duties {
    fn start(pool: &PgPool, plan: &Plan) -> Duties {
        let (stop, stopped) = watch::channel(false);
        Duties {
            sweep: tokio::spawn(sweep_loop(
                pool.clone(),
                plan.sweep_every,
                plan.on_rescue.clone(),
                stopped.clone(),
            )),
            compaction: tokio::spawn(crate::stats::compact_loop(pool.clone())),
            callbacks: tokio::spawn(crate::callbacks::deliver_loop(
                pool.clone(),
                plan.webhook_secret.clone(),
                stopped.clone(),
            )),
            schedules: tokio::spawn(crate::schedule::fire_loop(pool.clone(), stopped)),
            stop,
        }
    }

    async fn stop(self) {
        let _ = self.stop.send(true);
        self.sweep.abort();
        self.compaction.abort();
        // A fire cut short rolls back whole; the next maintainer fires that tick.
        self.schedules.abort();
        let _ = tokio::time::timeout(
            crate::callbacks::STOP_GRACE + Duration::from_secs(3),
            self.callbacks,
        )
        .await;
    }
}

/// Try for the lock until elected, maintain while the session holding it answers, and start
/// over when it does not.
async fn elect_loop(pool: PgPool, plan: Plan, mut stop: watch::Receiver<bool>) {
    let mut session: Option<PoolConnection<Postgres>> = None;
    let mut duties: Option<Duties> = None;
    loop {
        let held = match session.as_mut() {
            None => match pool.acquire().await {
                Ok(conn) => {
                    session = Some(conn);
                    continue;
                }
                Err(e) => {
                    tracing::debug!("maintenance election: no connection: {e}");
                    false
                }
            },
            Some(conn) if duties.is_some() => {
                match plan
                    .suspect
                    .bounded(ELECT_EVERY * 2, crate::queue::still_maintainer(conn))
                    .await
                {
                    Ok(held) => held,
                    Err(e) => {
                        tracing::warn!("lost the maintainer's session ({e}); stepping down");
                        // Closed, not given back to the pool: it may still hold the lock.
                        drop(session.take().map(PoolConnection::detach));
                        false
                    }
                }
            }
            Some(conn) => match plan
                .suspect
                .bounded(ELECT_EVERY * 2, crate::queue::try_maintain(conn, &plan.who))
                .await
            {
                Ok(held) => held,
                Err(e) => {
                    tracing::debug!("maintenance election failed: {e}");
                    drop(session.take().map(PoolConnection::detach));
                    false
                }
            },
        };
        match (held, duties.is_some()) {
            (true, false) => {
                tracing::info!(
                    "maintaining: rescue, callbacks, stats and schedules run in this process"
                );
                duties = Some(Duties::start(&pool, &plan));
            }
            (false, true) => {
                if let Some(d) = duties.take() {
                    d.stop().await;
                }
            }
            _ => {}
        }
        tokio::select! {
            _ = tokio::time::sleep(ELECT_EVERY) => {}
            _ = stop.changed() => break,
        }
    }
    if let Some(d) = duties.take() {
        d.stop().await;
    }
    if let Some(conn) = session.take() {
        // Closing the session gives the lock up at once for the next maintainer.
        let _ = conn.close().await;
    }
}

async fn sweep_loop(
    pool: PgPool,
    every: Duration,
    on_rescue: Option<Arc<Notify>>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        if tokio::time::timeout(every, sweep(&pool, on_rescue.as_deref()))
            .await
            .is_err()
        {
            tracing::debug!("a maintenance pass got no answer within {every:?}");
        }
    }
}

/// One pass of the duties that run on a timer.
async fn sweep(pool: &PgPool, on_rescue: Option<&Notify>) {
    if let Err(e) = crate::watch::forget_gone(pool).await {
        tracing::debug!("forgetting gone watchers failed: {e}");
    }
    if let Err(e) = crate::watch::prune_journal(pool).await {
        tracing::debug!("pruning the event journal failed: {e}");
    }
    match crate::queue::rescue_expired(pool).await {
        Ok(r) if !r.is_empty() => {
            tracing::warn!("rescued {} task(s) from lost workers", r.len());
            if let Some(wake) = on_rescue {
                wake.notify_one();
            }
        }
        Ok(_) => {}
        Err(e) => tracing::debug!("lease rescue failed: {e}"),
    }
}
