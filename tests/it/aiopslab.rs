//! The real AIOpsLab package (../shared/aiopslab, installed by `scripts/test` into a cached
//! directory named by AIOPS_TEST_AIOPSLAB), driven through the real binary. Only its cluster
//! boundary is replaced (tests/fixtures/aiopslab_boundary/sitecustomize.py); `kind`, `kubectl`,
//! `helm` and `docker` are the stand-ins in tests/fixtures/bin. Every run has an empty HOME, so
//! nothing can come from `~/.kube/config`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::support::{fixture, Cmd, Proc, TestDb};

const NOOP: &str = "noop_detection_hotel_reservation-1";

/// The installation `scripts/test` made.
fn installation() -> PathBuf {
    let dir = std::env::var("AIOPS_TEST_AIOPSLAB").unwrap_or_else(|_| {
        panic!(
            "AIOPS_TEST_AIOPSLAB is not set: run the tests with ./scripts/test, which installs the real AIOpsLab package, or set it to a directory made by ../shared/aiopslab/setup.sh"
        )
    });
    let dir = PathBuf::from(dir);
    assert!(
        dir.join("venv/bin/python").is_file(),
        "{} holds no AIOpsLab installation (venv/bin/python); remove it and run ./scripts/test again",
        dir.display()
    );
    dir
}

/// One test's world: a home without a kubeconfig, the stand-in CLIs first on PATH, the
/// boundary harness on PYTHONPATH, and the call logs of both.
struct Lab {
    dir: tempfile::TempDir,
    install: PathBuf,
}

impl Lab {
    fn new() -> Lab {
        let lab = Lab {
            dir: tempfile::tempdir().unwrap(),
            install: installation(),
        };
        std::fs::create_dir_all(lab.home()).unwrap();
        lab
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn python(&self) -> String {
        self.install.join("venv/bin/python").display().to_string()
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    /// What the stand-in CLIs were asked to do.
    fn cli_calls(&self) -> String {
        std::fs::read_to_string(self.path("calls")).unwrap_or_default()
    }

    /// What AIOpsLab asked of the cluster boundary.
    fn boundary_calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.path("boundary"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn env(&self, cmd: Cmd) -> Cmd {
        let path = format!(
            "{}:{}",
            fixture("bin").display(),
            std::env::var("PATH").unwrap()
        );
        cmd.env("HOME", self.home().display().to_string())
            .env("PATH", path)
            .env("AIOPS_FAKE_CALLS", self.path("calls").display().to_string())
            .env("AIOPS_FAKE_STATE", self.dir.path().display().to_string())
            .env(
                "PYTHONPATH",
                fixture("aiopslab_boundary").display().to_string(),
            )
            .env(
                "AIOPS_TEST_BOUNDARY_CALLS",
                self.path("boundary").display().to_string(),
            )
            .env(
                "TIKTOKEN_CACHE_DIR",
                self.install.join("tiktoken").display().to_string(),
            )
            .env("USE_WANDB", "false")
    }

    /// A `--backend kind` worker on cluster `name` (created through the stand-in `kind`) that
    /// exits once the queue is empty.
    fn worker(&self, db: &TestDb, name: &str, extra: &[&str]) -> Proc {
        self.worker_cmd(db, name, extra).spawn()
    }

    /// [`Lab::worker`], not started yet (for a test that sets more of its environment).
    fn worker_cmd(&self, db: &TestDb, name: &str, extra: &[&str]) -> Cmd {
        self.env(db.cmd())
            .args([
                "worker",
                "run",
                "--cluster",
                name,
                "--create-cluster",
                "--drain",
                "--heartbeat",
                "500ms",
                "--python",
                &self.python(),
            ])
            .args(extra)
    }
}

fn submit(db: &TestDb, agent: &str, extra: &[&str]) -> String {
    db.cmd()
        .args(["submit", NOOP, "--agent-config", agent])
        .args(extra)
        .run()
        .ok()
        .out()
        .to_string()
}

fn status(db: &TestDb, id: &str) -> serde_json::Value {
    db.cmd()
        .args(["status", id, "-o", "json"])
        .run()
        .ok()
        .json()
}

async fn drained(w: &mut Proc) {
    assert_eq!(w.wait(Duration::from_secs(240)).await, 0, "{}", w.output());
}

fn no_kubeconfig_was_written(lab: &Lab) {
    assert!(
        !lab.home().join(".kube").exists(),
        "something wrote {}/.kube",
        lab.home().display()
    );
}

#[tokio::test]
async fn problems_import_reads_all_89_ids_with_no_kube_config() {
    let lab = Lab::new();
    let db = TestDb::new().await;
    let run = lab
        .env(db.cmd())
        .args([
            "problems",
            "import",
            "--from-runner",
            "--python",
            &lab.python(),
        ])
        .run()
        .ok();
    assert!(
        run.stderr.contains("imported 89 problem ids (89 new)"),
        "{}",
        run.stderr
    );
    let list = db
        .cmd()
        .args(["problems", "list", "-o", "json"])
        .run()
        .ok()
        .json();
    let types: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["task_type"].as_str())
        .collect();
    for (t, n) in [
        ("detection", 34),
        ("localization", 28),
        ("analysis", 13),
        ("mitigation", 14),
    ] {
        assert_eq!(types.iter().filter(|x| **x == t).count(), n, "{t}");
    }
    no_kubeconfig_was_written(&lab);
}

#[tokio::test]
async fn a_noop_problem_completes_on_the_workers_own_kind_cluster() {
    let lab = Lab::new();
    let db = TestDb::new().await;
    let results = lab.path("sessions");
    let started = Instant::now();
    let id = submit(&db, r#"{"agent":"lab_agents:ShellThenSubmit"}"#, &[]);
    let mut w = lab.worker(
        &db,
        "lab-7",
        &["--results-dir", &results.display().to_string()],
    );
    drained(&mut w).await;
    let took = started.elapsed();
    let t = status(&db, &id);
    assert_eq!(t["status"], "completed", "{t}");
    eprintln!("real AIOpsLab noop problem: submit to completed in {took:?}");
    let r = &t["result"];
    assert_eq!(r["results"]["Detection Accuracy"], "Correct", "{r}");
    // The full history: the shell call, the cluster's answer, the submission, AIOpsLab's "1".
    let history = r["history"].as_array().unwrap();
    assert_eq!(history.len(), 4, "{r}");
    assert_eq!(history[3]["content"], "1");
    let answer = history[1]["content"].as_str().unwrap();
    assert!(answer.contains("(cluster lab-7)"), "{answer}");
    // The session itself is in the result, and AIOpsLab's own file was kept per attempt.
    assert_eq!(r["session"]["trace"].as_array().unwrap().len(), 4, "{r}");
    assert_eq!(r["session"]["problem_id"], NOOP);
    let kept = PathBuf::from(r["session_file"].as_str().unwrap());
    assert!(
        kept.starts_with(results.join(format!("{id}-1"))),
        "{kept:?}"
    );
    assert!(kept.is_file());
    // The agent's shell went to this worker's node and nowhere else.
    let calls = lab.cli_calls();
    assert!(
        calls.contains("docker exec lab-7-control-plane sh -c kubectl get pods"),
        "{calls}"
    );
    assert!(!calls.contains("kind-control-plane"), "{calls}");
    // AIOpsLab deployed, injected, recovered and cleaned up, all at the boundary.
    let boundary = lab.boundary_calls();
    for call in [
        "HotelReservation.deploy",
        "NoOpDetection.inject_fault",
        "NoOpDetection.recover_fault",
        "HotelReservation.cleanup",
    ] {
        assert!(boundary.iter().any(|c| c == call), "{call}: {boundary:?}");
    }
    no_kubeconfig_was_written(&lab);
}

#[tokio::test]
async fn an_agent_that_raises_fails_keeping_its_first_step() {
    let lab = Lab::new();
    let db = TestDb::new().await;
    let id = submit(
        &db,
        r#"{"agent":"lab_agents:RaisesAfterFirstStep"}"#,
        &["--max-attempts", "1"],
    );
    let mut w = lab.worker(&db, "lab-raise", &[]);
    drained(&mut w).await;
    let t = status(&db, &id);
    assert_eq!(t["status"], "failed", "{t}");
    let error = t["error_details"].as_str().unwrap();
    assert!(error.contains("RuntimeError: RateLimitError"), "{error}");
    let r = &t["result"];
    assert_eq!(r["history"].as_array().unwrap().len(), 2, "{r}");
    assert_eq!(r["error"]["type"], "RuntimeError", "{r}");
    assert_eq!(r["session"]["trace"].as_array().unwrap().len(), 2, "{r}");
    // AIOpsLab recovered the fault; the runner cleaned up the application it left.
    let boundary = lab.boundary_calls();
    assert!(
        boundary.iter().any(|c| c == "NoOpDetection.recover_fault"),
        "{boundary:?}"
    );
    assert!(
        boundary.iter().any(|c| c == "HotelReservation.cleanup"),
        "{boundary:?}"
    );
}

#[tokio::test]
async fn answers_that_never_parse_complete_as_invalid_format() {
    let lab = Lab::new();
    let db = TestDb::new().await;
    let id = submit(
        &db,
        r#"{"agent":"lab_agents:NeverParses"}"#,
        &["--max-steps", "3"],
    );
    let mut w = lab.worker(&db, "lab-prose", &[]);
    drained(&mut w).await;
    let t = status(&db, &id);
    assert_eq!(t["status"], "completed", "{t}");
    assert_eq!(
        t["result"]["results"]["Detection Accuracy"],
        "Invalid Format"
    );
    assert_eq!(t["result"]["history"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn a_registry_agent_without_its_key_fails_naming_the_variable() {
    let lab = Lab::new();
    let db = TestDb::new().await;
    let id = submit(&db, r#"{"agent":"gpt"}"#, &["--max-attempts", "1"]);
    let mut w = lab
        .worker_cmd(&db, "lab-gpt", &[])
        .env("OPENAI_API_KEY", "")
        .spawn();
    drained(&mut w).await;
    let t = status(&db, &id);
    assert_eq!(t["status"], "failed", "{t}");
    let error = t["error_details"].as_str().unwrap();
    assert!(error.contains("OPENAI_API_KEY"), "{error}");
}

#[tokio::test]
async fn use_wandb_without_wandb_set_up_keeps_the_results() {
    let lab = Lab::new();
    let db = TestDb::new().await;
    let id = submit(&db, r#"{"agent":"lab_agents:ShellThenSubmit"}"#, &[]);
    let mut w = lab
        .worker_cmd(&db, "lab-wandb", &[])
        .env("USE_WANDB", "true")
        .env("WANDB_API_KEY", "")
        .env("WANDB_MODE", "")
        .spawn();
    drained(&mut w).await;
    let t = status(&db, &id);
    assert_eq!(t["status"], "completed", "{t}");
    assert_eq!(t["result"]["results"]["Detection Accuracy"], "Correct");
    let warnings = t["result"]["warnings"].to_string();
    assert!(
        warnings.contains("USE_WANDB=true but wandb is not set up"),
        "{warnings}"
    );
}

#[tokio::test]
async fn a_killed_attempt_is_cleaned_up_before_the_next_task() {
    let lab = Lab::new();
    let db = TestDb::new().await;
    let id = submit(
        &db,
        r#"{"agent":"lab_agents:KilledOnFirstAttempt"}"#,
        &["--max-attempts", "2"],
    );
    let mut w = lab.worker(&db, "lab-kill", &[]);
    drained(&mut w).await;
    let t = status(&db, &id);
    assert_eq!(t["status"], "completed", "{t}");
    assert_eq!(t["attempt"], 2);
    let logs = db.cmd().args(["logs", &id]).run().ok().stdout;
    assert!(
        logs.contains("holds what an earlier attempt left"),
        "{logs}"
    );
    // The killed attempt deployed and injected and never cleaned up; the worker ran AIOpsLab's
    // recovery and cleanup for it before the second attempt deployed again.
    let boundary = lab.boundary_calls();
    let pos = |call: &str, from: usize| {
        boundary[from..]
            .iter()
            .position(|c| c == call)
            .map(|p| p + from)
            .unwrap_or_else(|| panic!("{call} after {from}: {boundary:?}"))
    };
    let injected = pos("NoOpDetection.inject_fault", 0);
    let recovered = pos("NoOpDetection.recover_fault", injected);
    let cleaned = pos("HotelReservation.cleanup", injected);
    let redeployed = pos("HotelReservation.deploy", recovered.max(cleaned));
    assert!(redeployed > cleaned);
}

#[tokio::test]
async fn the_worker_refuses_to_start_when_its_kubeconfig_lacks_the_context() {
    let lab = Lab::new();
    let db = TestDb::new().await;
    let other = lab.path("other.kubeconfig");
    std::fs::write(
        &other,
        "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\ncurrent-context: \"\"\nusers: []\n",
    )
    .unwrap();
    lab.env(db.cmd())
        .args(["worker", "run", "--cluster", "ext", "--backend", "existing"])
        .args([
            "--kubeconfig",
            &other.display().to_string(),
            "--python",
            &lab.python(),
        ])
        .run()
        .code(2)
        .error_line(&["kubeconfig", "--exec"]);
}

#[tokio::test]
async fn doctor_names_a_missing_cluster_and_a_python_without_aiopslab() {
    let lab = Lab::new();
    let db = TestDb::new().await;
    let checks = |python: &str, cluster: &str| {
        let run = lab
            .env(db.cmd())
            .args([
                "doctor",
                "--cluster",
                cluster,
                "--python",
                python,
                "-o",
                "json",
            ])
            .env("PYTHONPATH", "")
            .run();
        (run.code, run.json())
    };
    let find = |doc: &serde_json::Value, name: &str| {
        doc.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} check: {doc}"))
    };
    let (code, doc) = checks("python3", "nope");
    assert_eq!(code, 1, "{doc}");
    let cluster = find(&doc, "cluster");
    assert_eq!(cluster["status"], "fail");
    assert!(cluster["detail"]
        .as_str()
        .unwrap()
        .contains("'nope' does not exist"));
    assert!(cluster["fix"]
        .as_str()
        .unwrap()
        .contains("--create-cluster"));
    let aiopslab = find(&doc, "aiopslab");
    assert_eq!(aiopslab["status"], "fail", "{doc}");
    assert!(aiopslab["fix"].as_str().unwrap().contains("--python PATH"));
    // With the real package and an existing cluster every check passes.
    lab.env(db.cmd())
        .args([
            "worker",
            "run",
            "--cluster",
            "lab-doc",
            "--create-cluster",
            "--drain",
            "--exec",
            "true",
        ])
        .run()
        .ok();
    let (code, doc) = checks(&lab.python(), "lab-doc");
    assert_eq!(code, 0, "{doc}");
    for name in [
        "database",
        "python",
        "kind",
        "kubectl",
        "helm",
        "docker",
        "docker daemon",
        "cluster",
        "kubeconfig",
        "api server",
        "aiopslab",
        "config.yml",
        "tokenizer",
        "orchestrator",
    ] {
        assert_eq!(find(&doc, name)["status"], "ok", "{name}: {doc}");
    }
}
