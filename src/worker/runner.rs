//! The AIOpsLab runner: a Python script shipped inside the binary that drives the real
//! Orchestrator. Here: how to run it, check it, and ask it for the problem registry.

use std::process::Stdio;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::queue::Problem;

/// The runner's source; written into each attempt's work directory and run there.
pub const SCRIPT: &str = include_str!("aiopslab_runner.py");

async fn run_mode(python: &str, mode: &str, limit: Duration) -> Result<std::process::Output> {
    let child = tokio::process::Command::new(python)
        .arg("-c")
        .arg(SCRIPT)
        .arg(mode)
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

/// Check that `aiopslab` imports under this Python; the error says how to fix it.
pub async fn check(python: &str) -> Result<serde_json::Value> {
    let out = run_mode(python, "check", Duration::from_secs(60)).await?;
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
    let out = run_mode(python, "list-problems", Duration::from_secs(120)).await?;
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
