//! Runs one attempt of a task as a child process: its own process group, a cleaned environment,
//! the task JSON on stdin, every stdout/stderr line forwarded as it arrives, and a result file read
//! after exit. Timeouts and stop requests take the whole group down (SIGTERM, a grace, SIGKILL), so
//! nothing the attempt started outlives it.
//!
//! Decisions worth knowing:
//! - Plain stdout lines are `info`, plain stderr lines `warning` (many tools log ordinary progress
//!   to stderr, so `error` would cry wolf); a structured line without a `level` gets the same
//!   default as its stream.
//! - A line longer than `max_line_bytes` is cut at a character boundary and ends with
//!   ` …[truncated N bytes]`, N counting the input bytes left out.
//! - Once the forwarded messages reach `max_log_bytes`, further lines are read and counted but not
//!   forwarded, and one `worker` line `log limit of N bytes reached; further output dropped (M
//!   bytes)` is sent at the end. Progress updates keep flowing: they are not stored as log lines.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::Utc;
use nix::sys::signal::Signal;
use nix::unistd::Pid;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;
use tokio::sync::{mpsc, watch};
use tokio::time::{sleep_until, timeout, Instant};

use crate::log::{LogLevel, LogSource, NewLogLine};
use crate::worker::process_group::{
    signal_group, stop_group, wait_group_gone, GroupGuard, GROUP_EXIT_WAIT,
};

/// A sensible `max_line_bytes`: long enough for a stack trace line or a JSON record, short enough
/// that a binary dump cannot fill the log table through one line.
pub const DEFAULT_MAX_LINE_BYTES: usize = 64 * 1024;

/// A sensible `max_log_bytes` per attempt: a chatty agent fits, a runaway loop does not.
pub const DEFAULT_MAX_LOG_BYTES: u64 = 16 * 1024 * 1024;

/// How many stderr lines an attempt keeps for the failure report.
const STDERR_TAIL_LINES: usize = 20;

/// A result larger than this is refused rather than loaded into memory and the database.
const MAX_RESULT_BYTES: u64 = 64 * 1024 * 1024;

/// How long to keep reading pipes once the group is gone; only a process that left the group
/// (setsid) can still hold them open, and it must not keep the attempt alive.
const PIPE_DRAIN_WAIT: Duration = Duration::from_secs(5);

/// Read buffer per stream; also the most a stream holds besides the current line.
const READ_BUF_BYTES: usize = 64 * 1024;

/// Everything needed to start one attempt; built by the worker from the claimed task.
#[derive(Clone)]
pub struct ExecSpec {
    /// The program to start, looked up in `PATH` (e.g. `sh` or `python3`).
    pub program: String,
    /// Its arguments (e.g. `["-c", CMD]` or `[runner.py, "run"]`).
    pub args: Vec<String>,
    /// The attempt's fresh work directory, created by the caller; the child's cwd.
    pub workdir: PathBuf,
    /// Variables added on top of the worker's environment, from which every database setting
    /// (`*DATABASE_URL*`, `AIOPS_DATABASE*`, `PG*`) has been removed so the executor never sees the
    /// database password. Variables given here are passed as they are.
    pub env: Vec<(String, String)>,
    /// The task as JSON, written to stdin, which is then closed.
    pub stdin: Vec<u8>,
    /// Where the child may write its JSON result; read after it exits.
    pub result_file: PathBuf,
    /// Wall-clock budget from spawn; on expiry the group is stopped and the outcome is `TimedOut`.
    pub timeout: Duration,
    /// Time between SIGTERM and SIGKILL, for the child to clean up (e.g. delete its cluster).
    pub kill_grace: Duration,
    /// Longest line forwarded, in bytes; longer lines are cut with a marker.
    pub max_line_bytes: usize,
    /// Most bytes of log messages forwarded per attempt; the rest is counted and reported once.
    pub max_log_bytes: u64,
}

/// Shows variable names but not values, which may hold API keys (`AIOPS_AGENT_CONFIG`).
impl std::fmt::Debug for ExecSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecSpec")
            .field("program", &self.program)
            .field("args", &self.args)
            .field("workdir", &self.workdir)
            .field("env", &self.env.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .field("stdin_bytes", &self.stdin.len())
            .field("result_file", &self.result_file)
            .field("timeout", &self.timeout)
            .field("kill_grace", &self.kill_grace)
            .field("max_line_bytes", &self.max_line_bytes)
            .field("max_log_bytes", &self.max_log_bytes)
            .finish()
    }
}

/// What the attempt reports while it runs, in the order its streams produced it.
#[derive(Debug, Clone, PartialEq)]
pub enum ExecEvent {
    /// A line to store in the task's log.
    Log(NewLogLine),
    /// The `progress` value of a structured line, normally `{"step": 3, "max_steps": 30}`.
    Progress(Value),
}

/// Why the worker asks a running attempt to stop; echoed in the outcome so the caller knows
/// which state to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// A user cancelled the task.
    Cancelled,
    /// The worker is shutting down and its grace ran out.
    Shutdown,
    /// The worker no longer owns the task; another worker may already run it.
    LeaseLost,
}

/// How the attempt ended; the caller maps it to the task's next state.
#[derive(Debug, Clone, PartialEq)]
pub enum ExecOutcome {
    /// The child exited by itself. `result` is `Ok(None)` when the result file is absent or
    /// empty and `Err` (a sentence naming the file) when it cannot be used.
    Exited {
        code: i32,
        result: Result<Option<Value>, String>,
        stderr_tail: Vec<String>,
    },
    /// The child was killed by a signal nobody here sent (OOM killer, a crash).
    Signalled {
        signal: i32,
        stderr_tail: Vec<String>,
    },
    /// `timeout` expired; the group was stopped.
    TimedOut,
    /// The worker asked the attempt to stop; the group was stopped.
    Stopped(StopReason),
    /// The child could not be started (or could not be supervised); the message says why.
    SpawnFailed(String),
}

/// Runs one attempt to its end and reports how it ended.
///
/// Lines and progress go to `events` as they arrive; a full channel slows the child down (its
/// pipe fills up), a dropped receiver only means the lines are discarded. Setting `stop` to
/// `Some(reason)` stops the group at once (SIGTERM, `kill_grace`, SIGKILL). Whatever happens,
/// no process of the group is left running when this returns, except one that survived SIGKILL
/// for several seconds, which is logged; dropping the future kills the group with SIGKILL.
pub async fn run(
    mut spec: ExecSpec,
    events: mpsc::Sender<ExecEvent>,
    mut stop: watch::Receiver<Option<StopReason>>,
) -> ExecOutcome {
    let env = child_env(std::env::vars_os(), &spec.env);
    let mut command = Command::new(resolve_program(&spec.program, &env));
    command
        .args(&spec.args)
        .current_dir(&spec.workdir)
        .env_clear()
        .envs(env)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(false);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            return ExecOutcome::SpawnFailed(format!(
                "cannot start `{}` in {}: {e}",
                spec.program,
                spec.workdir.display()
            ))
        }
    };
    let started = Instant::now();
    let Some(pid) = child.id() else {
        return ExecOutcome::SpawnFailed("the child vanished before its pid was known".into());
    };
    // N.B.: process_group(0) makes the child's pid its group id.
    let pgid = Pid::from_raw(pid as i32);
    let mut guard = GroupGuard { pgid, armed: true };
    crate::worker::leftovers::record(&spec.workdir, pgid.as_raw());
    tracing::debug!(pid, program = %spec.program, "executor started");

    let stdin_task = child.stdin.take().map(|mut pipe| {
        let data = std::mem::take(&mut spec.stdin);
        // A child that never reads stdin gets EPIPE here, which is fine.
        tokio::spawn(async move {
            let _ = pipe.write_all(&data).await;
            let _ = pipe.shutdown().await;
        })
    });
    let shared = Arc::new(Mutex::new(Shared::new(spec.max_log_bytes)));
    let readers = [
        child.stdout.take().map(|s| (s.boxed(), LogSource::Stdout)),
        child.stderr.take().map(|s| (s.boxed(), LogSource::Stderr)),
    ]
    .into_iter()
    .flatten()
    .map(|(pipe, source)| {
        let reader = StreamReader {
            source,
            events: Some(events.clone()),
            shared: Arc::clone(&shared),
            max_line_bytes: spec.max_line_bytes.max(1),
        };
        tokio::spawn(reader.run(pipe))
    })
    .collect::<Vec<_>>();

    let deadline = started.checked_add(spec.timeout);
    let ended = tokio::select! {
        status = child.wait() => Ended::Exited(status),
        () = until(deadline) => Ended::TimedOut,
        reason = stop_requested(&mut stop) => Ended::Stopped(reason),
    };

    let mut notes = Vec::new();
    let group_gone = match &ended {
        Ended::Exited(_) => {
            // Background children of a finished leader must not outlive the attempt.
            signal_group(pgid, Signal::SIGKILL);
            wait_group_gone(Some(&mut child), pgid, GROUP_EXIT_WAIT).await
        }
        Ended::TimedOut | Ended::Stopped(_) => {
            stop_group(pgid, spec.kill_grace, Some(&mut child)).await
        }
    };
    if group_gone {
        guard.armed = false;
        crate::worker::leftovers::forget(&spec.workdir);
    } else {
        tracing::warn!(pgid = pid, "processes of the attempt survived SIGKILL");
        notes.push(format!(
            "process group {pid} still has processes {}s after SIGKILL",
            GROUP_EXIT_WAIT.as_secs()
        ));
    }

    let mut readers = readers;
    let drained = timeout(PIPE_DRAIN_WAIT, async {
        for reader in &mut readers {
            let _ = reader.await;
        }
    })
    .await;
    if drained.is_err() {
        readers.iter().for_each(|r| r.abort());
        notes.push(format!(
            "stopped reading output {}s after the process group ended: a process that left the \
             group still holds stdout or stderr open, or the log consumer is stalled",
            PIPE_DRAIN_WAIT.as_secs()
        ));
    }
    if let Some(task) = stdin_task {
        task.abort();
    }

    let (stderr_tail, limit_note) = {
        let shared = shared.lock().unwrap_or_else(PoisonError::into_inner);
        (
            shared.tail.iter().cloned().collect::<Vec<_>>(),
            shared.limit_note(),
        )
    };
    notes.extend(limit_note);
    for note in notes {
        let line = NewLogLine {
            timestamp: Utc::now(),
            level: LogLevel::Warning,
            source: LogSource::Worker,
            message: note,
            context: None,
        };
        if events.send(ExecEvent::Log(line)).await.is_err() {
            break;
        }
    }

    match ended {
        Ended::Exited(Ok(status)) => exited(status, &spec.result_file, stderr_tail).await,
        Ended::Exited(Err(e)) => {
            ExecOutcome::SpawnFailed(format!("lost track of process {pid}: {e}"))
        }
        Ended::TimedOut => ExecOutcome::TimedOut,
        Ended::Stopped(reason) => ExecOutcome::Stopped(reason),
    }
}

/// Why the supervision loop stopped waiting.
enum Ended {
    Exited(std::io::Result<ExitStatus>),
    TimedOut,
    Stopped(StopReason),
}

async fn exited(status: ExitStatus, result_file: &Path, stderr_tail: Vec<String>) -> ExecOutcome {
    match status.code() {
        Some(code) => ExecOutcome::Exited {
            code,
            result: read_result(result_file).await,
            stderr_tail,
        },
        None => ExecOutcome::Signalled {
            signal: status.signal().unwrap_or(0),
            stderr_tail,
        },
    }
}

/// The worker's environment minus database settings, plus the attempt's own variables.
fn child_env(
    parent: impl Iterator<Item = (OsString, OsString)>,
    extra: &[(String, String)],
) -> Vec<(OsString, OsString)> {
    let mut env: Vec<(OsString, OsString)> = parent
        .filter(|(name, _)| !is_database_var(&name.to_string_lossy()))
        .collect();
    env.extend(
        extra
            .iter()
            .map(|(k, v)| (OsString::from(k), OsString::from(v))),
    );
    env
}

/// The program as a path, found on the child's own `PATH` when it is a bare name.
///
/// N.B.: given a bare name and an environment that sets `PATH`, the standard library spawns
/// with fork + exec instead of posix_spawn (it cannot know which `PATH` the search would use),
/// and fork copies the worker's page tables on every attempt: resolving the name here keeps
/// the cheap path. A name found nowhere is passed on as it is, so the spawn error names it.
fn resolve_program(program: &str, env: &[(OsString, OsString)]) -> PathBuf {
    if program.contains('/') {
        return PathBuf::from(program);
    }
    let path = env
        .iter()
        .rev()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| OsString::from("/usr/local/bin:/usr/bin:/bin"));
    std::env::split_paths(&path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable_file(candidate))
        .unwrap_or_else(|| PathBuf::from(program))
}

fn is_executable_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Whether a variable may carry database credentials (`DATABASE_URL`, `AIOPS_DATABASE_URL`,
/// `PGPASSWORD`, `PGHOST`…); matched case-insensitively, since some tools accept lower case.
fn is_database_var(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.contains("DATABASE_URL") || upper.starts_with("AIOPS_DATABASE") || upper.starts_with("PG")
}

/// Resolves once `stop` holds a reason; never, if the sender is gone without asking.
async fn stop_requested(stop: &mut watch::Receiver<Option<StopReason>>) -> StopReason {
    loop {
        if let Some(reason) = *stop.borrow_and_update() {
            return reason;
        }
        if stop.changed().await.is_err() {
            return std::future::pending().await;
        }
    }
}

/// Sleeps until `deadline`, or forever when the timeout was too large to represent.
async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// State both stream readers share: the log budget and the stderr tail.
struct Shared {
    max_log_bytes: u64,
    forwarded: u64,
    limited: bool,
    dropped: u64,
    tail: VecDeque<String>,
}

impl Shared {
    fn new(max_log_bytes: u64) -> Self {
        Shared {
            max_log_bytes,
            forwarded: 0,
            limited: false,
            dropped: 0,
            tail: VecDeque::with_capacity(STDERR_TAIL_LINES),
        }
    }

    /// Whether a log message of `cost` bytes may still be forwarded; once one may not, no later
    /// one may either, and the line's `raw` input bytes are counted as dropped.
    fn admit(&mut self, cost: u64, raw: u64) -> bool {
        if !self.limited && self.forwarded.saturating_add(cost) <= self.max_log_bytes {
            self.forwarded += cost;
            return true;
        }
        self.limited = true;
        self.dropped = self.dropped.saturating_add(raw);
        false
    }

    fn remember_stderr(&mut self, line: &str) {
        if self.tail.len() == STDERR_TAIL_LINES {
            self.tail.pop_front();
        }
        self.tail.push_back(line.to_owned());
    }

    fn limit_note(&self) -> Option<String> {
        self.limited.then(|| {
            format!(
                "log limit of {} bytes reached; further output dropped ({} bytes)",
                self.max_log_bytes, self.dropped
            )
        })
    }
}

/// A pipe of the child, type-erased so stdout and stderr share one reader.
type Pipe = Box<dyn AsyncRead + Send + Unpin>;

trait BoxedPipe {
    fn boxed(self) -> Pipe;
}

impl<T: AsyncRead + Send + Unpin + 'static> BoxedPipe for T {
    fn boxed(self) -> Pipe {
        Box::new(self)
    }
}

/// Turns one stream of the child into events, line by line, in bounded memory.
struct StreamReader {
    source: LogSource,
    /// `None` once the receiver is gone: the pipe is still drained so the child never blocks.
    events: Option<mpsc::Sender<ExecEvent>>,
    shared: Arc<Mutex<Shared>>,
    max_line_bytes: usize,
}

impl StreamReader {
    async fn run(mut self, pipe: Pipe) {
        let mut reader = BufReader::with_capacity(READ_BUF_BYTES, pipe);
        let mut line = Vec::new();
        let mut skipped: u64 = 0;
        loop {
            let buf = match reader.fill_buf().await {
                Ok(buf) => buf,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    tracing::warn!(source = %self.source, error = %e, "cannot read executor output");
                    break;
                }
            };
            if buf.is_empty() {
                break;
            }
            let newline = buf.iter().position(|&b| b == b'\n');
            let content = newline.unwrap_or(buf.len());
            let keep = content.min(self.max_line_bytes - line.len());
            line.extend_from_slice(&buf[..keep]);
            skipped += (content - keep) as u64;
            reader.consume(content + usize::from(newline.is_some()));
            if newline.is_some() {
                self.line(&line, skipped, 1).await;
                line.clear();
                skipped = 0;
            }
        }
        if !line.is_empty() || skipped > 0 {
            self.line(&line, skipped, 0).await;
        }
    }

    /// Handles one line: `raw` is what was kept, `skipped` what was cut off after it.
    async fn line(&mut self, raw: &[u8], skipped: u64, terminator: u64) {
        let raw = match raw {
            [rest @ .., b'\r'] if skipped == 0 => rest,
            _ => raw,
        };
        let input_bytes = raw.len() as u64 + skipped + terminator;
        let text = render_line(raw, skipped, self.max_line_bytes);
        let (log, progress) = interpret(&text, skipped == 0, self.source);
        let forward_log = {
            let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
            if self.source == LogSource::Stderr {
                shared.remember_stderr(&text);
            }
            log.is_some() && shared.admit(text.len() as u64, input_bytes)
        };
        let log = if forward_log {
            log.map(|(level, message, context)| NewLogLine {
                timestamp: Utc::now(),
                level,
                source: self.source,
                message: message.unwrap_or(text),
                context,
            })
        } else {
            None
        };
        let events = log
            .map(ExecEvent::Log)
            .into_iter()
            .chain(progress.map(ExecEvent::Progress));
        for event in events {
            let Some(tx) = &self.events else { return };
            if tx.send(event).await.is_err() {
                self.events = None;
            }
        }
    }
}

/// The default level of a line that does not name one.
fn default_level(source: LogSource) -> LogLevel {
    match source {
        LogSource::Stderr => LogLevel::Warning,
        _ => LogLevel::Info,
    }
}

/// A log line to emit: level, message (`None` = the line's text) and context.
type LogParts = (LogLevel, Option<String>, Option<Value>);

/// Reads a line as the executor protocol defines it: a JSON object with a string `message` is a
/// structured log line, one with `progress` a progress update (both if it has both); anything
/// else is logged as plain text.
fn interpret(text: &str, complete: bool, source: LogSource) -> (Option<LogParts>, Option<Value>) {
    let plain = (Some((default_level(source), None, None)), None);
    if !complete || !text.trim_start().starts_with('{') {
        return plain;
    }
    let Ok(Value::Object(mut object)) = serde_json::from_str::<Value>(text) else {
        return plain;
    };
    let progress = object.remove("progress");
    let log = match object.remove("message") {
        Some(Value::String(message)) => {
            let level = object
                .get("level")
                .and_then(Value::as_str)
                .and_then(LogLevel::parse_lenient)
                .unwrap_or_else(|| default_level(source));
            let context = match object.remove("context") {
                None | Some(Value::Null) => None,
                Some(context @ Value::Object(_)) => Some(context),
                Some(other) => Some(serde_json::json!({ "value": other })),
            };
            Some((level, Some(message), context))
        }
        _ if progress.is_some() => None,
        _ => return plain,
    };
    (log, progress)
}

/// Decodes a line lossily and cuts it to `max` bytes at a character boundary; when anything was
/// left out (cut here or `skipped` while reading) it ends with ` …[truncated N bytes]`.
fn render_line(raw: &[u8], skipped: u64, max: usize) -> String {
    let mut out = String::with_capacity(raw.len().min(max));
    let mut used = 0;
    for chunk in raw.utf8_chunks() {
        let valid = chunk.valid();
        let mut cut = valid.len().min(max - out.len());
        while !valid.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&valid[..cut]);
        used += cut;
        if cut < valid.len() {
            break;
        }
        let invalid = chunk.invalid();
        if invalid.is_empty() {
            continue;
        }
        // A character split by the reader's cut is left out, not shown as garbage.
        let split_at_end = skipped > 0
            && used + invalid.len() == raw.len()
            && std::str::from_utf8(invalid).is_err_and(|e| e.error_len().is_none());
        if split_at_end || out.len() + char::REPLACEMENT_CHARACTER.len_utf8() > max {
            break;
        }
        out.push(char::REPLACEMENT_CHARACTER);
        used += invalid.len();
    }
    let truncated = (raw.len() - used) as u64 + skipped;
    if truncated > 0 {
        out.push_str(&format!(" …[truncated {truncated} bytes]"));
    }
    out
}

/// Reads the attempt's result: absent or blank is no result, anything else must be JSON.
pub async fn read_result(path: &Path) -> Result<Option<Value>, String> {
    let shown = path.display();
    let metadata = match tokio::fs::metadata(path).await {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read result file {shown}: {e}")),
    };
    // N.B.: a FIFO would block the worker on open; a device could be endless.
    if !metadata.is_file() {
        return Err(format!("result file {shown} is not a regular file"));
    }
    let too_big = || format!("result file {shown} is larger than {MAX_RESULT_BYTES} bytes");
    if metadata.len() > MAX_RESULT_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    tokio::fs::File::open(path)
        .await
        .map_err(|e| format!("cannot read result file {shown}: {e}"))?
        .take(MAX_RESULT_BYTES + 1)
        .read_to_end(&mut bytes)
        .await
        .map_err(|e| format!("cannot read result file {shown}: {e}"))?;
    if bytes.len() as u64 > MAX_RESULT_BYTES {
        return Err(too_big());
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| format!("result file {shown} is not valid JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::process_group::parse_stat;
    use std::time::Instant as StdInstant;

    fn spec(dir: &Path, script: &str) -> ExecSpec {
        ExecSpec {
            program: "sh".into(),
            args: vec!["-c".into(), script.into()],
            workdir: dir.to_path_buf(),
            env: vec![(
                "AIOPS_RESULT_FILE".into(),
                dir.join("result.json").display().to_string(),
            )],
            stdin: Vec::new(),
            result_file: dir.join("result.json"),
            timeout: Duration::from_secs(10),
            kill_grace: Duration::from_secs(1),
            max_line_bytes: 1024,
            max_log_bytes: DEFAULT_MAX_LOG_BYTES,
        }
    }

    /// Runs to the end with nobody ever asking to stop, collecting every event.
    async fn run_collect(spec: ExecSpec) -> (ExecOutcome, Vec<ExecEvent>) {
        let (tx, mut rx) = mpsc::channel(64);
        let collector = tokio::spawn(async move {
            let mut all = Vec::new();
            while let Some(event) = rx.recv().await {
                all.push(event);
            }
            all
        });
        let (_stop_tx, stop_rx) = watch::channel(None);
        let outcome = run(spec, tx, stop_rx).await;
        (outcome, collector.await.unwrap())
    }

    fn logs(events: &[ExecEvent], source: LogSource) -> Vec<&NewLogLine> {
        events
            .iter()
            .filter_map(|e| match e {
                ExecEvent::Log(l) if l.source == source => Some(l),
                _ => None,
            })
            .collect()
    }

    /// Gone means no such process or a zombie nobody reaps (PID 1 in containers often does not).
    fn gone(pid: i32) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) => matches!(parse_stat(&stat), Some(('Z' | 'X', _))),
            Err(_) => true,
        }
    }

    fn assert_gone_within(pids: &[i32], within: Duration) {
        let deadline = StdInstant::now() + within;
        for &pid in pids {
            while !gone(pid) {
                assert!(StdInstant::now() < deadline, "process {pid} still running");
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    fn read_pids(path: &Path) -> Vec<i32> {
        std::fs::read_to_string(path)
            .unwrap()
            .split_whitespace()
            .map(|p| p.parse().unwrap())
            .collect()
    }

    #[tokio::test]
    async fn streams_lines_progress_stdin_env_and_result() {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = spec(
            dir.path(),
            r#"echo plain line
echo '{"message":"structured","level":"WARN","context":{"k":1}}'
echo '{"progress":{"step":3,"max_steps":30}}'
echo '{"progress":{"step":4},"message":"step 4"}'
echo "env=$GREETING"
cat; echo
echo oops >&2
printf 'no newline at end'  >&2
echo '{"answer": 42}' > "$AIOPS_RESULT_FILE""#,
        );
        spec.env.push(("GREETING".into(), "hello".into()));
        spec.stdin = br#"{"task":"t1"}"#.to_vec();
        let (outcome, events) = run_collect(spec).await;

        assert_eq!(
            outcome,
            ExecOutcome::Exited {
                code: 0,
                result: Ok(Some(serde_json::json!({"answer": 42}))),
                stderr_tail: vec!["oops".into(), "no newline at end".into()],
            }
        );
        let stdout: Vec<_> = events
            .iter()
            .filter(|e| !matches!(e, ExecEvent::Log(l) if l.source != LogSource::Stdout))
            .map(|e| match e {
                ExecEvent::Log(l) => (l.level, l.message.clone(), l.context.clone()),
                ExecEvent::Progress(p) => (LogLevel::Debug, format!("progress {p}"), None),
            })
            .collect();
        let info = LogLevel::Info;
        assert_eq!(
            stdout,
            vec![
                (info, "plain line".into(), None),
                (
                    LogLevel::Warning,
                    "structured".into(),
                    Some(serde_json::json!({"k": 1}))
                ),
                (
                    LogLevel::Debug,
                    r#"progress {"max_steps":30,"step":3}"#.into(),
                    None
                ),
                (info, "step 4".into(), None),
                (LogLevel::Debug, r#"progress {"step":4}"#.into(), None),
                (info, "env=hello".into(), None),
                (info, r#"{"task":"t1"}"#.into(), None),
            ]
        );
        let stderr = logs(&events, LogSource::Stderr);
        assert_eq!(stderr.len(), 2);
        assert!(stderr.iter().all(|l| l.level == LogLevel::Warning));
    }

    #[tokio::test]
    async fn nonzero_exit_keeps_stderr_tail_and_rejects_bad_result() {
        let dir = tempfile::tempdir().unwrap();
        let spec = spec(
            dir.path(),
            r#"for i in $(seq 1 30); do echo "err$i" >&2; done
echo '{"broken": ' > "$AIOPS_RESULT_FILE"
exit 3"#,
        );
        let (outcome, _) = run_collect(spec).await;
        let ExecOutcome::Exited {
            code,
            result,
            stderr_tail,
        } = outcome
        else {
            panic!("unexpected outcome {outcome:?}");
        };
        assert_eq!(code, 3);
        let expected: Vec<String> = (11..=30).map(|i| format!("err{i}")).collect();
        assert_eq!(stderr_tail, expected);
        let err = result.unwrap_err();
        assert!(err.contains("result.json is not valid JSON"), "{err}");
    }

    #[tokio::test]
    async fn empty_or_missing_result_is_none_and_signal_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let (outcome, _) =
            run_collect(spec(dir.path(), "echo '  ' > \"$AIOPS_RESULT_FILE\"")).await;
        assert!(matches!(
            outcome,
            ExecOutcome::Exited {
                code: 0,
                result: Ok(None),
                ..
            }
        ));
        let (outcome, _) =
            run_collect(spec(dir.path(), "rm -f \"$AIOPS_RESULT_FILE\"; kill -9 $$")).await;
        assert!(
            matches!(outcome, ExecOutcome::Signalled { signal: 9, .. }),
            "{outcome:?}"
        );
    }

    #[tokio::test]
    async fn timeout_kills_the_whole_group_even_a_child_ignoring_term() {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = spec(
            dir.path(),
            "trap '' TERM; sleep 1000 & echo $$ $! > pids; wait",
        );
        spec.timeout = Duration::from_millis(800);
        spec.kill_grace = Duration::from_millis(300);
        let started = StdInstant::now();
        let (outcome, _) = run_collect(spec).await;
        assert_eq!(outcome, ExecOutcome::TimedOut);
        assert!(
            started.elapsed() >= Duration::from_millis(1100),
            "SIGKILL came before the grace"
        );
        let pids = read_pids(&dir.path().join("pids"));
        assert_eq!(pids.len(), 2);
        assert_gone_within(&pids, Duration::from_secs(2));
    }

    #[tokio::test]
    async fn stop_request_takes_effect_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let spec = spec(dir.path(), "sleep 1000 & echo $$ $!; wait");
        let (tx, mut rx) = mpsc::channel(64);
        let (stop_tx, stop_rx) = watch::channel(None);
        let attempt = tokio::spawn(run(spec, tx, stop_rx));
        let pids = match rx.recv().await {
            Some(ExecEvent::Log(line)) => line.message,
            other => panic!("unexpected {other:?}"),
        };
        let stopped_at = StdInstant::now();
        stop_tx.send(Some(StopReason::Cancelled)).unwrap();
        let outcome = attempt.await.unwrap();
        assert_eq!(outcome, ExecOutcome::Stopped(StopReason::Cancelled));
        assert!(
            stopped_at.elapsed() < Duration::from_secs(1),
            "{:?}",
            stopped_at.elapsed()
        );
        let pids: Vec<i32> = pids
            .split_whitespace()
            .map(|p| p.parse().unwrap())
            .collect();
        assert_gone_within(&pids, Duration::from_millis(200));
    }

    #[tokio::test]
    async fn stop_requested_before_start_still_stops() {
        let dir = tempfile::tempdir().unwrap();
        let (tx, _rx) = mpsc::channel(1);
        let (_stop_tx, stop_rx) = watch::channel(Some(StopReason::Shutdown));
        let outcome = run(spec(dir.path(), "sleep 1000"), tx, stop_rx).await;
        assert_eq!(outcome, ExecOutcome::Stopped(StopReason::Shutdown));
    }

    #[tokio::test]
    async fn background_children_do_not_outlive_a_finished_leader() {
        let dir = tempfile::tempdir().unwrap();
        let (outcome, events) = run_collect(spec(dir.path(), "sleep 1000 & echo $!; exit 0")).await;
        assert!(
            matches!(outcome, ExecOutcome::Exited { code: 0, .. }),
            "{outcome:?}"
        );
        let pid: i32 = logs(&events, LogSource::Stdout)[0].message.parse().unwrap();
        assert_gone_within(&[pid], Duration::from_millis(200));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn huge_lines_and_binary_output_stay_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = spec(
            dir.path(),
            "head -c 10000000 /dev/zero | tr '\\0' a; head -c 5000000 /dev/urandom",
        );
        spec.max_line_bytes = DEFAULT_MAX_LINE_BYTES;
        let (outcome, events) = run_collect(spec).await;
        assert!(
            matches!(outcome, ExecOutcome::Exited { code: 0, .. }),
            "{outcome:?}"
        );
        let lines = logs(&events, LogSource::Stdout);
        let marker = " …[truncated ";
        // The first line is 10 MB of 'a' glued to random bytes up to the first newline.
        assert!(lines[0].message.starts_with("aaaa"));
        assert!(lines[0].message.contains(marker), "no truncation marker");
        let longest = lines.iter().map(|l| l.message.len()).max().unwrap();
        assert!(
            longest <= DEFAULT_MAX_LINE_BYTES + marker.len() + 30,
            "{longest}"
        );
    }

    #[tokio::test]
    async fn log_limit_drops_and_reports_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = spec(dir.path(), "seq 1 100000; echo last-words >&2; exit 1");
        spec.max_log_bytes = 1000;
        let (outcome, events) = run_collect(spec).await;
        let forwarded: usize = logs(&events, LogSource::Stdout)
            .iter()
            .chain(logs(&events, LogSource::Stderr).iter())
            .map(|l| l.message.len())
            .sum();
        assert!(forwarded <= 1000);
        let worker = logs(&events, LogSource::Worker);
        assert_eq!(worker.len(), 1);
        assert!(
            worker[0]
                .message
                .starts_with("log limit of 1000 bytes reached; further output dropped ("),
            "{}",
            worker[0].message
        );
        // The failure report still has the last stderr line.
        assert!(
            matches!(outcome, ExecOutcome::Exited { code: 1, ref stderr_tail, .. } if stderr_tail == &["last-words"]),
            "{outcome:?}"
        );
    }

    #[tokio::test]
    async fn dropped_receiver_does_not_block_the_child() {
        let dir = tempfile::tempdir().unwrap();
        let (tx, rx) = mpsc::channel(1);
        drop(rx);
        let (_stop_tx, stop_rx) = watch::channel(None);
        let outcome = run(spec(dir.path(), "seq 1 200000; exit 4"), tx, stop_rx).await;
        assert!(
            matches!(outcome, ExecOutcome::Exited { code: 4, .. }),
            "{outcome:?}"
        );
    }

    #[tokio::test]
    async fn database_credentials_are_not_passed_on() {
        // N.B.: made-up names that match the rules, so that tests of other modules which read
        // the real DATABASE_URL are not disturbed; std serialises environment access.
        std::env::set_var(
            "AIOPS_EXECUTOR_TEST_DATABASE_URL",
            "postgres://u:secret1@h/db",
        );
        std::env::set_var("AIOPS_DATABASE_EXECUTOR_TEST", "postgres://u:secret2@h/db");
        std::env::set_var("PGEXECUTOR_TEST_PASSWORD", "secret3");
        std::env::set_var("AIOPS_EXECUTOR_TEST_KEPT", "kept");
        let dir = tempfile::tempdir().unwrap();
        let (outcome, events) = run_collect(spec(dir.path(), "env")).await;
        assert!(matches!(outcome, ExecOutcome::Exited { code: 0, .. }));
        let env: Vec<&str> = logs(&events, LogSource::Stdout)
            .iter()
            .map(|l| l.message.as_str())
            .collect();
        assert!(env.contains(&"AIOPS_EXECUTOR_TEST_KEPT=kept"));
        assert!(env.iter().any(|l| l.starts_with("AIOPS_RESULT_FILE=")));
        assert!(!env.iter().any(|l| l.contains("secret")), "{env:?}");
        // Whatever the real environment of the test run holds:
        for real in ["DATABASE_URL=", "AIOPS_DATABASE_URL=", "PGPASSWORD="] {
            assert!(!env.iter().any(|l| l.starts_with(real)), "{real}");
        }
    }

    #[test]
    fn database_vars_are_recognised() {
        for name in [
            "DATABASE_URL",
            "AIOPS_DATABASE_URL",
            "MY_DATABASE_URL",
            "PGHOST",
            "pgpass",
        ] {
            assert!(is_database_var(name), "{name}");
        }
        for name in ["PATH", "HOME", "AIOPS_TASK_ID", "KUBECONFIG", "DATABASE"] {
            assert!(!is_database_var(name), "{name}");
        }
    }

    #[tokio::test]
    async fn spawn_failure_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = spec(dir.path(), "");
        spec.program = "/nonexistent/aiops-executor".into();
        let (outcome, _) = run_collect(spec).await;
        let ExecOutcome::SpawnFailed(message) = outcome else {
            panic!("{outcome:?}");
        };
        assert!(message.contains("/nonexistent/aiops-executor"), "{message}");
    }

    #[test]
    fn render_cuts_at_char_boundaries_and_marks_what_was_left_out() {
        assert_eq!(render_line(b"hello", 0, 10), "hello");
        assert_eq!(
            render_line(b"hello world", 0, 5),
            "hello …[truncated 6 bytes]"
        );
        // "é" is two bytes: it does not fit in the fifth byte and is left out whole.
        assert_eq!(
            render_line("abcdé".as_bytes(), 0, 5),
            "abcd …[truncated 2 bytes]"
        );
        assert_eq!(render_line(b"a\xffb", 0, 10), "a\u{FFFD}b");
        // The reader cut "é" in half: the half is counted, not shown as a replacement character.
        assert_eq!(render_line(b"ab\xc3", 7, 10), "ab …[truncated 8 bytes]");
    }

    #[test]
    fn structured_lines_follow_the_protocol() {
        let (log, progress) = interpret(
            r#"{"message":"m","level":"bogus","context":5}"#,
            true,
            LogSource::Stderr,
        );
        assert_eq!(
            log,
            Some((
                LogLevel::Warning,
                Some("m".into()),
                Some(serde_json::json!({"value": 5}))
            ))
        );
        assert_eq!(progress, None);
        // An object without message or progress, and a truncated line, are plain text.
        assert_eq!(
            interpret(r#"{"a":1}"#, true, LogSource::Stdout).0,
            Some((LogLevel::Info, None, None))
        );
        assert_eq!(
            interpret(r#"{"message":"m"}"#, false, LogSource::Stdout).0,
            Some((LogLevel::Info, None, None))
        );
    }
}
