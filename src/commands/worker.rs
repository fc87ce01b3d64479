//! `aiops worker run`: the flags become a [`worker::Config`], and the worker runs on it.

use std::time::Duration;

use crate::cli::{Backend, WorkerArgs, WorkerCommand, WorkerRunArgs};
use crate::commands::Ctx;
use crate::error::{Error, Result};
use crate::worker::cluster::Setup;
use crate::worker::{self, Config, Executor, Via, AIOPSLAB_KILL_GRACE, EXEC_KILL_GRACE};

pub async fn run(ctx: &Ctx, a: WorkerArgs) -> Result<u8> {
    match a.command {
        WorkerCommand::Run(args) => {
            let cfg = config(&args)?;
            let via = match &args.server {
                Some(url) => Via::Server {
                    url: url.clone(),
                    token: args.token.clone(),
                },
                None => Via::Database(ctx.url()?.0),
            };
            worker::run(cfg, &via, |line| ctx.printer.note(line)).await
        }
    }
}

/// The worker's settings from its flags, each checked with a message that names the flag.
fn config(a: &WorkerRunArgs) -> Result<Config> {
    let id = a.id.clone().unwrap_or_else(|| a.cluster.clone());
    for (what, v) in [("--cluster", &a.cluster), ("--id", &id)] {
        if v.is_empty() || v.len() > 255 || v.chars().any(|c| c.is_control() || c == '/') {
            return Err(Error::usage(format!(
                "{what} '{v}' must be 1-255 printable characters without '/'"
            )));
        }
    }
    if a.concurrency == 0 || a.concurrency > 256 {
        return Err(Error::usage("--concurrency must be from 1 to 256"));
    }
    if a.heartbeat < Duration::from_millis(100) || a.heartbeat > Duration::from_secs(3600) {
        return Err(Error::usage("--heartbeat must be from 100ms to 1h"));
    }
    if a.poll < Duration::from_millis(10) {
        return Err(Error::usage("--poll must be at least 10ms"));
    }
    if a.backend != Backend::Kind
        && (a.create_cluster
            || a.recreate_cluster
            || a.delete_cluster_on_exit
            || a.kind_config.is_some())
    {
        return Err(Error::usage(
            "--create-cluster, --recreate-cluster, --delete-cluster-on-exit and --kind-config need --backend kind",
        ));
    }
    if a.backend != Backend::Existing && a.kubeconfig.is_some() {
        return Err(Error::usage("--kubeconfig is for --backend existing"));
    }
    if a.exec.is_some() && a.results_dir.is_some() {
        return Err(Error::usage(
            "--results-dir keeps AIOpsLab's session files; it does not go with --exec",
        ));
    }
    let results_dir = match &a.results_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::usage(format!(
                    "--results-dir {}: {e}; give a directory this worker can write",
                    dir.display()
                ))
            })?;
            Some(std::fs::canonicalize(dir)?)
        }
        None => None,
    };
    let queues = if a.queues.is_empty() {
        vec![crate::task::DEFAULT_QUEUE.to_string()]
    } else {
        a.queues.clone()
    };
    Ok(Config {
        id,
        cluster: a.cluster.clone(),
        backend: a.backend.into(),
        queues,
        concurrency: a.concurrency as usize,
        executor: match &a.exec {
            Some(cmd) => Executor::Shell(cmd.clone()),
            None => Executor::AiopsLab,
        },
        python: a.python.clone(),
        heartbeat: a.heartbeat,
        poll: a.poll,
        kill_grace: a.kill_grace.unwrap_or(if a.exec.is_some() {
            EXEC_KILL_GRACE
        } else {
            AIOPSLAB_KILL_GRACE
        }),
        results_dir,
        cluster_setup: Setup {
            name: a.cluster.clone(),
            backend: a.backend.into(),
            kubeconfig: a.kubeconfig.clone(),
            kind_config: a.kind_config.clone(),
            create: a.create_cluster,
            recreate_each_task: a.recreate_cluster,
            delete_on_exit: a.delete_cluster_on_exit,
            concurrency: a.concurrency as usize,
        },
        once: a.once,
        drain: a.drain,
        shutdown_grace: a.shutdown_grace,
    })
}
