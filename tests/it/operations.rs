//! Operator actions on queues and workers, through the real binary and real HTTP: pausing a
//! queue stops claims from it (running tasks go on) and resuming restarts them; a drained
//! worker finishes its task, claims nothing more and exits 0.

use std::time::Duration;

use serde_json::Value;

use crate::support::{eventually, spawn_worker, Cmd, Proc, TestDb};

/// `aiops serve` on a free loopback port with `extra` flags, and its base URL.
pub async fn start_serve(cmd: Cmd, extra: &[&str]) -> (Proc, String) {
    let proc = cmd
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(extra)
        .env("AIOPS_LOG", "info")
        .spawn();
    let base = eventually(Duration::from_secs(30), "the server to listen", || {
        let out = proc.output();
        async move {
            out.lines().find_map(|l| {
                l.split_once("listening on ")
                    .map(|(_, u)| u.trim().to_string())
            })
        }
    })
    .await;
    (proc, base)
}

/// A task's status as `status --json` reports it.
pub fn status_of(db: &TestDb, id: &str) -> String {
    db.cmd()
        .args(["status", id, "-o", "json"])
        .run()
        .ok()
        .json()["status"]
        .as_str()
        .unwrap()
        .to_string()
}

fn submit(db: &TestDb, queue: &str) -> String {
    db.cmd()
        .args(["submit", "p", "--queue", queue])
        .run()
        .ok()
        .out()
        .to_string()
}

#[tokio::test]
async fn a_paused_queue_is_skipped_by_claims_until_resumed() {
    let db = TestDb::new().await;
    let (_serve, base) = start_serve(db.cmd(), &[]).await;
    let http = reqwest::Client::new();
    let out = db.cmd().args(["queues", "pause", "slow"]).run().ok();
    assert!(out.out().contains("queue slow paused"), "{}", out.out());
    db.cmd()
        .args(["queues", "pause", "slow"])
        .run()
        .ok()
        .out()
        .contains("paused already")
        .then_some(())
        .expect("pausing twice says so");
    let held = [submit(&db, "slow"), submit(&db, "slow")];
    let fast = submit(&db, "fast");
    let _w = spawn_worker(
        db.cmd(),
        "c1",
        "echo done",
        &["--queue", "slow", "--queue", "fast"],
    );
    // The worker claims from both queues in one statement: once the other queue's task ran,
    // a claim has passed over the paused one.
    eventually(
        Duration::from_secs(20),
        "the unpaused task to complete",
        || {
            let s = status_of(&db, &fast);
            async move { (s == "completed").then_some(()) }
        },
    )
    .await;
    for id in &held {
        assert_eq!(status_of(&db, id), "pending");
    }
    let queues: Value = http
        .get(format!("{base}/api/v1/queues"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let slow = queues["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == "slow")
        .expect("the paused queue is listed");
    assert_eq!(slow["paused"], true);
    assert_eq!(slow["pending"], 2);
    let listed = db.cmd().args(["queues", "list"]).run().ok();
    assert!(listed.out().contains("paused since"), "{}", listed.out());

    let r: Value = http
        .post(format!("{base}/api/v1/queues/slow/resume"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["changed"], true);
    for id in &held {
        eventually(Duration::from_secs(20), "the resumed queue's tasks", || {
            let s = status_of(&db, id);
            async move { (s == "completed").then_some(()) }
        })
        .await;
    }
    let again: Value = http
        .post(format!("{base}/api/v1/queues/slow/resume"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["changed"], false);
}

#[tokio::test]
async fn pausing_leaves_a_running_task_alone() {
    let db = TestDb::new().await;
    let gate = tempfile::tempdir().unwrap();
    let open = gate.path().join("open");
    let exec = format!("while [ ! -f {} ]; do sleep 0.05; done", open.display());
    let id = submit(&db, "q");
    let _w = spawn_worker(db.cmd(), "c1", &exec, &["--queue", "q"]);
    eventually(Duration::from_secs(20), "the task to run", || {
        let s = status_of(&db, &id);
        async move { (s == "running").then_some(()) }
    })
    .await;
    db.cmd().args(["queues", "pause", "q"]).run().ok();
    std::fs::write(&open, "").unwrap();
    eventually(
        Duration::from_secs(20),
        "the running task to finish",
        || {
            let s = status_of(&db, &id);
            async move { (s == "completed").then_some(()) }
        },
    )
    .await;
}

#[tokio::test]
async fn a_drained_worker_finishes_its_task_and_exits() {
    let db = TestDb::new().await;
    let (_serve, base) = start_serve(db.cmd(), &[]).await;
    let http = reqwest::Client::new();
    let gate = tempfile::tempdir().unwrap();
    let open = gate.path().join("open");
    let exec = format!("while [ ! -f {} ]; do sleep 0.05; done", open.display());
    let first = submit(&db, "default");
    let second = submit(&db, "default");
    let mut w = spawn_worker(db.cmd(), "c1", &exec, &["--id", "w1"]);
    eventually(Duration::from_secs(20), "a task to run", || {
        let (a, b) = (status_of(&db, &first), status_of(&db, &second));
        async move { (a == "running" || b == "running").then_some(()) }
    })
    .await;
    let out = db.cmd().args(["workers", "drain", "w1"]).run().ok();
    assert!(out.out().contains("asked to drain"), "{}", out.out());
    eventually(
        Duration::from_secs(20),
        "the worker to say it is stopping",
        || {
            let s = db
                .cmd()
                .args(["workers", "w1", "-o", "json"])
                .run()
                .ok()
                .json();
            async move { (s["status"] == "stopping" && s["drain_requested"] == true).then_some(()) }
        },
    )
    .await;
    std::fs::write(&open, "").unwrap();
    assert_eq!(w.wait(Duration::from_secs(30)).await, 0, "{}", w.output());
    let statuses = [status_of(&db, &first), status_of(&db, &second)];
    assert!(
        statuses.contains(&"completed".to_string()) && statuses.contains(&"pending".to_string()),
        "one task ran to its end and the other was never claimed: {statuses:?}"
    );
    // Offline now: draining it again is a conflict; an unknown worker is not found.
    let r = http
        .post(format!("{base}/api/v1/workers/w1/drain"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let r = http
        .post(format!("{base}/api/v1/workers/nobody/drain"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    db.cmd()
        .args(["workers", "drain", "nobody"])
        .run()
        .code(3)
        .error_line(&["no worker 'nobody'"]);
}

/// Keyset pages of the task list cover every matching task exactly once, newest first, under
/// any filter; the id prefix and metadata filters select what they say.
#[tokio::test]
async fn keyset_pages_and_the_new_filters() {
    use aiops::queue::{self, IdPrefix, TaskFilter};
    let db = TestDb::new().await;
    let mut ids = Vec::new();
    for i in 0..23 {
        let agent = if i % 3 == 0 { "a" } else { "b" };
        ids.push(
            db.cmd()
                .args(["submit", "p", "--metadata", &format!("agent={agent}")])
                .run()
                .ok()
                .out()
                .to_string(),
        );
    }
    let every = TaskFilter::default();
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = queue::list_before(&db.pool, &every, before, 5)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 5);
        let last = page.last().unwrap();
        before = Some((last.created_at, last.id));
        seen.extend(page.iter().map(|t| t.id.to_string()));
    }
    let mut newest_first = ids.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first, "every task once, newest first");

    let meta = TaskFilter {
        metadata: Some(serde_json::json!({"agent": "a"})),
        ..TaskFilter::default()
    };
    let a = queue::list_before(&db.pool, &meta, None, 100)
        .await
        .unwrap();
    assert_eq!(a.len(), 8);
    assert!(a.iter().all(|t| t.metadata["agent"] == "a"));

    let one = &ids[7];
    let prefix = TaskFilter {
        id_prefix: Some(IdPrefix::parse(&one[..18]).unwrap()),
        ..TaskFilter::default()
    };
    let found = queue::list_before(&db.pool, &prefix, None, 100)
        .await
        .unwrap();
    assert!(found.iter().any(|t| t.id.to_string() == *one));
    assert!(found
        .iter()
        .all(|t| t.id.to_string().starts_with(&one[..18])));
    assert!(IdPrefix::parse("xyz").is_err());
}

/// A bulk action counts, then changes, exactly the tasks it may change among those matched:
/// cancel takes pending and running ones, retry failed, timed-out and cancelled ones.
#[tokio::test]
async fn bulk_actions_change_exactly_what_they_count() {
    use aiops::queue::{self, BulkAction, TaskFilter};
    use aiops::task::TaskId;
    let db = TestDb::new().await;
    let submit = |q: &str| {
        db.cmd()
            .args(["submit", "p", "--queue", q])
            .run()
            .ok()
            .out()
            .to_string()
    };
    let mine: Vec<String> = (0..4).map(|_| submit("mine")).collect();
    let other = submit("other");
    let f = TaskFilter {
        queue: Some("mine".into()),
        ..TaskFilter::default()
    };
    assert_eq!(
        queue::bulk_count(&db.pool, &f, BulkAction::Retry)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        queue::bulk_count(&db.pool, &f, BulkAction::Cancel)
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        queue::bulk(&db.pool, &f, BulkAction::Cancel).await.unwrap(),
        4
    );
    for id in &mine {
        assert_eq!(status_of(&db, id), "cancelled");
    }
    assert_eq!(status_of(&db, &other), "pending");
    // A selection: two of the four, retried.
    let picked = TaskFilter {
        ids: Some(
            mine[..2]
                .iter()
                .map(|i| TaskId(uuid::Uuid::parse_str(i).unwrap()))
                .collect(),
        ),
        ..TaskFilter::default()
    };
    assert_eq!(
        queue::bulk_count(&db.pool, &picked, BulkAction::Retry)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        queue::bulk(&db.pool, &picked, BulkAction::Retry)
            .await
            .unwrap(),
        2
    );
    let statuses: Vec<String> = mine.iter().map(|i| status_of(&db, i)).collect();
    assert_eq!(statuses, ["pending", "pending", "cancelled", "cancelled"]);
    // A status filter the action cannot change counts nothing and changes nothing.
    let done = TaskFilter {
        statuses: vec![aiops::task::TaskStatus::Completed],
        ..f
    };
    assert_eq!(
        queue::bulk(&db.pool, &done, BulkAction::Cancel)
            .await
            .unwrap(),
        0
    );
}

/// Wrong input to the new commands is one line saying what to do.
#[tokio::test]
async fn bad_input_to_queues_drain_and_tokens_is_one_line() {
    let db = TestDb::new().await;
    db.cmd()
        .args(["queues", "pause", ""])
        .run()
        .code(2)
        .error_line(&["queue name", "1 to 255 characters"]);
    db.cmd()
        .args(["serve", "--read-only-token", "r"])
        .run()
        .code(2)
        .error_line(&["--read-only-token needs --token"]);
    db.cmd()
        .args(["serve", "--token", "same", "--read-only-token", "same"])
        .run()
        .code(2)
        .error_line(&["must differ from --token"]);
    let (_serve, base) = start_serve(db.cmd(), &[]).await;
    let r = reqwest::Client::new()
        .post(format!("{base}/api/v1/queues/%00/pause"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
