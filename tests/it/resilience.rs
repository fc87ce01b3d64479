//! The worker when things go wrong: the database restarts or vanishes, signals arrive.
//! Tests that stop PostgreSQL use a private instance (the embedded-instance code at a temp dir)
//! so other tests keep their server.

use std::path::PathBuf;
use std::time::Duration;

use aiops::task::TaskStatus;

use crate::support::{
    eventually, first_attempt_hangs, hanging_child, pid_alive, spawn_worker, Cmd, PrivatePg, Proc,
};

fn worker(pg: &PrivatePg, cluster: &str, exec: &str, extra: &[&str]) -> Proc {
    spawn_worker(pg.cmd(), cluster, exec, extra)
}

async fn counts(pool: &sqlx::PgPool) -> Vec<(TaskStatus, i64)> {
    sqlx::query_as("SELECT status, count(*) FROM tasks GROUP BY status ORDER BY 1")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_postgres_restart_during_a_drain_loses_nothing() {
    let pg = PrivatePg::start().await;
    let lines: String = (0..300)
        .map(|i| format!("{{\"problem_id\":\"p{i}\"}}\n"))
        .collect();
    pg.cmd().submit_jsonl(lines);
    let pool = pg.pool().await;
    let mut ws: Vec<Proc> = (0..2)
        .map(|i| {
            worker(
                &pg,
                &format!("r{i}"),
                "sleep 0.02; echo '{\"ok\":true}' > $AIOPS_RESULT_FILE",
                &["--drain", "--concurrency", "3", "--heartbeat", "1s"],
            )
        })
        .collect();
    eventually(Duration::from_secs(60), "some tasks done", || async {
        let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM tasks WHERE status = 'completed'")
            .fetch_one(&pool)
            .await
            .unwrap();
        (n >= 30).then_some(())
    })
    .await;
    pool.close().await;
    pg.stop().await;
    // The outage itself: a real pause while the server is down.
    tokio::time::sleep(Duration::from_millis(800)).await;
    pg.restart().await;
    for w in &mut ws {
        assert_eq!(w.wait(Duration::from_secs(120)).await, 0, "{}", w.output());
    }
    let pool = pg.pool().await;
    assert_eq!(counts(&pool).await, vec![(TaskStatus::Completed, 300)]);
    // Workers count only completions the database applied: a task completed twice would show.
    let (recorded,): (i64,) =
        sqlx::query_as("SELECT coalesce(sum(tasks_completed), 0)::int8 FROM workers")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(recorded, 300, "no task completed twice");
}

#[tokio::test]
async fn a_worker_cut_off_longer_than_its_lease_stops_its_executor() {
    let pg = PrivatePg::start().await;
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let cmd = first_attempt_hangs(&pidfile);
    let id = pg.cmd().args(["submit", "p"]).run().ok().out().to_string();
    let mut w = worker(&pg, "cutoff", &cmd, &["--heartbeat", "200ms"]);
    let child = hanging_child(&pidfile).await;
    pg.stop().await;
    // Lease is 600 ms: well before 5 s the worker must stop the executor on its own.
    eventually(
        Duration::from_secs(5),
        "the executor stopped while cut off",
        || async { (!pid_alive(child)).then_some(()) },
    )
    .await;
    pg.restart().await;
    let pool = pg.pool().await;
    let t = eventually(
        Duration::from_secs(30),
        "the task rescued and completed",
        || async {
            let t = aiops::queue::get(&pool, aiops::task::TaskId(id.parse().unwrap()))
                .await
                .ok()?;
            (t.status == TaskStatus::Completed).then_some(t)
        },
    )
    .await;
    assert_eq!(
        t.attempt, 2,
        "the lost attempt counted, the second completed"
    );
    w.signal("TERM");
    assert_eq!(w.wait(Duration::from_secs(10)).await, 0, "{}", w.output());
}

#[tokio::test]
async fn first_signal_finishes_the_task_second_requeues_it() {
    let pg = PrivatePg::start().await;
    let pool = pg.pool().await;
    let dir = tempfile::tempdir().unwrap();
    let gate = dir.path().join("gate");
    // Runs until the test creates the gate file.
    let cmd = format!(
        "while [ ! -e {} ]; do sleep 0.05; done; echo done",
        gate.display()
    );
    let id = pg.cmd().args(["submit", "p"]).run().ok().out().to_string();
    let tid = aiops::task::TaskId(id.parse().unwrap());
    let mut w = worker(&pg, "sig", &cmd, &["--heartbeat", "200ms"]);
    let running = |want: TaskStatus| {
        let pool = pool.clone();
        async move {
            let t = aiops::queue::get(&pool, tid).await.ok()?;
            (t.status == want).then_some(t)
        }
    };
    eventually(Duration::from_secs(20), "running", || {
        running(TaskStatus::Running)
    })
    .await;
    w.signal("TERM");
    eventually(Duration::from_secs(5), "worker stopping", || async {
        let wk = aiops::queue::get_worker(&pool, "sig").await.ok()?;
        (wk.status == aiops::queue::WorkerStatus::Stopping).then_some(())
    })
    .await;
    // Still running: the first signal only stops claiming.
    assert_eq!(
        aiops::queue::get(&pool, tid).await.unwrap().status,
        TaskStatus::Running
    );
    std::fs::write(&gate, "").unwrap();
    assert_eq!(w.wait(Duration::from_secs(20)).await, 0, "{}", w.output());
    assert_eq!(
        aiops::queue::get(&pool, tid).await.unwrap().status,
        TaskStatus::Completed
    );

    // Second case: two signals stop the task and give it back without spending an attempt.
    std::fs::remove_file(&gate).unwrap();
    let id2 = pg.cmd().args(["submit", "p2"]).run().ok().out().to_string();
    let tid2 = aiops::task::TaskId(id2.parse().unwrap());
    let mut w = worker(&pg, "sig", &cmd, &["--heartbeat", "200ms"]);
    eventually(Duration::from_secs(20), "running", || {
        let pool = pool.clone();
        async move {
            let t = aiops::queue::get(&pool, tid2).await.ok()?;
            (t.status == TaskStatus::Running).then_some(())
        }
    })
    .await;
    w.signal("TERM");
    eventually(Duration::from_secs(5), "worker stopping", || async {
        let wk = aiops::queue::get_worker(&pool, "sig").await.ok()?;
        (wk.status == aiops::queue::WorkerStatus::Stopping).then_some(())
    })
    .await;
    w.signal("TERM");
    assert_eq!(w.wait(Duration::from_secs(20)).await, 0, "{}", w.output());
    let t = aiops::queue::get(&pool, tid2).await.unwrap();
    assert_eq!(
        (t.status, t.attempt),
        (TaskStatus::Pending, 0),
        "re-queued, attempt given back"
    );
}

#[tokio::test]
async fn shutdown_grace_bounds_the_wait() {
    let pg = PrivatePg::start().await;
    let pool = pg.pool().await;
    let id = pg.cmd().args(["submit", "p"]).run().ok().out().to_string();
    let tid = aiops::task::TaskId(id.parse().unwrap());
    let mut w = worker(
        &pg,
        "grace",
        "sleep 60",
        &["--heartbeat", "200ms", "--shutdown-grace", "300ms"],
    );
    eventually(Duration::from_secs(20), "running", || {
        let pool = pool.clone();
        async move {
            let t = aiops::queue::get(&pool, tid).await.ok()?;
            (t.status == TaskStatus::Running).then_some(())
        }
    })
    .await;
    w.signal("INT");
    assert_eq!(w.wait(Duration::from_secs(20)).await, 0, "{}", w.output());
    let t = aiops::queue::get(&pool, tid).await.unwrap();
    assert_eq!((t.status, t.attempt), (TaskStatus::Pending, 0));
}

#[tokio::test]
async fn the_embedded_instance_through_the_cli() {
    let dir = PathBuf::from(format!("/tmp/aiops-xdg-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let cmd = || Cmd::new().env("XDG_DATA_HOME", dir.to_str().unwrap());
    // No URL configured: the first command starts the embedded instance on demand.
    let id = cmd().args(["submit", "p"]).run().ok().out().to_string();
    assert_eq!(id.len(), 36);
    let st = cmd().args(["db", "status", "-o", "json"]).run().ok().json();
    assert_eq!(st["source"], "embedded");
    assert_eq!(st["current"], true);
    let url = cmd().args(["db", "url"]).run().ok().out().to_string();
    assert!(
        url.contains("host=") && !url.contains("127.0.0.1"),
        "unix socket only: {url}"
    );
    cmd().args(["db", "stop"]).run().ok();
    let again = cmd().args(["db", "stop"]).run().ok();
    assert!(again.stderr.contains("was not running"), "{}", again.stderr);
    cmd().args(["db", "start"]).run().ok();
    let t = cmd().args(["status", &id, "-o", "json"]).run().ok().json();
    assert_eq!(t["status"], "pending", "data survived the restart");
    cmd().args(["db", "stop"]).run().ok();
    let _ = std::fs::remove_dir_all(&dir);
}
