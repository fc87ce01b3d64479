//! A short schemathesis run of `scripts/fuzz` against the real server (the full run is
//! `scripts/fuzz` with its default MAX_EXAMPLES). schemathesis is a test dependency: `.ci/run`
//! installs it; without it this test fails and says how to install it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn schemathesis() -> Option<PathBuf> {
    let on_path = Command::new("schemathesis")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if on_path {
        return Some(PathBuf::from("schemathesis"));
    }
    let venv = Path::new("/tmp/aiops-st-venv/bin/schemathesis");
    venv.exists().then(|| venv.to_path_buf())
}

#[test]
fn schemathesis_short_run_finds_no_failures() {
    let st = schemathesis().unwrap_or_else(|| {
        panic!(
            "schemathesis is not installed: run `pip install schemathesis` (version 4.x), \
             or `scripts/fuzz` once, which installs it into /tmp/aiops-st-venv"
        )
    });
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let start = Instant::now();
    // Every check (scripts/fuzz runs `--checks all`), a few cases per operation and phase.
    let out = Command::new(root.join("scripts/fuzz"))
        .env("MAX_EXAMPLES", "10")
        .env("FUZZ_SEED", "20250101")
        .env("AIOPS_BIN", env!("CARGO_BIN_EXE_aiops"))
        .env("SCHEMATHESIS", &st)
        .env("AIOPS_FUZZ_NO_INSTALL", "1")
        .output()
        .expect("run scripts/fuzz");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "scripts/fuzz failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    let summary = stderr
        .lines()
        .find(|l| l.contains("requests served:"))
        .unwrap_or_else(|| panic!("no summary line in:\n{stderr}"));
    assert!(summary.contains("5xx responses: 0"), "{summary}");
    assert!(
        stderr.contains("schemathesis run ended: completed"),
        "the run did not complete:\n{stderr}"
    );
    let checks: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("scripts/fuzz: check "))
        .collect();
    for name in [
        "positive_data_acceptance",
        "negative_data_rejection",
        "not_a_server_error",
    ] {
        assert!(
            checks.iter().any(|l| l.contains(name)),
            "{name} did not run:\n{stderr}"
        );
    }
    for line in &checks {
        assert!(line.ends_with(" 0 failed"), "{line}");
    }
    eprintln!("{summary} in {:?}\n{}", start.elapsed(), checks.join("\n"));
}
