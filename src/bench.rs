//! `aiops bench`: measures the queue itself against the configured database. It enqueues no-op
//! tasks with the bulk submit path and drains them with in-process workers that use the real
//! claim, heartbeat and batched completion statements of [`crate::queue`] (no processes are
//! spawned), then measures idle pickup latency and the cost of one claim statement at a shallow
//! and a deep queue. Everything happens in a queue of its own (`aiops-bench-<uuid>`) whose tasks
//! and worker rows are deleted at the end, whatever happened.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::{mpsc, Notify};

use crate::cli::BenchArgs;
use crate::commands::Ctx;
use crate::db::PoolConfig;
use crate::error::{Error, Result};
use crate::queue::{self, ClaimSpec, Claimer, Completion, Fence, WorkerRegistration};
use crate::task::{Backend, NewTask, TaskId, TaskRequest};

/// Pickup samples (after [`PICKUP_WARMUP`] unmeasured ones), one at a time.
const PICKUP_SAMPLES: usize = 100;
const PICKUP_WARMUP: usize = 10;
/// Idle time before each pickup sample, so workers really wait on LISTEN and not on a poll.
const PICKUP_GAP: Duration = Duration::from_millis(50);
/// Tasks pending in the shallow queue of the claim-cost probe.
const SHALLOW_PENDING: usize = 1_000;
/// Claim statements timed per depth.
const CLAIM_SAMPLES: usize = 200;
/// Bench workers' lease; they heartbeat every second.
const LEASE: Duration = Duration::from_secs(30);
const HEARTBEAT: Duration = Duration::from_secs(1);
/// Most completions recorded by one statement.
const COMPLETE_BATCH: usize = 1_000;

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
    /// From starting the workers to the last completion committed.
    pub seconds: f64,
    pub tasks_per_s: f64,
    /// Claim statements that returned at least one task, and completion statements.
    pub claim_statements: u64,
    pub complete_statements: u64,
}

#[derive(Debug, Serialize)]
pub struct PickupFigures {
    pub samples: usize,
    /// Measured by the client: from just before `submit` to the moment a worker's claim
    /// statement returned the task (same method as the peers' "t0 before enqueue, t1 at the
    /// handler").
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
    /// Completions the database refused (a fence that no longer held): must be 0.
    pub refused_completions: u64,
    /// The bench's tasks and worker rows were deleted afterwards.
    pub cleaned_up: bool,
}

/// Entry point of `aiops bench`.
pub async fn run(ctx: &Ctx, a: BenchArgs) -> Result<u8> {
    if a.tasks == 0 || a.tasks > 10_000_000 {
        return Err(Error::usage("--tasks must be from 1 to 10000000"));
    }
    if a.workers == 0 || a.workers > 64 {
        return Err(Error::usage("--workers must be from 1 to 64"));
    }
    if a.concurrency == 0 || a.concurrency > 256 {
        return Err(Error::usage("--concurrency must be from 1 to 256"));
    }
    let pool = ctx
        .pool_with(&PoolConfig {
            max_connections: a.workers * 2 + 4,
            connect_timeout: Duration::from_secs(10),
            claims_only: false,
        })
        .await?;
    // As in a real worker, claims run on connections of their own (one per worker).
    let claims = ctx
        .pool_with(&PoolConfig {
            max_connections: a.workers,
            connect_timeout: Duration::from_secs(10),
            claims_only: true,
        })
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
    let worker_ids: Vec<String> = (0..a.workers).map(|i| format!("{queue}-w{i}")).collect();
    let measured = measure(ctx, &pool, &claims, &a, &queue, &probe_queue, &worker_ids).await;
    let cleaned = cleanup(&pool, &[queue.clone(), probe_queue], &worker_ids).await;
    let mut report = measured?;
    cleaned?;
    report.verified.cleaned_up = true;
    print(ctx, &report)?;
    Ok(0)
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

/// Time `samples` claim statements of one task each (on `claims`, the connections workers claim
/// on), then complete what they claimed.
async fn time_claims(
    pool: &PgPool,
    claims: &PgPool,
    spec: &ClaimSpec,
    samples: usize,
) -> Result<(Vec<f64>, u64)> {
    let mut times = Vec::with_capacity(samples);
    let mut claimed = Vec::with_capacity(samples);
    for _ in 0..samples {
        let t0 = Instant::now();
        let got = queue::claim(claims, spec, 1).await?;
        times.push(t0.elapsed().as_secs_f64() * 1e3);
        claimed.extend(got.iter().map(|t| Completion {
            fence: Fence::of(t),
            result: None,
            exit_code: Some(0),
        }));
    }
    let ok = queue::complete_many(pool, &claimed).await?;
    Ok((times, ok.iter().filter(|d| **d).count() as u64))
}

async fn measure(
    ctx: &Ctx,
    pool: &PgPool,
    claims: &PgPool,
    a: &BenchArgs,
    queue_name: &str,
    probe_queue: &str,
    worker_ids: &[String],
) -> Result<Report> {
    let n = a.tasks as usize;

    // Claim cost at a shallow queue: SHALLOW_PENDING pending tasks in a queue of their own,
    // prepared exactly as the deep one below (statistics, checkpoint) so only the depth differs.
    ctx.printer
        .note(format!("claim cost with {SHALLOW_PENDING} pending…"));
    queue::submit_many(pool, &noop_tasks(probe_queue, SHALLOW_PENDING)?).await?;
    settle(pool).await?;
    let (shallow, _) = time_claims(pool, claims, &probe_spec(probe_queue), CLAIM_SAMPLES).await?;
    queue::delete_queues(pool, &[probe_queue.to_string()]).await?;

    // Bulk submit.
    ctx.printer.note(format!("submitting {n} tasks…"));
    let tasks = noop_tasks(queue_name, n)?;
    let t0 = Instant::now();
    queue::submit_many(pool, &tasks).await?;
    let submit_s = t0.elapsed().as_secs_f64();
    drop(tasks);
    settle(pool).await?;

    // Claim cost at the deep queue (these tasks are completed here, not by the workers).
    ctx.printer.note(format!("claim cost with {n} pending…"));
    let deep_samples = CLAIM_SAMPLES.min(n / 2);
    let (deep, probe_done) =
        time_claims(pool, claims, &probe_spec(queue_name), deep_samples).await?;
    let drain_target = n as u64 - probe_done;

    // Drain.
    ctx.printer.note(format!(
        "draining {drain_target} tasks with {} worker(s) × {} slots…",
        a.workers, a.concurrency
    ));
    let bench = Arc::new(Bench {
        pool: pool.clone(),
        claims: claims.clone(),
        stop: AtomicBool::new(false),
        stopped: Notify::new(),
        completed: AtomicU64::new(0),
        refused: AtomicU64::new(0),
        progress: Notify::new(),
        claim_statements: AtomicU64::new(0),
        complete_statements: AtomicU64::new(0),
        picked: Mutex::new(None),
        failure: Mutex::new(None),
    });
    let mut workers = Vec::new();
    for id in worker_ids {
        queue::register_worker(
            pool,
            &WorkerRegistration {
                id: id.clone(),
                cluster_name: id.clone(),
                backend_type: Backend::None,
                hostname: "aiops-bench".into(),
                pid: std::process::id() as i32,
                version: env!("CARGO_PKG_VERSION").into(),
                queues: vec![queue_name.to_string()],
                concurrency: a.concurrency as i32,
                capabilities: serde_json::json!({"executor": "bench-noop"}),
                metadata: serde_json::json!({}),
                lease: LEASE,
            },
            false,
        )
        .await?;
        workers.push(Arc::new(Worker {
            claimer: Claimer::new(ClaimSpec {
                worker_id: id.clone(),
                queues: vec![queue_name.to_string()],
                backend_type: Backend::None,
                lease: LEASE,
            }),
            concurrency: a.concurrency as usize,
            held: Mutex::new(HashMap::new()),
            executing: AtomicUsize::new(0),
            wake: Notify::new(),
        }));
    }
    let mut handles = Vec::new();
    handles.push(tokio::spawn(listen(
        bench.clone(),
        workers.clone(),
        queue_name.to_string(),
    )));
    let t0 = Instant::now();
    for w in &workers {
        let (tx, rx) = mpsc::unbounded_channel();
        handles.push(tokio::spawn(claim_loop(bench.clone(), w.clone(), tx)));
        handles.push(tokio::spawn(complete_loop(bench.clone(), w.clone(), rx)));
    }
    let drained = bench.wait_for(drain_target, Duration::from_secs(60)).await;
    let drain_s = t0.elapsed().as_secs_f64();
    let outcome = match drained {
        Ok(()) => match verify_and_clear(pool, queue_name, n as u64).await {
            Ok(checked) => pickup(ctx, &bench, queue_name, drain_target)
                .await
                .map(|p| (checked, p)),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    bench.stop.store(true, Ordering::SeqCst);
    bench.stopped.notify_waiters();
    for w in &workers {
        w.wake.notify_one();
    }
    for h in handles {
        h.abort();
        let _ = h.await;
    }
    for id in worker_ids {
        let _ = queue::worker_offline(pool, id, std::process::id() as i32).await;
    }
    let (drain_checked, (pickup_client, pickup_ids)) = outcome?;
    let pickup_db: Vec<f64> = sqlx::query_scalar(
        "SELECT extract(epoch FROM started_at - created_at)::float8 * 1000 FROM tasks \
         WHERE id = ANY($1)",
    )
    .bind(pickup_ids.iter().map(|id| id.0).collect::<Vec<_>>())
    .fetch_all(pool)
    .await?;
    let pickup_checked = verify(pool, queue_name, (PICKUP_WARMUP + PICKUP_SAMPLES) as u64).await?;
    let refused = bench.refused.load(Ordering::SeqCst);
    if refused != 0 {
        return Err(Error::Other(format!(
            "bench verification failed: {refused} completion(s) refused"
        )));
    }
    let shallow_p50 = percentile(&shallow, 0.5);
    let deep_p50 = percentile(&deep, 0.5);
    Ok(Report {
        queue: queue_name.to_string(),
        tasks: a.tasks,
        workers: a.workers,
        concurrency: a.concurrency,
        submit: SubmitFigures {
            tasks: n as u64,
            seconds: submit_s,
            tasks_per_s: n as f64 / submit_s,
        },
        drain: DrainFigures {
            tasks: drain_target,
            seconds: drain_s,
            tasks_per_s: drain_target as f64 / drain_s,
            claim_statements: bench.claim_statements.load(Ordering::SeqCst),
            complete_statements: bench.complete_statements.load(Ordering::SeqCst),
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
    ctx: &Ctx,
    bench: &Arc<Bench>,
    queue_name: &str,
    mut done: u64,
) -> Result<(Vec<f64>, Vec<TaskId>)> {
    ctx.printer.note(format!(
        "idle pickup: {PICKUP_SAMPLES} tasks one at a time…"
    ));
    *bench.picked.lock().unwrap() = Some(HashMap::new());
    let mut latencies = Vec::with_capacity(PICKUP_SAMPLES);
    let mut ids = Vec::with_capacity(PICKUP_SAMPLES);
    for i in 0..PICKUP_WARMUP + PICKUP_SAMPLES {
        tokio::time::sleep(PICKUP_GAP).await;
        let t = noop_tasks(queue_name, 1)?.remove(0);
        let t0 = Instant::now();
        let task = queue::submit(&bench.pool, &t).await?.task().clone();
        done += 1;
        bench.wait_for(done, Duration::from_secs(30)).await?;
        let at = bench
            .picked
            .lock()
            .unwrap()
            .as_mut()
            .and_then(|m| m.remove(&task.id))
            .ok_or_else(|| Error::Other(format!("pickup sample {} was not seen", task.id)))?;
        if i >= PICKUP_WARMUP {
            latencies.push(at.duration_since(t0).as_secs_f64() * 1e3);
            ids.push(task.id);
        }
    }
    *bench.picked.lock().unwrap() = None;
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

struct Bench {
    pool: PgPool,
    /// Where the workers claim (one connection each, as in a real worker:
    /// [`crate::db::CLAIM_SESSION`]).
    claims: PgPool,
    stop: AtomicBool,
    stopped: Notify,
    /// Completions committed by the workers.
    completed: AtomicU64,
    refused: AtomicU64,
    progress: Notify,
    claim_statements: AtomicU64,
    complete_statements: AtomicU64,
    /// While measuring pickup: when each claimed task came back from its claim statement.
    picked: Mutex<Option<HashMap<TaskId, Instant>>>,
    failure: Mutex<Option<String>>,
}

impl Bench {
    fn fail(&self, what: &str, e: Error) {
        self.failure
            .lock()
            .unwrap()
            .get_or_insert_with(|| format!("{what}: {e}"));
        self.progress.notify_waiters();
    }

    /// Wait until `target` completions are committed, a worker failed, or nothing was
    /// completed for `stall` (each completion moves the deadline).
    async fn wait_for(&self, target: u64, stall: Duration) -> Result<()> {
        let mut deadline = Instant::now() + stall;
        let mut seen = self.completed.load(Ordering::SeqCst);
        loop {
            let notified = self.progress.notified();
            if let Some(f) = self.failure.lock().unwrap().clone() {
                return Err(Error::Other(format!("bench worker failed: {f}")));
            }
            let done = self.completed.load(Ordering::SeqCst);
            if done >= target {
                return Ok(());
            }
            if done > seen {
                seen = done;
                deadline = Instant::now() + stall;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::Other(format!(
                    "bench stalled: {done} of {target} tasks completed, none for {stall:?}"
                )));
            }
            let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), notified).await;
        }
    }
}

struct Worker {
    claimer: Claimer,
    concurrency: usize,
    /// Claimed tasks whose completion is not committed yet: what the heartbeat extends.
    held: Mutex<HashMap<TaskId, i32>>,
    /// Of those, the ones whose no-op has not ended: the slots taken.
    executing: AtomicUsize,
    wake: Notify,
}

/// Claim as many tasks as there are free slots, in one statement; run each as a no-op and
/// hand its completion to the worker's completer.
async fn claim_loop(bench: Arc<Bench>, w: Arc<Worker>, done: mpsc::UnboundedSender<Completion>) {
    // While the queue is busy (the last claim got all it asked for), wait until half the
    // slots are free, so one statement claims a batch instead of one task per finished task.
    let mut busy = false;
    while !bench.stop.load(Ordering::SeqCst) {
        let free = crate::worker::free_slots(
            w.concurrency,
            w.executing.load(Ordering::SeqCst),
            w.held.lock().unwrap().len(),
        );
        let enough = if busy { w.concurrency.div_ceil(2) } else { 1 };
        if free >= enough {
            let tasks = match w.claimer.claim(&bench.claims, free as i64).await {
                Ok(t) => t,
                Err(e) => return bench.fail("claim", e),
            };
            let at = Instant::now();
            let got = tasks.len();
            if got > 0 {
                bench.claim_statements.fetch_add(1, Ordering::Relaxed);
                if let Some(m) = bench.picked.lock().unwrap().as_mut() {
                    m.extend(tasks.iter().map(|t| (t.id, at)));
                }
                w.held
                    .lock()
                    .unwrap()
                    .extend(tasks.iter().map(|t| (t.id, t.attempt)));
                w.executing.fetch_add(got, Ordering::SeqCst);
            }
            for t in tasks {
                let done = done.clone();
                let w = w.clone();
                tokio::spawn(async move {
                    // The no-op executor. It gives its slot back as it ends; its task stays
                    // held (and heartbeated) until the completion commits, as in a real worker.
                    w.executing.fetch_sub(1, Ordering::SeqCst);
                    w.wake.notify_one();
                    let _ = done.send(Completion {
                        fence: Fence::of(&t),
                        result: None,
                        exit_code: Some(0),
                    });
                });
            }
            busy = got == free;
            if busy {
                continue;
            }
        }
        tokio::select! {
            _ = w.wake.notified() => {}
            _ = bench.stopped.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

/// Record completions in batches (whatever has queued up since the last statement) and
/// heartbeat the held tasks every [`HEARTBEAT`]. One task does both, so a worker's batch
/// heartbeat and batch completion never lock the same rows against each other.
async fn complete_loop(
    bench: Arc<Bench>,
    w: Arc<Worker>,
    mut rx: mpsc::UnboundedReceiver<Completion>,
) {
    let mut batch = Vec::with_capacity(COMPLETE_BATCH);
    let mut tick = tokio::time::interval(HEARTBEAT);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let first = tokio::select! {
            c = rx.recv() => match c {
                Some(c) => c,
                None => return,
            },
            _ = tick.tick() => {
                if let Err(e) = heartbeat(&bench, &w).await {
                    return bench.fail("heartbeat", e);
                }
                continue;
            }
        };
        batch.push(first);
        while batch.len() < COMPLETE_BATCH {
            match rx.try_recv() {
                Ok(c) => batch.push(c),
                Err(_) => break,
            }
        }
        let ok = match queue::complete_many(&bench.pool, &batch).await {
            Ok(ok) => ok,
            Err(e) => return bench.fail("complete", e),
        };
        bench.complete_statements.fetch_add(1, Ordering::Relaxed);
        {
            let mut held = w.held.lock().unwrap();
            for c in &batch {
                held.remove(&c.fence.task_id);
            }
        }
        w.wake.notify_one();
        let recorded = ok.iter().filter(|d| **d).count() as u64;
        bench
            .refused
            .fetch_add(batch.len() as u64 - recorded, Ordering::SeqCst);
        bench.completed.fetch_add(recorded, Ordering::SeqCst);
        bench.progress.notify_waiters();
        batch.clear();
    }
}

/// Extend the leases of everything claimed and not yet completed, as a real worker does.
async fn heartbeat(bench: &Bench, w: &Worker) -> Result<()> {
    let held: Vec<(TaskId, i32)> = w
        .held
        .lock()
        .unwrap()
        .iter()
        .map(|(id, a)| (*id, *a))
        .collect();
    queue::heartbeat_tasks(&bench.pool, &w.claimer.spec().worker_id, &held, LEASE).await?;
    Ok(())
}

/// Wake the workers when tasks arrive in the bench queue.
async fn listen(bench: Arc<Bench>, workers: Vec<Arc<Worker>>, queue_name: String) {
    let mut listener = match PgListener::connect_with(&bench.pool).await {
        Ok(l) => l,
        Err(e) => return bench.fail("listen", e.into()),
    };
    if let Err(e) = listener.listen("aiops_submit").await {
        return bench.fail("listen", e.into());
    }
    loop {
        match listener.recv().await {
            Ok(n) if n.payload() == queue_name => {
                for w in &workers {
                    w.wake.notify_one();
                }
            }
            Ok(_) => {}
            Err(e) => return bench.fail("listen", e.into()),
        }
    }
}

fn print(ctx: &Ctx, r: &Report) -> Result<()> {
    if ctx.printer.json() {
        return ctx.printer.print_json(r);
    }
    let rows = vec![
        vec![
            format!("drain ({} workers × {})", r.workers, r.concurrency),
            format!("{:.0} tasks/s", r.drain.tasks_per_s),
            format!(
                "{} tasks in {:.2} s, {} claim and {} complete statements",
                r.drain.tasks,
                r.drain.seconds,
                r.drain.claim_statements,
                r.drain.complete_statements
            ),
        ],
        vec![
            "bulk submit".into(),
            format!("{:.0} tasks/s", r.submit.tasks_per_s),
            format!("{} tasks in {:.2} s", r.submit.tasks, r.submit.seconds),
        ],
        vec![
            "idle pickup p50 / p99".into(),
            format!("{:.2} / {:.2} ms", r.pickup.p50_ms, r.pickup.p99_ms),
            format!(
                "client: submit call to claim return, {} samples",
                r.pickup.samples
            ),
        ],
        vec![
            "idle pickup p50 / p99 (db)".into(),
            format!("{:.2} / {:.2} ms", r.pickup.db_p50_ms, r.pickup.db_p99_ms),
            "started_at - created_at".into(),
        ],
        vec![
            format!("claim, {} pending", r.claim_cost.shallow_pending),
            format!("{:.3} ms", r.claim_cost.shallow_p50_ms),
            format!("median of {} claim statements", r.claim_cost.samples),
        ],
        vec![
            format!("claim, {} pending", r.claim_cost.deep_pending),
            format!("{:.3} ms", r.claim_cost.deep_p50_ms),
            format!("{:.2}× the shallow claim", r.claim_cost.ratio),
        ],
        vec![
            "verified".into(),
            format!("{}/{} completed", r.verified.completed, r.verified.tasks),
            format!(
                "highest attempt {}, {} refused completions, cleaned up",
                r.verified.max_attempt, r.verified.refused_completions
            ),
        ],
    ];
    ctx.printer.table(&["measure", "value", "detail"], rows)
}
