//! Executors a killed worker left running, and how the next run of that worker stops them.
//!
//! A worker stops every process group it started before it exits, except when it cannot: killed
//! with SIGKILL, or its machine's OOM killer. Its executors then keep driving the cluster while
//! the task is rescued and run again, and a worker started again on the same cluster would run
//! the new attempt next to the old one. So each attempt's work directory holds a marker with its
//! process group and the start time of the group's leader while the group runs, and a worker
//! stops every group still marked under its state directory before it touches the cluster.
//!
//! The leader's start time (from /proc) guards against a reused process id: a live process
//! with the marked id but another start time is not ours and is left alone. A group whose
//! leader is gone can only be ours while members remain, because Linux does not hand out a
//! process id that is still a group id.

use std::path::Path;
use std::time::Duration;

use nix::unistd::Pid;

use crate::worker::process_group::{group_alive, start_time, stop_group};

/// The marker's file name in an attempt's work directory.
const MARKER: &str = ".aiops-process-group";

/// Mark the attempt in `workdir` as running process group `pgid` (its leader's pid).
pub fn record(workdir: &Path, pgid: i32) {
    let Some(started) = start_time(pgid) else {
        return;
    };
    if let Err(e) = std::fs::write(workdir.join(MARKER), format!("{pgid} {started}\n")) {
        tracing::warn!(error = %e, dir = %workdir.display(), "cannot mark the executor's process group");
    }
}

/// The attempt's group is gone: nothing to stop later.
pub fn forget(workdir: &Path) {
    let _ = std::fs::remove_file(workdir.join(MARKER));
}

/// Stop every group still marked in the work directories under `work_root` (SIGTERM, `grace`,
/// SIGKILL) and return their ids. Markers of groups already gone are removed.
pub async fn stop_all(work_root: &Path, grace: Duration) -> Vec<i32> {
    let Ok(dirs) = std::fs::read_dir(work_root) else {
        return Vec::new();
    };
    let mut stopped = Vec::new();
    for dir in dirs.flatten() {
        let marker = dir.path().join(MARKER);
        let Ok(text) = std::fs::read_to_string(&marker) else {
            continue;
        };
        if let Some((pgid, _)) = parse(&text).filter(|&(pgid, started)| ours(pgid, started)) {
            if !stop_group(Pid::from_raw(pgid), grace, None).await {
                tracing::warn!(pgid, "a left-over process group survived SIGKILL");
                continue;
            }
            stopped.push(pgid);
        }
        let _ = std::fs::remove_file(&marker);
    }
    stopped
}

fn parse(text: &str) -> Option<(i32, u64)> {
    let mut fields = text.split_whitespace();
    let pgid = fields.next()?.parse().ok().filter(|&p: &i32| p > 1)?;
    let started = fields.next()?.parse().ok()?;
    Some((pgid, started))
}

/// Whether group `pgid`, whose leader started at `started`, still has live processes.
fn ours(pgid: i32, started: u64) -> bool {
    match start_time(pgid) {
        Some(now) => now == started,
        None => group_alive(Pid::from_raw(pgid)),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn markers_read_back() {
        assert_eq!(parse("1234 98765\n"), Some((1234, 98765)));
        assert_eq!(parse("1 5"), None, "never the init process");
        assert_eq!(parse("12x 5"), None);
        assert_eq!(parse("12"), None);
    }
}
