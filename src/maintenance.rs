//! The periodic duties of the system as a whole, as opposed to one worker's own tasks:
//! rescuing tasks whose worker stopped heartbeating, forgetting watchers whose session is gone,
//! pruning the event journal, delivering callbacks and folding stats deltas into rollups. The
//! worker and `serve` start them the same way, through [`start`]. Each duty is safe to run in
//! several processes at once (rescue and delivery lock the rows they take with
//! `FOR UPDATE SKIP LOCKED`).

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::callbacks::WebhookSecret;

/// How the duties run in this process.
pub struct Plan {
    /// How often leases are checked and watchers and the journal swept; each pass may take
    /// this long before it is given up (a database that stopped answering must not hold it).
    pub sweep_every: Duration,
    /// Told when a pass rescued tasks (a worker claims them at once).
    pub on_rescue: Option<Arc<Notify>>,
    /// How callbacks are signed.
    pub webhook_secret: Option<WebhookSecret>,
}

/// The duties running in this process; [`Maintenance::stop`] ends them.
pub struct Maintenance {
    stop: watch::Sender<bool>,
    sweep: JoinHandle<()>,
    compaction: JoinHandle<()>,
    callbacks: JoinHandle<()>,
}

/// Start every duty on `pool`.
pub fn start(pool: PgPool, plan: Plan) -> Maintenance {
    let (stop, stopped) = watch::channel(false);
    Maintenance {
        sweep: tokio::spawn(sweep_loop(
            pool.clone(),
            plan.sweep_every,
            plan.on_rescue,
            stopped.clone(),
        )),
        compaction: tokio::spawn(crate::stats::compact_loop(pool.clone())),
        callbacks: tokio::spawn(crate::callbacks::deliver_loop(
            pool,
            plan.webhook_secret,
            stopped,
        )),
        stop,
    }
}

impl Maintenance {
    /// Stop the duties. Callback deliveries in flight finish or are handed back, due at once
    /// for any other process, rather than left leased by a process that is gone.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        self.sweep.abort();
        self.compaction.abort();
        let _ = tokio::time::timeout(
            crate::callbacks::STOP_GRACE + Duration::from_secs(3),
            self.callbacks,
        )
        .await;
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
