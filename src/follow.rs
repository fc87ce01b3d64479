//! Following one task to its end: its state, and its log lines as they are written, read again
//! whenever the task is announced or a backstop timer fires. `logs -f`, `submit --wait` and
//! `serve`'s log streams all follow through here; they differ in how they are woken. The CLI
//! has a LISTEN session of its own ([`Waiter`]); `serve` shares one among its streams.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

use crate::error::Result;
use crate::log::{LogEntry, LogLevel};
use crate::notify::{Heard, Listener, Watch, LOG, TASK};
use crate::queue::{self, LogQuery};
use crate::task::{Task, TaskId};

/// Lines read at once; a full page means more may be waiting.
const PAGE: i64 = 1000;

/// Where a follower is in one task's log.
#[derive(Debug, Clone)]
pub struct Follow {
    id: TaskId,
    query: LogQuery,
}

impl Follow {
    /// Follow every line of `id` from the start, of at least `min_level` and of one attempt
    /// when given.
    pub fn new(id: TaskId, min_level: Option<LogLevel>, attempt: Option<i32>) -> Follow {
        Follow {
            id,
            query: LogQuery {
                min_level,
                attempt,
                limit: PAGE,
                ..Default::default()
            },
        }
    }

    /// The task being followed.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// Continue after this log id (lines up to it were already shown).
    pub fn after(&mut self, id: Option<i64>) {
        if id.is_some() {
            self.query.after_id = id;
        }
    }

    /// The task. Read it before [`Follow::lines`]: every line written before it ended is then
    /// read after, so an ended task's log is complete.
    pub async fn task(&self, pool: &PgPool) -> Result<Task> {
        queue::get(pool, self.id).await
    }

    /// The next lines written since the last call, a page at a time; `true` when a full page
    /// came back and more may be waiting.
    pub async fn lines(&mut self, pool: &PgPool) -> Result<(Vec<LogEntry>, bool)> {
        let lines = queue::logs(pool, self.id, &self.query).await?;
        if let Some(last) = lines.last() {
            self.query.after_id = Some(last.id);
        }
        let more = lines.len() as i64 >= PAGE;
        Ok((lines, more))
    }
}

/// Sleeps until a task is announced, on a LISTEN session of its own that watches only that
/// task. Without a session (it could not be made), it sleeps the whole time: the caller reads
/// again on its timer.
pub struct Waiter {
    id: TaskId,
    listener: Option<Listener>,
}

impl Waiter {
    /// Start watching. Do it before the first read, so no change between read and watch is
    /// missed.
    pub async fn new(pool: &PgPool, id: TaskId) -> Waiter {
        // The session holds its connection for good: it gets one of its own, leaving the
        // caller's (often single-connection) pool free for reads.
        let own = PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with((*pool.connect_options()).clone());
        let listener = match Listener::connect(&own, &[TASK, LOG], Watch::Task(id)).await {
            Ok(l) => Some(l),
            Err(e) => {
                tracing::debug!("watching the task failed, polling instead: {e}");
                None
            }
        };
        Waiter { id, listener }
    }

    /// Sleep until something about the task is announced, the session was made again, or
    /// `max` passes.
    pub async fn wait(&mut self, max: Duration) {
        let deadline = tokio::time::Instant::now() + max;
        let Some(listener) = self.listener.as_mut() else {
            tokio::time::sleep(max).await;
            return;
        };
        let id = self.id.to_string();
        loop {
            match tokio::time::timeout_at(deadline, listener.recv()).await {
                Err(_) => return,
                Ok(Ok(Heard::Note(n))) if n.payload().starts_with(&id) => return,
                Ok(Ok(Heard::Note(_))) => {}
                Ok(Ok(Heard::Reconnected)) => return,
                Ok(Err(e)) => {
                    // Not made again yet: read now; the next wait tries again.
                    tracing::debug!("notification connection lost: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    return;
                }
            }
        }
    }

    /// Stop watching, so that the task's changes are no longer announced for us.
    pub async fn finish(self) {
        if let Some(l) = self.listener {
            l.finish().await;
        }
    }
}
