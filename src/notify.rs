//! Notifications from PostgreSQL: every channel name, and [`Listener`], the one type that holds
//! a LISTEN session. Triggers announce submits, cancels, task changes, log lines and callback
//! deliveries; the worker, the callback deliverer, `serve`'s streams and the CLI's waiters each
//! listen through a [`Listener`], which reconnects after a lost session and registers its watch
//! again ([`crate::watch`]), then says so, so its owner reads again what it may have missed.

use sqlx::postgres::{PgListener, PgNotification};
use sqlx::PgPool;

use crate::error::Result;
use crate::task::TaskId;

/// A task became claimable; the payload is its queue.
pub const SUBMIT: &str = "aiops_submit";
/// A running task's cancel was requested; the payload is its id.
pub const CANCEL: &str = "aiops_cancel";
/// `<task id>:<status>` when a watched task's status or cancel request changes, `<task
/// id>:created` when it is inserted (only while someone watches, see [`crate::watch`]).
pub const TASK: &str = "aiops_task";
/// A watched task's id, once per statement that added log lines for it.
pub const LOG: &str = "aiops_log";
/// A callback delivery became due.
pub const CALLBACK: &str = "aiops_callback";

/// Whose changes the session asks to have announced on [`TASK`] and [`LOG`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watch {
    /// None: the channels listened to are announced regardless.
    Nothing,
    /// One task's.
    Task(TaskId),
    /// Every task's.
    All,
}

/// What a [`Listener`] heard.
#[derive(Debug)]
pub enum Heard {
    /// A notification.
    Note(PgNotification),
    /// The session was lost and made again (with its watch registered again): notifications
    /// sent meanwhile are gone, so read again.
    Reconnected,
}

/// One LISTEN session.
pub struct Listener {
    inner: PgListener,
    watch: Watch,
    /// False after the session was lost until the watch is registered on the new one.
    watching: bool,
}

impl Listener {
    /// Listen on `channels`, and register `watch`. Every change committed to what it watches
    /// after this returns is announced (unless registering gave up waiting for a long writer,
    /// which is logged; waiters re-read on a timer anyway).
    ///
    /// The session holds one of `pool`'s connections for as long as it lives.
    pub async fn connect(pool: &PgPool, channels: &[&str], watch: Watch) -> Result<Listener> {
        let mut inner = PgListener::connect_with(pool).await?;
        inner.listen_all(channels.iter().copied()).await?;
        if watch != Watch::Nothing {
            // What a watch has announced arrives on these.
            inner.listen_all([TASK, LOG]).await?;
        }
        let mut l = Listener {
            inner,
            watch,
            watching: false,
        };
        l.register().await?;
        Ok(l)
    }

    async fn register(&mut self) -> Result<()> {
        let settled = match self.watch {
            Watch::Nothing => true,
            Watch::Task(id) => crate::watch::start(&mut self.inner, Some(id)).await?,
            Watch::All => crate::watch::start(&mut self.inner, None).await?,
        };
        if !settled {
            tracing::debug!("registering the watch gave up waiting for a long writer; its change may come by timer");
        }
        self.watching = true;
        Ok(())
    }

    /// The next notification. After the session was lost it is made again (by sqlx) and the
    /// watch registered again: [`Heard::Reconnected`]. An error means the session could not be
    /// made again yet; the next call tries again.
    pub async fn recv(&mut self) -> Result<Heard> {
        if !self.watching {
            self.register().await?;
            return Ok(Heard::Reconnected);
        }
        match self.inner.try_recv().await {
            Ok(Some(n)) => Ok(Heard::Note(n)),
            Ok(None) => {
                self.watching = false;
                self.register().await?;
                Ok(Heard::Reconnected)
            }
            Err(e) => {
                self.watching = false;
                Err(e.into())
            }
        }
    }

    /// Withdraw the watch and stop listening, so that changes stop being announced when nobody
    /// else watches (a session that ends without it is forgotten by the next maintenance pass).
    pub async fn finish(mut self) {
        if self.watch != Watch::Nothing {
            if let Err(e) = crate::watch::stop(&mut self.inner).await {
                tracing::debug!("unwatch failed: {e}");
            }
        }
    }
}

impl Listener {
    /// The session itself, for statements that must run on it: the maintainer's advisory lock
    /// lives as long as this session ([`crate::maintenance`]), so one connection serves both.
    /// Notifications that arrive meanwhile are kept for [`Listener::recv`].
    pub async fn session(&mut self) -> Result<&mut sqlx::PgConnection> {
        use sqlx::Acquire;
        Ok((&mut self.inner).acquire().await?)
    }
}

/// How long [`check_session`] waits for its own notification.
const SESSION_CHECK: std::time::Duration = std::time::Duration::from_secs(3);

/// Check that a notification sent through `pool` reaches a LISTEN session of `session`. Behind a
/// pool that hands out server connections per transaction (PgBouncer in transaction mode) it
/// never does, and a worker or server there would wait for notifications forever: refuse at
/// start with the reason instead.
pub async fn check_session(session: &PgPool, pool: &PgPool) -> Result<()> {
    let channel = format!("aiops_check_{}", uuid::Uuid::now_v7().simple());
    let mut l = PgListener::connect_with(session).await?;
    l.listen(&channel).await?;
    sqlx::query("SELECT pg_notify($1, '')")
        .bind(&channel)
        .execute(pool)
        .await?;
    match tokio::time::timeout(SESSION_CHECK, l.try_recv()).await {
        Ok(Ok(Some(n))) if n.channel() == channel => Ok(()),
        _ => Err(crate::error::Error::Usage(format!(
            "a notification sent to the database did not reach a LISTEN session within {}s: {}",
            SESSION_CHECK.as_secs(),
            crate::error::TRANSACTION_POOLED
        ))),
    }
}
