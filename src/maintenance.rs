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

use sqlx::{PgConnection, PgPool};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::callbacks::WebhookSecret;
use crate::error::Result;
use crate::notify::{self, Listener, Watch};

/// How often a process that does not maintain tries to, and the maintainer checks that it
/// still holds the lock.
pub const ELECT_EVERY: Duration = Duration::from_secs(2);

/// Something the process's session heard, for the owner of the session to act on.
pub enum Heard<'a> {
    /// The session (re)started listening: notifications sent before are gone, so look again.
    Listening,
    /// A notification on one of [`Plan::channels`].
    Note(&'a sqlx::postgres::PgNotification),
}

/// How the session and the duties run in this process.
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
    /// Channels the session listens on for its owner, besides [`crate::notify::CALLBACK`].
    pub channels: Vec<&'static str>,
    /// Called with what the session hears on those channels.
    pub on_heard: Arc<dyn Fn(Heard<'_>) + Send + Sync>,
    /// Told by the owner when the database answers again after an outage: a session cut off
    /// with the rest may have died silently, so it is made again.
    pub renew: Arc<Notify>,
}

/// This process's session and its part in maintenance; [`Maintenance::stop`] ends them.
pub struct Maintenance {
    stop: watch::Sender<bool>,
    session: JoinHandle<()>,
}

/// Run the process's one session on `session` (a pool of one connection): it LISTENs for the
/// owner and for callbacks, and takes part in the election, whose lock it then holds. The
/// duties, while elected, run their statements on `pool`.
pub fn start(pool: PgPool, session: PgPool, plan: Plan) -> Maintenance {
    let (stop, stopped) = watch::channel(false);
    Maintenance {
        session: tokio::spawn(session_loop(pool, session, plan, stopped)),
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
            self.session,
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
    fn start(pool: &PgPool, plan: &Plan, callbacks_due: Arc<Notify>) -> Duties {
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
                callbacks_due,
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

/// One round of the election on the session: try for the lock, or check it is still held.
async fn elect(session: &mut PgConnection, plan: &Plan, maintaining: bool) -> Result<bool> {
    let round = async {
        if maintaining {
            crate::queue::still_maintainer(session).await
        } else {
            crate::queue::try_maintain(session, &plan.who).await
        }
    };
    plan.suspect.bounded(ELECT_EVERY * 2, round).await
}

/// Listen, and take part in the election every [`ELECT_EVERY`], on one session; make it again
/// when it is lost. The duties run while the session holds the lock.
async fn session_loop(pool: PgPool, session: PgPool, plan: Plan, mut stop: watch::Receiver<bool>) {
    let callbacks_due = Arc::new(Notify::new());
    let mut duties: Option<Duties> = None;
    let mut channels = plan.channels.clone();
    channels.push(crate::notify::CALLBACK);
    let mut backoff = Duration::from_millis(100);
    let mut listener = None;
    loop {
        let l = match listener.as_mut() {
            Some(l) => l,
            None => match Listener::connect(&session, &channels, Watch::Nothing).await {
                Ok(l) => {
                    backoff = Duration::from_millis(100);
                    (plan.on_heard)(Heard::Listening);
                    callbacks_due.notify_one();
                    listener.insert(l)
                }
                Err(e) => {
                    tracing::debug!("the session could not be made: {e}");
                    if duties.is_some() {
                        tracing::warn!("lost the maintainer's session; stepping down");
                        if let Some(d) = duties.take() {
                            d.stop().await;
                        }
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = stop.changed() => break,
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                    continue;
                }
            },
        };
        let mut tick = tokio::time::interval(ELECT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let lost = loop {
            tokio::select! {
                heard = l.recv() => match heard {
                    Ok(notify::Heard::Note(n)) => {
                        if n.channel() == crate::notify::CALLBACK {
                            callbacks_due.notify_one();
                        } else {
                            (plan.on_heard)(Heard::Note(&n));
                        }
                    }
                    Ok(notify::Heard::Reconnected) => {
                        tracing::warn!("the session was lost and made again");
                        (plan.on_heard)(Heard::Listening);
                        callbacks_due.notify_one();
                    }
                    Err(e) => break Some(format!("the session failed: {e}")),
                },
                _ = tick.tick() => {
                    let maintaining = duties.is_some();
                    let held = match l.session().await {
                        Ok(conn) => elect(conn, &plan, maintaining).await,
                        Err(e) => Err(e),
                    };
                    match (held, maintaining) {
                        (Ok(true), false) => {
                            tracing::info!("maintaining: rescue, callbacks, stats and schedules run in this process");
                            duties = Some(Duties::start(&pool, &plan, callbacks_due.clone()));
                        }
                        (Ok(false), true) => {
                            tracing::warn!("no longer the maintainer; stepping down");
                            if let Some(d) = duties.take() {
                                d.stop().await;
                            }
                        }
                        (Ok(_), _) => {}
                        (Err(e), _) => break Some(format!("the election got no answer: {e}")),
                    }
                }
                _ = plan.renew.notified() => break Some("renewing the session after an outage".into()),
                _ = stop.changed() => break None,
            }
        };
        match lost {
            Some(why) => {
                tracing::info!("{why}");
                // Closed: the session pool never reuses a connection ([`crate::db::connect_session`]).
                listener = None;
                if let Some(d) = duties.take() {
                    d.stop().await;
                }
            }
            None => break,
        }
    }
    // A process that stops before it was ever elected (a `--drain` worker whose one task took
    // milliseconds) tries once more, so that alone on the database it still delivers the
    // callbacks of the tasks it just finished, as its stopping duties do.
    if duties.is_none() {
        if let Some(l) = listener.as_mut() {
            if let Ok(conn) = l.session().await {
                if let Ok(true) = elect(conn, &plan, false).await {
                    duties = Some(Duties::start(&pool, &plan, callbacks_due.clone()));
                }
            }
        }
    }
    if let Some(d) = duties.take() {
        d.stop().await;
    }
    if let Some(mut l) = listener.take() {
        // Giving the lock up at once lets the next maintainer take over without waiting for
        // this process's connections to close.
        if let Ok(conn) = l.session().await {
            let _ = tokio::time::timeout(ELECT_EVERY, crate::queue::resign_maintainer(conn)).await;
        }
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
