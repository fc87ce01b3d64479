//! Cluster backends (`docs/contract.md` §4) driven through the real `aiops worker run`. kind and
//! Docker cannot
//! run here, so stand-in `kind` and `kubectl` scripts (tests/fixtures/bin) come first on PATH:
//! they record every call and keep the clusters in a state file.

use std::path::{Path, PathBuf};

use crate::support::{fixture, Cmd, TestDb};

/// A sandbox for one test: the fakes' state and call log, a HOME and a TMPDIR of its own (the
/// worker keeps its kubeconfig under TMPDIR).
struct Sandbox {
    root: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let s = Sandbox {
            root: tempfile::tempdir().unwrap(),
        };
        for d in ["state", "home", "tmp"] {
            std::fs::create_dir(s.root.path().join(d)).unwrap();
        }
        s
    }

    fn state(&self) -> PathBuf {
        self.root.path().join("state")
    }

    fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    fn tmp(&self) -> PathBuf {
        self.root.path().join("tmp")
    }

    fn calls_file(&self) -> PathBuf {
        self.root.path().join("calls")
    }

    /// Every call the fakes saw, one per line (`kind …`, `kubectl …`, and `task …` lines that
    /// the executors write).
    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.calls_file())
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn count(&self, prefix: &str) -> usize {
        self.calls()
            .iter()
            .filter(|c| c.starts_with(prefix))
            .count()
    }

    fn clusters(&self) -> Vec<String> {
        std::fs::read_to_string(self.state().join("clusters"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn add_cluster(&self, name: &str) {
        let mut all = self.clusters();
        all.push(name.to_string());
        std::fs::write(self.state().join("clusters"), all.join("\n") + "\n").unwrap();
    }

    /// Where the worker with this id keeps its kubeconfig.
    fn worker_kubeconfig(&self, id: &str) -> PathBuf {
        self.tmp()
            .join(format!("aiops-worker-{id}"))
            .join("kubeconfig")
    }

    /// `aiops worker run --cluster NAME …` with the fakes first on PATH.
    fn worker(&self, db: &TestDb, cluster: &str, extra: &[&str]) -> Cmd {
        let path = format!(
            "{}:{}",
            fixture("bin").display(),
            std::env::var("PATH").unwrap()
        );
        self.worker_with_path(db, cluster, extra, &path)
    }

    fn worker_with_path(&self, db: &TestDb, cluster: &str, extra: &[&str], path: &str) -> Cmd {
        db.cmd()
            .args([
                "worker",
                "run",
                "--cluster",
                cluster,
                "--heartbeat",
                "200ms",
                "--poll",
                "500ms",
            ])
            .args(extra)
            .env("PATH", path)
            .env("HOME", self.home().to_string_lossy())
            .env("TMPDIR", self.tmp().to_string_lossy())
            .env("AIOPS_FAKE_CALLS", self.calls_file().to_string_lossy())
            .env("AIOPS_FAKE_STATE", self.state().to_string_lossy())
    }
}

fn submit(db: &TestDb, extra: &[&str]) -> String {
    db.cmd()
        .args(["submit", "p"])
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

fn log_messages(db: &TestDb, id: &str) -> Vec<String> {
    let logs = db.cmd().args(["logs", id, "-o", "json"]).run().ok().json();
    logs.as_array()
        .unwrap()
        .iter()
        .map(|l| l["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Position of the first call starting with `prefix`, failing with the whole log.
#[track_caller]
fn position(calls: &[String], prefix: &str) -> usize {
    calls
        .iter()
        .position(|c| c.starts_with(prefix))
        .unwrap_or_else(|| panic!("no call starting with {prefix:?} in:\n{}", calls.join("\n")))
}

#[track_caller]
fn assert_kubectl_always_has_a_kubeconfig(calls: &[String]) {
    for c in calls.iter().filter(|c| c.starts_with("kubectl")) {
        assert!(
            c.contains("--kubeconfig"),
            "kubectl without --kubeconfig: {c}"
        );
    }
}

/// A small kind config, as a user would pass with --kind-config.
fn kind_config(dir: &Path) -> PathBuf {
    let f = dir.join("kind-config.yaml");
    std::fs::write(
        &f,
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n",
    )
    .unwrap();
    f
}

#[tokio::test]
async fn a_missing_kind_cluster_without_create_cluster_is_a_usage_error() {
    let db = TestDb::new().await;
    let sb = Sandbox::new();
    sb.add_cluster("some-other-cluster");
    let id = submit(&db, &[]);
    sb.worker(
        &db,
        "kc-missing",
        &["--backend", "kind", "--exec", "true", "--drain"],
    )
    .run()
    .code(2)
    .error_line(&["kc-missing", "--create-cluster"]);
    assert_eq!(sb.count("kind create"), 0, "{:?}", sb.calls());
    assert_eq!(sb.clusters(), ["some-other-cluster"]);
    assert_eq!(status(&db, &id)["status"], "pending", "nothing was claimed");
    let w = db
        .cmd()
        .args(["workers", "kc-missing", "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(w["status"], "offline", "the worker gave its cluster back");
}

#[tokio::test]
async fn create_cluster_gives_tasks_their_own_kubeconfig_and_never_touches_home() {
    let db = TestDb::new().await;
    let sb = Sandbox::new();
    let cfg = kind_config(sb.root.path());
    let id = submit(&db, &[]);
    let exec = r#"echo KUBECONFIG=$KUBECONFIG; echo AIOPSLAB_CLUSTER=$AIOPSLAB_CLUSTER; echo "task $AIOPS_TASK_ID" >> "$AIOPS_FAKE_CALLS""#;
    let home_kube = sb.home().join(".kube");
    sb.worker(
        &db,
        "kc-create",
        &[
            "--create-cluster",
            "--kind-config",
            &cfg.to_string_lossy(),
            "--drain",
            "--exec",
            exec,
        ],
    )
    // A KUBECONFIG in the worker's own environment must not leak into the task either.
    .env("KUBECONFIG", home_kube.join("config").to_string_lossy())
    .run()
    .ok();

    let t = status(&db, &id);
    assert_eq!(t["status"], "completed", "{t}");
    assert_eq!(sb.clusters(), ["kc-create"]);

    let calls = sb.calls();
    let own = sb.worker_kubeconfig("kc-create");
    let own = own.to_string_lossy();
    let create = position(&calls, "kind create cluster --name kc-create");
    assert_eq!(
        calls[create],
        format!(
            "kind create cluster --name kc-create --kubeconfig {own} --config {}",
            cfg.display()
        )
    );
    let get = position(&calls, "kind get kubeconfig --name kc-create");
    let health = position(&calls, &format!("kubectl --kubeconfig {own}"));
    assert!(
        calls[health].ends_with("get --raw /readyz"),
        "{}",
        calls[health]
    );
    let task = position(&calls, &format!("task {id}"));
    assert!(
        create < get && get < health && health < task,
        "create, kubeconfig, health check, then the task:\n{}",
        calls.join("\n")
    );
    assert_kubectl_always_has_a_kubeconfig(&calls);

    let logs = log_messages(&db, &id);
    assert!(
        logs.contains(&format!("KUBECONFIG={own}")),
        "the task gets the worker's own kubeconfig: {logs:?}"
    );
    assert!(!own.starts_with(&*sb.home().to_string_lossy()));
    assert!(
        logs.contains(&"AIOPSLAB_CLUSTER=kc-create".to_string()),
        "{logs:?}"
    );

    let written = std::fs::read_to_string(sb.worker_kubeconfig("kc-create")).unwrap();
    assert!(
        written.contains("kind-kc-create"),
        "the kubeconfig is `kind get kubeconfig`'s: {written}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(sb.worker_kubeconfig("kc-create"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "the kubeconfig is private: {mode:o}");
    assert!(!home_kube.exists(), "$HOME/.kube was created");
}

#[tokio::test]
async fn an_existing_kind_cluster_is_used_as_is() {
    let db = TestDb::new().await;
    let sb = Sandbox::new();
    sb.add_cluster("kc-found");
    let id = submit(&db, &[]);
    sb.worker(
        &db,
        "kc-found",
        &["--drain", "--exec", "echo KUBECONFIG=$KUBECONFIG"],
    )
    .run()
    .ok();
    assert_eq!(status(&db, &id)["status"], "completed");
    assert_eq!(sb.count("kind create"), 0, "{:?}", sb.calls());
    assert_eq!(sb.count("kind delete"), 0, "{:?}", sb.calls());
    assert_eq!(sb.count("kind get kubeconfig --name kc-found"), 1);
    assert_eq!(sb.clusters(), ["kc-found"], "still there after exit");
    let own = sb.worker_kubeconfig("kc-found");
    assert!(log_messages(&db, &id).contains(&format!("KUBECONFIG={}", own.display())));
    assert!(!sb.home().join(".kube").exists());
}

#[tokio::test]
async fn recreate_cluster_before_each_task_and_delete_it_on_exit() {
    let db = TestDb::new().await;
    let sb = Sandbox::new();
    sb.add_cluster("kc-recreate");
    sb.add_cluster("bystander");
    let first = submit(&db, &["--priority", "10"]);
    let second = submit(&db, &[]);
    let exec = r#"echo "task $AIOPS_TASK_ID" >> "$AIOPS_FAKE_CALLS""#;
    let run = sb
        .worker(
            &db,
            "kc-recreate",
            &[
                "--recreate-cluster",
                "--delete-cluster-on-exit",
                "--drain",
                "--exec",
                exec,
            ],
        )
        .env("AIOPS_LOG", "info")
        .run()
        .ok();
    for id in [&first, &second] {
        let t = status(&db, id);
        assert_eq!(
            t["status"],
            "completed",
            "{t}\nworker:\n{}\ncalls:\n{}",
            run.stderr,
            sb.calls().join("\n")
        );
    }
    let calls = sb.calls();
    let kind_calls: Vec<&String> = calls
        .iter()
        .filter(|c| {
            c.starts_with("kind create") || c.starts_with("kind delete") || c.starts_with("task")
        })
        .collect();
    let own = sb.worker_kubeconfig("kc-recreate");
    let delete = format!(
        "kind delete cluster --name kc-recreate --kubeconfig {}",
        own.display()
    );
    let create = format!(
        "kind create cluster --name kc-recreate --kubeconfig {}",
        own.display()
    );
    let expected = [
        delete.clone(),
        create.clone(),
        format!("task {first}"),
        delete.clone(),
        create,
        format!("task {second}"),
        delete,
    ];
    assert_eq!(
        kind_calls,
        expected.iter().collect::<Vec<_>>(),
        "delete+create before each task, delete at exit:\n{}",
        calls.join("\n")
    );
    // After each recreation the kubeconfig is fetched again and the cluster checked.
    assert_eq!(sb.count("kind get kubeconfig --name kc-recreate"), 3);
    assert_eq!(sb.count("kubectl"), 2);
    assert_kubectl_always_has_a_kubeconfig(&calls);
    assert_eq!(sb.clusters(), ["bystander"], "only our cluster is gone");
}

#[tokio::test]
async fn recreate_cluster_with_concurrency_is_refused() {
    let db = TestDb::new().await;
    let sb = Sandbox::new();
    sb.add_cluster("kc-conc");
    sb.worker(
        &db,
        "kc-conc",
        &[
            "--recreate-cluster",
            "--concurrency",
            "2",
            "--exec",
            "true",
            "--drain",
        ],
    )
    .run()
    .code(2)
    .error_line(&["--recreate-cluster", "--concurrency"]);
    assert_eq!(sb.count("kind delete"), 0);
    assert_eq!(sb.clusters(), ["kc-conc"]);
}

#[tokio::test]
async fn an_unhealthy_cluster_fails_the_attempt_before_the_task_runs() {
    let db = TestDb::new().await;
    let sb = Sandbox::new();
    sb.add_cluster("kc-sick");
    std::fs::write(sb.state().join("unhealthy"), "").unwrap();
    let id = submit(&db, &["--max-attempts", "1"]);
    let exec = r#"echo "task $AIOPS_TASK_ID" >> "$AIOPS_FAKE_CALLS""#;
    sb.worker(&db, "kc-sick", &["--drain", "--exec", exec])
        .run()
        .ok();
    let t = status(&db, &id);
    assert_eq!(t["status"], "failed", "{t}");
    let err = t["error_details"].as_str().unwrap();
    assert!(err.contains("health check"), "{err}");
    assert!(err.contains("connection refused"), "says why: {err}");
    assert_eq!(sb.count("task"), 0, "the executor never ran");
    assert_eq!(sb.count("kubectl"), 1);
}

#[tokio::test]
async fn missing_kind_or_kubectl_is_named() {
    let db = TestDb::new().await;
    let sb = Sandbox::new();
    let system_path = "/usr/local/bin:/usr/bin:/bin";
    let found = std::process::Command::new("sh")
        .args(["-c", "command -v kind"])
        .env("PATH", system_path)
        .output()
        .unwrap();
    assert!(
        !found.status.success(),
        "a real kind is on {system_path}; this test needs it absent"
    );
    sb.worker_with_path(
        &db,
        "kc-nokind",
        &["--create-cluster", "--exec", "true", "--drain"],
        system_path,
    )
    .run()
    .code(2)
    .error_line(&["`kind`", "PATH"]);

    // kind present, kubectl absent (the system may well have a kubectl: give a PATH without it).
    let only_kind = sb.root.path().join("only-kind");
    std::fs::create_dir(&only_kind).unwrap();
    std::os::unix::fs::symlink(fixture("bin/kind"), only_kind.join("kind")).unwrap();
    sb.worker_with_path(
        &db,
        "kc-nokubectl",
        &["--create-cluster", "--exec", "true", "--drain"],
        &only_kind.to_string_lossy(),
    )
    .run()
    .code(2)
    .error_line(&["`kubectl`", "PATH"]);
    assert!(sb.calls().is_empty(), "nothing ran: {:?}", sb.calls());
}

#[tokio::test]
async fn existing_backend_needs_a_kubeconfig_and_passes_it_on() {
    let db = TestDb::new().await;
    let sb = Sandbox::new();
    sb.worker(
        &db,
        "kc-existing",
        &["--backend", "existing", "--exec", "true", "--drain"],
    )
    .run()
    .code(2)
    .error_line(&["--kubeconfig"]);
    let absent = sb.root.path().join("absent.yaml");
    sb.worker(
        &db,
        "kc-existing",
        &[
            "--backend",
            "existing",
            "--kubeconfig",
            &absent.to_string_lossy(),
            "--exec",
            "true",
            "--drain",
        ],
    )
    .run()
    .code(2)
    .error_line(&["--kubeconfig", "absent.yaml"]);

    let kubeconfig = sb.root.path().join("theirs.yaml");
    std::fs::write(&kubeconfig, "apiVersion: v1\nkind: Config\n").unwrap();
    let kubeconfig = std::fs::canonicalize(kubeconfig).unwrap();
    let id = submit(&db, &[]);
    sb.worker(
        &db,
        "kc-existing",
        &[
            "--backend",
            "existing",
            "--kubeconfig",
            &kubeconfig.to_string_lossy(),
            "--exec",
            "echo KUBECONFIG=$KUBECONFIG",
            "--drain",
        ],
    )
    .run()
    .ok();
    assert_eq!(status(&db, &id)["status"], "completed");
    assert!(log_messages(&db, &id).contains(&format!("KUBECONFIG={}", kubeconfig.display())));
    let calls = sb.calls();
    assert_eq!(sb.count("kind"), 0, "kind is not used: {calls:?}");
    assert_eq!(calls.len(), 1, "one health check: {calls:?}");
    assert!(
        calls[0].starts_with(&format!("kubectl --kubeconfig {} ", kubeconfig.display()))
            && calls[0].ends_with(" get --raw /readyz"),
        "a health check on their kubeconfig: {calls:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&kubeconfig).unwrap(),
        "apiVersion: v1\nkind: Config\n",
        "their kubeconfig is left alone"
    );
}
