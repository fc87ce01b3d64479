//! `aiops doctor`: every prerequisite of running AIOpsLab problems on a worker, checked one by
//! one, so the first missing piece is named with its fix instead of surfacing as a failed task.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::task::Backend;
use crate::worker::cluster::{
    api_server_ready, kind_clusters, kind_kubeconfig, on_path, run_cli, runner_env, write_private,
};
use crate::worker::runner;

/// What to check: the worker a user is about to start.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The database URL in use, when one could be resolved.
    pub database_url: Option<String>,
    /// Why no database URL could be resolved.
    pub database_error: Option<String>,
    /// The worker's cluster, if cluster checks are wanted.
    pub cluster: Option<String>,
    /// `kind`, `existing` or `none`.
    pub backend: crate::task::Backend,
    /// The kubeconfig of an existing cluster.
    pub kubeconfig: Option<PathBuf>,
    /// The Python the AIOpsLab runner will use.
    pub python: String,
}

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It is there and works.
    Ok,
    /// It is missing or broken.
    Fail,
    /// Not checked, because something it needs failed or was not asked for.
    Skip,
}

/// One line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What was checked.
    pub name: String,
    /// How it came out.
    pub status: Status,
    /// Whether the worker needs it (a failed optional check does not fail `doctor`).
    pub required: bool,
    /// What was found.
    pub detail: String,
    /// What to do, when it failed.
    pub fix: Option<String>,
}

impl Check {
    fn new(
        name: &str,
        required: bool,
        outcome: std::result::Result<String, (String, String)>,
    ) -> Check {
        match outcome {
            Ok(detail) => Check {
                name: name.into(),
                status: Status::Ok,
                required,
                detail,
                fix: None,
            },
            Err((detail, fix)) => Check {
                name: name.into(),
                status: Status::Fail,
                required,
                detail,
                fix: Some(fix),
            },
        }
    }

    fn skip(name: &str, required: bool, why: &str) -> Check {
        Check {
            name: name.into(),
            status: Status::Skip,
            required,
            detail: why.into(),
            fix: None,
        }
    }

    /// A required check that did not pass.
    pub fn blocks(&self) -> bool {
        self.required && self.status != Status::Ok
    }
}

const QUICK: Duration = Duration::from_secs(30);

/// Run every check, in the order a user would fix them.
pub async fn run(plan: &Plan) -> Vec<Check> {
    let mut checks = vec![database(plan).await];
    let python = python(&plan.python).await;
    let python_ok = python.status == Status::Ok;
    checks.push(python);

    let (kind, existing) = (
        plan.backend == Backend::Kind,
        plan.backend == Backend::Existing,
    );
    for (tool, args, required) in [
        ("kind", &["version"][..], kind),
        ("kubectl", &["version", "--client"][..], kind || existing),
        ("helm", &["version", "--short"][..], kind || existing),
        ("docker", &["--version"][..], kind),
    ] {
        checks.push(tool_check(tool, args, required).await);
    }
    let docker_ok = checks.last().is_some_and(|c| c.status == Status::Ok);
    checks.push(if docker_ok {
        Check::new(
            "docker daemon",
            kind,
            run_cli("docker", &["info", "--format", "{{.ServerVersion}}"], QUICK)
                .await
                .map(|v| format!("answers (server {})", v.trim()))
                .map_err(|e| (e, "start the Docker daemon (systemctl start docker) and make sure this user may use it".into())),
        )
    } else {
        Check::skip("docker daemon", kind, "docker is not installed")
    });

    let (cluster_checks, env) = cluster(plan).await;
    checks.extend(cluster_checks);
    if !python_ok {
        checks.push(Check::skip("aiopslab", true, "no usable Python"));
    } else {
        checks.extend(aiopslab(plan, env.as_deref()).await);
    }
    if plan.backend == Backend::Kind {
        // The copy of the kind cluster's kubeconfig made for these checks.
        let copy = env.iter().flatten().find(|(n, _)| n == "KUBECONFIG");
        if let Some((_, k)) = copy {
            let _ = std::fs::remove_file(k);
        }
    }
    checks
}

async fn database(plan: &Plan) -> Check {
    let fix = "start PostgreSQL, or point --database-url / AIOPS_DATABASE_URL at a running server"
        .to_string();
    let Some(url) = &plan.database_url else {
        return Check::new(
            "database",
            true,
            Err((plan.database_error.clone().unwrap_or_default(), fix)),
        );
    };
    let cfg = crate::db::PoolConfig {
        max_connections: 1,
        connect_timeout: Duration::from_secs(5),
        claims_only: false,
        application_name: "aiops",
    };
    let outcome = async {
        let pool = crate::db::connect_no_migrate(url, &cfg)
            .await
            .map_err(|e| (e.to_string(), fix.clone()))?;
        let s = crate::db::schema_status(&pool)
            .await
            .map_err(|e| (e.to_string(), fix.clone()))?;
        pool.close().await;
        match s.applied {
            Some(v) if v > s.known => Err((
                format!(
                    "{}: schema version {v} is newer than this aiops ({})",
                    crate::db::mask_url(url),
                    s.known
                ),
                "install the aiops release that wrote it".to_string(),
            )),
            applied => Ok(format!(
                "{}: schema {}",
                crate::db::mask_url(url),
                match applied {
                    Some(v) if v == s.known => format!("current (version {v})"),
                    Some(v) => format!("version {v}, migrated to {} on first use", s.known),
                    None => "empty, migrated on first use".to_string(),
                }
            )),
        }
    }
    .await;
    Check::new("database", true, outcome)
}

async fn python(python: &str) -> Check {
    let fix = format!("install Python 3.11 or newer (AIOpsLab needs it), or pass --python PATH; {python} was tried");
    let out = run_cli(
        python,
        &["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
        QUICK,
    )
    .await;
    let outcome = match out {
        Err(e) => Err((e, fix)),
        Ok(v) => {
            let v = v.trim().to_string();
            let parts: Vec<u32> = v.split('.').filter_map(|p| p.parse().ok()).collect();
            if parts.len() >= 2 && (parts[0], parts[1]) >= (3, 11) {
                Ok(format!("{python} is Python {v}"))
            } else {
                Err((format!("{python} is Python {v}"), fix))
            }
        }
    };
    Check::new("python", true, outcome)
}

async fn tool_check(tool: &str, args: &[&str], required: bool) -> Check {
    let fix = match tool {
        "kind" => "install kind v0.27 or newer (https://kind.sigs.k8s.io)",
        "kubectl" => "install kubectl",
        "helm" => "install Helm 3 (AIOpsLab deploys its applications with it)",
        _ => "install Docker (kind runs its nodes in containers)",
    };
    if !on_path(tool) {
        return Check::new(
            tool,
            required,
            Err((format!("`{tool}` is not on PATH"), fix.into())),
        );
    }
    Check::new(
        tool,
        required,
        run_cli(tool, args, QUICK)
            .await
            .map(|v| v.lines().next().unwrap_or("").trim().to_string())
            .map_err(|e| (e, fix.into())),
    )
}

/// The cluster checks, and the environment the runner then builds its Orchestrator with
/// (`None`: no cluster to build it on, so that check is not required).
async fn cluster(plan: &Plan) -> (Vec<Check>, Option<Vec<(String, String)>>) {
    let mut checks = Vec::new();
    let Some(name) = &plan.cluster else {
        if plan.backend == Backend::None {
            return (checks, Some(runner_env(Backend::None, "", None)));
        }
        checks.push(Check::skip("cluster", false, "no --cluster given"));
        return (checks, None);
    };
    let kubeconfig: Option<PathBuf> = match plan.backend {
        Backend::None => return (checks, Some(runner_env(Backend::None, name, None))),
        Backend::Existing => {
            let Some(k) = plan.kubeconfig.clone() else {
                checks.push(Check::new(
                    "kubeconfig",
                    true,
                    Err((
                        "--backend existing needs the cluster's kubeconfig".into(),
                        "pass --kubeconfig FILE".into(),
                    )),
                ));
                return (checks, Some(runner_env(Backend::Existing, name, None)));
            };
            let outcome = run_cli("kubectl", &["--kubeconfig", &k.to_string_lossy(), "config", "current-context"], QUICK)
                .await
                .map(|c| format!("{}: current context {}", k.display(), c.trim()))
                .map_err(|e| (e, format!("give the existing cluster's kubeconfig with a current context (kubectl --kubeconfig {} config use-context NAME)", k.display())));
            let ok = outcome.is_ok();
            checks.push(Check::new("kubeconfig", true, outcome));
            ok.then_some(k)
        }
        Backend::Kind => {
            let exists = kind_clusters()
                .await
                .map_err(|e| (e, "install kind and Docker (see the lines above)".to_string()))
                .and_then(|clusters| {
                    if clusters.contains(name) {
                        Ok(format!("kind cluster '{name}' exists"))
                    } else {
                        Err((
                            format!("kind cluster '{name}' does not exist"),
                            format!("create it: aiops worker run --cluster {name} --create-cluster (or kind create cluster --name {name})"),
                        ))
                    }
                });
            let ok = exists.is_ok();
            checks.push(Check::new("cluster", true, exists));
            if !ok {
                return (checks, Some(runner_env(Backend::Kind, name, None)));
            }
            let file = std::env::temp_dir().join(format!(
                "aiops-doctor-{}-{name}.kubeconfig",
                std::process::id()
            ));
            let context = format!("kind-{name}");
            let outcome = match kind_kubeconfig(name).await {
                Err(e) => Err((e, format!("recreate the cluster: kind delete cluster --name {name}, then aiops worker run --cluster {name} --create-cluster"))),
                Ok(cfg) if !cfg.contains(&format!("name: {context}")) => Err((
                    format!("the kubeconfig of kind cluster '{name}' has no context {context}"),
                    format!("recreate the cluster with kind v0.27 or newer (kind delete cluster --name {name})"),
                )),
                Ok(cfg) => write_private(&file, cfg.as_bytes())
                    .map(|_| format!("context {context} (the worker keeps its own copy; ~/.kube/config is not used)"))
                    .map_err(|e| (format!("cannot write {}: {e}", file.display()), "free some space in the temp directory".into())),
            };
            let ok = outcome.is_ok();
            checks.push(Check::new("kubeconfig", true, outcome));
            ok.then_some(file)
        }
    };
    match &kubeconfig {
        None => checks.push(Check::skip("api server", true, "no usable kubeconfig")),
        Some(k) => checks.push(Check::new(
            "api server",
            true,
            api_server_ready(k)
                .await
                .map(|_| "answers /readyz".to_string())
                .map_err(|e| {
                    (
                        e,
                        "start the cluster's nodes (docker start NAME-control-plane) or recreate it"
                            .into(),
                    )
                }),
        )),
    }
    (
        checks,
        Some(runner_env(plan.backend, name, kubeconfig.as_deref())),
    )
}

async fn aiopslab(plan: &Plan, env: Option<&[(String, String)]>) -> Vec<Check> {
    #[derive(serde::Deserialize)]
    struct Line {
        name: String,
        ok: bool,
        detail: String,
        fix: Option<String>,
    }
    match runner::doctor(&plan.python, env.unwrap_or_default()).await {
        Err(e) => vec![Check::new(
            "aiopslab",
            true,
            Err((
                e.to_string(),
                "pass --python PATH to a Python that has AIOpsLab".into(),
            )),
        )],
        Ok(lines) => lines
            .into_iter()
            .filter_map(|v| serde_json::from_value::<Line>(v).ok())
            .map(|l| {
                // Building the Orchestrator needs the cluster; without one it is not required.
                let required = l.name != "orchestrator" || env.is_some();
                Check::new(
                    &l.name,
                    required,
                    if l.ok {
                        Ok(l.detail)
                    } else {
                        Err((l.detail, l.fix.unwrap_or_default()))
                    },
                )
            })
            .collect(),
    }
}
