//! `aiops bench`: measures the queue through the path production runs. It enqueues no-op tasks
//! with the bulk submit path and drains them with real workers ([`crate::worker::run_until`]:
//! the same claim loop, heartbeats, maintenance and recorder as `aiops worker run`) whose
//! executor is a function in this process ([`Executor::InProcess`]), so no process start is
//! measured. Then it measures idle pickup latency with those workers waiting on LISTEN, and the
//! cost of one claim statement at a shallow and a deep queue. Everything happens in a queue of
//! its own (`aiops-bench-<uuid>`) whose tasks, worker rows and worker state directories are
//! deleted at the end, whatever happened.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::PgPool;
use tokio::sync::{mpsc, Notify};

use crate::db::PoolConfig;
use crate::error::{Error, Result};
use crate::queue::{self, ClaimSpec, Fence};
use crate::task::{Backend, NewTask, TaskId, TaskRequest};
use crate::worker::recorder::{Outcome, Record};
use crate::worker::{self, cluster, Executor};

/// Pickup samples (after [`PICKUP_WARMUP`] unmeasured ones), one at a time.
const PICKUP_SAMPLES: usize = 100;
const PICKUP_WARMUP: usize = 10;
/// Idle time before each pickup sample, so workers really wait on LISTEN and not on a poll.
const PICKUP_GAP: Duration = Duration::from_millis(50);
/// Tasks pending in the shallow queue of the claim-cost probe.
const SHALLOW_PENDING: usize = 1_000;
/// Claim statements timed per depth.
const CLAIM_SAMPLES: usize = 200;
/// The probe's lease.
const LEASE: Duration = Duration::from_secs(30);
/// The bench workers' heartbeat (their lease is three).
const HEARTBEAT: Duration = Duration::from_secs(10);
/// Longest the drain and each pickup sample may take before the bench gives up.
const GIVE_UP: Duration = Duration::from_secs(600);

/// What to measure.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Tasks to enqueue and drain.
    pub tasks: u64,
    /// Workers draining at once.
    pub workers: u32,
    /// Executor slots per worker.
    pub concurrency: u32,
}

impl Plan {
    /// A plan, refusing sizes the bench cannot run.
    pub fn new(tasks: u64, workers: u32, concurrency: u32) -> Result<Plan> {
        if tasks == 0 || tasks > 10_000_000 {
            return Err(Error::usage("--tasks must be from 1 to 10000000"));
        }
        if workers == 0 || workers > 64 {
            return Err(Error::usage("--workers must be from 1 to 64"));
        }
        if concurrency == 0 || concurrency > 256 {
            return Err(Error::usage("--concurrency must be from 1 to 256"));
        }
        Ok(Plan {
            tasks,
            workers,
            concurrency,
        })
    }
}

/// Everything `aiops bench` measured; `-o json` prints exactly this.
#[derive(Debug, Serialize)]
pub struct Report {
    pub queue: String,
    pub tasks: u64,
    pub workers: u32,
    pub concurrency: u32,
    pub submit: SubmitFigures,
    pub drain: DrainFigures,
    pub pickup: PickupFigures,
    pub claim_cost: ClaimCost,
    pub verified: Verified,
}

#[derive(Debug, Serialize)]
pub struct SubmitFigures {
    /// Tasks inserted by one bulk submit (one transaction, unnest).
    pub tasks: u64,
    pub seconds: f64,
    pub tasks_per_s: f64,
}

#[derive(Debug, Serialize)]
pub struct DrainFigures {
    /// Tasks drained by the workers (the claim-cost probe took the rest).
    pub tasks: u64,
    /// From starting the workers to the last of them exiting, every outcome committed.
    pub seconds: f64,
    pub tasks_per_s: f64,
}

#[derive(Debug, Serialize)]
pub struct PickupFigures {
    pub samples: usize,
    /// Measured by the client: from just before `submit` to the moment a worker's attempt
    /// started (same method as the peers' "t0 before enqueue, t1 at the handler").
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Measured by the database: `started_at - created_at` (each is `now()` of its transaction).
    pub db_p50_ms: f64,
    pub db_p99_ms: f64,
}

#[derive(Debug, Serialize)]
pub struct ClaimCost {
    /// Time of one claim statement (`queue::claim`, limit 1) measured by the client, median.
    pub shallow_pending: u64,
    pub shallow_p50_ms: f64,
    pub deep_pending: u64,
    pub deep_p50_ms: f64,
    /// deep / shallow.
    pub ratio: f64,
    pub samples: usize,
}

#[derive(Debug, Serialize)]
pub struct Verified {
    /// Tasks the bench created in its queue (drain, probe and pickup samples).
    pub tasks: u64,
    /// Of those, completed.
    pub completed: u64,
    /// Highest attempt of any: 1 means nothing ran twice.
    pub max_attempt: i32,
    /// Completions of the claim-cost probe that the database refused (a fence that no longer
    /// held): must be 0. A worker's refused completion shows as a task not completed or run
    /// twice.
    pub refused_completions: u64,
    /// The bench's tasks and worker rows were deleted afterwards.
    pub cleaned_up: bool,
}

/// Measure on the database at `url`; `note` says what is being measured.
pub async fn run(plan: &Plan, url: &str, note: impl Fn(String)) -> Result<Report> {
    let pool = crate::db::connect(
        url,
        &PoolConfig {
            max_connections: 4,
            connect_timeout: Duration::from_secs(10),
            claims_only: false,
            application_name: "aiops",
        },
    )
    .await?;
    // The probe claims as a worker does, on a connection of its own.
    let claims = crate::db::connect(
        url,
        &PoolConfig {
            max_connections: 1,
            connect_timeout: Duration::from_secs(10),
            claims_only: true,
            application_name: "aiops",
        },
    )
    .await?;
    let queue = format!("aiops-bench-{}", uuid::Uuid::now_v7().simple());
    let probe_queue = format!("{queue}-probe");
    let (existing,): (i64,) = sqlx::query_as("SELECT count(*) FROM tasks WHERE queue = ANY($1)")
        .bind(vec![queue.clone(), probe_queue.clone()])
        .fetch_one(&pool)
        .await?;
    if existing > 0 {
        return Err(Error::usage(format!(
            "queue {queue} already has {existing} task(s); the bench needs a queue of its own"
        )));
    }
    let worker_ids: Vec<String> = (0..plan.workers).map(|i| format!("{queue}-w{i}")).collect();
    let measured = measure(
        &note,
        &pool,
        &claims,
        plan,
        url,
        &queue,
        &probe_queue,
        &worker_ids,
    )
    .await;
    let cleaned = cleanup(&pool, &[queue.clone(), probe_queue], &worker_ids).await;
    for id in &worker_ids {
        let _ = std::fs::remove_dir_all(worker::state_dir_of(id));
    }
    let mut report = measured?;
    cleaned?;
    report.verified.cleaned_up = true;
    Ok(report)
}

fn noop_tasks(queue: &str, n: usize) -> Result<Vec<NewTask>> {
    (0..n)
        .map(|_| {
            TaskRequest {
                problem_id: "aiops-bench-noop".into(),
                queue: Some(queue.to_string()),
                ..Default::default()
            }
            .validate()
            .map_err(|e| Error::Other(format!("bench task is invalid: {e:?}")))
        })
        .collect()
}

fn probe_spec(queue: &str) -> ClaimSpec {
    ClaimSpec {
        worker_id: format!("{queue}-probe"),
        queues: vec![queue.to_string()],
        backend_type: Backend::None,
        lease: LEASE,
    }
}

/// As the peers' harness does after enqueueing: fresh statistics, then a checkpoint (which needs
/// a role that may not be ours, so it is best effort).
async fn settle(pool: &PgPool) -> Result<()> {
    sqlx::query("ANALYZE tasks").execute(pool).await?;
    let _ = sqlx::query("CHECKPOINT").execute(pool).await;
    Ok(())
}

/// Time `samples` claim statements of one task each (on `claims`, a claiming connection as a
/// worker's), then complete what they claimed through the recorder's batch, as a worker does.
/// Returns the times and how many were completed and refused.
async fn time_claims(
    pool: &PgPool,
    claims: &PgPool,
    spec: &ClaimSpec,
    samples: usize,
) -> Result<(Vec<f64>, u64, u64)> {
    let mut times = Vec::with_capacity(samples);
    let mut records = Vec::with_capacity(samples);
    for _ in 0..samples {
        let t0 = Instant::now();
        let got = queue::claim(claims, spec, 1).await?;
        times.push(t0.elapsed().as_secs_f64() * 1e3);
        records.extend(got.iter().map(|t| Record {
            fence: Fence::of(t),
            lines: Vec::new(),
            progress: None,
            outcome: Outcome::Complete {
                result: None,
                exit_code: Some(0),
            },
        }));
    }
    let answers = crate::queue::record_batch(pool, &records.iter().collect::<Vec<_>>()).await?;
    let done = answers.iter().filter(|a| a.is_ok()).count() as u64;
    Ok((times, done, answers.len() as u64 - done))
}

/// When each task's attempt started in this process.
#[derive(Default)]
struct Started {
    at: Mutex<HashMap<TaskId, Instant>>,
    seen: Notify,
}

/// A worker of the bench: `aiops worker run --backend none --queue Q --concurrency C`, with the
/// in-process executor. With `started` (idle pickup) each attempt notes when it started; without
/// (the drain) it does nothing, and the worker exits once the queue is empty.
fn bench_worker(
    id: &str,
    queue: &str,
    concurrency: u32,
    started: Option<&Arc<Started>>,
) -> worker::Config {
    let executor: Arc<dyn Fn(&crate::task::Task) + Send + Sync> = match started {
        None => Arc::new(|_| {}),
        Some(started) => {
            let started = started.clone();
            Arc::new(move |t| {
                started.at.lock().unwrap().insert(t.id, Instant::now());
                started.seen.notify_waiters();
            })
        }
    };
    worker::Config {
        id: id.to_string(),
        cluster: id.to_string(),
        backend: Backend::None,
        queues: vec![queue.to_string()],
        concurrency: concurrency as usize,
        executor: Executor::InProcess(executor),
        python: "python3".into(),
        heartbeat: HEARTBEAT,
        poll: Duration::from_secs(5),
        kill_grace: worker::EXEC_KILL_GRACE,
        results_dir: None,
        cluster_setup: cluster::Setup {
            name: id.to_string(),
            backend: Backend::None,
            kubeconfig: None,
            kind_config: None,
            create: false,
            recreate_each_task: false,
            delete_on_exit: false,
            concurrency: concurrency as usize,
        },
        once: false,
        drain: started.is_none(),
        shutdown_grace: None,
    }
}

/// Workers of the bench, running.
struct Running {
    handles: Vec<tokio::task::JoinHandle<Result<u8>>>,
    /// One message stops a worker's claims (it then waits for its attempts and exits).
    stops: Vec<mpsc::UnboundedSender<u32>>,
    /// One message per worker once it serves.
    ready: mpsc::UnboundedReceiver<()>,
}

impl Running {
    /// Run `configs` as workers until they are stopped (or drain).
    fn start(url: &str, configs: Vec<worker::Config>) -> Running {
        let (ready_tx, ready) = mpsc::unbounded_channel();
        let mut handles = Vec::new();
        let mut stops = Vec::new();
        for cfg in configs {
            let (stop, stopped) = mpsc::unbounded_channel();
            let via = worker::Via::Database(url.to_string());
            let ready_tx = ready_tx.clone();
            handles.push(tokio::spawn(async move {
                let ready = move |_| {
                    let _ = ready_tx.send(());
                };
                worker::run_until(cfg, &via, ready, stopped).await
            }));
            stops.push(stop);
        }
        Running {
            handles,
            stops,
            ready,
        }
    }

    /// Wait for every worker to end; the first error wins.
    async fn joined(self) -> Result<()> {
        for h in self.handles {
            h.await
                .map_err(|e| Error::Other(format!("a bench worker failed: {e}")))??;
        }
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
async fn measure(
    note: &impl Fn(String),
    pool: &PgPool,
    claims: &PgPool,
    plan: &Plan,
    url: &str,
    queue_name: &str,
    probe_queue: &str,
    worker_ids: &[String],
) -> Result<Report> {
    let n = plan.tasks as usize;

    // Claim cost at a shallow queue: SHALLOW_PENDING pending tasks in a queue of their own,
    // prepared exactly as the deep one below (statistics, checkpoint) so only the depth differs.
    note(format!("claim cost with {SHALLOW_PENDING} pending…"));
    queue::submit_many(pool, &noop_tasks(probe_queue, SHALLOW_PENDING)?).await?;
    settle(pool).await?;
    let (shallow, _, refused_shallow) =
        time_claims(pool, claims, &probe_spec(probe_queue), CLAIM_SAMPLES).await?;
    queue::delete_queues(pool, &[probe_queue.to_string()]).await?;

    // Bulk submit.
    note(format!("submitting {n} tasks…"));
    let tasks = noop_tasks(queue_name, n)?;
    let t0 = Instant::now();
    queue::submit_many(pool, &tasks).await?;
    let submit_s = t0.elapsed().as_secs_f64();
    drop(tasks);
    settle(pool).await?;

    // Claim cost at the deep queue (these tasks are completed here, not by the workers).
    note(format!("claim cost with {n} pending…"));
    let deep_samples = CLAIM_SAMPLES.min(n / 2);
    let (deep, probe_done, refused_deep) =
        time_claims(pool, claims, &probe_spec(queue_name), deep_samples).await?;
    let drain_target = n as u64 - probe_done;

    // Drain: workers that exit once the queue is empty and every outcome is committed.
    note(format!(
        "draining {drain_target} tasks with {} worker(s) × {} slots…",
        plan.workers, plan.concurrency
    ));
    let configs = worker_ids
        .iter()
        .map(|id| bench_worker(id, queue_name, plan.concurrency, None))
        .collect();
    let t0 = Instant::now();
    tokio::time::timeout(GIVE_UP, Running::start(url, configs).joined())
        .await
        .map_err(|_| {
            Error::Other(format!(
                "the bench workers did not drain within {GIVE_UP:?}"
            ))
        })??;
    let drain_s = t0.elapsed().as_secs_f64();
    let drain_checked = verify_and_clear(pool, queue_name, n as u64).await?;

    // Idle pickup: the same workers, waiting on LISTEN, one task at a time.
    note(format!(
        "idle pickup: {PICKUP_SAMPLES} tasks one at a time…"
    ));
    let started = Arc::new(Started::default());
    let configs = worker_ids
        .iter()
        .map(|id| bench_worker(id, queue_name, plan.concurrency, Some(&started)))
        .collect();
    let mut workers = Running::start(url, configs);
    for _ in worker_ids {
        workers.ready.recv().await;
    }
    let sampled = pickup(pool, &started, queue_name).await;
    for s in &workers.stops {
        let _ = s.send(1);
    }
    let stopped = workers.joined().await;
    let (pickup_client, pickup_ids) = sampled?;
    stopped?;
    let pickup_db: Vec<f64> = sqlx::query_scalar(
        "SELECT extract(epoch FROM started_at - created_at)::float8 * 1000 FROM tasks \
         WHERE id = ANY($1)",
    )
    .bind(pickup_ids.iter().map(|id| id.0).collect::<Vec<_>>())
    .fetch_all(pool)
    .await?;
    let pickup_checked = verify(pool, queue_name, (PICKUP_WARMUP + PICKUP_SAMPLES) as u64).await?;
    let refused = refused_shallow + refused_deep;
    if refused != 0 {
        return Err(Error::Other(format!(
            "bench verification failed: {refused} completion(s) refused"
        )));
    }
    let shallow_p50 = percentile(&shallow, 0.5);
    let deep_p50 = percentile(&deep, 0.5);
    Ok(Report {
        queue: queue_name.to_string(),
        tasks: plan.tasks,
        workers: plan.workers,
        concurrency: plan.concurrency,
        submit: SubmitFigures {
            tasks: n as u64,
            seconds: submit_s,
            tasks_per_s: n as f64 / submit_s,
        },
        drain: DrainFigures {
            tasks: drain_target,
            seconds: drain_s,
            tasks_per_s: drain_target as f64 / drain_s,
        },
        pickup: PickupFigures {
            samples: pickup_client.len(),
            p50_ms: percentile(&pickup_client, 0.5),
            p99_ms: percentile(&pickup_client, 0.99),
            db_p50_ms: percentile(&pickup_db, 0.5),
            db_p99_ms: percentile(&pickup_db, 0.99),
        },
        claim_cost: ClaimCost {
            shallow_pending: SHALLOW_PENDING as u64,
            shallow_p50_ms: shallow_p50,
            deep_pending: n as u64,
            deep_p50_ms: deep_p50,
            ratio: if shallow_p50 > 0.0 {
                deep_p50 / shallow_p50
            } else {
                0.0
            },
            samples: deep.len().min(shallow.len()),
        },
        verified: Verified {
            tasks: drain_checked.tasks + pickup_checked.tasks,
            completed: drain_checked.completed + pickup_checked.completed,
            max_attempt: drain_checked.max_attempt.max(pickup_checked.max_attempt),
            refused_completions: refused,
            cleaned_up: false,
        },
    })
}

/// What [`verify`] counted in the bench queue.
struct Checked {
    tasks: u64,
    completed: u64,
    max_attempt: i32,
}

/// Check that the bench queue holds exactly `expected` tasks, all completed at their first
/// attempt.
async fn verify(pool: &PgPool, queue_name: &str, expected: u64) -> Result<Checked> {
    let (total, completed, max_attempt): (i64, i64, Option<i32>) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE status = 'completed'), max(attempt) \
         FROM tasks WHERE queue = $1",
    )
    .bind(queue_name)
    .fetch_one(pool)
    .await?;
    if total as u64 != expected || completed != total || max_attempt != Some(1) {
        return Err(Error::Other(format!(
            "bench verification failed: {total} tasks (expected {expected}), {completed} completed, \
             highest attempt {max_attempt:?}"
        )));
    }
    Ok(Checked {
        tasks: total as u64,
        completed: completed as u64,
        max_attempt: max_attempt.unwrap_or(0),
    })
}

/// Verify the drained tasks, then delete them, vacuum and settle, as the peers' harness resets
/// its tables before measuring pickup: otherwise every pickup claim would step over the drained
/// tasks' dead entries in the claim index until autovacuum comes by, and a checkpoint forced by
/// the deletes' WAL could land among the samples. VACUUM needs the table's owner, so it is best
/// effort.
async fn verify_and_clear(pool: &PgPool, queue_name: &str, expected: u64) -> Result<Checked> {
    let checked = verify(pool, queue_name, expected).await?;
    queue::delete_queues(pool, &[queue_name.to_string()]).await?;
    let _ = sqlx::query("VACUUM tasks").execute(pool).await;
    settle(pool).await?;
    Ok(checked)
}

/// Idle pickup: one task at a time while the workers wait on LISTEN. Returns the client-side
/// latencies (ms) and the ids of the measured tasks.
async fn pickup(
    pool: &PgPool,
    started: &Started,
    queue_name: &str,
) -> Result<(Vec<f64>, Vec<TaskId>)> {
    let mut latencies = Vec::with_capacity(PICKUP_SAMPLES);
    let mut ids = Vec::with_capacity(PICKUP_SAMPLES);
    for i in 0..PICKUP_WARMUP + PICKUP_SAMPLES {
        tokio::time::sleep(PICKUP_GAP).await;
        let t = noop_tasks(queue_name, 1)?.remove(0);
        let t0 = Instant::now();
        let id = queue::submit(pool, &t).await?.task().id;
        let at = tokio::time::timeout(GIVE_UP, async {
            loop {
                let seen = started.seen.notified();
                if let Some(at) = started.at.lock().unwrap().remove(&id) {
                    return at;
                }
                seen.await;
            }
        })
        .await
        .map_err(|_| Error::Other(format!("pickup sample {id} was not picked up")))?;
        if i >= PICKUP_WARMUP {
            latencies.push(at.duration_since(t0).as_secs_f64() * 1e3);
            ids.push(id);
        }
    }
    Ok((latencies, ids))
}

async fn cleanup(pool: &PgPool, queues: &[String], worker_ids: &[String]) -> Result<()> {
    queue::delete_queues(pool, queues).await?;
    queue::delete_workers(pool, worker_ids).await?;
    Ok(())
}

/// Nearest-rank percentile of milliseconds (p99 of 100 samples is the second largest).
fn percentile(xs: &[f64], p: f64) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}
