//! The worker's claim loop: claims while slots are free, starts an attempt per task, exits on
//! a signal or, with `drain`, once nothing is claimable.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::error::Result;
use crate::queue;
use crate::task::Task;
use crate::worker::executor::StopReason;
use crate::worker::{attempt, Shared};

/// Claim while slots are free, start an attempt per task, and sleep until a submit, a freed
/// slot, the poll or a signal. The first signal stops claiming and waits for running tasks (up
/// to `shutdown_grace`); a second one stops them, and they are re-queued unspent.
pub(super) async fn run(
    shared: &Arc<Shared>,
    stopping: &std::sync::atomic::AtomicBool,
    mut sigs: mpsc::UnboundedReceiver<u32>,
) -> Result<()> {
    if sigs.try_recv().is_ok() {
        tracing::info!("signal during start-up: stopping before claiming anything");
        return Ok(());
    }
    let mut set: JoinSet<()> = JoinSet::new();
    let claimer = queue::Claimer::new(shared.claim_spec());
    let mut claimed_total: u64 = 0;
    let mut db_backoff = Duration::from_millis(100);
    let cfg = &shared.cfg;
    loop {
        while set.try_join_next().is_some() {}
        if cfg.once && claimed_total >= 1 {
            break;
        }
        // Set by the heartbeat when the worker was asked to drain.
        if stopping.load(std::sync::atomic::Ordering::SeqCst) {
            break;
        }
        let free = shared.free_slots(set.len());
        let nap = if free == 0 {
            cfg.poll
        } else {
            let limit = if cfg.once { 1 } else { free as i64 };
            // Bounded like every database call of the worker: a query in flight when the network
            // silently dies waits as long as TCP retries, and this loop must keep answering
            // signals and claim again once the database is back.
            let claimed = shared
                .suspect
                .bounded(cfg.lease(), shared.link.claim(&claimer, limit))
                .await;
            match claimed {
                Err(e) => {
                    tracing::warn!("claiming failed (retrying in {db_backoff:?}): {e}");
                    let nap = db_backoff;
                    db_backoff = (db_backoff * 2).min(cfg.poll.max(Duration::from_secs(1)));
                    nap
                }
                Ok(tasks) => {
                    db_backoff = Duration::from_millis(100);
                    let n = tasks.len();
                    claimed_total += start(shared, &mut set, tasks);
                    if n as i64 == limit && !cfg.once {
                        continue;
                    }
                    if n > 0 {
                        cfg.poll
                    } else {
                        match idle(shared, &claimer, set.is_empty()).await {
                            Some(nap) => nap,
                            None => break,
                        }
                    }
                }
            }
        };
        tokio::select! {
            _ = shared.wake.notified() => {}
            Some(_) = set.join_next(), if !set.is_empty() => {}
            _ = tokio::time::sleep(nap) => {}
            Some(n) = sigs.recv() => {
                tracing::info!("signal {n}: stop claiming");
                break;
            }
        }
    }
    // Shutdown: no more claims; let running tasks finish (up to --shutdown-grace), and stop them
    // on a second signal. Stopped tasks are re-queued without spending an attempt.
    stopping.store(true, std::sync::atomic::Ordering::SeqCst);
    if !set.is_empty() {
        tracing::info!(
            "waiting for {} running task(s); signal again to stop them and re-queue",
            set.len()
        );
        let grace = cfg.shutdown_grace.map(|g| tokio::time::Instant::now() + g);
        let mut stopped = false;
        while !set.is_empty() {
            tokio::select! {
                _ = set.join_next() => {}
                Some(_) = sigs.recv(), if !stopped => {
                    tracing::warn!("second signal: stopping running tasks and re-queueing them");
                    shared.stop_all(StopReason::Shutdown);
                    stopped = true;
                }
                _ = async { tokio::time::sleep_until(grace.unwrap()).await }, if grace.is_some() && !stopped => {
                    tracing::warn!("shutdown grace over: stopping running tasks and re-queueing them");
                    shared.stop_all(StopReason::Shutdown);
                    stopped = true;
                }
            }
        }
    }
    Ok(())
}

/// Start an attempt for each claimed task; returns how many started.
fn start(shared: &Arc<Shared>, set: &mut JoinSet<()>, tasks: Vec<Task>) -> u64 {
    let mut started = 0;
    for t in tasks {
        let Some(rx) = shared.take_claim(&t) else {
            tracing::warn!(task = %t.id, attempt = t.attempt, "claimed again an attempt this worker runs: the database forgot the first claim (it crashed before flushing it); the running executor carries on");
            continue;
        };
        started += 1;
        tracing::info!(task = %t.id, problem = %t.problem_id, attempt = t.attempt, "claimed");
        // The attempt leaves `running` and wakes the loop as its executor ends; its end in the
        // set wakes the loop again.
        set.spawn(attempt::run(shared.clone(), t, rx));
    }
    started
}

/// Nothing was claimable: how long to sleep (until the next task is due, at most the poll), or
/// `None` when a draining worker is done: nothing due now, no retry waiting out its backoff,
/// nothing about to be rescued from a lost worker or from a claim of ours whose answer the
/// connection lost, and nothing of ours running.
async fn idle(
    shared: &Shared,
    claimer: &queue::Claimer,
    nothing_running: bool,
) -> Option<Duration> {
    let cfg = &shared.cfg;
    let spec = claimer.spec();
    let due = shared
        .suspect
        .bounded(cfg.lease(), shared.link.next_due(spec))
        .await;
    let due = match due {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!("reading the queue failed: {e}");
            return Some(cfg.poll);
        }
    };
    if cfg.drain
        && nothing_running
        && due.retry_in.is_none()
        && due.expired_running == 0
        && due.running_as_me == 0
        && due.any_in.is_none_or(|s| s > 0.0)
    {
        return None;
    }
    Some(match due.any_in {
        Some(s) => cfg
            .poll
            .min(Duration::from_secs_f64(s.clamp(0.001, 3600.0))),
        None => cfg.poll,
    })
}
