//! Workers over HTTP (`aiops worker run --server URL`): real `serve` and worker processes on
//! loopback, against a real database the workers cannot reach themselves.

use std::time::Duration;

use crate::support::{eventually, Cmd, Proc, TestDb};
use crate::worker::{status_of as status, wait_status};

/// A database URL no worker can use: an HTTP worker that tried would fail at once.
const NO_DATABASE: &str = "postgres://nobody@127.0.0.1:1/none";

/// A port free on loopback now, so `serve` can be started again on the same one.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `serve` on `port`, once it listens.
async fn serve(db: &TestDb, port: u16, extra: &[&str]) -> Proc {
    let proc = db
        .cmd()
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args(extra)
        .env("AIOPS_LOG", "info")
        .spawn();
    eventually(Duration::from_secs(30), "serve to listen", || {
        let out = proc.output();
        async move { out.contains("listening on").then_some(()) }
    })
    .await;
    proc
}

/// An HTTP worker of `serve` on `port`, with no usable database URL.
fn http_worker(port: u16, cluster: &str, exec: &str, extra: &[&str]) -> Proc {
    let mut cmd = Cmd::new()
        .env("AIOPS_DATABASE_URL", NO_DATABASE)
        .args(["worker", "run", "--server"])
        .arg(format!("http://127.0.0.1:{port}"))
        .args(["--cluster", cluster, "--backend", "none", "--exec", exec])
        .args(["--poll", "500ms", "--kill-grace", "300ms"]);
    if !extra.contains(&"--heartbeat") {
        cmd = cmd.args(["--heartbeat", "1s"]);
    }
    cmd.args(extra).spawn()
}

fn submit(db: &TestDb, args: &[&str]) -> String {
    db.cmd()
        .arg("submit")
        .args(args)
        .run()
        .ok()
        .out()
        .to_string()
}

/// Each problem id asks for one behaviour.
const BEHAVIOURS: &str = r#"
case "$AIOPS_PROBLEM_ID" in
  ok)
    echo "line one"
    echo '{"progress":{"step":1,"max_steps":1},"message":"step 1/1"}'
    echo '{"answer":42}' > "$AIOPS_RESULT_FILE" ;;
  flaky)
    test "$AIOPS_ATTEMPT" -ge 2 || { echo "first attempt fails" >&2; exit 3; } ;;
  slow|long)
    echo "started"; sleep 60 ;;
esac
"#;

#[tokio::test]
async fn an_http_worker_completes_retries_times_out_and_is_cancelled_like_a_direct_one() {
    let db = TestDb::new().await;
    let port = free_port();
    let _serve = serve(&db, port, &[]).await;
    let _w = http_worker(port, "h-cases", BEHAVIOURS, &["--concurrency", "4"]);

    let ok = submit(&db, &["ok"]);
    let flaky = submit(&db, &["flaky", "--max-attempts", "2"]);
    let slow = submit(&db, &["slow", "--timeout", "1s", "--max-attempts", "1"]);
    let long = submit(&db, &["long"]);

    let t = wait_status(&db, &ok, "completed", Duration::from_secs(20)).await;
    assert_eq!(t["result"]["answer"], 42, "{t}");
    assert_eq!(t["worker_id"], "h-cases");
    assert_eq!(t["progress"]["step"], 1, "{t}");
    let log = db.cmd().args(["logs", &ok]).run().ok().out().to_string();
    assert!(
        log.contains("line one") && log.contains("step 1/1"),
        "{log}"
    );

    let t = wait_status(&db, &flaky, "completed", Duration::from_secs(20)).await;
    assert_eq!(t["attempt"], 2, "{t}");
    let log = db.cmd().args(["logs", &flaky]).run().ok().out().to_string();
    assert!(log.contains("first attempt fails"), "{log}");

    let t = wait_status(&db, &slow, "timeout", Duration::from_secs(20)).await;
    assert_eq!(t["attempt"], 1, "{t}");

    // Cancel reaches the running executor through the server's wait, not a slow poll.
    eventually(
        Duration::from_secs(20),
        "the long task to start",
        || async {
            let log = db.cmd().args(["logs", &long]).run().ok().out().to_string();
            log.contains("started").then_some(())
        },
    )
    .await;
    let asked = std::time::Instant::now();
    db.cmd().args(["cancel", &long]).run().ok();
    let t = wait_status(&db, &long, "cancelled", Duration::from_secs(10)).await;
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "cancel took {:?}",
        asked.elapsed()
    );
    assert_eq!(t["attempt"], 1, "{t}");

    // The worker registered with its host, process and concurrency; it holds no database
    // connection (its only URL is unusable) and serves nonetheless.
    let w = db
        .cmd()
        .args(["workers", "h-cases", "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(w["concurrency"], 4, "{w}");
    assert_ne!(w["pid"], 0, "{w}");
    assert_ne!(w["status"], "offline", "{w}");
}

#[tokio::test]
async fn an_http_worker_rides_out_a_serve_restart_mid_task() {
    let db = TestDb::new().await;
    let port = free_port();
    let mut first = serve(&db, port, &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let go = dir.path().join("go");
    // Runs until told to go on, printing a line each 100 ms, then writes its result.
    let exec = format!(
        "echo before; while [ ! -e {go} ]; do sleep 0.1; done; echo after; echo '{{\"done\":true}}' > \"$AIOPS_RESULT_FILE\"",
        go = go.display()
    );
    let mut w = http_worker(port, "h-restart", &exec, &["--heartbeat", "2s"]);
    let id = submit(&db, &["p"]);
    wait_status(&db, &id, "running", Duration::from_secs(20)).await;
    first.signal("KILL");
    first.wait(Duration::from_secs(10)).await;
    // The worker carries on without the server (under its 6 s lease) and notices it is gone.
    eventually(Duration::from_secs(10), "a heartbeat to fail", || {
        let out = w.output();
        async move { out.contains("heartbeat failed").then_some(()) }
    })
    .await;
    let _second = serve(&db, port, &[]).await;
    std::fs::write(&go, "").unwrap();
    let t = wait_status(&db, &id, "completed", Duration::from_secs(30)).await;
    assert_eq!(t["attempt"], 1, "ran once, not rescued and run again: {t}");
    assert_eq!(t["result"]["done"], true, "{t}");
    let log = db.cmd().args(["logs", &id]).run().ok().out().to_string();
    assert_eq!(log.matches("before").count(), 1, "{log}");
    assert_eq!(log.matches("after").count(), 1, "{log}");
    w.signal("TERM");
    assert_eq!(w.wait(Duration::from_secs(20)).await, 0, "{}", w.output());
    let wk = db
        .cmd()
        .args(["workers", "h-restart", "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(
        wk["status"], "offline",
        "it said goodbye through the server: {wk}"
    );
}

#[tokio::test]
async fn two_hundred_http_workers_drain_two_thousand_tasks_exactly_once() {
    const WORKERS: usize = 200;
    const TASKS: usize = 2000;
    let db = TestDb::new().await;
    let port = free_port();
    let _serve = serve(&db, port, &["--max-connections", "20"]).await;
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    let exec = format!("echo \"$AIOPS_TASK_ID\" >> {}", runs.display());
    let lines: String = (0..TASKS)
        .map(|i| format!("{{\"problem_id\":\"fleet-{i}\"}}\n"))
        .collect();
    db.cmd().submit_jsonl(lines).ok();
    let mut workers: Vec<Proc> = (0..WORKERS)
        .map(|i| {
            http_worker(
                port,
                &format!("fleet-{i}"),
                &exec,
                &["--heartbeat", "5s", "--drain"],
            )
        })
        .collect();
    for w in &mut workers {
        assert_eq!(w.wait(Duration::from_secs(240)).await, 0, "{}", w.output());
    }
    let (completed, max_attempt): (i64, i32) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE status = 'completed'), max(attempt) FROM tasks",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(completed, TASKS as i64);
    assert_eq!(max_attempt, 1, "no task ran twice");
    let ran = std::fs::read_to_string(&runs).unwrap();
    let mut ids: Vec<&str> = ran.lines().collect();
    assert_eq!(ids.len(), TASKS, "every task ran once");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), TASKS, "no task ran twice");
    let registered: i64 = sqlx::query_scalar("SELECT count(*) FROM workers")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(registered, WORKERS as i64);
}

#[tokio::test]
async fn workers_on_two_serves_of_one_database_share_the_queue() {
    let db = TestDb::new().await;
    let (p1, p2) = (free_port(), free_port());
    let _s1 = serve(&db, p1, &[]).await;
    let _s2 = serve(&db, p2, &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    let exec = format!(
        "echo \"$AIOPS_TASK_ID\" >> {}; [ \"$AIOPS_PROBLEM_ID\" = long ] && sleep 60; true",
        runs.display()
    );
    let _a = http_worker(p1, "two-a", &exec, &[]);
    let _b = http_worker(p2, "two-b", &exec, &[]);
    let ids: Vec<String> = (0..30).map(|_| submit(&db, &["p"])).collect();
    for id in &ids {
        wait_status(&db, id, "completed", Duration::from_secs(30)).await;
    }
    let ran = std::fs::read_to_string(&runs).unwrap();
    assert_eq!(ran.lines().count(), ids.len(), "each task ran once: {ran}");
    let by: std::collections::HashSet<String> =
        sqlx::query_scalar("SELECT DISTINCT worker_id FROM tasks WHERE status = 'completed'")
            .fetch_all(&db.pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert_eq!(by.len(), 2, "both servers' workers claimed: {by:?}");
    // One slot each: the two long tasks run one on each server's worker, and a cancel made
    // anywhere reaches each through the server it waits on.
    let long = [submit(&db, &["long"]), submit(&db, &["long"])];
    let mut on = std::collections::HashSet::new();
    for id in &long {
        let t = wait_status(&db, id, "running", Duration::from_secs(20)).await;
        on.insert(t["worker_id"].to_string());
    }
    assert_eq!(on.len(), 2, "{on:?}");
    for id in &long {
        db.cmd().args(["cancel", id]).run().ok();
    }
    for id in &long {
        wait_status(&db, id, "cancelled", Duration::from_secs(10)).await;
    }
}

#[tokio::test]
async fn a_drained_http_worker_finishes_its_task_and_exits() {
    let db = TestDb::new().await;
    let port = free_port();
    let _serve = serve(&db, port, &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let go = dir.path().join("go");
    let exec = format!("while [ ! -e {} ]; do sleep 0.1; done", go.display());
    let mut w = http_worker(port, "h-drain", &exec, &[]);
    let first = submit(&db, &["p"]);
    wait_status(&db, &first, "running", Duration::from_secs(20)).await;
    db.cmd().args(["workers", "drain", "h-drain"]).run().ok();
    eventually(
        Duration::from_secs(10),
        "the worker to hear the drain",
        || {
            let out = w.output();
            async move { out.contains("drain requested").then_some(()) }
        },
    )
    .await;
    let second = submit(&db, &["p"]);
    std::fs::write(&go, "").unwrap();
    assert_eq!(w.wait(Duration::from_secs(20)).await, 0, "{}", w.output());
    wait_status(&db, &first, "completed", Duration::from_secs(5)).await;
    let t = status(&db, &second).await;
    assert_eq!(
        t["status"], "pending",
        "a draining worker claims nothing: {t}"
    );
}
