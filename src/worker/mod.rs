//! `aiops worker run`: a worker bound to one cluster. It claims tasks (woken by NOTIFY, with a
//! polling backstop), runs each as an [`attempt`], heartbeats for itself and its tasks, rescues
//! other workers' expired leases, and shuts down gracefully on signals.

pub mod attempt;
mod claim_loop;
pub mod cluster;
pub mod executor;
mod heartbeat;
pub mod leftovers;
pub mod link;
pub mod process_group;
pub mod recorder;
pub mod runner;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::PgPool;
use tokio::sync::{mpsc, watch, Notify};

use crate::db::{PoolConfig, Suspect};
use crate::error::{Error, Result};
use crate::notify;
use crate::queue::{ClaimSpec, WorkerRegistration};
use crate::task::TaskId;
use cluster::Cluster;
use executor::StopReason;
use link::Link;

/// A worker's settings after validation.
#[derive(Debug, Clone)]
pub struct Config {
    /// Worker id (default: the cluster name).
    pub id: String,
    /// The cluster it owns.
    pub cluster: String,
    /// Its backend.
    pub backend: crate::task::Backend,
    /// Queues served.
    pub queues: Vec<String>,
    /// Tasks at once.
    pub concurrency: usize,
    /// What runs each attempt.
    pub executor: Executor,
    /// Python for the runner.
    pub python: String,
    /// Heartbeat interval.
    pub heartbeat: Duration,
    /// Polling backstop.
    pub poll: Duration,
    /// SIGTERM → SIGKILL grace for executors.
    pub kill_grace: Duration,
    /// Where AIOpsLab's session files are kept, one directory per attempt.
    pub results_dir: Option<PathBuf>,
    /// How the cluster is found, made and cleaned.
    pub cluster_setup: cluster::Setup,
    /// Run one task, then exit.
    pub once: bool,
    /// Exit when nothing is claimable.
    pub drain: bool,
    /// On the first signal, how long running tasks may go on before they are stopped.
    pub shutdown_grace: Option<Duration>,
}

/// What runs an attempt.
#[derive(Clone)]
pub enum Executor {
    /// The AIOpsLab runner, a Python process per attempt.
    AiopsLab,
    /// `sh -c CMD`, a process per attempt ([`executor`] protocol).
    Shell(String),
    /// A function called in this process, whose attempt completes at once with no result:
    /// `aiops bench` measures the queue through the worker's own claim loop and recorder with
    /// it, without the cost of starting a process.
    InProcess(Arc<dyn Fn(&crate::task::Task) + Send + Sync>),
}

impl Executor {
    /// The name stored in the worker's capabilities.
    pub fn name(&self) -> &'static str {
        match self {
            Executor::AiopsLab => "aiopslab",
            Executor::Shell(_) => "exec",
            Executor::InProcess(_) => "in-process",
        }
    }
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Executor::Shell(cmd) => write!(f, "Shell({cmd:?})"),
            other => f.write_str(other.name()),
        }
    }
}

/// The AIOpsLab runner's default grace between SIGTERM and SIGKILL: long enough for AIOpsLab to
/// recover an injected fault and delete the application's namespace.
pub const AIOPSLAB_KILL_GRACE: Duration = Duration::from_secs(180);
/// The grace for `--exec` jobs.
pub const EXEC_KILL_GRACE: Duration = Duration::from_secs(10);

impl Config {
    /// A lease lasts three heartbeats.
    pub fn lease(&self) -> Duration {
        self.heartbeat * 3
    }
}

struct Running {
    attempt: i32,
    stop: watch::Sender<Option<StopReason>>,
    /// This worker claimed the attempt a second time: PostgreSQL forgot the claim that started
    /// it (claims commit asynchronously, [`crate::db::CLAIM_SESSION`]) and the claim made
    /// again carries the same fence.
    remade: bool,
}

impl Running {
    /// The first reason given is the one the attempt ends with.
    fn request_stop(&self, why: StopReason) {
        self.stop.send_if_modified(|cur| {
            let first = cur.is_none();
            if first {
                *cur = Some(why);
            }
            first
        });
    }
}

/// State shared by the claim loop, the heartbeat, the listener and the attempts.
pub struct Shared {
    /// The way to the queue.
    link: Link,
    cfg: Config,
    cluster: Cluster,
    state_dir: PathBuf,
    running: Mutex<HashMap<TaskId, Running>>,
    wake: Arc<Notify>,
    hostname: String,
    pid: i32,
    /// When the database last answered a heartbeat (a local duration, not a shared clock).
    last_contact: Mutex<Instant>,
    /// Told by the heartbeat when the database answers again after heartbeats failed: the
    /// LISTEN connection may have died silently meanwhile, so it is replaced.
    relisten: Arc<Notify>,
    /// Where finished attempts are written, several to a transaction.
    recorder: recorder::Recorder,
    /// Set by a database call that ran out of time, cleared by the next heartbeat answered.
    suspect: Suspect,
}

impl Shared {
    /// Ask a running attempt to stop (no-op if it is not ours or already stopping).
    pub fn stop(&self, task: TaskId, why: StopReason) {
        if let Some(r) = self.running.lock().unwrap().get(&task) {
            r.request_stop(why);
        }
    }

    /// What the session heard: submits to our queues wake the claim loop, cancels stop the
    /// attempt, and a session (re)started means a look at the queue now.
    fn hear(&self, heard: crate::maintenance::Heard<'_>) {
        match heard {
            crate::maintenance::Heard::Listening => self.wake.notify_one(),
            crate::maintenance::Heard::Note(n) => match n.channel() {
                notify::SUBMIT if self.cfg.queues.iter().any(|q| q == n.payload()) => {
                    self.wake.notify_one();
                }
                notify::CANCEL => {
                    if let Ok(u) = uuid::Uuid::parse_str(n.payload()) {
                        self.stop(TaskId(u), StopReason::Cancelled);
                    }
                }
                _ => {}
            },
        }
    }

    fn stop_all(&self, why: StopReason) {
        let ids: Vec<TaskId> = self.running.lock().unwrap().keys().copied().collect();
        for id in ids {
            self.stop(id, why);
        }
    }

    /// False once heartbeats have failed for longer than a heartbeat interval.
    pub fn db_reachable(&self) -> bool {
        self.last_contact.lock().unwrap().elapsed() < self.cfg.heartbeat * 2
    }

    /// Tasks the next claim may take, with `attempts` attempts not yet recorded.
    fn free_slots(&self, attempts: usize) -> usize {
        let executing = self.running.lock().unwrap().len();
        free_slots(self.cfg.concurrency, executing, attempts)
    }

    fn held(&self) -> Vec<(TaskId, i32)> {
        self.running
            .lock()
            .unwrap()
            .iter()
            .map(|(id, r)| (*id, r.attempt))
            .collect()
    }

    /// Take a task the claim loop just claimed. Returns the new attempt's stop channel, or
    /// `None` when this worker already runs that very attempt: the database forgot the claim
    /// that started it and this claim made it again, with the same fence, so the running
    /// executor carries on as this claim's run. An older attempt of the task still ending here
    /// lost its lease, so it is fenced out already; it is told to stop.
    fn take_claim(&self, task: &crate::task::Task) -> Option<watch::Receiver<Option<StopReason>>> {
        let mut running = self.running.lock().unwrap();
        if let Some(r) = running.get_mut(&task.id) {
            if r.attempt == task.attempt {
                r.remade = true;
                return None;
            }
        }
        let (tx, rx) = watch::channel(None);
        let new = Running {
            attempt: task.attempt,
            stop: tx,
            remade: false,
        };
        if let Some(old) = running.insert(task.id, new) {
            old.request_stop(StopReason::LeaseLost);
        }
        Some(rx)
    }

    /// An attempt ends: it leaves the heartbeat's set (unless a newer attempt of its task has
    /// taken its place) and gives its slot back. Returns whether its claim was made again
    /// while it ran ([`Shared::take_claim`]).
    fn leave(&self, task: TaskId, attempt: i32) -> bool {
        let mut running = self.running.lock().unwrap();
        let remade = match running.get(&task) {
            Some(r) if r.attempt == attempt => running.remove(&task).is_some_and(|r| r.remade),
            _ => false,
        };
        drop(running);
        self.wake.notify_one();
        remade
    }

    fn claim_spec(&self) -> ClaimSpec {
        ClaimSpec {
            worker_id: self.cfg.id.clone(),
            queues: self.cfg.queues.clone(),
            backend_type: self.cfg.backend,
            lease: self.cfg.lease(),
        }
    }
}

/// Tasks a worker's next claim may take, given the executors running and the attempts whose
/// outcome is not recorded yet (those running included). `concurrency` executors run at once;
/// an attempt whose executor has ended gives its slot back while its outcome waits for the
/// recorder, so the next claim does not wait for the last commit. Up to 2 × `concurrency` such
/// attempts may wait: the batch the recorder is committing and the one gathering behind it.
/// That bounds what a crash can leave to be run again. With a bound of one `concurrency`, a
/// worker whose tasks end faster than a commit sat with every slot idle during each commit (see
/// `docs/performance.md`).
pub fn free_slots(concurrency: usize, executing: usize, attempts: usize) -> usize {
    concurrency
        .saturating_sub(executing)
        .min((3 * concurrency).saturating_sub(attempts))
}

/// The connections a direct worker of `concurrency` may hold: its session (LISTEN and the
/// maintainer's lock, [`crate::maintenance`]), a pool of `concurrency - 1` for heartbeats, log
/// lines, results and maintenance, and a claim connection of its own; at concurrency 1 the
/// claims share the one pooled connection. So at most `concurrency + 1` in all, and 2 at
/// concurrency 1, idle or busy. Returns the pool's size and whether claims have their own.
pub fn connections(concurrency: usize) -> (u32, bool) {
    match concurrency {
        0 | 1 => (1, false),
        c => (c as u32 - 1, true),
    }
}

/// This host's name, as workers and `serve` report it.
pub fn local_hostname() -> String {
    nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_else(|| "unknown".into())
}

fn pid_alive(pid: i32) -> bool {
    pid > 0
        && !matches!(
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None),
            Err(nix::errno::Errno::ESRCH)
        )
}

/// Where worker `id` keeps its kubeconfig, work directories and markers on this host (kept
/// across its runs: the next run finds what a killed one left).
pub fn state_dir_of(id: &str) -> PathBuf {
    std::env::temp_dir().join(format!("aiops-worker-{id}"))
}

fn state_dir(id: &str) -> Result<PathBuf> {
    let dir = state_dir_of(id);
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::Io(format!("cannot create {}: {e}", dir.display())))?;
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
    Ok(dir)
}

/// Where a worker takes its tasks from.
#[derive(Debug, Clone)]
pub enum Via {
    /// PostgreSQL, at this URL.
    Database(String),
    /// `aiops serve`'s worker API at this root URL, with its token: the worker holds no
    /// database connection and needs no credentials for it.
    Server {
        /// e.g. `http://queue.lab:8080`.
        url: String,
        /// The server's bearer token.
        token: Option<String>,
    },
}

/// Run a worker until SIGINT/SIGTERM (or until it drains, with `drain`). `note` tells the
/// person who started it that it is serving.
pub async fn run(cfg: Config, via: &Via, note: impl Fn(String)) -> Result<u8> {
    // First, so a signal during start-up is a request to stop, not a kill.
    let sigs = signals()?;
    run_until(cfg, via, note, sigs).await
}

/// The link to the queue, and for a direct worker its session's pool.
async fn open(via: &Via, cfg: &Config, suspect: &Suspect) -> Result<(Link, Option<PgPool>)> {
    let url = match via {
        Via::Server { url, token } => {
            let http = link::Http::new(url, token.clone())?;
            return Ok((Link::Http(Arc::new(http)), None));
        }
        Via::Database(url) => url,
    };
    let (pooled, own_claims) = connections(cfg.concurrency);
    let pool = crate::db::connect_discarding(
        url,
        &PoolConfig {
            max_connections: pooled,
            connect_timeout: Duration::from_secs(5),
            claims_only: false,
            application_name: "aiops worker",
        },
        suspect,
    )
    .await?;
    let claims = if own_claims {
        crate::db::connect_discarding(
            url,
            &PoolConfig {
                max_connections: 1,
                connect_timeout: Duration::from_secs(5),
                claims_only: true,
                application_name: "aiops worker",
            },
            suspect,
        )
        .await?
    } else {
        pool.clone()
    };
    let session = crate::db::connect_session(url, Duration::from_secs(5), "aiops worker").await?;
    notify::check_session(&session, &pool).await?;
    Ok((Link::Db { pool, claims }, Some(session)))
}

/// [`run`], told to stop by `stops` instead of signals: the first message stops claiming and
/// waits for running tasks, the second stops them.
pub async fn run_until(
    cfg: Config,
    via: &Via,
    note: impl Fn(String),
    sigs: mpsc::UnboundedReceiver<u32>,
) -> Result<u8> {
    let webhook_secret = crate::callbacks::WebhookSecret::from_env()?;
    let suspect = Suspect::default();
    let (link, session) = open(via, &cfg, &suspect).await?;
    let hostname = local_hostname();
    let pid = std::process::id() as i32;
    let reg = WorkerRegistration {
        id: cfg.id.clone(),
        cluster_name: cfg.cluster.clone(),
        backend_type: cfg.backend,
        hostname: hostname.clone(),
        pid,
        version: env!("CARGO_PKG_VERSION").to_string(),
        queues: cfg.queues.clone(),
        concurrency: cfg.concurrency as i32,
        capabilities: serde_json::json!({
            "executor": cfg.executor.name(),
        }),
        metadata: serde_json::json!({}),
        lease: cfg.lease(),
    };
    // Claim the cluster first, so a second worker fails before touching it.
    link.register(&reg).await?;
    let state_dir = state_dir(&cfg.id)?;
    // Before the cluster is touched: executors an earlier run of this worker left running
    // (killed with SIGKILL) would otherwise drive the cluster next to the new attempts.
    let stopped = leftovers::stop_all(&attempt::work_root(&state_dir), cfg.kill_grace).await;
    if !stopped.is_empty() {
        tracing::warn!(
            process_groups = ?stopped,
            "stopped executors that an earlier run of worker {} left running",
            cfg.id
        );
    }
    let cluster = match Cluster::prepare(&cfg.cluster_setup, &state_dir).await {
        Ok(c) => c,
        Err(e) => {
            let _ = link.offline(&cfg.id, pid).await;
            return Err(e);
        }
    };
    if matches!(cfg.executor, Executor::AiopsLab) {
        // A real Orchestrator() on this worker's kubeconfig, so a wrong context, config.yml or
        // tokenizer shows now rather than in every task.
        let env = cluster.runner_env(&cfg.cluster);
        if let Err(e) = runner::check(&cfg.python, &env).await {
            let _ = link.offline(&cfg.id, pid).await;
            return Err(match e {
                Error::Usage(m) => {
                    Error::Usage(format!("{m}; to run shell jobs instead, pass --exec CMD"))
                }
                other => other,
            });
        }
        tracing::info!("AIOpsLab runner ready on cluster {}", cfg.cluster);
    }
    note(format!(
        "worker {} serving queue(s) {} on cluster {} ({}), concurrency {}",
        cfg.id,
        cfg.queues.join(","),
        cfg.cluster,
        cfg.backend.as_str(),
        cfg.concurrency
    ));
    let shared = Arc::new(Shared {
        link: link.clone(),
        cfg,
        cluster,
        state_dir,
        running: Mutex::new(HashMap::new()),
        wake: Arc::new(Notify::new()),
        hostname,
        pid,
        last_contact: Mutex::new(Instant::now()),
        relisten: Arc::new(Notify::new()),
        recorder: recorder::Recorder::start(link.clone(), suspect.clone()),
        suspect,
    });
    let stopping = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let background = [tokio::spawn(heartbeat::run(
        shared.clone(),
        stopping.clone(),
    ))];
    let maintenance = match (session, &shared.link) {
        (Some(session), Link::Db { pool, .. }) => {
            let heard = shared.clone();
            Some(crate::maintenance::start(
                pool.clone(),
                session,
                crate::maintenance::Plan {
                    sweep_every: shared.cfg.heartbeat,
                    on_rescue: Some(shared.wake.clone()),
                    webhook_secret,
                    who: format!(
                        "worker {} ({}, pid {})",
                        shared.cfg.id, shared.hostname, shared.pid
                    ),
                    suspect: shared.suspect.clone(),
                    channels: vec![notify::SUBMIT, notify::CANCEL],
                    on_heard: Arc::new(move |h| heard.hear(h)),
                    renew: shared.relisten.clone(),
                },
            ))
        }
        // Over HTTP, `serve` maintains; the worker waits on it for cancels and submits.
        _ => None,
    };
    let waiting = match &shared.link {
        Link::Http(h) => Some(tokio::spawn(wait_loop(shared.clone(), h.clone()))),
        Link::Db { .. } => None,
    };
    let result = claim_loop::run(&shared, &stopping, sigs).await;
    for b in background {
        b.abort();
    }
    if let Some(w) = waiting {
        w.abort();
    }
    // The callbacks of the tasks just finished are sent before the worker goes.
    if let Some(m) = maintenance {
        m.stop().await;
    }
    let _ = shared
        .suspect
        .bounded(
            shared.cfg.heartbeat,
            shared.link.offline(&shared.cfg.id, shared.pid),
        )
        .await;
    shared.cluster.on_exit().await;
    result.map(|_| 0)
}

/// An HTTP worker's ear: wait on `serve` for cancels of its tasks and submits to its queues, as
/// a direct worker's session hears them; `serve` answers within a moment of either.
async fn wait_loop(shared: Arc<Shared>, server: Arc<link::Http>) {
    let mut known: Vec<crate::task::TaskId> = Vec::new();
    let mut backoff = Duration::from_millis(100);
    loop {
        let free = shared.running.lock().unwrap().len() < shared.cfg.concurrency;
        match server.wait(&shared.cfg.id, &known, free).await {
            Ok(w) => {
                backoff = Duration::from_millis(100);
                let running: Vec<crate::task::TaskId> =
                    shared.running.lock().unwrap().keys().copied().collect();
                known.retain(|id| running.contains(id));
                for id in w.cancel {
                    shared.stop(id, StopReason::Cancelled);
                    if !known.contains(&id) {
                        known.push(id);
                    }
                }
                if w.submitted {
                    shared.wake.notify_one();
                }
            }
            Err(e) => {
                tracing::debug!("waiting on the server failed (again in {backoff:?}): {e}");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(2));
                // Anything submitted while the server was away: look now.
                shared.wake.notify_one();
            }
        }
    }
}

/// Signals as a stream of counts: 1 on the first SIGINT/SIGTERM, 2 on the second.
fn signals() -> Result<mpsc::UnboundedReceiver<u32>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut n = 0;
        loop {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            n += 1;
            if tx.send(n).is_err() {
                return;
            }
        }
    });
    Ok(rx)
}

#[cfg(test)]
mod tests {
    use super::free_slots;

    #[test]
    fn slots_bound_executors_and_unrecorded_attempts() {
        // Two slots: both executing, nothing free.
        assert_eq!(free_slots(2, 2, 2), 0);
        // One ended and waits for the recorder: its slot is free again.
        assert_eq!(free_slots(2, 1, 2), 1);
        // Both ended and wait: both slots free.
        assert_eq!(free_slots(2, 0, 2), 2);
        // Five waiting: only one more may be claimed, so at most six are unrecorded.
        assert_eq!(free_slots(2, 0, 4), 2);
        assert_eq!(free_slots(2, 0, 5), 1);
        assert_eq!(free_slots(2, 0, 6), 0);
        assert_eq!(free_slots(2, 1, 6), 0);
    }
}
