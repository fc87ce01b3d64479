//! A process group: how an executor's processes are signalled, waited for and found alive.
//! The executor stops the groups it started; the leftovers module stops the ones a killed
//! worker left behind. Both go through here.

use std::time::Duration;

use nix::errno::Errno;
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use tokio::process::Child;
use tokio::time::{sleep, Instant};

/// How long to wait for the group to vanish after SIGKILL (or after the leader exited) before
/// reporting survivors; SIGKILL is only delayed by uninterruptible sleep.
pub const GROUP_EXIT_WAIT: Duration = Duration::from_secs(3);

/// How often to look whether the group is empty while waiting for it.
const GROUP_POLL: Duration = Duration::from_millis(20);

/// Signals every process of the group; an empty group is not an error.
pub fn signal_group(pgid: Pid, signal: Signal) {
    if let Err(e) = killpg(pgid, signal) {
        if e != Errno::ESRCH {
            tracing::warn!(pgid = pgid.as_raw(), %signal, error = %e, "cannot signal process group");
        }
    }
}

/// Stops the group: SIGTERM, up to `grace` for it to end, then SIGKILL. False when processes
/// survived even that. `child` is the leader when this process started it (it is reaped).
pub async fn stop_group(pgid: Pid, grace: Duration, mut child: Option<&mut Child>) -> bool {
    signal_group(pgid, Signal::SIGTERM);
    if wait_group_gone(child.as_deref_mut(), pgid, grace).await {
        return true;
    }
    signal_group(pgid, Signal::SIGKILL);
    wait_group_gone(child, pgid, GROUP_EXIT_WAIT).await
}

/// Reaps the leader (when it is our child) and waits until no live process is left in the
/// group; false on `within`.
pub async fn wait_group_gone(mut child: Option<&mut Child>, pgid: Pid, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    loop {
        // Reaping the leader keeps it from lingering as a zombie member of its own group.
        if let Some(child) = child.as_deref_mut() {
            let _ = child.try_wait();
        }
        if !group_alive(pgid) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        sleep(GROUP_POLL).await;
    }
}

/// Whether any process of the group is still running.
///
/// N.B.: `killpg(pgid, 0)` also succeeds for zombies, and orphans stay zombies forever when
/// PID 1 does not reap (common in containers), so a positive answer is checked against /proc.
pub fn group_alive(pgid: Pid) -> bool {
    match killpg(pgid, None) {
        Err(Errno::ESRCH) => false,
        Ok(()) | Err(_) => live_member_in_proc(pgid).unwrap_or(true),
    }
}

/// Scans /proc for a non-zombie process in the group; `None` when /proc cannot be read.
fn live_member_in_proc(pgid: Pid) -> Option<bool> {
    let entries = std::fs::read_dir("/proc").ok()?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        if let Some((state, pgrp)) = parse_stat(&stat) {
            if pgrp == pgid.as_raw() && state != 'Z' && state != 'X' {
                return Some(true);
            }
        }
    }
    Some(false)
}

/// State and process group from a `/proc/<pid>/stat` line (`pid (comm) S ppid pgrp …`); the
/// command name may contain spaces and parentheses, so fields are counted from the last `)`.
pub(crate) fn parse_stat(stat: &str) -> Option<(char, i32)> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let pgrp = fields.nth(1)?.parse().ok()?;
    Some((state, pgrp))
}

/// Kills the group if `run` is dropped before it has made sure the group is gone.
pub struct GroupGuard {
    /// The group.
    pub pgid: Pid,
    /// False once the group is known to be gone.
    pub armed: bool,
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if self.armed {
            let _ = killpg(self.pgid, Signal::SIGKILL);
        }
    }
}

/// When process `pid` started, in clock ticks since boot (field 22 of /proc/PID/stat); `None`
/// when there is no such process.
pub fn start_time(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // N.B.: the command name (field 2) may hold spaces and parentheses; fields after it are
    // counted from the last ')'. Field 3 is the first there, so field 22 is the 20th.
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(19)?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::{parse_stat, start_time};

    #[test]
    fn stat_parsing_survives_odd_command_names() {
        assert_eq!(parse_stat("42 (a) b (c)) S 1 42 42 0"), Some(('S', 42)));
    }

    #[test]
    fn start_times_are_stable_and_absent_for_no_process() {
        let me = std::process::id() as i32;
        let a = start_time(me).expect("this process has a start time");
        assert_eq!(start_time(me), Some(a), "stable for one process");
        assert_eq!(start_time(i32::MAX), None);
    }
}
