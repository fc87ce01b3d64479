//! Finding and opening the database: URL resolution (flag, environment, embedded default),
//! connecting with a clear error, and keeping the schema current under sqlx's advisory lock.

pub mod embedded;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Connection};

use crate::error::{Error, Result};

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Where the URL came from, so messages can say which setting to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlSource {
    /// `--database-url`, `AIOPS_DATABASE_URL` or `DATABASE_URL`.
    Configured,
    /// The embedded instance under the user's data directory.
    Embedded,
}

/// The database URL to use: the flag (which clap also fills from `AIOPS_DATABASE_URL`), else
/// `DATABASE_URL`, else the embedded instance (started on demand). Commands call this from
/// async code: starting the instance steps off the runtime's worker thread while it waits (see
/// [`embedded::Embedded::start`]), so the process's other tasks keep running.
pub fn resolve_url(flag: Option<&str>) -> Result<(String, UrlSource)> {
    if let Some(u) = flag.filter(|u| !u.is_empty()) {
        return Ok((u.to_string(), UrlSource::Configured));
    }
    if let Ok(u) = std::env::var("DATABASE_URL") {
        if !u.is_empty() {
            return Ok((u, UrlSource::Configured));
        }
    }
    let emb = embedded::Embedded::locate().map_err(|e| Error::Other(e.to_string()))?;
    emb.ensure_running()
        .map_err(|e| Error::Other(e.to_string()))?;
    Ok((emb.url(), UrlSource::Embedded))
}

/// Hide the password of a URL before it is shown anywhere.
pub fn mask_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Options for opening pools.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// Most connections the pool holds.
    pub max_connections: u32,
    /// How long to wait for the server before giving up with [`Error::Unreachable`].
    pub connect_timeout: Duration,
    /// The pool only claims: its connections have the [`CLAIM_SESSION`] settings, and opening
    /// it leaves the schema to the pool opened before it (a claiming connection commits
    /// asynchronously, which a migration must not).
    pub claims_only: bool,
    /// How its connections name themselves in `pg_stat_activity` (`aiops worker`, `aiops serve`;
    /// `aiops` for the CLI), so an operator sees who holds the server's connections.
    pub application_name: &'static str,
}

/// Session settings of a connection that claims.
///
/// **Claims commit asynchronously.** A claim returns as soon as its commit is in the WAL
/// buffers; the WAL writer flushes it within `wal_writer_delay`, and any later synchronous
/// commit on the server (a log line, a heartbeat, a completion, another task's submit) flushes
/// it first. That saves one WAL flush on the way from submit to running, which shortens the
/// idle pickup and raises the drain rate (see docs/performance.md). Nothing a guarantee rests on
/// is lost: only a crash of PostgreSQL in that window can forget a claim, and then nothing of
/// its attempt was committed either (a commit of any of its writes would have flushed the claim
/// before it). The task is back where it was before the claim, pending at the previous attempt
/// number, as if the claim had never been made; it runs again, as after any worker crash.
/// Completions, logs, progress, cancels and submits stay synchronous. If the same worker claims
/// it again, that claim carries the same fence (task, attempt, worker) as the executor still
/// running from the forgotten one, so the worker treats both as one run (see
/// `worker::Shared::take_claim`).
///
/// PostgreSQL plans the claim afresh at every execution, because with its `LIMIT` known the
/// custom plan always looks cheaper than the generic one. That planning costs about as much as
/// running a small claim, so each connection keeps one generic plan instead (see
/// docs/performance.md). The generic plan is the same index plan (`tasks_claimable` in claim
/// order, then the primary key) whether few or very many tasks are pending.
///
/// N.B.: JIT is off because the generic plan's row estimates grow with the table: with very many
/// tasks pending, the several-queue claim crosses `jit_above_cost` and spends longer compiling
/// than running. Sequential scans are off because a generic plan is kept until the table's
/// statistics change: made while `tasks` was empty and never analyzed, it would update the
/// picked rows through a sequential scan of the whole table until autovacuum first analyzed
/// it. The claim never wants one; with them off that plan reads the primary key instead.
pub const CLAIM_SESSION: [(&str, &str); 4] = [
    ("synchronous_commit", "off"),
    ("plan_cache_mode", "force_generic_plan"),
    ("jit", "off"),
    ("enable_seqscan", "off"),
];

impl Default for PoolConfig {
    fn default() -> Self {
        // N.B.: one connection for a CLI command. sqlx returns a released connection to the pool
        // from a spawned task, so with more allowed the next query often opens a second one.
        PoolConfig {
            max_connections: 1,
            connect_timeout: Duration::from_secs(5),
            claims_only: false,
            application_name: "aiops",
        }
    }
}

/// Open a pool, check the server answers, and bring the schema up to date (unless the pool
/// only claims: [`PoolConfig::claims_only`]).
pub async fn connect(url: &str, cfg: &PoolConfig) -> Result<PgPool> {
    let pool = open(url, cfg, None).await?;
    migrate_unless_claiming(pool, cfg).await
}

/// Whether a database call of one worker ran out of time since the database last answered.
/// Its pools ([`connect_discarding`]) then close connections that come back instead of reusing
/// them: such a connection may have died silently (packets dropped, no RST), and sqlx's own
/// check on release would wait on it for as long as TCP retries, holding a pool slot.
#[derive(Debug, Clone, Default)]
pub struct Suspect(Arc<AtomicBool>);

impl Suspect {
    /// The database answered again: connections may be reused.
    pub fn clear(&self) {
        self.0.store(false, Ordering::Relaxed);
    }

    /// Run a database call, giving up after `limit`: a call on a connection that died silently
    /// otherwise waits for as long as TCP keeps retrying. Giving up marks the pools suspect
    /// before the call (and the connection it holds) is dropped, so the pool closes it.
    pub async fn bounded<T>(
        &self,
        limit: Duration,
        f: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        tokio::pin!(f);
        tokio::select! {
            r = &mut f => r,
            _ = tokio::time::sleep(limit) => {
                self.0.store(true, Ordering::Relaxed);
                Err(Error::Database(format!("no answer within {limit:?}")))
            }
        }
    }
}

/// Open a pool like [`connect`] whose connections are closed instead of reused when they come
/// back to the pool while `suspect` is set.
pub async fn connect_discarding(url: &str, cfg: &PoolConfig, suspect: &Suspect) -> Result<PgPool> {
    let pool = open(url, cfg, Some(suspect.0.clone())).await?;
    migrate_unless_claiming(pool, cfg).await
}

/// Bring the schema of a freshly opened pool up to date, unless it only claims.
async fn migrate_unless_claiming(pool: PgPool, cfg: &PoolConfig) -> Result<PgPool> {
    if !cfg.claims_only {
        migrate_if_needed(&pool).await?;
    }
    Ok(pool)
}

/// Open the pool of a process's one long-lived session ([`crate::maintenance`]): one
/// connection, never reused once given back. A session is given back only when it was lost or
/// its owner stops, and it may still hold the maintainer's lock; closing it ends that at once.
pub async fn connect_session(
    url: &str,
    connect_timeout: Duration,
    application_name: &'static str,
) -> Result<PgPool> {
    let cfg = PoolConfig {
        max_connections: 1,
        connect_timeout,
        claims_only: false,
        application_name,
    };
    open(url, &cfg, Some(Arc::new(AtomicBool::new(true)))).await
}

/// Open a pool and check the server answers, leaving the schema as it is.
pub async fn connect_no_migrate(url: &str, cfg: &PoolConfig) -> Result<PgPool> {
    open(url, cfg, None).await
}

/// A pooled connection idle this long is pinged before it is handed out. sqlx checks every
/// connection as it comes back to the pool, so one used more recently was alive moments ago;
/// a ping on every acquire would add a round trip to every statement, a visible share of the
/// idle pickup latency (see docs/performance.md).
const PING_IDLE: Duration = Duration::from_secs(1);

/// A pooled connection idle this long is closed: a worker opens connections as its tasks need
/// them and gives them back when it waits, so an idle fleet holds few.
const CLOSE_IDLE: Duration = Duration::from_secs(30);

async fn open(url: &str, cfg: &PoolConfig, suspect: Option<Arc<AtomicBool>>) -> Result<PgPool> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(Error::usage(format!(
            "invalid database URL {}: it must start with postgres:// or postgresql://",
            mask_url(url)
        )));
    }
    let opts: PgConnectOptions = url.parse().map_err(|e: sqlx::Error| {
        Error::usage(format!(
            "invalid database URL {}: {}; use postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE",
            mask_url(url),
            crate::error::one_line(&e.to_string())
        ))
    })?;
    let opts = opts
        .application_name(cfg.application_name)
        .log_statements(tracing::log::LevelFilter::Trace)
        .log_slow_statements(tracing::log::LevelFilter::Debug, Duration::from_secs(1));
    let opts = if cfg.claims_only {
        opts.options(CLAIM_SESSION)
    } else {
        opts
    };
    let unreachable = |reason: String| {
        match reason.split_once("unsupported startup parameter: ") {
        // PgBouncer refuses what it does not know unless told to ignore it.
        Some((_, param)) => Error::usage(format!(
            "the server at {} refused the startup parameter {}: it is a pooler such as PgBouncer; {}",
            mask_url(url),
            param.split_whitespace().next().unwrap_or(""),
            "aiops needs session connections: set pool_mode = session and ignore_startup_parameters = extra_float_digits,options there, or point --database-url at PostgreSQL itself"
        )),
        None => Error::Unreachable {
            url: mask_url(url),
            reason: crate::error::one_line(&reason),
        },
    }
    };
    let mut options = PgPoolOptions::new()
        .max_connections(cfg.max_connections)
        .min_connections(0)
        .idle_timeout(CLOSE_IDLE)
        .acquire_timeout(cfg.connect_timeout)
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_IDLE {
                    conn.ping().await?;
                }
                Ok(true)
            })
        });
    if let Some(suspect) = suspect {
        options = options.after_release(move |_, _| {
            let keep = !suspect.load(Ordering::Relaxed);
            Box::pin(async move { Ok(keep) })
        });
    }
    let pool = options.connect_lazy_with(opts.clone());
    // The pool retries a refused connection until its timeout and then only says it timed
    // out. If the first connection is slow, one direct attempt tells a dead server (fail at
    // once, with the real reason) from a slow one (keep waiting).
    let first = pool.acquire();
    tokio::pin!(first);
    let conn = tokio::select! {
        r = &mut first => r,
        _ = tokio::time::sleep(Duration::from_millis(250)) => {
            match tokio::time::timeout(cfg.connect_timeout, opts.connect()).await {
                Err(_) => return Err(unreachable(format!(
                    "no answer within {}s", cfg.connect_timeout.as_secs()
                ))),
                Ok(Err(e)) => return Err(unreachable(e.to_string())),
                Ok(Ok(probe)) => {
                    let _ = probe.close().await;
                    first.await
                }
            }
        }
    };
    match conn {
        Ok(c) => drop(c),
        Err(sqlx::Error::PoolTimedOut) => {
            return Err(unreachable(format!(
                "no connection within {}s",
                cfg.connect_timeout.as_secs()
            )))
        }
        Err(e) => return Err(unreachable(e.to_string())),
    }
    Ok(pool)
}

/// Latest migration version this binary knows.
pub fn known_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Schema state, for `db status` and readiness checks.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SchemaStatus {
    /// Highest applied migration, if any.
    pub applied: Option<i64>,
    /// Highest migration this binary carries.
    pub known: i64,
}

impl SchemaStatus {
    /// True when nothing is left to apply and nothing is newer than us.
    pub fn is_current(&self) -> bool {
        self.applied == Some(self.known)
    }
}

/// Read the applied schema version without changing anything.
pub async fn schema_status(pool: &PgPool) -> Result<SchemaStatus> {
    // One round trip in the common case; a fresh database has no migrations table yet.
    let applied =
        match sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await
        {
            Ok(v) => v,
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P01") => None,
            Err(e) => return Err(e.into()),
        };
    Ok(SchemaStatus {
        applied,
        known: known_version(),
    })
}

/// Apply missing migrations unless the schema is already current (the common case costs one
/// query). A schema newer than this binary is refused.
pub async fn migrate_if_needed(pool: &PgPool) -> Result<SchemaStatus> {
    let status = schema_status(pool).await?;
    if let Some(found) = status.applied {
        if found > status.known {
            return Err(Error::SchemaTooNew {
                found,
                known: status.known,
            });
        }
    }
    if status.is_current() {
        return Ok(status);
    }
    migrate(pool).await
}

/// Apply every pending migration under sqlx's advisory lock.
pub async fn migrate(pool: &PgPool) -> Result<SchemaStatus> {
    MIGRATOR.run(pool).await.map_err(|e| match e {
        sqlx::migrate::MigrateError::VersionMissing(v) => Error::SchemaTooNew {
            found: v,
            known: known_version(),
        },
        other => Error::Database(format!(
            "applying migrations failed: {}",
            crate::error::one_line(&other.to_string())
        )),
    })?;
    schema_status(pool).await
}

#[cfg(test)]
mod tests {
    use super::mask_url;

    #[test]
    fn password_is_masked() {
        assert_eq!(
            mask_url("postgres://u:secret@h:5/db?x=1"),
            "postgres://u:***@h:5/db?x=1"
        );
        assert_eq!(mask_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(mask_url("nonsense"), "nonsense");
    }
}
