//! Concurrency limits per key: the cap holds across workers racing to claim, a capped key's
//! tasks are skipped rather than blocking the queue, and `aiops limits` manages the caps.

use std::time::Duration;

use aiops::queue::{self, ClaimSpec, Fence};
use aiops::task::{Backend, TaskRequest};

use crate::support::{spawn_worker, TestDb};

fn spec(worker: &str) -> ClaimSpec {
    ClaimSpec {
        worker_id: worker.into(),
        queues: vec!["default".into()],
        backend_type: Backend::None,
        lease: Duration::from_secs(60),
    }
}

async fn submit(db: &TestDb, problem: &str, key: Option<&str>, priority: i64) {
    let t = TaskRequest {
        problem_id: problem.into(),
        priority: Some(priority),
        concurrency_key: key.map(Into::into),
        ..Default::default()
    };
    queue::submit(&db.pool, &t.validate().unwrap())
        .await
        .unwrap();
}

async fn running_with(db: &TestDb, key: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM tasks WHERE status = 'running' AND concurrency_key = $1",
    )
    .bind(key)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_claim_takes_no_more_than_the_cap_and_skips_a_full_key() {
    let db = TestDb::new().await;
    for i in 0..5 {
        submit(&db, &format!("k{i}"), Some("gpt-4o"), 9).await;
    }
    for i in 0..3 {
        submit(&db, &format!("u{i}"), None, 1).await;
    }
    queue::set_limit(&db.pool, "gpt-4o", 2).await.unwrap();

    // One claim for four reaches four tasks of the key; the cap lets two of them run.
    let first = queue::claim(&db.pool, &spec("w1"), 4).await.unwrap();
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(first
        .iter()
        .all(|t| t.concurrency_key.as_deref() == Some("gpt-4o")));
    // The key is full: the next claim passes over its three pending tasks.
    let second = queue::claim(&db.pool, &spec("w2"), 4).await.unwrap();
    let problems: Vec<&str> = second.iter().map(|t| t.problem_id.as_str()).collect();
    assert_eq!(problems, ["u0", "u1", "u2"]);
    assert_eq!(running_with(&db, "gpt-4o").await, 2);
    assert!(queue::claim(&db.pool, &spec("w3"), 4)
        .await
        .unwrap()
        .is_empty());

    // Ending one attempt frees one place.
    queue::complete(&db.pool, &Fence::of(&first[0]), None, Some(0))
        .await
        .unwrap();
    let third = queue::claim(&db.pool, &spec("w3"), 4).await.unwrap();
    assert_eq!(third.len(), 1, "{third:?}");
    assert_eq!(running_with(&db, "gpt-4o").await, 2);

    // Raising the cap, then clearing it, lets the rest run.
    queue::set_limit(&db.pool, "gpt-4o", 3).await.unwrap();
    assert_eq!(
        queue::claim(&db.pool, &spec("w4"), 4).await.unwrap().len(),
        1
    );
    queue::clear_limit(&db.pool, "gpt-4o").await.unwrap();
    assert_eq!(
        queue::claim(&db.pool, &spec("w5"), 4).await.unwrap().len(),
        1
    );
    assert_eq!(running_with(&db, "gpt-4o").await, 4);
}

#[tokio::test]
async fn four_workers_never_run_more_than_the_cap_and_finish_every_task() {
    let db = TestDb::new().await;
    db.cmd().args(["limits", "set", "model-a", "3"]).run().ok();
    let keyed: String = (0..40)
        .map(|i| {
            format!(
                "{{\"problem_id\":\"k{i}\",\"concurrency_key\":\"model-a\",\"max_attempts\":1}}\n"
            )
        })
        .collect();
    db.cmd().submit_jsonl(keyed);
    let free: String = (0..20)
        .map(|i| format!("{{\"problem_id\":\"u{i}\",\"priority\":1,\"max_attempts\":1}}\n"))
        .collect();
    db.cmd().submit_jsonl(free);
    let exec = "sleep 0.2; echo '{}' > $AIOPS_RESULT_FILE";
    let mut workers: Vec<_> = (0..4)
        .map(|i| {
            spawn_worker(
                db.cmd(),
                &format!("cap-{i}"),
                exec,
                &["--drain", "--concurrency", "4"],
            )
        })
        .collect();
    let mut most = 0;
    let mut unkeyed_beside_full_key = false;
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    loop {
        let (keyed, unkeyed, left): (i64, i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE status = 'running' AND concurrency_key = 'model-a'), \
                    count(*) FILTER (WHERE status = 'running' AND concurrency_key IS NULL), \
                    count(*) FILTER (WHERE status IN ('pending', 'running')) FROM tasks",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        most = most.max(keyed);
        unkeyed_beside_full_key |= keyed == 3 && unkeyed > 0;
        if left == 0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{left} tasks left");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for w in &mut workers {
        assert_eq!(w.wait(Duration::from_secs(60)).await, 0, "{}", w.output());
    }
    assert_eq!(most, 3, "the running count of the key peaked at {most}");
    assert!(
        unkeyed_beside_full_key,
        "tasks without the key ran while the key was full"
    );
    let done: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks WHERE status = 'completed'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(done, 60);
}

#[tokio::test]
async fn limits_are_set_listed_and_cleared_from_the_command_line() {
    let db = TestDb::new().await;
    let set = db
        .cmd()
        .args(["-o", "json", "limits", "set", "gpt-4o", "8"])
        .run()
        .ok()
        .json();
    assert_eq!(set["cap"], 8);
    assert_eq!(set["running"], 0);
    db.cmd()
        .args([
            "submit",
            "p1",
            "--allow-unknown",
            "--concurrency-key",
            "gpt-4o",
        ])
        .run()
        .ok();
    let list = db
        .cmd()
        .args(["-o", "json", "limits", "list"])
        .run()
        .ok()
        .json();
    assert_eq!(list[0]["key"], "gpt-4o");
    assert_eq!(list[0]["pending"], 1);
    db.cmd()
        .args(["limits", "set", "gpt-4o", "-1"])
        .run()
        .code(2)
        .error_line(&["limit -1 is out of range", "0 to 100000"]);
    db.cmd().args(["limits", "clear", "gpt-4o"]).run().ok();
    db.cmd()
        .args(["limits", "clear", "gpt-4o"])
        .run()
        .error_line(&["no concurrency limit for key 'gpt-4o'", "aiops limits list"]);
    let list = db
        .cmd()
        .args(["-o", "json", "limits", "list"])
        .run()
        .ok()
        .json();
    assert_eq!(list, serde_json::json!([]));
}

/// Many claims at the same instant, from as many workers, each asking for more than the cap:
/// together they never take more than the cap, round after round, until every task ran.
#[tokio::test]
async fn racing_claims_together_take_no_more_than_the_cap() {
    let db = TestDb::new().await;
    for i in 0..30 {
        submit(&db, &format!("k{i}"), Some("racy"), 5).await;
    }
    queue::set_limit(&db.pool, "racy", 3).await.unwrap();
    let mut done = 0;
    while done < 30 {
        let claims = (0..12).map(|w| {
            let pool = db.pool.clone();
            async move {
                queue::claim(&pool, &spec(&format!("w{w}")), 4)
                    .await
                    .unwrap()
            }
        });
        let got: Vec<_> = futures_util::future::join_all(claims)
            .await
            .into_iter()
            .flatten()
            .collect();
        let running = running_with(&db, "racy").await;
        assert!(
            got.len() <= 3 && running <= 3,
            "{} claimed, {running} running",
            got.len()
        );
        for t in &got {
            queue::complete(&db.pool, &Fence::of(t), None, Some(0))
                .await
                .unwrap();
        }
        done += got.len();
    }
    assert_eq!(done, 30);
}
