//! Handing tasks to workers: which tasks are claimable, the claim statements, the [`Claimer`]
//! that remembers a busy queue's head, and the reads an idle worker or an HTTP heartbeat makes
//! to learn what it could claim next.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::task_columns;
use crate::error::Result;
use crate::task::{Backend, Task, TaskId};

/// What a worker may claim.
#[derive(Debug, Clone)]
pub struct ClaimSpec {
    /// The claiming worker.
    pub worker_id: String,
    /// Queues it serves.
    pub queues: Vec<String>,
    /// Its backend: tasks asking for another backend are left alone.
    pub backend_type: Backend,
    /// How long the lease lasts without a heartbeat (3 heartbeats).
    pub lease: Duration,
}

/// What a claim sets on each picked row; shared by both claim statements.
///
/// N.B.: the picked rows are found with `id = ANY(ARRAY(…))`, not by joining `picked`. The
/// claim is planned afresh each time (its `LIMIT` decides the plan), and for a join of a
/// hundred picked rows the planner takes a hash join over a sequential scan of `tasks` to be
/// cheaper than a hundred index probes, so every claim would read the whole table (see
/// `docs/performance.md`).
const CLAIM_SET: &str =
    "UPDATE tasks t SET status = 'running', attempt = t.attempt + 1, worker_id = $1, \
    started_at = now(), heartbeat_at = now(), updated_at = now(), \
    lease_expires_at = now() + make_interval(secs => $5), progress = NULL, \
    exit_code = NULL, result = NULL \
    WHERE t.id = ANY(ARRAY(SELECT id FROM picked))";

/// Claim from one queue. N.B.: `queue = $2`, not `queue = ANY($2)`: with an array PostgreSQL 15
/// cannot read `tasks_claimable` in claim order, so it sorts every pending row of the queue,
/// and a claim grows with the queue's depth instead of staying flat (see
/// `docs/performance.md`).
static CLAIM_ONE_QUEUE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH picked AS ({}) {CLAIM_SET} RETURNING {}",
        claimable("id", "$2", ""),
        task_columns("t.")
    )
});

/// Claim from several queues: the head of each queue by the index, then the best `limit` of
/// those. Rows locked in a queue's head but not picked are released when the statement commits.
static CLAIM_MANY_QUEUES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH picked AS ( \
            SELECT h.id FROM unnest($2::text[]) AS q(name) \
            CROSS JOIN LATERAL ({}) h \
            ORDER BY h.priority DESC, h.run_at, h.id LIMIT $4) \
         {CLAIM_SET} RETURNING {}",
        claimable("id, priority, run_at", "q.name", ""),
        task_columns("t.")
    )
});

/// A pending task's concurrency key is not at its cap (see `migrations/…_concurrency_limits.sql`).
/// Tasks without a key stop at the first test. Advisory: the trigger that moves a keyed task
/// to `running` decides exactly; this keeps a full key's tasks from taking a claim's places.
const UNDER_CAP: &str = "(concurrency_key IS NULL OR NOT aiops_concurrency_full(concurrency_key))";

/// The claimable tasks of one queue (`queue`, an SQL expression) in claim order, `and` further
/// narrowing them (empty, or starting with ` AND`), locked as read and skipping rows others
/// hold, at most `$4`; `$3` is the claiming worker's backend. Every claim statement reads its
/// queues through this, so what "claimable" means is written once. A paused queue has none:
/// the check does not depend on the task row, so it is a one-time filter before the index is
/// read.
fn claimable(columns: &str, queue: &str, and: &str) -> String {
    format!(
        "SELECT {columns} FROM tasks \
         WHERE status = 'pending' AND queue = {queue}{and} AND run_at <= now() \
           AND (backend_type IS NULL OR backend_type = $3) AND {UNDER_CAP} \
           AND NOT EXISTS (SELECT 1 FROM paused_queues WHERE queue = {queue}) \
         ORDER BY priority DESC, run_at, id \
         LIMIT $4 FOR UPDATE SKIP LOCKED"
    )
}

/// Claim up to `limit` claimable tasks in one statement: pending, due, in a served queue, for
/// this backend, in `priority DESC, run_at, id` order, skipping rows other workers hold.
pub async fn claim(pool: &PgPool, spec: &ClaimSpec, limit: i64) -> Result<Vec<Task>> {
    let q = match spec.queues.as_slice() {
        [one] => sqlx::query_as(CLAIM_ONE_QUEUE.as_str())
            .bind(&spec.worker_id)
            .bind(one),
        many => sqlx::query_as(CLAIM_MANY_QUEUES.as_str())
            .bind(&spec.worker_id)
            .bind(many),
    };
    let mut tasks: Vec<Task> = q
        .bind(spec.backend_type)
        .bind(limit)
        .bind(spec.lease.as_secs_f64())
        .fetch_all(pool)
        .await?;
    sort_in_claim_order(&mut tasks);
    Ok(tasks)
}

fn sort_in_claim_order(tasks: &mut [Task]) {
    tasks.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then(a.run_at.cmp(&b.run_at))
            .then(a.id.cmp(&b.id))
    });
}

/// How long a worker's claims may start at its remembered head (see [`Claimer`]) before one
/// reads its queue from the front again.
pub const HEAD_RESCAN: Duration = Duration::from_secs(1);

/// Claim from one queue, starting at a known head in claim order (`$6` priority, then `$7`
/// run_at and `$8` id at that priority). Three branches, read in claim order, so the outer
/// `LIMIT` takes the best tasks at or after the head: higher priorities from their start, the
/// head's priority from the head on (a row comparison the index starts at), lower priorities
/// from their start. The branches lock only the rows the outer `LIMIT` pulls.
static CLAIM_FROM_HEAD: LazyLock<String> = LazyLock::new(|| {
    let branch = |and: &str| format!("SELECT id FROM ({}) b", claimable("id", "$2", and));
    format!(
        "WITH picked AS ( \
            SELECT id FROM ({} UNION ALL {} UNION ALL {}) h LIMIT $4) \
         {CLAIM_SET} RETURNING {}",
        branch(" AND priority > $6"),
        branch(" AND priority = $6 AND (run_at, id) >= ($7, $8)"),
        branch(" AND priority < $6"),
        task_columns("t.")
    )
});

/// The first claimable task of a queue as a claim last found it, and when a claim last read
/// the queue from its front.
#[derive(Debug, Clone, Copy)]
struct Head {
    priority: i16,
    run_at: DateTime<Utc>,
    id: TaskId,
    front_read: Instant,
}

/// A worker's claims, which skip the index entries of tasks it has already claimed.
///
/// Every claimed task leaves a dead entry at the front of `tasks_claimable` until VACUUM
/// removes it, and autovacuum visits a database at most once a minute. A claim that reads the
/// queue from its front steps over all of them, so in a long drain every claim rereads more
/// dead index pages than live ones, and that rereading comes to dominate the server's work
/// (see `docs/performance.md`). While claims come back full, the claimer starts the next one
/// at the first task the last one took.
///
/// A task can still land behind that head: a claim by another worker that rolled back, a
/// submit whose transaction began before the head task's, an explicit `run_at` in the past.
/// It is not lost, only claimed a little later: a claim from the head that comes back short is
/// topped up by one from the front (so a short answer still means nothing more is claimable),
/// and the front is read again at least every [`HEAD_RESCAN`]. A local clock is fine for that:
/// it decides only how soon such a task is seen, not a lease or a timeout. A higher priority
/// than the head's is always read from its start. Claims from several queues always read from
/// the front.
#[derive(Debug)]
pub struct Claimer {
    spec: ClaimSpec,
    rescan: Duration,
    head: std::sync::Mutex<Option<Head>>,
}

impl Claimer {
    /// A claimer that reads its queue from the front first, and again every [`HEAD_RESCAN`].
    pub fn new(spec: ClaimSpec) -> Claimer {
        Claimer {
            spec,
            rescan: HEAD_RESCAN,
            head: std::sync::Mutex::new(None),
        }
    }

    /// The same, reading the front again every `rescan` instead (zero: at every claim).
    pub fn rescanning_every(self, rescan: Duration) -> Claimer {
        Claimer { rescan, ..self }
    }

    /// What it claims, and for whom.
    pub fn spec(&self) -> &ClaimSpec {
        &self.spec
    }

    /// Claim up to `limit` tasks as [`claim`] does: a short answer means nothing more is
    /// claimable now, apart from tasks other workers are claiming at the same moment.
    pub async fn claim(&self, pool: &PgPool, limit: i64) -> Result<Vec<Task>> {
        let head = *self.head.lock().unwrap();
        let (from, mut front_read) = match (head, self.spec.queues.as_slice()) {
            (Some(h), [queue]) if h.front_read.elapsed() < self.rescan => {
                (Some((h, queue)), h.front_read)
            }
            _ => (None, Instant::now()),
        };
        let mut tasks = match from {
            None => claim(pool, &self.spec, limit).await?,
            Some((h, queue)) => {
                let mut tasks: Vec<Task> = sqlx::query_as(CLAIM_FROM_HEAD.as_str())
                    .bind(&self.spec.worker_id)
                    .bind(queue)
                    .bind(self.spec.backend_type)
                    .bind(limit)
                    .bind(self.spec.lease.as_secs_f64())
                    .bind(h.priority)
                    .bind(h.run_at)
                    .bind(h.id)
                    .fetch_all(pool)
                    .await?;
                let got = tasks.len() as i64;
                if got < limit {
                    front_read = Instant::now();
                    // N.B.: the tasks already claimed must reach the worker even if the top-up
                    // fails; the next claim reads from the front and meets the error again.
                    match claim(pool, &self.spec, limit - got).await {
                        Ok(more) => tasks.extend(more),
                        Err(e) if tasks.is_empty() => return Err(e),
                        Err(e) => tracing::warn!(error = %e, "claim from the queue's front failed"),
                    }
                }
                tasks
            }
        };
        sort_in_claim_order(&mut tasks);
        let full = limit > 0 && tasks.len() as i64 == limit;
        *self.head.lock().unwrap() = match tasks.first() {
            // Only a busy queue is worth a head: an idle worker's claims come back short, and
            // each would then be followed by one from the front.
            Some(t) if full => Some(Head {
                priority: t.priority,
                run_at: t.run_at,
                id: t.id,
                front_read,
            }),
            _ => None,
        };
        Ok(tasks)
    }
}

/// When the next pending tasks in these queues become due, in seconds from the database's now
/// (negative: already due), so an idle worker sleeps exactly until then. Pending tasks of a
/// paused queue are not counted: they are not claimable until it is resumed, which wakes the
/// workers.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NextDue {
    /// The earliest pending task of any kind.
    pub any_in: Option<f64>,
    /// The earliest one waiting out a retry backoff (`--drain` waits for those).
    pub retry_in: Option<f64>,
    /// Running tasks whose lease has run out: they will be rescued and become claimable.
    pub expired_running: i64,
    /// Running tasks in this worker's name. Read while it runs nothing, these are claims that
    /// committed but whose answer was lost with the connection: they come back at lease expiry.
    pub running_as_me: i64,
}

/// Read [`NextDue`] for a worker's queues and backend.
pub async fn next_due(
    pool: &PgPool,
    queues: &[String],
    backend_type: Backend,
    worker_id: &str,
) -> Result<NextDue> {
    let (any_in, retry_in, expired_running, running_as_me): (Option<f64>, Option<f64>, i64, i64) =
        sqlx::query_as(
        &format!("SELECT extract(epoch FROM min(run_at) FILTER (WHERE status = 'pending' AND {UNDER_CAP}) \
                    - now())::float8, \
                extract(epoch FROM min(run_at) FILTER (WHERE status = 'pending' AND attempt > 0 \
                    AND {UNDER_CAP}) - now())::float8, \
                count(*) FILTER (WHERE status = 'running' AND lease_expires_at < now()), \
                count(*) FILTER (WHERE status = 'running' AND worker_id = $3) \
         FROM tasks WHERE ((status = 'pending' AND queue = ANY(ARRAY( \
                                SELECT unnest($1::text[]) EXCEPT SELECT queue FROM paused_queues))) \
                           OR (status = 'running' AND queue = ANY($1))) \
           AND (backend_type IS NULL OR backend_type = $2)"),
    )
    .bind(queues)
    .bind(backend_type)
    .bind(worker_id)
    .fetch_one(pool)
    .await?;
    Ok(NextDue {
        any_in,
        retry_in,
        expired_running,
        running_as_me,
    })
}

/// The task a worker would claim next, without claiming it (the `next_task_id` of an HTTP
/// heartbeat answer). Read-only and advisory: another worker may take it first.
pub async fn peek_claimable(pool: &PgPool, spec: &ClaimSpec) -> Result<Option<TaskId>> {
    let row: Option<(TaskId,)> = sqlx::query_as(&format!(
        "SELECT id FROM tasks \
         WHERE status = 'pending' AND queue = ANY($1) AND run_at <= now() \
           AND (backend_type IS NULL OR backend_type = $2) AND {UNDER_CAP} \
           AND queue NOT IN (SELECT queue FROM paused_queues) \
         ORDER BY priority DESC, run_at, id LIMIT 1"
    ))
    .bind(&spec.queues)
    .bind(spec.backend_type)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id,)| id))
}
