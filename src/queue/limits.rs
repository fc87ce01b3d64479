//! Concurrency limits per key: how many tasks carrying a `concurrency_key` may run at once
//! across all workers. The cap is enforced where a task becomes `running` (the trigger of
//! `migrations/20261206000020_concurrency_limits.sql`); these statements only set, read and
//! clear it.

use serde::Serialize;
use sqlx::PgPool;

use crate::error::{Error, Result};

/// One key's limit and how many of its tasks run now.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ConcurrencyLimit {
    /// The concurrency key tasks carry.
    pub key: String,
    /// Most tasks with this key running at once (0 holds them all back).
    pub cap: i32,
    /// Tasks with this key running now.
    pub running: i64,
    /// Tasks with this key waiting to run.
    pub pending: i64,
    /// When the cap was last set.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// The largest cap accepted; more is the same as no limit.
pub const MAX_CAP: i32 = 100_000;

/// Refuse a key or cap the schema would refuse, in words that say what to do.
pub fn check_limit(key: &str, cap: i64) -> Result<()> {
    if key.is_empty() || key.chars().count() > 255 || key.chars().any(char::is_control) {
        return Err(Error::Usage(format!(
            "concurrency key '{}' must be 1 to 255 printable characters",
            key.escape_debug()
        )));
    }
    if !(0..=MAX_CAP as i64).contains(&cap) {
        return Err(Error::Usage(format!(
            "limit {cap} is out of range; give 0 to {MAX_CAP} running tasks (0 holds the key's tasks back)"
        )));
    }
    Ok(())
}

const LIMIT_COLUMNS: &str = "l.key, l.cap, \
    (SELECT count(*) FROM tasks t WHERE t.status = 'running' AND t.concurrency_key = l.key) \
        AS running, \
    (SELECT count(*) FROM tasks t WHERE t.status = 'pending' AND t.concurrency_key = l.key) \
        AS pending, \
    l.updated_at";

/// Set (or change) a key's cap. Tasks already running above a lowered cap finish; new claims
/// wait until the count is under it.
pub async fn set_limit(pool: &PgPool, key: &str, cap: i64) -> Result<ConcurrencyLimit> {
    check_limit(key, cap)?;
    let sql = format!(
        "WITH up AS (INSERT INTO concurrency_limits (key, cap) VALUES ($1, $2) \
            ON CONFLICT (key) DO UPDATE SET cap = EXCLUDED.cap, updated_at = now() \
            RETURNING *) \
         SELECT {LIMIT_COLUMNS} FROM up l"
    );
    Ok(sqlx::query_as(&sql)
        .bind(key)
        .bind(cap as i32)
        .fetch_one(pool)
        .await?)
}

/// Every limit, by key.
pub async fn list_limits(pool: &PgPool) -> Result<Vec<ConcurrencyLimit>> {
    let sql = format!("SELECT {LIMIT_COLUMNS} FROM concurrency_limits l ORDER BY l.key");
    Ok(sqlx::query_as(&sql).fetch_all(pool).await?)
}

/// Remove a key's limit: its tasks run as any others. Not found when it had none.
pub async fn clear_limit(pool: &PgPool, key: &str) -> Result<()> {
    let done = sqlx::query("DELETE FROM concurrency_limits WHERE key = $1")
        .bind(key)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound(format!(
            "no concurrency limit for key '{key}'; see 'aiops limits list'"
        )));
    }
    Ok(())
}
