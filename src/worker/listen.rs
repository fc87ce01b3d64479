//! The worker's notifications: submits to its queues wake the claim loop, cancels stop the
//! attempt.

use std::sync::Arc;
use std::time::Duration;

use crate::notify::{self, Heard, Listener, Watch};
use crate::task::TaskId;
use crate::worker::executor::StopReason;
use crate::worker::Shared;

/// Wake the claim loop on submits to our queues; stop attempts whose cancel was requested.
pub(super) async fn run(shared: Arc<Shared>) {
    let mut backoff = Duration::from_millis(100);
    loop {
        let mut listener = match Listener::connect(
            &shared.pool,
            &[notify::SUBMIT, notify::CANCEL],
            Watch::Nothing,
        )
        .await
        {
            Ok(l) => l,
            Err(e) => {
                tracing::debug!("LISTEN connection failed: {e}");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        // Anything submitted while we were not listening: look now.
        shared.wake.notify_one();
        loop {
            let heard = tokio::select! {
                r = listener.recv() => r,
                _ = shared.relisten.notified() => {
                    // Silently dead connections never report an error: a listener cut off with
                    // the rest would wait for notifications forever.
                    tracing::info!("renewing the notification connection after an outage");
                    shared.wake.notify_one();
                    break;
                }
            };
            match heard {
                Ok(Heard::Note(n)) => match n.channel() {
                    notify::SUBMIT if shared.cfg.queues.iter().any(|q| q == n.payload()) => {
                        shared.wake.notify_one();
                    }
                    notify::CANCEL => {
                        if let Ok(u) = uuid::Uuid::parse_str(n.payload()) {
                            shared.stop(TaskId(u), StopReason::Cancelled);
                        }
                    }
                    _ => {}
                },
                Ok(Heard::Reconnected) => {
                    tracing::warn!("notification connection lost and made again");
                    shared.wake.notify_one();
                }
                Err(e) => {
                    tracing::warn!("notification connection failed: {e}");
                    break;
                }
            }
        }
    }
}
