//! The AIOpsLab runner: a Python script shipped inside the binary that drives the real
//! Orchestrator. Here: how to run it, check it, and ask it for the problem registry.

use std::process::Stdio;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::queue::Problem;

/// The runner's source; written into each attempt's work directory and run there.
pub const SCRIPT: &str = include_str!("aiopslab_runner.py");

async fn run_mode(
    python: &str,
    mode: &str,
    env: &[(String, String)],
    limit: Duration,
) -> Result<std::process::Output> {
    let child = tokio::process::Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .arg(mode)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            Error::usage(format!(
                "cannot run Python '{python}': {e}; install python3 or pass --python PATH"
            ))
        })?;
    tokio::time::timeout(limit, child.wait_with_output())
        .await
        .map_err(|_| {
            Error::Other(format!(
                "the AIOpsLab runner ({python} … {mode}) did not answer within {}s",
                limit.as_secs()
            ))
        })?
        .map_err(|e| Error::Io(format!("running {python}: {e}")))
}

fn last_stderr_line(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message")
        .to_string()
}

/// Check that `aiopslab` imports under this Python and that a real `Orchestrator()` can be
/// built on the cluster `env` describes ([`crate::worker::cluster::Cluster::runner_env`]); the
/// error is one line that says how to fix it.
pub async fn check(python: &str, env: &[(String, String)]) -> Result<serde_json::Value> {
    let out = run_mode(python, "check", env, Duration::from_secs(120)).await?;
    if !out.status.success() {
        return Err(Error::usage(crate::error::one_line(&last_stderr_line(
            &out,
        ))));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("{}");
    Ok(serde_json::from_str(last).unwrap_or(serde_json::Value::Null))
}

/// The problem ids in AIOpsLab's registry, with their task types.
pub async fn list_problems(python: &str) -> Result<Vec<Problem>> {
    let out = run_mode(python, "list-problems", &[], Duration::from_secs(120)).await?;
    if !out.status.success() {
        return Err(Error::usage(crate::error::one_line(&last_stderr_line(
            &out,
        ))));
    }
    #[derive(serde::Deserialize)]
    struct Listing {
        problems: Vec<Problem>,
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let listing: Listing = serde_json::from_str(last).map_err(|e| {
        Error::Other(format!(
            "the AIOpsLab runner printed an unexpected problem list ({e})"
        ))
    })?;
    Ok(listing.problems)
}

/// Undo what a killed attempt left on the cluster (AIOpsLab's fault recovery and application
/// cleanup for the problem the marker names); the marker is gone when this succeeds.
pub async fn cleanup(
    python: &str,
    marker: &std::path::Path,
    env: &[(String, String)],
    limit: Duration,
) -> Result<()> {
    let mut env = env.to_vec();
    env.push((
        "AIOPS_CLUSTER_MARKER".into(),
        marker.to_string_lossy().into_owned(),
    ));
    let out = run_mode(python, "cleanup", &env, limit).await?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Error::Other(crate::error::one_line(&last_stderr_line(
            &out,
        ))))
    }
}

/// The runner's own checks for `aiops doctor`, one JSON object each.
pub async fn doctor(python: &str, env: &[(String, String)]) -> Result<Vec<serde_json::Value>> {
    let out = run_mode(python, "doctor", env, Duration::from_secs(120)).await?;
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("{\"checks\""))
        .ok_or_else(|| Error::Other(crate::error::one_line(&last_stderr_line(&out))))?;
    #[derive(serde::Deserialize)]
    struct Report {
        checks: Vec<serde_json::Value>,
    }
    let report: Report = serde_json::from_str(last).map_err(|e| {
        Error::Other(format!(
            "the AIOpsLab runner printed an unexpected report ({e})"
        ))
    })?;
    Ok(report.checks)
}
