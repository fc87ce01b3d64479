//! Schedules as stored: what each submits and when it next fires, and the record of every
//! fire. The fire itself is one transaction (see [`fire`]): the due schedule's row is locked,
//! the `(schedule, tick)` fire row inserted, the tasks made and the next tick set together, so
//! a tick fires once however many processes try.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use crate::error::{Error, Result};
use crate::task::{NewTask, TaskId};

/// A stored schedule, with its last fire.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Schedule {
    pub name: String,
    /// The cron expression (5 fields, or 6 with seconds first).
    pub cron: String,
    /// The IANA time zone the expression is read in.
    pub tz: String,
    /// `experiment` or `task`.
    pub kind: String,
    /// The experiment spec or task request it submits.
    #[schema(value_type = Object)]
    pub spec: Value,
    pub paused: bool,
    pub next_tick: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// Fires so far.
    pub fires: i64,
    /// The last tick fired.
    pub last_tick: Option<DateTime<Utc>>,
    /// The experiment the last fire made.
    pub last_experiment: Option<String>,
}

/// One fire of a schedule.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ScheduleFire {
    pub schedule: String,
    /// The tick fired (a time the cron expression names).
    pub tick: DateTime<Utc>,
    pub fired_at: DateTime<Utc>,
    /// The experiment it created (experiment schedules).
    pub experiment: Option<String>,
    /// The task it created (task schedules).
    pub task_id: Option<TaskId>,
    /// Older due ticks skipped by this fire (missed while no maintainer ran).
    pub skipped: i32,
    /// Why the tick made nothing, when it did not.
    pub error: Option<String>,
}

const SCHEDULE_COLUMNS: &str = "s.name, s.cron, s.tz, s.kind, s.spec, s.paused, s.next_tick, \
    s.created_at, \
    (SELECT count(*) FROM schedule_fires f WHERE f.schedule = s.name) AS fires, \
    l.tick AS last_tick, l.experiment AS last_experiment";

const LAST_FIRE: &str = "LEFT JOIN LATERAL (SELECT tick, experiment FROM schedule_fires f \
    WHERE f.schedule = s.name ORDER BY tick DESC LIMIT 1) l ON true";

/// A new schedule; a name in use is a conflict.
pub struct NewSchedule<'a> {
    pub name: &'a str,
    pub cron: &'a str,
    pub tz: &'a str,
    pub kind: &'a str,
    pub spec: &'a Value,
    pub first_tick: DateTime<Utc>,
}

/// Store a new schedule.
pub async fn add_schedule(pool: &PgPool, s: &NewSchedule<'_>) -> Result<Schedule> {
    let added = sqlx::query(
        "INSERT INTO schedules (name, cron, tz, kind, spec, next_tick) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING",
    )
    .bind(s.name)
    .bind(s.cron)
    .bind(s.tz)
    .bind(s.kind)
    .bind(super::clean_json(s.spec))
    .bind(s.first_tick)
    .execute(pool)
    .await?;
    if added.rows_affected() == 0 {
        return Err(Error::Conflict(format!(
            "schedule '{}' exists already; delete it first ('aiops schedule delete {}') or choose another name",
            s.name, s.name
        )));
    }
    get_schedule(pool, s.name).await
}

/// One schedule, or not found.
pub async fn get_schedule(pool: &PgPool, name: &str) -> Result<Schedule> {
    sqlx::query_as(&format!(
        "SELECT {SCHEDULE_COLUMNS} FROM schedules s {LAST_FIRE} WHERE s.name = $1"
    ))
    .bind(name)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| {
        Error::NotFound(format!(
            "no schedule named '{name}'; see 'aiops schedule list'"
        ))
    })
}

/// Every schedule, by name.
pub async fn list_schedules(pool: &PgPool) -> Result<Vec<Schedule>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SCHEDULE_COLUMNS} FROM schedules s {LAST_FIRE} ORDER BY s.name"
    ))
    .fetch_all(pool)
    .await?)
}

/// Pause a schedule, or resume it with its next tick (ticks while paused are not fired).
pub async fn set_paused(
    pool: &PgPool,
    name: &str,
    paused: bool,
    next_tick: Option<DateTime<Utc>>,
) -> Result<Schedule> {
    let done = sqlx::query(
        "UPDATE schedules SET paused = $2, next_tick = coalesce($3, next_tick), \
            updated_at = now() WHERE name = $1",
    )
    .bind(name)
    .bind(paused)
    .bind(next_tick)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound(format!(
            "no schedule named '{name}'; see 'aiops schedule list'"
        )));
    }
    get_schedule(pool, name).await
}

/// Delete a schedule and its fire records (the experiments it made stay).
pub async fn delete_schedule(pool: &PgPool, name: &str) -> Result<()> {
    let done = sqlx::query("DELETE FROM schedules WHERE name = $1")
        .bind(name)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound(format!(
            "no schedule named '{name}'; see 'aiops schedule list'"
        )));
    }
    Ok(())
}

/// A schedule's fires, oldest first.
pub async fn schedule_fires(pool: &PgPool, name: &str) -> Result<Vec<ScheduleFire>> {
    get_schedule(pool, name).await?;
    Ok(sqlx::query_as(
        "SELECT schedule, tick, fired_at, experiment, task_id, skipped, error \
         FROM schedule_fires WHERE schedule = $1 ORDER BY tick",
    )
    .bind(name)
    .fetch_all(pool)
    .await?)
}

/// The schedules due now (not paused, next tick reached), by the database's clock.
pub async fn due_schedules(pool: &PgPool) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT name FROM schedules WHERE NOT paused AND next_tick <= now() ORDER BY next_tick",
    )
    .fetch_all(pool)
    .await?)
}

/// A due schedule, locked in the caller's transaction, with the database's now.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueSchedule {
    pub name: String,
    pub cron: String,
    pub tz: String,
    pub kind: String,
    pub spec: Value,
    pub next_tick: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

/// Lock a schedule that is still due; none when another process holds it or fired it.
pub async fn lock_due(tx: &mut PgConnection, name: &str) -> Result<Option<DueSchedule>> {
    Ok(sqlx::query_as(
        "SELECT name, cron, tz, kind, spec, next_tick, now() AS now FROM schedules \
         WHERE name = $1 AND NOT paused AND next_tick <= now() FOR UPDATE SKIP LOCKED",
    )
    .bind(name)
    .fetch_optional(&mut *tx)
    .await?)
}

/// What one tick makes.
pub enum FirePayload<'a> {
    /// An experiment: its name, spec and tasks.
    Experiment {
        name: &'a str,
        spec: &'a Value,
        tasks: &'a [NewTask],
    },
    /// One task.
    Task(&'a NewTask),
    /// Nothing, for this reason.
    Failed(String),
}

/// Fire `tick` of a schedule locked by [`lock_due`]: record the fire, make what it makes and
/// set the next tick, in the caller's transaction. False when the tick had fired already (the
/// fire row's key guards it); the next tick is set either way.
pub async fn fire(
    tx: &mut PgConnection,
    schedule: &str,
    tick: DateTime<Utc>,
    skipped: i64,
    payload: FirePayload<'_>,
    next_tick: DateTime<Utc>,
) -> Result<bool> {
    let (experiment, task_id, error) = match &payload {
        FirePayload::Experiment { name, .. } => (Some(name.to_string()), None, None),
        FirePayload::Task(t) => (None, Some(t.id), None),
        FirePayload::Failed(why) => (None, None, Some(super::clean_text(why))),
    };
    let fresh = sqlx::query(
        "INSERT INTO schedule_fires (schedule, tick, experiment, task_id, skipped, error) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (schedule, tick) DO NOTHING",
    )
    .bind(schedule)
    .bind(tick)
    .bind(&experiment)
    .bind(task_id)
    .bind(i32::try_from(skipped).unwrap_or(i32::MAX))
    .bind(&error)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if fresh {
        match payload {
            FirePayload::Experiment { name, spec, tasks } => {
                super::submit_experiment_in(tx, name, spec, tasks, Some((schedule, tick))).await?;
            }
            FirePayload::Task(t) => {
                super::submit::insert_many(tx, std::slice::from_ref(t)).await?;
            }
            FirePayload::Failed(_) => {}
        }
    }
    sqlx::query("UPDATE schedules SET next_tick = $2, updated_at = now() WHERE name = $1")
        .bind(schedule)
        .bind(next_tick)
        .execute(&mut *tx)
        .await?;
    Ok(fresh)
}
