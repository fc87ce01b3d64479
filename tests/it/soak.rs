//! A short run of `scripts/soak` (the 30-minute run is `scripts/soak` with its defaults): serve
//! and three workers under a steady trickle of submits while workers are stopped and killed
//! and come back. It checks the invariants, not the speed: every task completed exactly once,
//! memory and connections bounded, dead tuples within autovacuum's reach.

use std::path::Path;
use std::process::Command;

#[test]
fn a_short_soak_loses_nothing_runs_nothing_twice_and_leaks_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = tempfile::tempdir().unwrap();
    let out = Command::new("python3")
        .arg(root.join("scripts/soak"))
        .env("DURATION", "50s")
        .env("RATE", "20")
        .env("WORKERS", "3")
        .env("CONCURRENCY", "2")
        .env("HEARTBEAT", "1s")
        .env("CHURN", "5-9")
        .env("SAMPLE", "5")
        .env("SEED", "7")
        .env("AIOPS_BIN", env!("CARGO_BIN_EXE_aiops"))
        .env("OUT", out_dir.path())
        .env_remove("AIOPS_DATABASE_URL")
        .output()
        .expect("run scripts/soak (needs python3)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "scripts/soak failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out_dir.path().join("summary.json")).unwrap(),
    )
    .unwrap();
    let n = |k: &str| {
        summary[k]
            .as_i64()
            .unwrap_or_else(|| panic!("{k} in {summary}"))
    };
    assert!(n("submitted") >= 100, "{summary}");
    assert_eq!(n("completed"), n("submitted"), "{summary}");
    assert_eq!((n("losses"), n("duplicates")), (0, 0), "{summary}");
    assert!(
        n("submitted_http") > 0,
        "some went through serve: {summary}"
    );
    let stops = &summary["worker_stops"];
    assert!(
        stops["term"].as_i64().unwrap() >= 1 && stops["kill"].as_i64().unwrap() >= 1,
        "workers were both stopped and killed: {summary}"
    );
    assert_eq!(summary["failures"], serde_json::json!([]), "{summary}");
    eprintln!("{stdout}");
}
