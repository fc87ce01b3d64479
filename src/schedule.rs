//! Schedules: an experiment spec (or one task request) submitted at every tick of a cron
//! expression, read in an explicit time zone.
//!
//! Ticks fire exactly once: only the elected maintainer (see [`crate::maintenance`]) fires
//! them, and each fire is one transaction that locks the schedule's row, inserts the
//! `(schedule, tick)` fire row (its primary key refuses a second fire of a tick), makes the
//! tasks and sets the next tick. A maintainer that dies mid-fire rolls back; the next one
//! fires the tick.
//!
//! Missed ticks: when several ticks came due while no maintainer ran (or while it was busy),
//! the latest of them is fired once and the older ones are skipped; the fire records how many
//! it skipped. Ticks that pass while a schedule is paused are not fired: resuming starts from
//! the next tick after the resume.
//!
//! An experiment schedule names each fire's experiment `<spec name>-<tick in UTC as
//! YYYYMMDDTHHMMSSZ>`; a task schedule tags its task with the schedule and tick, and keys it
//! by them.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;
use serde_json::Value;
use sqlx::PgPool;
use tokio::sync::watch;

use crate::error::{Error, Result};
use crate::experiment::{self, ExperimentSpec};
use crate::queue::{self, DueSchedule, FirePayload};
use crate::task::TaskRequest;

/// How often the maintainer looks for due ticks: a tick fires within this long of its time.
pub const CHECK_EVERY: Duration = Duration::from_secs(1);

/// Most older ticks counted as skipped by one fire (the count stops there).
const MAX_SKIPPED_COUNTED: i64 = 100_000;

/// Parse a cron expression: standard 5 fields (minute first), or 6 with seconds first.
pub fn parse_cron(expr: &str) -> Result<Cron> {
    Cron::from_str(expr).map_err(|e| {
        Error::usage(format!(
            "--cron '{expr}' is not a cron expression ({e}); write 5 fields (minute hour day month weekday), e.g. '0 3 * * *', or 6 with seconds first"
        ))
    })
}

/// Parse an IANA time zone such as `Europe/Paris` or `UTC`.
pub fn parse_tz(tz: &str) -> Result<Tz> {
    Tz::from_str(tz).map_err(|_| {
        Error::usage(format!(
            "--tz '{tz}' is not an IANA time zone; write e.g. UTC, Europe/Paris or America/New_York"
        ))
    })
}

/// The first tick strictly after `after`.
pub fn next_tick(cron: &Cron, tz: Tz, after: DateTime<Utc>) -> Result<DateTime<Utc>> {
    cron.find_next_occurrence(&after.with_timezone(&tz), false)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Error::usage(format!(
                "the cron expression never fires after {after}: {e}"
            ))
        })
}

/// The latest tick at or before `now` and at or after `from`, and how many ticks between
/// them it passes over (none when `from` itself is the latest).
pub fn latest_due(
    cron: &Cron,
    tz: Tz,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<(DateTime<Utc>, i64)>> {
    let latest = match cron.find_previous_occurrence(&now.with_timezone(&tz), true) {
        Ok(t) => t.with_timezone(&Utc),
        Err(_) => return Ok(None),
    };
    if latest < from {
        return Ok(None);
    }
    let mut skipped = 0;
    let mut t = from - chrono::Duration::milliseconds(1);
    while skipped < MAX_SKIPPED_COUNTED {
        t = next_tick(cron, tz, t)?;
        if t >= latest {
            break;
        }
        skipped += 1;
    }
    Ok(Some((latest, skipped)))
}

/// What a schedule submits, checked when it is added.
pub enum Payload {
    /// An experiment spec.
    Experiment(ExperimentSpec),
    /// One task.
    Task(TaskRequest),
}

impl Payload {
    /// `experiment` or `task`, as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Experiment(_) => "experiment",
            Payload::Task(_) => "task",
        }
    }

    /// The stored form.
    pub fn to_json(&self) -> Value {
        match self {
            Payload::Experiment(s) => serde_json::to_value(s),
            Payload::Task(t) => serde_json::to_value(t),
        }
        .expect("specs serialise")
    }
}

/// Longest spec name of an experiment schedule: each fire's experiment adds the tick.
pub const MAX_SCHEDULED_NAME: usize = 100 - "-YYYYMMDDTHHMMSSZ".len();

/// Check a schedule before it is stored: its name, expression, zone and payload.
pub fn check(name: &str, cron: &str, tz: &str, payload: &Payload) -> Result<(Cron, Tz)> {
    experiment::check_name("schedule name", name)?;
    let c = parse_cron(cron)?;
    let z = parse_tz(tz)?;
    match payload {
        Payload::Experiment(s) => {
            s.check()?;
            if s.name.len() > MAX_SCHEDULED_NAME {
                return Err(Error::usage(format!(
                    "experiment name '{}' is too long for a schedule; use at most {MAX_SCHEDULED_NAME} characters (each fire appends its tick)",
                    s.name
                )));
            }
        }
        Payload::Task(t) => {
            t.clone().validate().map_err(|errors| Error::Invalid {
                context: format!("schedule '{name}' task"),
                errors,
            })?;
        }
    }
    Ok((c, z))
}

/// Add a schedule; its first tick is the first after the database's now.
pub async fn add(
    pool: &PgPool,
    name: &str,
    cron: &str,
    tz: &str,
    payload: &Payload,
) -> Result<queue::Schedule> {
    let (c, z) = check(name, cron, tz, payload)?;
    if let Payload::Experiment(spec) = payload {
        // Refused now rather than at every tick: problems the catalog cannot resolve.
        experiment::select(spec, &queue::catalog(pool).await?)?;
    }
    let now = db_now(pool).await?;
    let first_tick = next_tick(&c, z, now)?;
    queue::add_schedule(
        pool,
        &queue::NewSchedule {
            name,
            cron,
            tz,
            kind: payload.kind(),
            spec: &payload.to_json(),
            first_tick,
        },
    )
    .await
}

/// Resume a paused schedule from the first tick after now.
pub async fn resume(pool: &PgPool, name: &str) -> Result<queue::Schedule> {
    let s = queue::get_schedule(pool, name).await?;
    let next = next_tick(&parse_cron(&s.cron)?, parse_tz(&s.tz)?, db_now(pool).await?)?;
    queue::set_paused(pool, name, false, Some(next)).await
}

async fn db_now(pool: &PgPool) -> Result<DateTime<Utc>> {
    Ok(sqlx::query_scalar("SELECT now()").fetch_one(pool).await?)
}

/// The experiment name of a fire.
pub fn fire_name(spec_name: &str, tick: DateTime<Utc>) -> String {
    format!("{spec_name}-{}", tick.format("%Y%m%dT%H%M%SZ"))
}

/// One fire, as [`fire_due`] reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired {
    pub schedule: String,
    pub tick: DateTime<Utc>,
    pub skipped: i64,
}

/// Fire every due schedule's latest due tick, each in its own transaction.
pub async fn fire_due(pool: &PgPool) -> Result<Vec<Fired>> {
    let mut fired = Vec::new();
    for name in queue::due_schedules(pool).await? {
        if let Some(f) = fire_one(pool, &name).await? {
            fired.push(f);
        }
    }
    Ok(fired)
}

async fn fire_one(pool: &PgPool, name: &str) -> Result<Option<Fired>> {
    let mut tx = pool.begin().await?;
    let Some(due) = queue::lock_due(&mut tx, name).await? else {
        return Ok(None);
    };
    let (cron, tz) = match (parse_cron(&due.cron), parse_tz(&due.tz)) {
        (Ok(c), Ok(z)) => (c, z),
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(schedule = name, "schedule cannot fire: {e}");
            return Ok(None);
        }
    };
    let Some((tick, skipped)) = latest_due(&cron, tz, due.next_tick, due.now)? else {
        return Ok(None);
    };
    let next = next_tick(&cron, tz, due.now.max(tick))?;
    // Built before anything is written: a spec that no longer expands is recorded as the
    // fire's error, and the schedule moves on. Read on the transaction's connection: a
    // worker's pool may hold only that one (`worker::connections`).
    let built = build(&mut tx, &due, tick).await;
    let fresh = match &built {
        Ok(Built::Experiment {
            name: exp,
            spec,
            tasks,
        }) => {
            queue::fire(
                &mut tx,
                name,
                tick,
                skipped,
                FirePayload::Experiment {
                    name: exp,
                    spec,
                    tasks,
                },
                next,
            )
            .await?
        }
        Ok(Built::Task(t)) => {
            queue::fire(&mut tx, name, tick, skipped, FirePayload::Task(t), next).await?
        }
        Err(e) => {
            let why = e.to_string();
            tracing::warn!(schedule = name, %tick, "schedule tick made nothing: {why}");
            queue::fire(&mut tx, name, tick, skipped, FirePayload::Failed(why), next).await?
        }
    };
    tx.commit().await?;
    if !fresh {
        return Ok(None);
    }
    if skipped > 0 {
        tracing::warn!(
            schedule = name,
            %tick,
            skipped,
            "fired the latest due tick; {skipped} older ticks were missed and skipped"
        );
    } else {
        tracing::info!(schedule = name, %tick, "schedule fired");
    }
    Ok(Some(Fired {
        schedule: name.to_string(),
        tick,
        skipped,
    }))
}

enum Built {
    Experiment {
        name: String,
        spec: Value,
        tasks: Vec<crate::task::NewTask>,
    },
    Task(crate::task::NewTask),
}

async fn build(
    db: &mut sqlx::PgConnection,
    due: &DueSchedule,
    tick: DateTime<Utc>,
) -> Result<Built> {
    match due.kind.as_str() {
        "experiment" => {
            let mut spec: ExperimentSpec = serde_json::from_value(due.spec.clone())
                .map_err(|e| Error::usage(format!("the stored spec no longer parses: {e}")))?;
            spec.name = fire_name(&spec.name, tick);
            spec.check()?;
            let catalog = queue::catalog(&mut *db).await?;
            let problems = experiment::select(&spec, &catalog)?;
            let (_, tasks) = experiment::expand(&spec, &problems)?;
            Ok(Built::Experiment {
                spec: serde_json::to_value(&spec).expect("specs serialise"),
                name: spec.name,
                tasks,
            })
        }
        _ => {
            let mut req: TaskRequest = serde_json::from_value(due.spec.clone())
                .map_err(|e| Error::usage(format!("the stored task no longer parses: {e}")))?;
            let mut meta = match req.metadata.take() {
                Some(Value::Object(m)) => m,
                _ => serde_json::Map::new(),
            };
            meta.insert("schedule".into(), Value::String(due.name.clone()));
            meta.insert("tick".into(), Value::String(tick.to_rfc3339()));
            req.metadata = Some(Value::Object(meta));
            req.idempotency_key = Some(format!("schedule:{}:{}", due.name, tick.to_rfc3339()));
            let t = req.validate().map_err(|errors| Error::Invalid {
                context: format!("schedule '{}' task", due.name),
                errors,
            })?;
            Ok(Built::Task(t))
        }
    }
}

/// The maintainer's duty: fire due ticks every [`CHECK_EVERY`] until stopped.
pub async fn fire_loop(pool: PgPool, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(CHECK_EVERY) => {}
            _ = stop.changed() => return,
        }
        match tokio::time::timeout(CHECK_EVERY * 10, fire_due(&pool)).await {
            Ok(Err(e)) => tracing::warn!("firing schedules failed: {e}"),
            Err(_) => tracing::debug!("firing schedules got no answer in time"),
            Ok(Ok(_)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn five_and_six_field_expressions_are_accepted() {
        let five = parse_cron("*/15 3 * * *").unwrap();
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 3, 7, 0).unwrap();
        assert_eq!(
            next_tick(&five, Tz::UTC, t).unwrap(),
            Utc.with_ymd_and_hms(2026, 1, 1, 3, 15, 0).unwrap()
        );
        let six = parse_cron("*/5 * * * * *").unwrap();
        assert_eq!(
            next_tick(&six, Tz::UTC, t).unwrap(),
            Utc.with_ymd_and_hms(2026, 1, 1, 3, 7, 5).unwrap()
        );
        assert!(parse_cron("every day").is_err());
    }

    #[test]
    fn the_zone_decides_the_hour() {
        let c = parse_cron("0 9 * * *").unwrap();
        let paris = parse_tz("Europe/Paris").unwrap();
        let t = Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap();
        // 09:00 in Paris in summer is 07:00 UTC.
        assert_eq!(
            next_tick(&c, paris, t).unwrap(),
            Utc.with_ymd_and_hms(2026, 7, 1, 7, 0, 0).unwrap()
        );
    }

    #[test]
    fn missed_ticks_fire_the_latest_and_count_the_rest() {
        let c = parse_cron("0 * * * *").unwrap();
        let from = Utc.with_ymd_and_hms(2026, 1, 1, 1, 0, 0).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 4, 30, 0).unwrap();
        assert_eq!(
            latest_due(&c, Tz::UTC, from, now).unwrap(),
            Some((Utc.with_ymd_and_hms(2026, 1, 1, 4, 0, 0).unwrap(), 3))
        );
        assert_eq!(
            latest_due(&c, Tz::UTC, from, from).unwrap(),
            Some((from, 0))
        );
        let early = Utc.with_ymd_and_hms(2026, 1, 1, 0, 59, 0).unwrap();
        assert_eq!(latest_due(&c, Tz::UTC, from, early).unwrap(), None);
    }
}
