//! The queue core against a real database: claims, fencing, rescue, backoff, cancel.

use std::collections::HashSet;
use std::time::Duration;

use aiops::queue::{self, CancelOutcome, ClaimSpec, Failure, Fence, Submitted};
use aiops::task::{TaskRequest, TaskStatus};

use crate::support::TestDb;

fn req(problem: &str) -> TaskRequest {
    TaskRequest {
        problem_id: problem.into(),
        ..Default::default()
    }
}

fn spec(worker: &str, lease: Duration) -> ClaimSpec {
    ClaimSpec {
        worker_id: worker.into(),
        queues: vec!["default".into()],
        backend_type: aiops::task::Backend::None,
        lease,
    }
}

async fn submit(db: &TestDb, r: TaskRequest) -> aiops::task::Task {
    queue::submit(&db.pool, &r.validate().unwrap())
        .await
        .unwrap()
        .task()
        .clone()
}

/// A task for `problem` in `queue` at `priority`.
async fn submit_to(db: &TestDb, queue: &str, priority: i64, problem: &str) {
    submit(
        db,
        TaskRequest {
            queue: Some(queue.into()),
            priority: Some(priority),
            ..req(problem)
        },
    )
    .await;
}

/// `n` fresh tasks (problems p0, p1, …), all claimed by worker w1 with a minute's lease.
async fn claim_fresh(db: &TestDb, n: usize) -> Vec<aiops::task::Task> {
    for i in 0..n {
        submit(db, req(&format!("p{i}"))).await;
    }
    let claimed = queue::claim(&db.pool, &spec("w1", Duration::from_secs(60)), n as i64)
        .await
        .unwrap();
    assert_eq!(claimed.len(), n);
    claimed
}

/// A pool like a worker's claim pool: [`aiops::db::CLAIM_SESSION`] settings, generic plans.
async fn claiming_pool(db: &TestDb) -> sqlx::PgPool {
    aiops::db::connect(
        &db.url,
        &aiops::db::PoolConfig {
            claims_only: true,
            application_name: "aiops",
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// A stdout log line as an executor would produce it.
fn stdout_line(message: String) -> aiops::log::NewLogLine {
    aiops::log::NewLogLine {
        timestamp: chrono::Utc::now(),
        level: aiops::log::LogLevel::Info,
        source: aiops::log::LogSource::Stdout,
        message,
        context: None,
    }
}

/// Workers claiming at once, half through plain claims and half through [`queue::Claimer`]s
/// (which start at their heads), while tasks keep arriving behind those heads (`run_at` in the
/// past): every task is claimed exactly once.
#[tokio::test]
async fn concurrent_claims_never_share_a_task() {
    let db = TestDb::new().await;
    let tasks: Vec<_> = (0..300)
        .map(|i| req(&format!("p{i}")).validate().unwrap())
        .collect();
    queue::submit_many(&db.pool, &tasks).await.unwrap();
    let submitting = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut handles = Vec::new();
    for w in 0..4 {
        let pool = db.pool.clone();
        let submitting = submitting.clone();
        handles.push(tokio::spawn(async move {
            let s = spec(&format!("w{w}"), Duration::from_secs(60));
            let claimer = (w % 2 == 1).then(|| queue::Claimer::new(s.clone()));
            let mut mine = Vec::new();
            loop {
                let more = submitting.load(std::sync::atomic::Ordering::SeqCst);
                let got = match &claimer {
                    Some(c) => c.claim(&pool, 7).await.unwrap(),
                    None => queue::claim(&pool, &s, 7).await.unwrap(),
                };
                if got.is_empty() && !more {
                    break;
                }
                mine.extend(got.into_iter().map(|t| t.id));
            }
            mine
        }));
    }
    for i in 0..100 {
        let past = TaskRequest {
            run_at: Some(chrono::Utc::now() - chrono::Duration::minutes(10)),
            ..req(&format!("late{i}"))
        };
        submit(&db, past).await;
    }
    submitting.store(false, std::sync::atomic::Ordering::SeqCst);
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 400, "every task claimed");
    assert_eq!(unique.len(), 400, "no task claimed twice");
}

#[tokio::test]
async fn claim_order_and_routing() {
    let db = TestDb::new().await;
    let low = submit(
        &db,
        TaskRequest {
            priority: Some(1),
            ..req("low")
        },
    )
    .await;
    let high = submit(
        &db,
        TaskRequest {
            priority: Some(9),
            ..req("high")
        },
    )
    .await;
    let other_queue = submit(
        &db,
        TaskRequest {
            queue: Some("gpu".into()),
            ..req("q")
        },
    )
    .await;
    let kind_only = submit(
        &db,
        TaskRequest {
            backend_type: Some("kind".into()),
            ..req("k")
        },
    )
    .await;
    let got = queue::claim(&db.pool, &spec("w", Duration::from_secs(60)), 10)
        .await
        .unwrap();
    let ids: Vec<_> = got.iter().map(|t| t.id).collect();
    assert_eq!(
        ids,
        vec![high.id, low.id],
        "priority first; other queue and backend left"
    );
    assert!(got
        .iter()
        .all(|t| t.attempt == 1 && t.status == TaskStatus::Running));
    let left: Vec<TaskStatus> = vec![
        queue::get(&db.pool, other_queue.id).await.unwrap().status,
        queue::get(&db.pool, kind_only.id).await.unwrap().status,
    ];
    assert_eq!(left, vec![TaskStatus::Pending, TaskStatus::Pending]);
}

#[tokio::test]
async fn a_worker_that_lost_its_lease_cannot_write() {
    let db = TestDb::new().await;
    let t = submit(&db, req("p")).await;
    let claimed = queue::claim(&db.pool, &spec("slow", Duration::from_millis(200)), 1)
        .await
        .unwrap();
    let stale = Fence::of(&claimed[0]);
    // Let the lease run out by the database's clock, then rescue.
    crate::support::eventually(Duration::from_secs(5), "rescue", || async {
        let r = queue::rescue_expired(&db.pool).await.unwrap();
        (!r.is_empty()).then_some(r)
    })
    .await;
    let after = queue::get(&db.pool, t.id).await.unwrap();
    assert_eq!(after.status, TaskStatus::Pending);
    assert_eq!(after.attempt, 1, "the lost attempt counts");
    assert!(after.error_details.unwrap().contains("worker lost"));

    // Another worker takes it; the stale worker's late writes are all refused.
    let fresh = queue::claim(&db.pool, &spec("fast", Duration::from_secs(60)), 1)
        .await
        .unwrap();
    assert_eq!(fresh[0].attempt, 2);
    let late = queue::complete(
        &db.pool,
        &stale,
        Some(&serde_json::json!({"late": true})),
        Some(0),
    )
    .await;
    assert!(matches!(late, Err(aiops::Error::Fenced { .. })), "{late:?}");
    let late_log = queue::append_logs(&db.pool, &stale, &[line("late")]).await;
    assert!(matches!(late_log, Err(aiops::Error::Fenced { .. })));
    let late_fail = queue::fail(&db.pool, &stale, Failure::Failed, "late", Some(1)).await;
    assert!(matches!(late_fail, Err(aiops::Error::Fenced { .. })));

    queue::complete(
        &db.pool,
        &Fence::of(&fresh[0]),
        Some(&serde_json::json!({"ok": 1})),
        Some(0),
    )
    .await
    .unwrap();
    let done = queue::get(&db.pool, t.id).await.unwrap();
    assert_eq!(done.status, TaskStatus::Completed);
    assert_eq!(done.result, Some(serde_json::json!({"ok": 1})));
    assert_eq!(done.worker_id.as_deref(), Some("fast"));
}

fn line(msg: &str) -> aiops::log::NewLogLine {
    aiops::log::NewLogLine {
        timestamp: chrono::Utc::now(),
        level: aiops::log::LogLevel::Info,
        source: aiops::log::LogSource::Stdout,
        message: msg.into(),
        context: None,
    }
}

#[tokio::test]
async fn failures_back_off_then_fail_for_good() {
    let db = TestDb::new().await;
    let t = submit(
        &db,
        TaskRequest {
            max_attempts: Some(2),
            ..req("p")
        },
    )
    .await;
    let s = spec("w", Duration::from_secs(60));
    let c = queue::claim(&db.pool, &s, 1).await.unwrap();
    let st = queue::fail(
        &db.pool,
        &Fence::of(&c[0]),
        Failure::Failed,
        "boom",
        Some(3),
    )
    .await
    .unwrap();
    assert_eq!(st, TaskStatus::Pending);
    let (delay,): (f64,) = sqlx::query_as(
        "SELECT extract(epoch FROM run_at - updated_at)::float8 FROM tasks WHERE id = $1",
    )
    .bind(t.id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(
        (0.7..=1.3).contains(&delay),
        "first backoff ~1s with jitter, got {delay}"
    );
    assert!(
        queue::claim(&db.pool, &s, 1).await.unwrap().is_empty(),
        "not due yet"
    );
    let c2 = crate::support::eventually(Duration::from_secs(5), "due again", || async {
        let c = queue::claim(&db.pool, &s, 1).await.unwrap();
        (!c.is_empty()).then_some(c)
    })
    .await;
    assert_eq!(c2[0].attempt, 2);
    let st = queue::fail(
        &db.pool,
        &Fence::of(&c2[0]),
        Failure::Timeout,
        "too slow",
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        st,
        TaskStatus::Timeout,
        "no attempts left: the last failure kind stays"
    );
    let end = queue::get(&db.pool, t.id).await.unwrap();
    assert_eq!(end.error_details.as_deref(), Some("too slow"));
    assert!(end.completed_at.is_some());
}

#[tokio::test]
async fn cancel_pending_is_immediate_and_running_is_a_request() {
    let db = TestDb::new().await;
    let a = submit(&db, req("a")).await;
    assert_eq!(
        queue::cancel(&db.pool, a.id, Some("no")).await.unwrap(),
        CancelOutcome::Cancelled
    );
    assert_eq!(
        queue::cancel(&db.pool, a.id, None).await.unwrap(),
        CancelOutcome::AlreadyCancelled
    );
    let b = submit(&db, req("b")).await;
    let c = queue::claim(&db.pool, &spec("w", Duration::from_secs(60)), 1)
        .await
        .unwrap();
    assert_eq!(c[0].id, b.id);
    assert_eq!(
        queue::cancel(&db.pool, b.id, None).await.unwrap(),
        CancelOutcome::Requested
    );
    let held = queue::heartbeat_tasks(&db.pool, "w", &[(b.id, 1)], Duration::from_secs(60))
        .await
        .unwrap();
    assert!(
        held[0].cancel_requested,
        "the worker learns of the request by heartbeat too"
    );
    queue::fail(
        &db.pool,
        &Fence::of(&c[0]),
        Failure::Cancelled,
        "cancelled",
        None,
    )
    .await
    .unwrap();
    let end = queue::get(&db.pool, b.id).await.unwrap();
    assert_eq!(end.status, TaskStatus::Cancelled);
    // A finished task cannot be cancelled.
    let d = submit(&db, req("d")).await;
    let c = queue::claim(&db.pool, &spec("w", Duration::from_secs(60)), 1)
        .await
        .unwrap();
    queue::complete(&db.pool, &Fence::of(&c[0]), None, Some(0))
        .await
        .unwrap();
    assert!(matches!(
        queue::cancel(&db.pool, d.id, None).await,
        Err(aiops::Error::Conflict(_))
    ));
}

#[tokio::test]
async fn a_failed_attempt_with_a_cancel_request_is_not_retried() {
    let db = TestDb::new().await;
    let t = submit(&db, req("p")).await;
    let c = queue::claim(&db.pool, &spec("w", Duration::from_secs(60)), 1)
        .await
        .unwrap();
    queue::cancel(&db.pool, t.id, None).await.unwrap();
    let st = queue::fail(
        &db.pool,
        &Fence::of(&c[0]),
        Failure::Failed,
        "died",
        Some(1),
    )
    .await
    .unwrap();
    assert_eq!(st, TaskStatus::Failed);
}

#[tokio::test]
async fn idempotency_key_returns_the_same_task() {
    let db = TestDb::new().await;
    let r = TaskRequest {
        idempotency_key: Some("k-1".into()),
        ..req("p")
    };
    let first = queue::submit(&db.pool, &r.clone().validate().unwrap())
        .await
        .unwrap();
    let second = queue::submit(&db.pool, &r.clone().validate().unwrap())
        .await
        .unwrap();
    assert!(matches!(first, Submitted::Created(_)));
    assert!(matches!(second, Submitted::Existing(_)));
    assert_eq!(first.task().id, second.task().id);
    // Bulk with the same key maps to the same id.
    let ids = queue::submit_many(
        &db.pool,
        &[r.clone().validate().unwrap(), req("x").validate().unwrap()],
    )
    .await
    .unwrap();
    assert_eq!(ids[0], first.task().id);
    assert_eq!(db.task_count().await, 2);
}

#[tokio::test]
async fn retry_gives_one_more_attempt_and_release_gives_the_attempt_back() {
    let db = TestDb::new().await;
    let t = submit(
        &db,
        TaskRequest {
            max_attempts: Some(1),
            ..req("p")
        },
    )
    .await;
    let s = spec("w", Duration::from_secs(60));
    let c = queue::claim(&db.pool, &s, 1).await.unwrap();
    queue::fail(&db.pool, &Fence::of(&c[0]), Failure::Failed, "x", Some(1))
        .await
        .unwrap();
    let r = queue::retry(&db.pool, t.id).await.unwrap();
    assert_eq!(
        (r.status, r.attempt, r.max_attempts),
        (TaskStatus::Pending, 1, 2)
    );
    assert!(matches!(
        queue::retry(&db.pool, t.id).await,
        Err(aiops::Error::Conflict(_))
    ));
    let c = queue::claim(&db.pool, &s, 1).await.unwrap();
    assert_eq!(c[0].attempt, 2);
    queue::release(&db.pool, &Fence::of(&c[0]), "worker shutting down")
        .await
        .unwrap();
    let back = queue::get(&db.pool, t.id).await.unwrap();
    assert_eq!((back.status, back.attempt), (TaskStatus::Pending, 1));
}

#[tokio::test]
async fn the_exclusive_cluster_is_refused_while_its_worker_lives() {
    let db = TestDb::new().await;
    let reg = |id: &str| queue::WorkerRegistration {
        id: id.into(),
        cluster_name: "c1".into(),
        backend_type: aiops::task::Backend::None,
        hostname: "h".into(),
        pid: 1,
        version: "t".into(),
        queues: vec!["default".into()],
        concurrency: 1,
        capabilities: serde_json::json!({}),
        metadata: serde_json::json!({}),
        lease: Duration::from_millis(300),
    };
    queue::register_worker(&db.pool, &reg("a"), false)
        .await
        .unwrap();
    let err = queue::register_worker(&db.pool, &reg("b"), false)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("already served by worker 'a'"),
        "{err}"
    );
    // Once the holder's lease runs out, the cluster is free.
    crate::support::eventually(Duration::from_secs(5), "lease end", || async {
        queue::register_worker(&db.pool, &reg("b"), false)
            .await
            .ok()
    })
    .await;
}

#[tokio::test]
async fn a_newer_schema_is_refused() {
    let db = TestDb::new().await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101000000, 'future', true, '\\x00', 0)",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let r = db.cmd().args(["status"]).run().code(1);
    r.error_line(&["newer than this aiops", "upgrade aiops"]);
}

#[tokio::test]
async fn claim_from_several_queues_keeps_the_claim_order() {
    let db = TestDb::new().await;
    for (q, p) in [("a", 1), ("b", 9), ("c", 5), ("a", 7)] {
        submit_to(&db, q, p, &format!("{q}{p}")).await;
    }
    let mut s = spec("w", Duration::from_secs(60));
    s.queues = vec!["a".into(), "b".into()];
    let got = queue::claim(&db.pool, &s, 2).await.unwrap();
    let ids: Vec<_> = got.iter().map(|t| t.problem_id.as_str()).collect();
    assert_eq!(ids, ["b9", "a7"]);
    let got = queue::claim(&db.pool, &s, 5).await.unwrap();
    let ids: Vec<_> = got.iter().map(|t| t.problem_id.as_str()).collect();
    assert_eq!(ids, ["a1"], "queue c is not served");
}

/// A claiming connection commits asynchronously, so opening a claiming pool leaves the schema
/// to the pool opened before it; an ordinary pool brings it up to date.
#[tokio::test]
async fn a_claiming_pool_never_migrates() {
    let db = TestDb::new().await;
    let name = format!("aiops_t_{}", uuid::Uuid::now_v7().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&db.pool)
        .await
        .unwrap();
    let url = crate::support::url_for(&db.url, &name);
    let open = |claims_only| {
        let url = url.clone();
        async move {
            let cfg = aiops::db::PoolConfig {
                claims_only,
                ..Default::default()
            };
            let pool = aiops::db::connect(&url, &cfg).await.unwrap();
            aiops::db::schema_status(&pool).await.unwrap().applied
        }
    };
    assert_eq!(open(true).await, None, "a claiming pool migrated");
    assert_eq!(open(false).await, Some(aiops::db::known_version()));
}

/// Workers claim on connections of their own ([`aiops::db::CLAIM_SESSION`]: asynchronous
/// commit, each statement planned once): the session really has those settings, and the
/// generic plans of both claim statements keep the claim order, claim by claim, past the five
/// custom plans PostgreSQL would make first.
#[tokio::test]
async fn claims_on_a_claiming_connection_keep_the_claim_order() {
    let db = TestDb::new().await;
    let claims = claiming_pool(&db).await;
    for (name, want) in aiops::db::CLAIM_SESSION {
        let (got,): (String,) = sqlx::query_as(&format!("SHOW {name}"))
            .fetch_one(&claims)
            .await
            .unwrap();
        assert_eq!(got, want, "{name} on a claiming connection");
    }
    for i in 0..8 {
        for (q, p) in [("a", 2), ("b", 5)] {
            submit_to(&db, q, p, &format!("{q}{i}")).await;
        }
    }
    let one = spec("w", Duration::from_secs(60));
    let mut two = one.clone();
    two.queues = vec!["a".into(), "b".into()];
    let mut order = Vec::new();
    for _ in 0..8 {
        let got = queue::claim(&claims, &two, 2).await.unwrap();
        order.extend(got.into_iter().map(|t| t.problem_id));
    }
    let want: Vec<String> = (0..8)
        .map(|i| format!("b{i}"))
        .chain((0..8).map(|i| format!("a{i}")))
        .collect();
    assert_eq!(order, want, "several queues: priority first, then oldest");
    for i in 0..7 {
        submit(&db, req(&format!("d{i}"))).await;
    }
    let mut got = Vec::new();
    for _ in 0..7 {
        got.extend(queue::claim(&claims, &one, 1).await.unwrap());
    }
    let ids: Vec<_> = got.iter().map(|t| t.problem_id.as_str()).collect();
    assert_eq!(
        ids,
        ["d0", "d1", "d2", "d3", "d4", "d5", "d6"],
        "one queue: oldest first"
    );
}

#[tokio::test]
async fn a_batch_of_finished_attempts_commits_all_but_the_refused_one() {
    use aiops::log::NewLogLine;
    use aiops::queue::{record_batch as write_batch, Outcome, Record};
    let db = TestDb::new().await;
    let claimed = claim_fresh(&db, 3).await;
    let lines = |what: &str| -> Vec<NewLogLine> {
        (0..2)
            .map(|i| stdout_line(format!("{what} line {i}")))
            .collect()
    };
    let mut stale = Fence::of(&claimed[1]);
    stale.attempt += 1;
    let records = [
        Record {
            fence: Fence::of(&claimed[0]),
            lines: lines("done"),
            progress: Some(serde_json::json!({"step": 9})),
            outcome: Outcome::Complete {
                result: Some(serde_json::json!({"ok": 1})),
                exit_code: Some(0),
            },
        },
        Record {
            fence: stale,
            lines: lines("stale"),
            progress: Some(serde_json::json!({"step": 1})),
            outcome: Outcome::Complete {
                result: None,
                exit_code: Some(0),
            },
        },
        Record {
            fence: Fence::of(&claimed[2]),
            lines: lines("failed"),
            progress: None,
            outcome: Outcome::Fail {
                kind: Failure::Failed,
                summary: "exit 3".into(),
                exit_code: Some(3),
                result: Some(serde_json::json!({"history": ["so far"]})),
            },
        },
    ];
    let answers = write_batch(&db.pool, &records.iter().collect::<Vec<_>>())
        .await
        .unwrap();
    assert!(answers[0].is_ok() && answers[2].is_ok(), "{answers:?}");
    assert!(
        matches!(answers[1], Err(aiops::error::Error::Fenced { .. })),
        "{answers:?}"
    );
    let t: Vec<aiops::task::Task> = {
        let mut v = Vec::new();
        for c in &claimed {
            v.push(queue::get(&db.pool, c.id).await.unwrap());
        }
        v
    };
    assert_eq!(
        (t[0].status, t[0].progress.clone()),
        (TaskStatus::Completed, Some(serde_json::json!({"step": 9})))
    );
    assert_eq!(
        (t[1].status, t[1].progress.clone()),
        (TaskStatus::Running, None)
    );
    assert_eq!(
        (t[2].status, t[2].exit_code),
        (TaskStatus::Pending, Some(3))
    );
    assert_eq!(
        t[2].result,
        Some(serde_json::json!({"history": ["so far"]})),
        "a failed attempt keeps what it got to"
    );
    let logged: Vec<(uuid::Uuid, i64)> =
        sqlx::query_as("SELECT task_id, count(*) FROM task_logs GROUP BY task_id ORDER BY task_id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let mut want = vec![(claimed[0].id.0, 2), (claimed[2].id.0, 2)];
    want.sort();
    assert_eq!(
        logged, want,
        "the refused attempt's lines were undone with it"
    );
}

/// A record the database rejects after its lines went in (here a trigger raising on its
/// completion) aborts the batch's transaction: the batch is written again record by record,
/// the rejected one leaves nothing behind and the others commit.
#[tokio::test]
async fn a_record_the_database_rejects_midway_leaves_the_rest_of_its_batch_committed() {
    use aiops::queue::{record_batch as write_batch, Outcome, Record};
    let db = TestDb::new().await;
    let claimed = claim_fresh(&db, 3).await;
    sqlx::raw_sql(&format!(
        "CREATE FUNCTION reject_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             RAISE EXCEPTION 'rejected by the test'; END $$; \
         CREATE TRIGGER reject_one BEFORE UPDATE ON tasks FOR EACH ROW \
             WHEN (NEW.id = '{}' AND NEW.status = 'completed') EXECUTE FUNCTION reject_one();",
        claimed[1].id
    ))
    .execute(&db.pool)
    .await
    .unwrap();
    let records: Vec<Record> = claimed
        .iter()
        .map(|t| Record {
            fence: Fence::of(t),
            lines: vec![stdout_line(format!("{} done", t.problem_id))],
            progress: None,
            outcome: Outcome::Complete {
                result: None,
                exit_code: Some(0),
            },
        })
        .collect();
    let answers = write_batch(&db.pool, &records.iter().collect::<Vec<_>>())
        .await
        .unwrap();
    assert!(answers[0].is_ok() && answers[2].is_ok(), "{answers:?}");
    let rejected = format!("{:?}", answers[1]);
    assert!(rejected.contains("rejected by the test"), "{rejected}");
    let mut got = Vec::new();
    for c in &claimed {
        got.push(queue::get(&db.pool, c.id).await.unwrap().status);
    }
    assert_eq!(
        got,
        [
            TaskStatus::Completed,
            TaskStatus::Running,
            TaskStatus::Completed
        ]
    );
    let logged: Vec<uuid::Uuid> =
        sqlx::query_scalar("SELECT task_id FROM task_logs ORDER BY task_id")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let mut want = vec![claimed[0].id.0, claimed[2].id.0];
    want.sort();
    assert_eq!(logged, want, "the rejected record's line was undone");
}

/// A heartbeat extends only the attempts the worker still holds: a stale attempt, another
/// worker's task and a finished task are left out of the answer and keep their lease.
#[tokio::test]
async fn a_heartbeat_extends_only_the_attempts_the_worker_holds() {
    let db = TestDb::new().await;
    let mine = claim_fresh(&db, 3).await;
    submit(&db, req("theirs")).await;
    let theirs = queue::claim(&db.pool, &spec("w2", Duration::from_secs(60)), 1)
        .await
        .unwrap();
    queue::complete(&db.pool, &Fence::of(&mine[2]), None, Some(0))
        .await
        .unwrap();
    let lease = |id: aiops::task::TaskId| {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, Option<f64>>(
                "SELECT extract(epoch FROM lease_expires_at)::float8 FROM tasks WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let before_mine = lease(mine[0].id).await.unwrap();
    let before_stale = lease(mine[1].id).await;
    let before_theirs = lease(theirs[0].id).await;
    let held = queue::heartbeat_tasks(
        &db.pool,
        "w1",
        &[
            (mine[0].id, mine[0].attempt),
            (mine[1].id, mine[1].attempt + 1),
            (theirs[0].id, theirs[0].attempt),
            (mine[2].id, mine[2].attempt),
        ],
        Duration::from_secs(3600),
    )
    .await
    .unwrap();
    let ids: Vec<_> = held.iter().map(|h| h.task_id).collect();
    assert_eq!(ids, vec![mine[0].id], "only the held attempt answers");
    assert!(
        lease(mine[0].id).await.unwrap() - before_mine > 3000.0,
        "its lease was extended"
    );
    assert_eq!(
        lease(mine[1].id).await,
        before_stale,
        "the stale attempt's lease is untouched"
    );
    assert_eq!(
        lease(theirs[0].id).await,
        before_theirs,
        "another worker's lease is untouched"
    );
    assert_eq!(
        lease(mine[2].id).await,
        None,
        "a finished task gets no lease"
    );
}

/// A claimer whose claims come back full starts the next one at the first task the last one
/// took: it keeps the claim order, takes a higher priority at once, and leaves a task that
/// landed behind its head (here: a `run_at` in the past) only until a claim runs short, which
/// is topped up from the front. With a zero rescan time every claim reads from the front.
#[tokio::test]
async fn a_claimer_resumes_at_its_head_and_misses_nothing_behind_it() {
    let db = TestDb::new().await;
    let claims = claiming_pool(&db).await;
    let behind = |problem: &str| TaskRequest {
        run_at: Some(chrono::Utc::now() - chrono::Duration::hours(1)),
        ..req(problem)
    };
    let claimer = queue::Claimer::new(spec("w1", Duration::from_secs(60)))
        .rescanning_every(Duration::from_secs(3600));
    let claim = |limit: i64| {
        let (claimer, claims) = (&claimer, &claims);
        async move {
            let got = claimer.claim(claims, limit).await.unwrap();
            got.into_iter().map(|t| t.problem_id).collect::<Vec<_>>()
        }
    };
    for i in 0..12 {
        submit(&db, req(&format!("p{i:02}"))).await;
    }
    let mut order = claim(4).await;
    order.extend(claim(4).await);
    assert_eq!(
        order,
        ["p00", "p01", "p02", "p03", "p04", "p05", "p06", "p07"]
    );
    submit(&db, behind("late")).await;
    assert_eq!(claim(2).await, ["p08", "p09"], "a full claim from the head");
    assert_eq!(
        claim(4).await,
        ["late", "p10", "p11"],
        "a short claim from the head is topped up from the front"
    );

    for i in 0..4 {
        submit(&db, req(&format!("r{i}"))).await;
    }
    assert_eq!(claim(2).await, ["r0", "r1"]);
    submit(&db, behind("late2")).await;
    submit(
        &db,
        TaskRequest {
            priority: Some(9),
            ..req("urgent")
        },
    )
    .await;
    assert_eq!(
        claim(2).await,
        ["urgent", "r2"],
        "a higher priority is read from its start"
    );
    assert_eq!(claim(4).await, ["late2", "r3"]);
    assert!(claim(4).await.is_empty());

    let rescanning =
        queue::Claimer::new(spec("w2", Duration::from_secs(60))).rescanning_every(Duration::ZERO);
    let problems = |got: Vec<aiops::task::Task>| -> Vec<String> {
        got.into_iter().map(|t| t.problem_id).collect()
    };
    for i in 0..4 {
        submit(&db, req(&format!("q{i}"))).await;
    }
    assert_eq!(
        problems(rescanning.claim(&claims, 2).await.unwrap()),
        ["q0", "q1"]
    );
    submit(&db, behind("late3")).await;
    assert_eq!(
        problems(rescanning.claim(&claims, 2).await.unwrap()),
        ["late3", "q2"],
        "past its rescan time a claimer reads from the front"
    );
    let (running, pending): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE status = 'running' AND attempt = 1), \
                count(*) FILTER (WHERE status = 'pending') FROM tasks",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        (running, pending),
        (23, 1),
        "each task claimed once; q3 left"
    );
}
