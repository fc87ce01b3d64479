//! Read-only statistics over tasks, shared by `aiops stats` and `GET /api/v1/stats`.
//!
//! A scan of every task takes seconds at a million rows, so answers come from rollups kept as
//! tasks change (migration `20261124000006_stats_rollup`): a trigger appends a delta row whenever
//! a task enters or leaves a finished state or a finished task is deleted, and a compaction
//! ([`compact`], run by workers and `serve` every [`COMPACT_EVERY`]) folds the deltas into
//! per-day and all-time histograms per problem and per worker. A read adds, in one snapshot:
//! the rollup rows, the deltas not yet folded in, the live pending and running tasks, and (for
//! `--since`) the finished tasks of the window's first, partial UTC day read exactly. Counts
//! are therefore exact; stats describe the tasks that exist (a pruned task is subtracted, a
//! retried one leaves its finished state's counts).
//!
//! Definitions:
//! - **finished**: completed + failed + timeout + cancelled; **success rate** = completed /
//!   finished (null while nothing finished).
//! - **wait**: `started_at - run_at` of the latest attempt, i.e. how long a due task waited for a
//!   worker (a deliberate `--delay` or a retry backoff is not waiting). Only tasks that started.
//! - **run time**: `completed_at - started_at` of the latest attempt, for finished tasks that ran.
//!
//! Quantiles follow `percentile_cont` (linear interpolation between the two nearest ranks) over
//! histograms with [`BUCKETS_PER_DOUBLING`] log-spaced buckets per doubling from 1 µs, a rank's
//! value being the geometric middle of its bucket: every reported quantile is within
//! [`MAX_RELATIVE_ERROR`] (1.1 %) of the exact one (zero is kept exactly).

use std::collections::HashMap;
use std::sync::LazyLock;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::error::Result;
use crate::queue::FINISHED_SQL;
use crate::task::TaskStatus;

/// Histogram resolution; must match `aiops_stats_bucket` in the migration.
pub const BUCKETS_PER_DOUBLING: f64 = 32.0;

/// Bound on a reported quantile's error relative to the exact one: from the geometric middle
/// of a bucket to its edges, 2^(1/64) - 1 ≈ 1.09 %.
pub const MAX_RELATIVE_ERROR: f64 = 0.011;

/// How often workers and `serve` fold deltas into the rollups (and the least time between two
/// compactions, however many processes ask).
pub const COMPACT_EVERY: Duration = Duration::from_secs(10);

/// Deltas waiting beyond which a read compacts first: reading them costs more than folding
/// them in once (they pile up when no worker or server runs, e.g. after a large prune).
const READ_COMPACT_BACKLOG: i64 = 50_000;

/// Counts and timings over a window of tasks.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Stats {
    /// The window: tasks created within this many seconds (null: every task).
    pub since_seconds: Option<f64>,
    /// Every task in the window.
    pub overall: Summary,
    /// One entry per problem id, by id.
    pub by_problem: Vec<ProblemStats>,
    /// One entry per worker that ran (or runs) a task in the window, by id.
    pub by_worker: Vec<WorkerStats>,
}

/// Counts per status, success rate and wait/run time quantiles of one group of tasks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    /// Tasks in the group.
    pub total: i64,
    pub pending: i64,
    pub running: i64,
    pub completed: i64,
    pub failed: i64,
    pub timeout: i64,
    pub cancelled: i64,
    /// completed + failed + timeout + cancelled.
    pub finished: i64,
    /// completed / finished, from 0 to 1; null while nothing finished.
    pub success_rate: Option<f64>,
    /// Median seconds a due task waited for a worker.
    pub wait_p50_seconds: Option<f64>,
    /// 95th percentile of the wait.
    pub wait_p95_seconds: Option<f64>,
    /// Median seconds from start to end of a finished task's last attempt.
    pub run_p50_seconds: Option<f64>,
    /// 95th percentile of the run time.
    pub run_p95_seconds: Option<f64>,
}

/// [`Summary`] of one problem id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProblemStats {
    pub problem_id: String,
    #[serde(flatten)]
    pub stats: Summary,
}

/// [`Summary`] of the tasks one worker ran.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WorkerStats {
    pub worker_id: String,
    #[serde(flatten)]
    pub stats: Summary,
}

// ---------------------------------------------------------------------------------------------
// Histograms

/// The bucket of a duration in seconds, as `aiops_stats_bucket` computes it: 0 holds zero,
/// bucket b ≥ 1 holds [1 µs · 2^((b-1)/32), 1 µs · 2^(b/32)) (bucket 1 also what is below).
fn bucket(seconds: f64) -> i16 {
    if seconds <= 0.0 {
        return 0;
    }
    let b = 1.0 + (BUCKETS_PER_DOUBLING * (seconds * 1e6).ln() / std::f64::consts::LN_2).floor();
    b.clamp(1.0, f64::from(i16::MAX)) as i16
}

/// The value that stands for every value in bucket `b`: the geometric middle of its range.
fn middle(b: i16) -> f64 {
    if b <= 0 {
        return 0.0;
    }
    1e-6 * ((f64::from(b) - 0.5) / BUCKETS_PER_DOUBLING).exp2()
}

/// How many values fell in each bucket, indexed by bucket (durations up to a year stay under
/// 1500 buckets).
#[derive(Debug, Default)]
struct Histogram(Vec<i64>);

impl Histogram {
    fn add(&mut self, bucket: i16, n: i64) {
        let b = bucket.max(0) as usize;
        if b >= self.0.len() {
            self.0.resize(b + 1, 0);
        }
        self.0[b] += n;
    }

    fn merge(&mut self, other: &Histogram) {
        if other.0.len() > self.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a += b;
        }
    }

    /// `percentile_cont(q)` for each q, over bucket middles (see the module docs for the error).
    fn quantiles<const N: usize>(&self, qs: [f64; N]) -> [Option<f64>; N] {
        let count: i64 = self.0.iter().filter(|n| **n > 0).sum();
        // The value of rank r (0-based) in sorted order.
        let at = |r: i64| {
            let mut seen = 0;
            let mut last = 0.0;
            for (b, n) in self.0.iter().enumerate().filter(|(_, n)| **n > 0) {
                seen += n;
                last = middle(b as i16);
                if r < seen {
                    break;
                }
            }
            last
        };
        qs.map(|q| {
            if count == 0 {
                return None;
            }
            let h = q * (count - 1) as f64;
            let lo = h.floor();
            let (a, frac) = (at(lo as i64), h - lo);
            Some(if frac > 0.0 {
                a + frac * (at(lo as i64 + 1) - a)
            } else {
                a
            })
        })
    }
}

/// Everything known about one problem, one worker or all tasks.
#[derive(Debug, Default)]
struct Group {
    /// Tasks per status, by position in [`TaskStatus`] order (pending … cancelled).
    statuses: [i64; 6],
    wait: Histogram,
    run: Histogram,
}

impl Group {
    fn merge(&mut self, other: &Group) {
        for (a, b) in self.statuses.iter_mut().zip(other.statuses) {
            *a += b;
        }
        self.wait.merge(&other.wait);
        self.run.merge(&other.run);
    }

    fn summary(&self) -> Summary {
        let [pending, running, completed, failed, timeout, cancelled] = self.statuses;
        let finished = completed + failed + timeout + cancelled;
        let [wait_p50_seconds, wait_p95_seconds] = self.wait.quantiles([0.5, 0.95]);
        let [run_p50_seconds, run_p95_seconds] = self.run.quantiles([0.5, 0.95]);
        Summary {
            total: pending + running + finished,
            pending,
            running,
            completed,
            failed,
            timeout,
            cancelled,
            finished,
            success_rate: (finished > 0).then(|| completed as f64 / finished as f64),
            wait_p50_seconds,
            wait_p95_seconds,
            run_p50_seconds,
            run_p95_seconds,
        }
    }
}

fn status_index(s: TaskStatus) -> usize {
    match s {
        TaskStatus::Pending => 0,
        TaskStatus::Running => 1,
        TaskStatus::Completed => 2,
        TaskStatus::Failed => 3,
        TaskStatus::Timeout => 4,
        TaskStatus::Cancelled => 5,
    }
}

/// Groups by dimension ('p' problem, 'w' worker) and key.
#[derive(Debug, Default)]
struct Groups(HashMap<(char, String), Group>);

impl Groups {
    fn group(&mut self, dim: char, key: &str) -> &mut Group {
        self.0.entry((dim, key.to_string())).or_default()
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Where the window starts and how to read the rollups for it.
#[derive(sqlx::FromRow)]
struct Bounds {
    /// Start of the window (null: all time).
    since: Option<DateTime<Utc>>,
    /// First UTC midnight at or after `since`: finished tasks before it are read exactly, from
    /// it on from the rollups. Null when the window holds every task (all-time rollups).
    from_day: Option<DateTime<Utc>>,
    /// Read the days from `from_day` on as "all time minus the days before": fewer rows when
    /// the window covers most of the history.
    complement: bool,
}

static BOUNDS_SQL: LazyLock<String> = LazyLock::new(|| {
    format!("\
SELECT since, \
    CASE WHEN since IS NULL OR since <= first THEN NULL \
        ELSE to_timestamp(ceil(date_part('epoch', since) / 86400) * 86400) END AS from_day, \
    coalesce(to_timestamp(ceil(date_part('epoch', since) / 86400) * 86400) \
        - to_timestamp(floor(date_part('epoch', first) / 86400) * 86400) \
        < now() - to_timestamp(ceil(date_part('epoch', since) / 86400) * 86400), false) AS complement \
FROM (SELECT now() - make_interval(secs => $1) AS since, \
             least((SELECT min(created_at) FROM tasks WHERE status = 'pending'), \
                   (SELECT min(created_at) FROM tasks WHERE status = 'running'), \
                   (SELECT min(created_at) FROM tasks WHERE {FINISHED_SQL})) AS first) w"
)
});

/// One rollup row: a histogram of one dimension key, to add (sign 1) or subtract (-1).
#[derive(sqlx::FromRow)]
struct RollupRow {
    dim: String,
    key: String,
    metric: String,
    sign: i64,
    buckets: Vec<i16>,
    counts: Vec<i64>,
}

const ROLLUP_ALL_SQL: &str = "SELECT dim, key, metric, 1::int8 AS sign, buckets, counts \
    FROM task_stats WHERE level = 'a'";
const ROLLUP_DAYS_SQL: &str = "SELECT dim, key, metric, 1::int8 AS sign, buckets, counts \
    FROM task_stats WHERE level = 'd' AND period >= $1";
const ROLLUP_COMPLEMENT_SQL: &str = "SELECT dim, key, metric, \
    CASE WHEN level = 'd' THEN -1 ELSE 1 END::int8 AS sign, buckets, counts \
    FROM task_stats WHERE level = 'a' OR (level = 'd' AND period < $1)";

/// A task or a delta read as it is: `n` tasks (negative: a delta removing them).
#[derive(sqlx::FromRow)]
struct LooseRow {
    problem_id: String,
    worker_id: Option<String>,
    status: TaskStatus,
    n: i64,
    wait_s: Option<f64>,
    run_s: Option<f64>,
}

// N.B.: pending tasks have no wait nor run time, so they are counted in SQL (there may be a
// million); running ones are few (bounded by the workers' slots); finished ones of the partial
// first day are bounded by a day of tasks; deltas by the compaction.
static LOOSE_SQL: LazyLock<String> = LazyLock::new(|| {
    loose_sql(
        "SELECT problem_id, worker_id, status, count(*) AS n, NULL::float8 AS wait_s, \
            NULL::float8 AS run_s \
         FROM tasks WHERE status = 'pending' AND created_at >= coalesce($1, '-infinity') \
         GROUP BY problem_id, worker_id, status",
    )
});

/// [`LOOSE_SQL`] with the pending tasks counted as one group (under an empty problem id): what
/// [`overall`] needs, read from the index alone instead of every pending row.
static LOOSE_OVERALL_SQL: LazyLock<String> = LazyLock::new(|| {
    loose_sql(
        "SELECT ''::text AS problem_id, NULL::text AS worker_id, 'pending'::task_status AS status, \
            count(*) AS n, NULL::float8 AS wait_s, NULL::float8 AS run_s \
         FROM tasks WHERE status = 'pending' AND created_at >= coalesce($1, '-infinity')",
    )
});

/// The loose rows: `pending` (a statement reading the pending tasks), then the running tasks,
/// the finished ones of the partial first day, and the deltas.
fn loose_sql(pending: &str) -> String {
    format!(
        "{pending} \
UNION ALL \
SELECT problem_id, worker_id, status, 1, aiops_stats_wait(status, run_at, started_at), NULL \
FROM tasks WHERE status = 'running' AND created_at >= coalesce($1, '-infinity') \
UNION ALL \
SELECT problem_id, worker_id, status, 1, aiops_stats_wait(status, run_at, started_at), \
    aiops_stats_run(status, started_at, completed_at) \
FROM tasks WHERE created_at >= $1 AND created_at < $2 AND {FINISHED_SQL} \
UNION ALL \
SELECT problem_id, worker_id, status, n, wait_s, run_s \
FROM task_stats_delta WHERE created_at >= coalesce($2, '-infinity')"
    )
}

/// The [`Summary`] of every task, as [`compute`]'s `overall`, without the per-problem and
/// per-worker groups (so without reading each pending task): the dashboard's overview.
pub async fn overall(pool: &PgPool) -> Result<Summary> {
    Ok(compute_reading(pool, None, LOOSE_OVERALL_SQL.as_str())
        .await?
        .overall)
}

/// Compute statistics for tasks created within `within` (all tasks when None).
pub async fn compute(pool: &PgPool, within: Option<Duration>) -> Result<Stats> {
    compute_reading(pool, within, LOOSE_SQL.as_str()).await
}

/// [`compute`], reading the loose rows with `loose` (see [`loose_sql`]).
async fn compute_reading(pool: &PgPool, within: Option<Duration>, loose: &str) -> Result<Stats> {
    if let Err(e) = compact(pool, None, Some(READ_COMPACT_BACKLOG)).await {
        tracing::debug!("stats compaction before the read failed: {e}");
    }
    // One snapshot for every part, so each task is counted exactly once.
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    // JIT compiling these statements takes longer than running them.
    sqlx::query("SET LOCAL jit = off").execute(&mut *tx).await?;
    let b: Bounds = sqlx::query_as(BOUNDS_SQL.as_str())
        .bind(within.map(|d| d.as_secs_f64()))
        .fetch_one(&mut *tx)
        .await?;
    let rollup: Vec<RollupRow> = match (b.from_day, b.complement) {
        (None, _) => sqlx::query_as(ROLLUP_ALL_SQL).fetch_all(&mut *tx).await?,
        (Some(day), true) => {
            sqlx::query_as(ROLLUP_COMPLEMENT_SQL)
                .bind(day)
                .fetch_all(&mut *tx)
                .await?
        }
        (Some(day), false) => {
            sqlx::query_as(ROLLUP_DAYS_SQL)
                .bind(day)
                .fetch_all(&mut *tx)
                .await?
        }
    };
    let loose: Vec<LooseRow> = sqlx::query_as(loose)
        .bind(b.since)
        .bind(b.from_day)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;

    let mut groups = Groups::default();
    for r in &rollup {
        let Some(dim) = r.dim.chars().next() else {
            continue;
        };
        let g = groups.group(dim, &r.key);
        for (b, n) in r.buckets.iter().zip(&r.counts) {
            let n = r.sign * n;
            match r.metric.as_str() {
                "status" => {
                    if let Some(s) = g.statuses.get_mut(*b as usize) {
                        *s += n;
                    }
                }
                "wait" => g.wait.add(*b, n),
                _ => g.run.add(*b, n),
            }
        }
    }
    for r in &loose {
        let keys = [('p', Some(&r.problem_id)), ('w', r.worker_id.as_ref())];
        for (dim, key) in keys {
            let Some(key) = key else { continue };
            let g = groups.group(dim, key);
            g.statuses[status_index(r.status)] += r.n;
            if let Some(w) = r.wait_s {
                g.wait.add(bucket(w), r.n);
            }
            if let Some(x) = r.run_s {
                g.run.add(bucket(x), r.n);
            }
        }
    }

    let mut stats = Stats {
        since_seconds: within.map(|d| d.as_secs_f64()),
        ..Default::default()
    };
    let mut overall = Group::default();
    for ((dim, key), g) in &groups.0 {
        let summary = g.summary();
        // Keys whose tasks are all subtracted again (pruned or retried) are not shown.
        if summary.total == 0 {
            continue;
        }
        match dim {
            'p' => {
                overall.merge(g);
                stats.by_problem.push(ProblemStats {
                    problem_id: key.clone(),
                    stats: summary,
                });
            }
            _ => stats.by_worker.push(WorkerStats {
                worker_id: key.clone(),
                stats: summary,
            }),
        }
    }
    stats.overall = overall.summary();
    stats
        .by_problem
        .sort_by(|a, b| a.problem_id.cmp(&b.problem_id));
    stats
        .by_worker
        .sort_by(|a, b| a.worker_id.cmp(&b.worker_id));
    Ok(stats)
}

// ---------------------------------------------------------------------------------------------
// Throughput and the problem board (the dashboard's overview and problems pages)

/// Tasks finished in one minute.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ThroughputPoint {
    /// Start of the minute.
    pub at: DateTime<Utc>,
    /// Tasks that finished in it (any final status).
    pub finished: i64,
}

/// Tasks finished per minute over the last day, kept up to date by reading only the minutes
/// since the last read: a day's completions at a high rate are hundreds of thousands of index
/// entries, too many to read for every look at a page. A minute once over is not read again,
/// so a task retried or pruned later still counts where it finished.
#[derive(Debug, Default)]
pub struct Throughput {
    /// Finished per minute, by the minute's start; at most the last day's.
    minutes: std::collections::BTreeMap<DateTime<Utc>, i64>,
    /// The minute the next read starts at (it may still have been going on at the last one).
    next: Option<DateTime<Utc>>,
}

impl Throughput {
    /// How far back the series goes.
    pub const WINDOW: Duration = Duration::from_secs(86_400);

    /// Read what finished since the last call, and return the series of the last `within`
    /// (at most [`Self::WINDOW`]), one point per minute, oldest first, empty minutes included.
    pub async fn series(
        &mut self,
        pool: &PgPool,
        within: Duration,
    ) -> Result<Vec<ThroughputPoint>> {
        let (now, fresh): (DateTime<Utc>, Vec<ThroughputPoint>) = {
            let mut tx = pool.begin().await?;
            let (now,): (DateTime<Utc>,) =
                sqlx::query_as("SELECT date_bin('1 minute', now(), 'epoch')")
                    .fetch_one(&mut *tx)
                    .await?;
            let from = self
                .next
                .unwrap_or(now - chrono::Duration::seconds(Self::WINDOW.as_secs() as i64));
            let fresh = sqlx::query_as(
                "SELECT date_bin('1 minute', completed_at, 'epoch') AS at, count(*) AS finished \
                 FROM tasks WHERE completed_at >= $1 GROUP BY 1",
            )
            .bind(from)
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            (now, fresh)
        };
        for p in fresh {
            self.minutes.insert(p.at, p.finished);
        }
        let oldest = now - chrono::Duration::seconds(Self::WINDOW.as_secs() as i64);
        self.minutes = self.minutes.split_off(&oldest);
        self.next = Some(now);
        let minutes = (within.min(Self::WINDOW).as_secs() / 60) as i64;
        Ok((0..=minutes)
            .rev()
            .map(|k| {
                let at = now - chrono::Duration::minutes(k);
                ThroughputPoint {
                    at,
                    finished: self.minutes.get(&at).copied().unwrap_or(0),
                }
            })
            .collect())
    }
}

/// One problem on the problems page: the catalog's entry (if any) with its tasks' stats
/// (pending tasks are not counted per problem: its `pending` is 0).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProblemBoardRow {
    /// The problem.
    pub problem_id: String,
    /// From the catalog; null for a problem only tasks name.
    pub task_type: Option<String>,
    /// Whether the catalog knows it.
    pub in_catalog: bool,
    /// When its newest finished task was created (see [`problem_board`]).
    pub last_run: Option<DateTime<Utc>>,
    /// Whether `last_run` is that task's time; otherwise the UTC day of it.
    pub last_run_exact: bool,
    /// Its finished and running tasks.
    #[serde(flatten)]
    pub stats: Summary,
}

/// Tasks finished most recently that [`problem_board`] reads for exact last runs.
const LAST_RUN_SCAN: i64 = 20_000;

/// Every catalog problem and every problem a task names, by id, with [`compute`]'s stats and
/// its last run: exact for problems among the [`LAST_RUN_SCAN`] newest finished tasks, the day
/// (from the daily rollups) for the others, so the read stays bounded however many tasks exist.
pub async fn problem_board(pool: &PgPool) -> Result<Vec<ProblemBoardRow>> {
    // Pending tasks are counted as one group, not per problem: reading each one's problem
    // costs a read of every pending row. The board shows finished and running tasks.
    let stats = compute_reading(pool, None, LOOSE_OVERALL_SQL.as_str()).await?;
    let mut by_id: HashMap<String, Summary> = stats
        .by_problem
        .into_iter()
        .filter(|p| !p.problem_id.is_empty())
        .map(|p| (p.problem_id, p.stats))
        .collect();
    let ids: Vec<String> = by_id.keys().cloned().collect();
    type Row = (String, Option<String>, bool, Option<DateTime<Utc>>, bool);
    let sql = format!(
        "WITH ids AS (SELECT id FROM problems UNION SELECT unnest($1::text[])), \
              recent AS (SELECT problem_id, max(created_at) AS at FROM ( \
                  SELECT problem_id, created_at FROM tasks WHERE {FINISHED_SQL} \
                  ORDER BY created_at DESC, id DESC LIMIT $2) r GROUP BY problem_id), \
              days AS (SELECT key, max(period) AS day FROM task_stats \
                  WHERE level = 'd' AND dim = 'p' AND metric = 'status' GROUP BY key) \
         SELECT ids.id, p.task_type, p.id IS NOT NULL, coalesce(r.at, d.day), r.at IS NOT NULL \
         FROM ids LEFT JOIN problems p ON p.id = ids.id \
         LEFT JOIN recent r ON r.problem_id = ids.id LEFT JOIN days d ON d.key = ids.id \
         ORDER BY ids.id"
    );
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(&ids)
        .bind(LAST_RUN_SCAN)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, task_type, in_catalog, last_run, last_run_exact)| ProblemBoardRow {
                stats: by_id.remove(&id).unwrap_or_default(),
                problem_id: id,
                task_type,
                in_catalog,
                last_run,
                last_run_exact,
            },
        )
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Compaction

/// Fold the deltas into the rollups when the last compaction is at least `every` old or at
/// least `backlog` deltas wait (None: that condition never holds). Returns how many deltas
/// moved; 0 when another process is compacting (one at a time: readers count the deltas
/// meanwhile, so answers stay exact either way).
pub async fn compact(pool: &PgPool, every: Option<Duration>, backlog: Option<i64>) -> Result<u64> {
    let (moved,): (i64,) =
        sqlx::query_as("SELECT aiops_stats_compact(make_interval(secs => $1), $2)")
            .bind(every.map(|d| d.as_secs_f64()))
            .bind(backlog)
            .fetch_one(pool)
            .await?;
    if moved > 0 {
        // N.B.: the delta table is emptied by every compaction and read whole by every stats
        // read, so its dead rows are reclaimed now rather than at autovacuum's next round
        // (a minute of deltas at full speed is a million rows to scan). Without ownership of
        // the table PostgreSQL only warns and skips.
        if let Err(e) = sqlx::raw_sql("VACUUM task_stats_delta").execute(pool).await {
            tracing::debug!("vacuum of the stats deltas failed: {e}");
        }
    }
    Ok(moved.max(0) as u64)
}

/// Compact every [`COMPACT_EVERY`] for as long as the process runs (workers and `serve` spawn
/// it); failures are retried at the next tick.
pub async fn compact_loop(pool: PgPool) {
    loop {
        tokio::time::sleep(COMPACT_EVERY).await;
        match compact(&pool, Some(COMPACT_EVERY), None).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!("folded {n} task stats deltas into the rollups"),
            Err(e) => tracing::debug!("stats compaction failed: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64) -> bool {
        (got - want).abs() <= want * MAX_RELATIVE_ERROR
    }

    #[test]
    fn bucket_middles_are_within_the_bound() {
        let mut v = 1e-6;
        while v < 1e8 {
            assert!(close(middle(bucket(v)), v), "{v} -> {}", middle(bucket(v)));
            v *= 1.003;
        }
        assert_eq!((bucket(0.0), middle(0)), (0, 0.0));
    }

    #[test]
    fn quantiles_interpolate_like_percentile_cont() {
        let mut h = Histogram::default();
        for v in [10.0, 20.0, 5.0, 30.0] {
            h.add(bucket(v), 1);
        }
        let got = h.quantiles([0.5, 0.95, 0.0, 1.0]).map(Option::unwrap);
        for (g, want) in got.into_iter().zip([15.0, 28.5, 5.0, 30.0]) {
            assert!(close(g, want), "{got:?}");
        }
        assert_eq!(Histogram::default().quantiles([0.5]), [None]);
    }
}
