//! The worker's heartbeat: its own row, its tasks' leases, and what the answer says to stop.

use std::sync::Arc;
use std::time::Instant;

use crate::queue::WorkerState;
use crate::worker::executor::StopReason;
use crate::worker::link::{Beat, Held};
use crate::worker::Shared;

/// Heartbeat the worker and its tasks every interval: stop tasks whose lease was lost or whose
/// cancel was requested, and every executor when cut off from the database for longer than a
/// lease.
pub(super) async fn run(shared: Arc<Shared>, stopping: Arc<std::sync::atomic::AtomicBool>) {
    let hb = shared.cfg.heartbeat;
    let lease = shared.cfg.lease();
    let mut tick = tokio::time::interval(hb);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut lost = false;
    loop {
        tick.tick().await;
        // Cut off for longer than the lease: the tasks are being rescued elsewhere.
        let silent = shared.last_contact.lock().unwrap().elapsed();
        if silent > lease {
            let held = shared.held();
            if !held.is_empty() {
                tracing::error!(
                    "no contact with the database for {silent:?} (lease {lease:?}): stopping {} executor(s)",
                    held.len()
                );
                shared.stop_all(StopReason::LeaseLost);
            }
        }
        let held = shared.held();
        let state = if stopping.load(std::sync::atomic::Ordering::SeqCst) {
            WorkerState::Stopping
        } else if held.is_empty() {
            WorkerState::Idle
        } else {
            WorkerState::Busy
        };
        let beat = Beat {
            worker_id: shared.cfg.id.clone(),
            pid: shared.pid,
            hostname: shared.hostname.clone(),
            state,
            current: held.first().map(|(id, _)| *id),
            held: held
                .iter()
                .map(|&(task_id, attempt)| Held { task_id, attempt })
                .collect(),
            lease,
        };
        let beaten = match shared
            .suspect
            .bounded(hb, shared.link.heartbeat(&beat))
            .await
        {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!("heartbeat failed: {e}");
                lost = true;
                continue;
            }
        };
        shared.suspect.clear();
        *shared.last_contact.lock().unwrap() = Instant::now();
        if std::mem::take(&mut lost) {
            tracing::info!("the queue answers again");
            shared.relisten.notify_one();
        }
        if beaten.drain && !stopping.swap(true, std::sync::atomic::Ordering::SeqCst) {
            // A drain is a graceful stop: the claim loop sees `stopping` as it would after a
            // first signal.
            tracing::info!("drain requested: finishing running tasks, then exiting");
            shared.wake.notify_one();
        }
        if !beaten.registered {
            tracing::warn!(
                "this worker's row was taken over or removed; another process may serve cluster {}",
                shared.cfg.cluster
            );
        }
        for (id, _) in &held {
            match beaten.still.iter().find(|h| h.task_id == *id) {
                // Finished meanwhile: attempts leave the set before their final write.
                None if !shared.running.lock().unwrap().contains_key(id) => {}
                None => {
                    tracing::warn!(task = %id, "lease lost: the task was rescued or finished elsewhere; stopping it here");
                    shared.stop(*id, StopReason::LeaseLost);
                }
                Some(h) if h.cancel_requested => shared.stop(*id, StopReason::Cancelled),
                Some(_) => {}
            }
        }
    }
}
