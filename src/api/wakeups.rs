//! Which HTTP workers a submit wakes. A worker's long poll (`POST /api/v1/workers/{id}/wait`)
//! stands in for the LISTEN session a direct worker has; if every submit answered every poll,
//! a single task would send the whole fleet claiming at once (500 claims racing for one row).
//! A submit wakes one waiting worker of its queue instead, and a claim that comes back full
//! wakes two more: a burst of work reaches the fleet in a few rounds, a lone task costs a
//! claim or three.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// Workers waiting for work, by queue, in the order they began to wait.
#[derive(Default)]
pub struct Wakeups {
    queues: Mutex<HashMap<String, Arc<Notify>>>,
}

impl Wakeups {
    /// What the waiters of `queue` wait on.
    pub fn of(&self, queue: &str) -> Arc<Notify> {
        self.queues
            .lock()
            .unwrap()
            .entry(queue.to_string())
            .or_default()
            .clone()
    }

    /// Wake `n` waiters of `queue` (the first to come, if none waits).
    pub fn wake(&self, queue: &str, n: usize) {
        let waiters = self.of(queue);
        for _ in 0..n {
            waiters.notify_one();
        }
    }
}
