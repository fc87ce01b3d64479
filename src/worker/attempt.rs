//! One attempt of one task on this worker: check the cluster, run the executor, stream its
//! lines into the log in batches, and record how it ended — every write fenced. The lines not
//! yet written when the executor ends go into the same transaction as the outcome, so a short
//! task costs one commit for its log and its result.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::{mpsc, watch};

use crate::error::Error;
use crate::log::{LogLevel, LogSource, NewLogLine};
use crate::queue::{Failure, Fence};
use crate::task::Task;
use crate::worker::executor::{self, ExecEvent, ExecOutcome, ExecSpec, StopReason};
use crate::worker::recorder::{Outcome, Record};
use crate::worker::{Executor, Shared};

/// Lines are written at least this often while an attempt runs (the first batch this long
/// after the attempt starts).
const FLUSH_EVERY: Duration = Duration::from_millis(100);
/// …or as soon as this many are waiting.
const FLUSH_LINES: usize = 500;
/// Lines kept in memory while the database is unreachable; older ones are dropped and counted.
const MAX_BUFFERED_LINES: usize = 20_000;

fn worker_line(level: LogLevel, message: impl Into<String>, context: Option<Value>) -> NewLogLine {
    NewLogLine {
        timestamp: chrono::Utc::now(),
        level,
        source: LogSource::Worker,
        message: message.into(),
        context,
    }
}

/// Run one claimed task to its end and record the outcome.
pub async fn run(shared: Arc<Shared>, task: Task, stop: watch::Receiver<Option<StopReason>>) {
    let fence = Fence::of(&task);
    let started = Instant::now();
    let (tx, rx) = mpsc::channel::<ExecEvent>(4096);
    let pump = tokio::spawn(pump(shared.clone(), fence.clone(), rx));
    let _ = tx
        .send(ExecEvent::Log(worker_line(
            LogLevel::Info,
            format!(
                "attempt {} of {} started on worker {} (cluster {})",
                task.attempt, task.max_attempts, shared.cfg.id, shared.cfg.cluster
            ),
            None,
        )))
        .await;

    // Cluster preparation (a health check, or a whole kind recreate) still answers to cancel
    // and shutdown.
    let mut early_stop = stop.clone();
    let ready = tokio::select! {
        r = shared.cluster.before_task() => r.map_err(ExecOutcome::SpawnFailed),
        Ok(reason) = early_stop.wait_for(Option::is_some) => {
            Err(ExecOutcome::Stopped(reason.unwrap_or(StopReason::Cancelled)))
        }
    };
    let ready = match ready {
        Ok(()) if matches!(shared.cfg.executor, Executor::AiopsLab) => {
            let mut early_stop = stop.clone();
            tokio::select! {
                r = clean_left_overs(&shared, &tx) => r.map_err(ExecOutcome::SpawnFailed),
                Ok(reason) = early_stop.wait_for(Option::is_some) => {
                    Err(ExecOutcome::Stopped(reason.unwrap_or(StopReason::Cancelled)))
                }
            }
        }
        other => other,
    };
    let mut partial = None;
    let outcome = match ready {
        Err(stopped) => stopped,
        Ok(()) if matches!(shared.cfg.executor, Executor::InProcess(_)) => {
            if let Executor::InProcess(f) = &shared.cfg.executor {
                f(&task);
            }
            ExecOutcome::Exited {
                code: 0,
                result: Ok(None),
                stderr_tail: Vec::new(),
            }
        }
        Ok(()) => match prepare(&shared, &task) {
            Err(e) => ExecOutcome::SpawnFailed(e),
            Ok(spec) => {
                let workdir = spec.workdir.clone();
                let result_file = spec.result_file.clone();
                let out = executor::run(spec, tx.clone(), stop).await;
                if !matches!(out, ExecOutcome::Exited { code: 0, .. }) {
                    // What a failed or stopped attempt got to (an AIOpsLab run's history so far).
                    partial = executor::read_result(&result_file).await.ok().flatten();
                }
                if let Err(e) = std::fs::remove_dir_all(&workdir) {
                    tracing::debug!("removing {}: {e}", workdir.display());
                }
                out
            }
        },
    };
    let took = started.elapsed();
    let (summary, level) = describe(&outcome, &task, took);
    let _ = tx
        .send(ExecEvent::Log(worker_line(level, summary.clone(), None)))
        .await;
    drop(tx);
    let rest = pump.await.unwrap_or_default();
    tracing::info!(task = %task.id, attempt = task.attempt, "{summary}");
    // N.B.: leave the heartbeat's set before the final write, so a heartbeat racing with it
    // does not mistake the finished task for a lost lease. This also gives the slot back.
    let remade = shared.leave(task.id, task.attempt);
    finish(&shared, &fence, outcome, partial, &summary, rest, remade).await;
}

/// Where a worker's attempts get their work directories, one per task and attempt.
pub(crate) fn work_root(state_dir: &Path) -> PathBuf {
    state_dir.join("work")
}

/// Where the AIOpsLab runner marks the cluster while it holds anything of an attempt's problem
/// (deployed application, injected fault). The runner removes the mark once AIOpsLab's cleanup
/// ran; one left behind means an attempt was killed before it could.
fn markers_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("cluster-in-use")
}

fn cluster_marker(state_dir: &Path, task: &Task) -> PathBuf {
    markers_dir(state_dir).join(format!("{}-{}.json", task.id, task.attempt))
}

/// Before an AIOpsLab task: undo what killed attempts left on the cluster, through AIOpsLab's
/// own fault recovery and application cleanup. Markers of attempts still running here are
/// theirs. Fails with the remedy when the cleanup fails, so no problem runs on a dirty cluster.
async fn clean_left_overs(shared: &Shared, tx: &mpsc::Sender<ExecEvent>) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(markers_dir(&shared.state_dir)) else {
        return Ok(());
    };
    let running: Vec<String> = shared
        .held()
        .iter()
        .map(|(id, attempt)| format!("{id}-{attempt}.json"))
        .collect();
    let env = shared.cluster.runner_env(&shared.cfg.cluster);
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".json") || running.contains(&name) {
            continue;
        }
        let marker = entry.path();
        if shared.cluster.fresh_each_task() {
            let _ = std::fs::remove_file(&marker);
            continue;
        }
        let left = std::fs::read_to_string(&marker).unwrap_or_default();
        let _ = tx
            .send(ExecEvent::Log(worker_line(
                LogLevel::Warning,
                format!(
                    "cluster {} holds what an earlier attempt left ({}); running AIOpsLab's fault recovery and application cleanup first",
                    shared.cfg.cluster,
                    left.trim()
                ),
                None,
            )))
            .await;
        crate::worker::runner::cleanup(&shared.cfg.python, &marker, &env, CLEANUP_LIMIT)
            .await
            .map_err(|e| {
                format!(
                    "cluster {} was left dirty by an attempt that was killed ({}), and cleaning it up failed: {e}; restart the worker with --recreate-cluster (kind), or clean the cluster by hand and remove {}",
                    shared.cfg.cluster,
                    left.trim(),
                    marker.display()
                )
            })?;
    }
    Ok(())
}

/// How long the cleanup after a killed attempt may take (AIOpsLab waits up to 5 minutes for a
/// namespace to go).
const CLEANUP_LIMIT: Duration = Duration::from_secs(600);

/// The attempt's work directory, program, environment and stdin.
fn prepare(shared: &Shared, task: &Task) -> Result<ExecSpec, String> {
    let workdir: PathBuf =
        work_root(&shared.state_dir).join(format!("{}-{}", task.id, task.attempt));
    let _ = std::fs::remove_dir_all(&workdir);
    std::fs::create_dir_all(&workdir)
        .map_err(|e| format!("cannot create work directory {}: {e}", workdir.display()))?;
    let result_file = workdir.join("result.json");
    let (program, args) = match &shared.cfg.executor {
        Executor::Shell(cmd) => ("sh".to_string(), vec!["-c".to_string(), cmd.clone()]),
        Executor::InProcess(_) => unreachable!("in-process attempts have no process"),
        Executor::AiopsLab => {
            let script = workdir.join("aiops_runner.py");
            std::fs::write(&script, crate::worker::runner::SCRIPT)
                .map_err(|e| format!("cannot write {}: {e}", script.display()))?;
            (
                shared.cfg.python.clone(),
                vec![script.to_string_lossy().into_owned(), "run".to_string()],
            )
        }
    };
    let mut env = vec![
        ("AIOPS_TASK_ID".to_string(), task.id.to_string()),
        ("AIOPS_PROBLEM_ID".into(), task.problem_id.clone()),
        ("AIOPS_ATTEMPT".into(), task.attempt.to_string()),
        ("AIOPS_PARAMETERS".into(), task.parameters.to_string()),
        ("AIOPS_AGENT_CONFIG".into(), task.agent_config().to_string()),
        ("AIOPS_MAX_STEPS".into(), task.max_steps().to_string()),
        (
            "AIOPS_TIMEOUT_SECONDS".into(),
            task.timeout_seconds.to_string(),
        ),
        ("AIOPS_WORKER_ID".into(), shared.cfg.id.clone()),
        (
            "AIOPS_RESULT_FILE".into(),
            result_file.to_string_lossy().into_owned(),
        ),
        (
            "AIOPS_WORKDIR".into(),
            workdir.to_string_lossy().into_owned(),
        ),
    ];
    env.extend(shared.cluster.runner_env(&shared.cfg.cluster));
    if matches!(shared.cfg.executor, Executor::AiopsLab) {
        let marker = cluster_marker(&shared.state_dir, task);
        env.push((
            "AIOPS_CLUSTER_MARKER".into(),
            marker.to_string_lossy().into_owned(),
        ));
        if let Some(dir) = &shared.cfg.results_dir {
            let dir = dir.join(format!("{}-{}", task.id, task.attempt));
            env.push((
                "AIOPS_RESULTS_DIR".into(),
                dir.to_string_lossy().into_owned(),
            ));
        }
    }
    Ok(ExecSpec {
        program,
        args,
        workdir,
        env,
        stdin: serde_json::to_vec(task).unwrap_or_default(),
        result_file,
        timeout: task.timeout(),
        kill_grace: shared.cfg.kill_grace,
        max_line_bytes: executor::DEFAULT_MAX_LINE_BYTES,
        max_log_bytes: executor::DEFAULT_MAX_LOG_BYTES,
    })
}

fn tail(lines: &[String]) -> String {
    if lines.is_empty() {
        "no stderr output".into()
    } else {
        format!("last stderr lines:\n{}", lines.join("\n"))
    }
}

/// One sentence for the log and `error_details`.
fn describe(outcome: &ExecOutcome, task: &Task, took: Duration) -> (String, LogLevel) {
    let took = crate::duration::human(took);
    match outcome {
        ExecOutcome::Exited { code: 0, result: Ok(_), .. } => {
            (format!("attempt {} completed in {took}", task.attempt), LogLevel::Info)
        }
        ExecOutcome::Exited { code: 0, result: Err(e), .. } => (
            format!("attempt {} exited 0 after {took} but its result was refused: {e}", task.attempt),
            LogLevel::Error,
        ),
        ExecOutcome::Exited { code, stderr_tail, .. } => (
            format!("attempt {} failed after {took}: exit code {code}; {}", task.attempt, tail(stderr_tail)),
            LogLevel::Error,
        ),
        ExecOutcome::Signalled { signal, stderr_tail } => (
            format!(
                "attempt {} failed after {took}: killed by signal {signal}; {}",
                task.attempt,
                tail(stderr_tail)
            ),
            LogLevel::Error,
        ),
        ExecOutcome::TimedOut => (
            format!(
                "attempt {} timed out after {}; its process group was stopped",
                task.attempt,
                crate::duration::human(task.timeout())
            ),
            LogLevel::Error,
        ),
        ExecOutcome::Stopped(StopReason::Cancelled) => (
            format!("attempt {} cancelled after {took}; its process group was stopped", task.attempt),
            LogLevel::Warning,
        ),
        ExecOutcome::Stopped(StopReason::Shutdown) => (
            format!(
                "attempt {} stopped after {took} because the worker is shutting down; re-queued without spending an attempt",
                task.attempt
            ),
            LogLevel::Warning,
        ),
        ExecOutcome::Stopped(StopReason::LeaseLost) => (
            format!(
                "attempt {} stopped after {took}: this worker lost the task's lease (cut off from the database); another worker may run it",
                task.attempt
            ),
            LogLevel::Warning,
        ),
        ExecOutcome::SpawnFailed(e) => (
            format!("attempt {} could not start: {e}", task.attempt),
            LogLevel::Error,
        ),
    }
}

/// Record the outcome together with the attempt's last lines and progress, in one transaction,
/// retrying while the database is away (but not past the lease: then the task is being rescued
/// elsewhere and the fence would refuse the write anyway).
///
/// `remade`: this worker claimed the attempt again while it ran ([`Shared::take_claim`]). If
/// its lease looked lost meanwhile, that was because the database had forgotten the first
/// claim; by the time the claim was made again the executor was stopping. The claim made again
/// is ours, so the task goes back to the queue at once instead of waiting out the lease.
async fn finish(
    shared: &Shared,
    fence: &Fence,
    outcome: ExecOutcome,
    partial: Option<Value>,
    summary: &str,
    rest: Rest,
    remade: bool,
) {
    let lease_lost = rest.fenced || matches!(outcome, ExecOutcome::Stopped(StopReason::LeaseLost));
    let (outcome, lines) = if remade && lease_lost {
        let summary = format!(
            "attempt {} was stopped because the database had forgotten its claim; re-queued without spending an attempt",
            fence.attempt
        );
        tracing::warn!(task = %fence.task_id, attempt = fence.attempt, "{summary}");
        let mut lines = rest.lines;
        lines.push(worker_line(LogLevel::Warning, summary.clone(), None));
        (Outcome::Release { summary }, lines)
    } else if rest.fenced {
        return;
    } else {
        match as_recorded(outcome, partial, summary) {
            Some(outcome) => (outcome, rest.lines),
            None => return,
        }
    };
    let deadline = Instant::now() + shared.cfg.lease();
    let mut backoff = Duration::from_millis(100);
    let mut record = Record {
        fence: fence.clone(),
        lines,
        progress: rest.progress,
        outcome,
    };
    loop {
        let (answer, back) = shared.recorder.record(record, deadline).await;
        let e = match answer {
            Ok(()) => return,
            Err(Error::Fenced { .. }) => {
                tracing::warn!(task = %fence.task_id, "the outcome was refused: this worker no longer holds the task");
                return;
            }
            Err(e) => e,
        };
        match back {
            Some(back) if Instant::now() < deadline => record = back,
            _ => {
                tracing::error!(task = %fence.task_id, "gave up recording the outcome (the lease has passed; the task will be rescued): {e}");
                return;
            }
        }
        tracing::warn!(task = %fence.task_id, "recording the outcome failed, retrying: {e}");
        // The database answers heartbeats, so the lines themselves may be what it refuses: the
        // outcome must not be held hostage to them.
        if record.lines.len() > 1 && shared.db_reachable() {
            let n = record.lines.len();
            record.lines = vec![worker_line(
                LogLevel::Warning,
                format!("{n} log lines of this attempt could not be written: {e}"),
                None,
            )];
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(2));
    }
}

/// What the queue records for an attempt's end; `None` when nothing may be written (the lease
/// is gone).
fn as_recorded(outcome: ExecOutcome, partial: Option<Value>, summary: &str) -> Option<Outcome> {
    let fail = |kind, exit_code| Outcome::Fail {
        kind,
        summary: summary.to_string(),
        exit_code,
        result: partial.clone(),
    };
    Some(match outcome {
        ExecOutcome::Exited {
            code: 0,
            result: Ok(result),
            ..
        } => Outcome::Complete {
            result,
            exit_code: Some(0),
        },
        ExecOutcome::Exited { code, .. } => fail(Failure::Failed, Some(code)),
        ExecOutcome::Signalled { signal, .. } => fail(Failure::Failed, Some(128 + signal)),
        ExecOutcome::SpawnFailed(_) => fail(Failure::Failed, None),
        ExecOutcome::TimedOut => fail(Failure::Timeout, None),
        ExecOutcome::Stopped(StopReason::Cancelled) => fail(Failure::Cancelled, None),
        ExecOutcome::Stopped(StopReason::Shutdown) => Outcome::Release {
            summary: summary.to_string(),
        },
        ExecOutcome::Stopped(StopReason::LeaseLost) => return None,
    })
}

/// What the pump had not written when the executor's events ended: [`finish`] writes it with
/// the outcome.
#[derive(Default)]
struct Rest {
    lines: Vec<NewLogLine>,
    progress: Option<Value>,
    /// A write was refused: the lease is gone, nothing more may be written.
    fenced: bool,
}

/// Move executor events into the database in batches while the attempt runs: lines in one
/// INSERT, progress as its latest value. While the database is away lines wait in memory
/// (bounded); a fenced write means the lease is gone, so the attempt is stopped. Returns what is
/// left to write when the events end.
async fn pump(shared: Arc<Shared>, fence: Fence, mut rx: mpsc::Receiver<ExecEvent>) -> Rest {
    let mut lines: Vec<NewLogLine> = Vec::new();
    let mut progress: Option<Value> = None;
    let mut dropped: u64 = 0;
    let mut next_flush = tokio::time::Instant::now() + FLUSH_EVERY;
    let mut fenced = false;
    loop {
        // Events first: after a slow failed flush the timer is always due, and a fair choice
        // would leave the end of the events (and so the attempt) waiting on flush after flush.
        tokio::select! {
            biased;
            ev = rx.recv() => {
                match ev {
                    Some(ExecEvent::Log(l)) => lines.push(l),
                    Some(ExecEvent::Progress(p)) => progress = Some(p),
                    None => break,
                }
                // A steady stream keeps this branch chosen, so it flushes on time by itself.
                if lines.len() < FLUSH_LINES && tokio::time::Instant::now() < next_flush {
                    continue;
                }
            }
            _ = tokio::time::sleep_until(next_flush) => {}
        }
        next_flush = tokio::time::Instant::now() + FLUSH_EVERY;
        if fenced {
            lines.clear();
            progress = None;
            continue;
        }
        bound_lines(&mut lines, &mut dropped);
        let mut ok = true;
        if !lines.is_empty() {
            match shared
                .suspect
                .bounded(shared.cfg.lease(), shared.link.append_logs(&fence, &lines))
                .await
            {
                Ok(()) => lines.clear(),
                Err(Error::Fenced { .. }) => {
                    fenced = true;
                    shared.stop(fence.task_id, StopReason::LeaseLost);
                }
                Err(e) => {
                    ok = false;
                    tracing::warn!(task = %fence.task_id, "writing log lines failed, will retry: {e}");
                }
            }
        }
        if ok && !fenced {
            if let Some(p) = &progress {
                match shared
                    .suspect
                    .bounded(shared.cfg.lease(), shared.link.set_progress(&fence, p))
                    .await
                {
                    Ok(()) => progress = None,
                    Err(Error::Fenced { .. }) => {
                        fenced = true;
                        shared.stop(fence.task_id, StopReason::LeaseLost);
                    }
                    Err(e) => {
                        ok = false;
                        tracing::warn!(task = %fence.task_id, "writing progress failed, will retry: {e}");
                    }
                }
            }
        }
        if !ok {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    if fenced {
        return Rest {
            fenced,
            ..Rest::default()
        };
    }
    bound_lines(&mut lines, &mut dropped);
    Rest {
        lines,
        progress,
        fenced,
    }
}

/// Keep at most [`MAX_BUFFERED_LINES`] waiting lines (the newest), and put one line in front
/// that says how many were dropped since the last time this was said.
fn bound_lines(lines: &mut Vec<NewLogLine>, dropped: &mut u64) {
    if lines.len() > MAX_BUFFERED_LINES {
        let extra = lines.len() - MAX_BUFFERED_LINES;
        lines.drain(..extra);
        *dropped += extra as u64;
    }
    if *dropped > 0 {
        lines.insert(
            0,
            worker_line(
                LogLevel::Warning,
                format!("{dropped} log lines were dropped while the database was unreachable"),
                None,
            ),
        );
        *dropped = 0;
    }
}
