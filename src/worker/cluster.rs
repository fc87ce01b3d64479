//! Cluster backends: the kind cluster a worker owns (found or created, with a kubeconfig of its
//! own so `~/.kube/config` and the current context are never touched), an existing cluster
//! reached through a given kubeconfig, or none at all. Always the real `kind`/`kubectl` CLIs.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

use crate::error::{one_line, Error, Result};
use crate::task::Backend;

/// The cluster a worker runs its tasks on.
#[derive(Debug)]
pub enum Cluster {
    /// A kind cluster this worker owns.
    Kind(KindCluster),
    /// A cluster someone else manages.
    Existing {
        /// Its kubeconfig, passed to every executor.
        kubeconfig: PathBuf,
    },
    /// No cluster: plain shell jobs.
    None,
}

/// How a worker finds, makes and cleans its cluster.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The cluster's name.
    pub name: String,
    /// Its backend.
    pub backend: Backend,
    /// The kubeconfig of an existing cluster.
    pub kubeconfig: Option<PathBuf>,
    /// The kind config used when the cluster is made.
    pub kind_config: Option<PathBuf>,
    /// Make the kind cluster when it does not exist.
    pub create: bool,
    /// Delete and make it again before each task.
    pub recreate_each_task: bool,
    /// Delete it when the worker exits.
    pub delete_on_exit: bool,
    /// Tasks the worker runs at once (a cluster recreated per task allows one).
    pub concurrency: usize,
}

/// A kind cluster and how the worker treats it.
#[derive(Debug)]
pub struct KindCluster {
    name: String,
    kubeconfig: PathBuf,
    kind_config: Option<PathBuf>,
    recreate_each_task: bool,
    delete_on_exit: bool,
}

/// Run a CLI with a time limit; Ok(stdout) on success, Err(one line) otherwise.
pub(crate) async fn run_cli(
    program: &str,
    args: &[&str],
    limit: Duration,
) -> std::result::Result<String, String> {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let out = match tokio::time::timeout(limit, cmd.output()).await {
        Err(_) => {
            return Err(format!(
                "`{program} {}` did not finish within {}s",
                args.join(" "),
                limit.as_secs()
            ))
        }
        Ok(Err(e)) => return Err(format!("cannot run `{program}`: {e}")),
        Ok(Ok(out)) => out,
    };
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        Err(format!(
            "`{program} {}` failed ({}): {}",
            args.join(" "),
            out.status,
            one_line(last)
        ))
    }
}

pub(crate) fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p).any(|d| {
                let f = d.join(program);
                f.is_file()
                    && std::fs::metadata(&f)
                        .map(|m| {
                            std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o111 != 0
                        })
                        .unwrap_or(false)
            })
        })
        .unwrap_or(false)
}

/// Long enough for `kind create cluster` on a cold machine.
const KIND_CREATE_LIMIT: Duration = Duration::from_secs(900);
const KIND_QUICK_LIMIT: Duration = Duration::from_secs(120);
const HEALTH_LIMIT: Duration = Duration::from_secs(30);

impl Cluster {
    /// Check the tools, find or create the cluster and write this worker's kubeconfig into
    /// `state_dir`. Fails with what is missing and how to fix it.
    pub async fn prepare(a: &Setup, state_dir: &Path) -> Result<Cluster> {
        match a.backend {
            Backend::None => Ok(Cluster::None),
            Backend::Existing => {
                let kubeconfig = a.kubeconfig.clone().ok_or_else(|| {
                    Error::usage(
                        "--backend existing needs --kubeconfig FILE (the cluster's kubeconfig)",
                    )
                })?;
                if !kubeconfig.is_file() {
                    return Err(Error::usage(format!(
                        "--kubeconfig {} does not exist; give the kubeconfig of the existing cluster",
                        kubeconfig.display()
                    )));
                }
                let kubeconfig = std::fs::canonicalize(&kubeconfig)?;
                Ok(Cluster::Existing { kubeconfig })
            }
            Backend::Kind => {
                if a.recreate_each_task && a.concurrency > 1 {
                    // Recreating before each task would delete the cluster under the other
                    // tasks still running on it.
                    return Err(Error::usage(
                        "--recreate-cluster needs --concurrency 1: recreating the cluster before a task would delete it under the tasks still running on it",
                    ));
                }
                for tool in ["kind", "kubectl"] {
                    if !on_path(tool) {
                        return Err(Error::usage(format!(
                            "`{tool}` is not on PATH; install it (kind v0.27+ and kubectl), or use --backend existing --kubeconfig FILE or --backend none"
                        )));
                    }
                }
                if let Some(cfg) = &a.kind_config {
                    if !cfg.is_file() {
                        return Err(Error::usage(format!(
                            "--kind-config {} does not exist",
                            cfg.display()
                        )));
                    }
                }
                let kind = KindCluster {
                    name: a.name.clone(),
                    kubeconfig: state_dir.join("kubeconfig"),
                    kind_config: a.kind_config.clone(),
                    recreate_each_task: a.recreate_each_task,
                    delete_on_exit: a.delete_on_exit,
                };
                let exists = kind.exists().await?;
                if !exists && !a.create {
                    return Err(Error::usage(format!(
                        "kind cluster '{}' does not exist; create it with --create-cluster (optionally --kind-config FILE) or pick an existing one from `kind get clusters`",
                        kind.name
                    )));
                }
                if !exists {
                    tracing::info!(cluster = %kind.name, "creating kind cluster");
                    kind.create().await.map_err(Error::Other)?;
                }
                kind.write_kubeconfig().await.map_err(Error::Other)?;
                Ok(Cluster::Kind(kind))
            }
        }
    }

    /// Whether every task starts on a fresh cluster (`--recreate-cluster`): nothing an earlier
    /// attempt left can be there.
    pub fn fresh_each_task(&self) -> bool {
        matches!(self, Cluster::Kind(k) if k.recreate_each_task)
    }

    /// The kubeconfig executors get, if any.
    pub fn kubeconfig(&self) -> Option<&Path> {
        match self {
            Cluster::Kind(k) => Some(&k.kubeconfig),
            Cluster::Existing { kubeconfig } => Some(kubeconfig),
            Cluster::None => None,
        }
    }

    /// What the AIOpsLab runner (and every executor) is told about the cluster. The runner
    /// builds on it, never on `~/.kube/config`: `kind` names the cluster (AIOpsLab's
    /// `AIOPSLAB_CLUSTER`, context `kind-<name>`, node `<name>-control-plane`); `existing` gives
    /// the kubeconfig, whose current context is used; `none` gives no kubeconfig, and the runner
    /// uses one that reaches no cluster.
    pub fn runner_env(&self, name: &str) -> Vec<(String, String)> {
        let backend = match self {
            Cluster::Kind(_) => Backend::Kind,
            Cluster::Existing { .. } => Backend::Existing,
            Cluster::None => Backend::None,
        };
        runner_env(backend, name, self.kubeconfig())
    }

    /// Make the cluster ready for the next task: recreate it if asked, then check that its API
    /// server answers. The error explains what failed; the attempt fails with it.
    pub async fn before_task(&self) -> std::result::Result<(), String> {
        if let Cluster::Kind(k) = self {
            if k.recreate_each_task {
                k.delete().await?;
                k.create().await?;
                k.write_kubeconfig().await?;
            }
        }
        match self.kubeconfig() {
            Some(cfg) => api_server_ready(cfg)
                .await
                .map_err(|e| format!("cluster health check failed: {e}")),
            None => Ok(()),
        }
    }

    /// Clean up at worker exit (`--delete-cluster-on-exit`).
    pub async fn on_exit(&self) {
        if let Cluster::Kind(k) = self {
            if k.delete_on_exit {
                if let Err(e) = k.delete().await {
                    tracing::warn!("deleting kind cluster {} failed: {e}", k.name);
                }
            }
        }
    }
}

impl KindCluster {
    async fn exists(&self) -> Result<bool> {
        Ok(kind_clusters()
            .await
            .map_err(Error::Other)?
            .contains(&self.name))
    }

    async fn create(&self) -> std::result::Result<(), String> {
        let kubeconfig = self.kubeconfig.to_string_lossy().into_owned();
        // N.B.: --kubeconfig keeps kind from editing ~/.kube/config or switching its context.
        let mut args = vec![
            "create",
            "cluster",
            "--name",
            &self.name,
            "--kubeconfig",
            &kubeconfig,
        ];
        let cfg;
        if let Some(c) = &self.kind_config {
            cfg = c.to_string_lossy().into_owned();
            args.extend(["--config", &cfg]);
        }
        run_cli("kind", &args, KIND_CREATE_LIMIT).await.map(|_| ())
    }

    async fn delete(&self) -> std::result::Result<(), String> {
        let kubeconfig = self.kubeconfig.to_string_lossy().into_owned();
        run_cli(
            "kind",
            &[
                "delete",
                "cluster",
                "--name",
                &self.name,
                "--kubeconfig",
                &kubeconfig,
            ],
            KIND_QUICK_LIMIT,
        )
        .await
        .map(|_| ())
    }

    async fn write_kubeconfig(&self) -> std::result::Result<(), String> {
        let cfg = kind_kubeconfig(&self.name).await?;
        write_private(&self.kubeconfig, cfg.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", self.kubeconfig.display()))
    }
}

/// What the AIOpsLab runner (and every executor) is told about a cluster: see
/// [`Cluster::runner_env`]. `aiops doctor` builds its Orchestrator with the same.
pub fn runner_env(
    backend: Backend,
    name: &str,
    kubeconfig: Option<&Path>,
) -> Vec<(String, String)> {
    let mut env = vec![
        ("AIOPS_BACKEND".to_string(), backend.to_string()),
        ("AIOPS_CLUSTER".to_string(), name.to_string()),
    ];
    if backend == Backend::Kind {
        env.push(("AIOPSLAB_CLUSTER".into(), name.to_string()));
    }
    if let Some(k) = kubeconfig {
        env.push(("KUBECONFIG".into(), k.to_string_lossy().into_owned()));
    }
    env
}

/// The names of the kind clusters on this host.
pub async fn kind_clusters() -> std::result::Result<Vec<String>, String> {
    let out = run_cli("kind", &["get", "clusters"], KIND_QUICK_LIMIT).await?;
    Ok(out.lines().map(|l| l.trim().to_string()).collect())
}

/// The kubeconfig of kind cluster `name` (its context is `kind-<name>`).
pub async fn kind_kubeconfig(name: &str) -> std::result::Result<String, String> {
    run_cli(
        "kind",
        &["get", "kubeconfig", "--name", name],
        KIND_QUICK_LIMIT,
    )
    .await
}

/// Whether the API server behind `kubeconfig` answers its readiness check.
pub async fn api_server_ready(kubeconfig: &Path) -> std::result::Result<(), String> {
    let cfg = kubeconfig.to_string_lossy();
    run_cli(
        "kubectl",
        &[
            "--kubeconfig",
            &cfg,
            "--request-timeout=20s",
            "get",
            "--raw",
            "/readyz",
        ],
        HEALTH_LIMIT,
    )
    .await
    .map(drop)
}

/// Write a file readable only by this user (kubeconfigs hold credentials).
pub(crate) fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(data)?;
    f.sync_all()?;
    std::fs::rename(tmp, path)
}
