//! `aiops stats` from rollups (issue 7): after every kind of transition the answer must equal an
//! exact scan of the tasks (the query stats ran before the rollups), counts exactly and quantiles
//! within the histograms' documented bound. Driven through the binary, and as a property over
//! random operation sequences against the queue itself.

use std::time::Duration;

use aiops::queue::{self, ClaimSpec, Failure, Fence};
use aiops::stats::MAX_RELATIVE_ERROR;
use aiops::task::{TaskRequest, TaskStatus};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};
use sqlx::PgPool;

use crate::support::{db_property, eventually, spawn_worker, TestDb};

/// The statement `aiops stats` ran before the rollups: one scan of every task in the window.
const EXACT_SQL: &str = "\
SELECT GROUPING(problem_id) AS g_problem, GROUPING(worker_id) AS g_worker, problem_id, worker_id, \
    count(*) AS total, \
    count(*) FILTER (WHERE status = 'pending') AS pending, \
    count(*) FILTER (WHERE status = 'running') AS running, \
    count(*) FILTER (WHERE status = 'completed') AS completed, \
    count(*) FILTER (WHERE status = 'failed') AS failed, \
    count(*) FILTER (WHERE status = 'timeout') AS timeout, \
    count(*) FILTER (WHERE status = 'cancelled') AS cancelled, \
    percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY wait_s) AS wait, \
    percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY run_s) AS run \
FROM ( \
    SELECT problem_id, worker_id, status, \
        CASE WHEN status <> 'pending' AND started_at >= run_at \
            THEN extract(epoch FROM started_at - run_at)::float8 END AS wait_s, \
        CASE WHEN status NOT IN ('pending', 'running') AND completed_at >= started_at \
            THEN extract(epoch FROM completed_at - started_at)::float8 END AS run_s \
    FROM tasks \
    WHERE ($1::float8 IS NULL OR created_at >= now() - make_interval(secs => $1))) t \
GROUP BY GROUPING SETS ((), (problem_id), (worker_id))";

type ExactRow = (
    i32,
    i32,
    Option<String>,
    Option<String>,
    [i64; 7],
    Option<Vec<Option<f64>>>,
    Option<Vec<Option<f64>>>,
);

/// The exact answer in the shape of `aiops stats -o json` (minus `since_seconds`).
async fn exact(pool: &PgPool, within: Option<Duration>) -> Value {
    let rows = sqlx::query(EXACT_SQL)
        .bind(within.map(|d| d.as_secs_f64()))
        .fetch_all(pool)
        .await
        .unwrap();
    let rows: Vec<ExactRow> = rows
        .iter()
        .map(|r| {
            use sqlx::Row;
            let c = |n: &str| r.get::<i64, _>(n);
            (
                r.get("g_problem"),
                r.get("g_worker"),
                r.get("problem_id"),
                r.get("worker_id"),
                [
                    c("total"),
                    c("pending"),
                    c("running"),
                    c("completed"),
                    c("failed"),
                    c("timeout"),
                    c("cancelled"),
                ],
                r.get("wait"),
                r.get("run"),
            )
        })
        .collect();
    let summary = |r: &ExactRow| {
        let [total, pending, running, completed, failed, timeout, cancelled] = r.4;
        let finished = completed + failed + timeout + cancelled;
        let q = |v: &Option<Vec<Option<f64>>>, i: usize| {
            v.as_ref().and_then(|v| v.get(i).copied().flatten())
        };
        json!({
            "total": total, "pending": pending, "running": running, "completed": completed,
            "failed": failed, "timeout": timeout, "cancelled": cancelled, "finished": finished,
            "success_rate": (finished > 0).then(|| completed as f64 / finished as f64),
            "wait_p50_seconds": q(&r.5, 0), "wait_p95_seconds": q(&r.5, 1),
            "run_p50_seconds": q(&r.6, 0), "run_p95_seconds": q(&r.6, 1),
        })
    };
    let mut overall = json!({
        "total": 0, "pending": 0, "running": 0, "completed": 0, "failed": 0, "timeout": 0,
        "cancelled": 0, "finished": 0, "success_rate": null, "wait_p50_seconds": null,
        "wait_p95_seconds": null, "run_p50_seconds": null, "run_p95_seconds": null,
    });
    let (mut by_problem, mut by_worker) = (Vec::new(), Vec::new());
    for r in &rows {
        match (r.0, r.1, &r.2, &r.3) {
            (1, 1, _, _) => overall = summary(r),
            (0, 1, Some(p), _) => by_problem.push((p.clone(), summary(r))),
            (1, 0, _, Some(w)) => by_worker.push((w.clone(), summary(r))),
            _ => {}
        }
    }
    by_problem.sort_by(|a, b| a.0.cmp(&b.0));
    by_worker.sort_by(|a, b| a.0.cmp(&b.0));
    let keyed = |v: Vec<(String, Value)>, k: &str| -> Vec<Value> {
        v.into_iter()
            .map(|(id, mut s)| {
                s[k] = json!(id);
                s
            })
            .collect()
    };
    json!({
        "overall": overall,
        "by_problem": keyed(by_problem, "problem_id"),
        "by_worker": keyed(by_worker, "worker_id"),
    })
}

/// Why `got` (rollup stats) differs from `want` (the exact scan), if it does: counts and rates
/// must be equal, quantiles null together and otherwise within the histograms' bound.
fn difference(got: &Value, want: &Value) -> Option<String> {
    let same_summary = |g: &Value, w: &Value, at: &str| -> Option<String> {
        let counts = TaskStatus::ALL.map(TaskStatus::as_str);
        for k in ["total", "finished"].into_iter().chain(counts) {
            if g[k] != w[k] {
                return Some(format!("{at}.{k}: {} != exact {}", g[k], w[k]));
            }
        }
        match (g["success_rate"].as_f64(), w["success_rate"].as_f64()) {
            (None, None) => {}
            (Some(a), Some(b)) if (a - b).abs() < 1e-12 => {}
            (a, b) => return Some(format!("{at}.success_rate: {a:?} != exact {b:?}")),
        }
        for k in [
            "wait_p50_seconds",
            "wait_p95_seconds",
            "run_p50_seconds",
            "run_p95_seconds",
        ] {
            match (g[k].as_f64(), w[k].as_f64()) {
                (None, None) => {}
                (Some(a), Some(b)) if (a - b).abs() <= b.abs() * MAX_RELATIVE_ERROR + 1e-9 => {}
                (a, b) => return Some(format!("{at}.{k}: {a:?} not within bound of {b:?}")),
            }
        }
        None
    };
    if let Some(d) = same_summary(&got["overall"], &want["overall"], "overall") {
        return Some(d);
    }
    for (list, id) in [("by_problem", "problem_id"), ("by_worker", "worker_id")] {
        let (g, w) = (
            got[list].as_array().unwrap(),
            want[list].as_array().unwrap(),
        );
        let ids = |v: &[Value]| v.iter().map(|x| x[id].to_string()).collect::<Vec<_>>();
        if ids(g) != ids(w) {
            return Some(format!("{list}: {:?} != exact {:?}", ids(g), ids(w)));
        }
        for (a, b) in g.iter().zip(w) {
            if let Some(d) = same_summary(a, b, &format!("{list}[{}]", b[id])) {
                return Some(d);
            }
        }
    }
    None
}

/// `aiops stats -o json [--since S]` equals the exact scan.
async fn assert_cli_matches(db: &TestDb, since: Option<&str>, within: Option<Duration>) {
    let mut cmd = db.cmd().args(["stats", "-o", "json"]);
    if let Some(s) = since {
        cmd = cmd.args(["--since", s]);
    }
    let got = cmd.run().ok().json();
    let want = exact(&db.pool, within).await;
    if let Some(d) = difference(&got, &want) {
        panic!("stats --since {since:?}: {d}\nrollups: {got}\nexact: {want}");
    }
}

/// Fold the waiting deltas into the rollups now (workers do it every few seconds).
async fn compact(pool: &PgPool) -> u64 {
    aiops::stats::compact(pool, None, Some(0)).await.unwrap()
}

const DAY: u64 = 86_400;

/// A finished task created `days_ago`, inserted as an upgraded database would hold it.
async fn seed_finished(pool: &PgPool, problem: &str, status: &str, days_ago: f64, run: f64) {
    sqlx::query(
        "INSERT INTO tasks (id, problem_id, status, worker_id, attempt, created_at, run_at, \
            started_at, completed_at) \
         SELECT gen_random_uuid(), $1, $2::task_status, 'seed-worker', 1, t, t, \
            t + interval '2 seconds', t + interval '2 seconds' + make_interval(secs => $4) \
         FROM (SELECT now() - make_interval(secs => $3 * 86400) AS t) x",
    )
    .bind(problem)
    .bind(status)
    .bind(days_ago)
    .bind(run)
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn stats_follow_every_transition_through_the_binary() {
    let db = TestDb::new().await;
    let windows = [
        (None, None),
        (Some("1d"), Some(Duration::from_secs(DAY))),
        (Some("20d"), Some(Duration::from_secs(20 * DAY))),
    ];
    // History from before the rollups: folded in by the migration's backfill path (compaction).
    for (i, days_ago) in [10.0, 10.5, 12.0, 40.0].into_iter().enumerate() {
        let status = ["completed", "failed", "timeout", "cancelled"][i];
        seed_finished(&db.pool, "old", status, days_ago, 30.0 + i as f64).await;
    }
    assert_eq!(compact(&db.pool).await, 4);

    let submit = |problem: &str, extra: &[&str]| {
        db.cmd()
            .args(["submit", problem, "--allow-unknown"])
            .args(extra)
            .run()
            .ok()
            .stdout
            .trim()
            .to_string()
    };
    for _ in 0..3 {
        submit("ok", &[]);
    }
    for _ in 0..2 {
        submit("flaky", &["--max-attempts", "2"]);
    }
    let bad = submit("bad", &["--max-attempts", "1"]);
    submit("slow", &["--timeout", "1s", "--max-attempts", "1"]);
    let hang = submit("hang", &["--priority", "9"]);
    let later = submit("later", &["--delay", "1h"]);
    submit("later", &["--delay", "1h"]);
    db.cmd().args(["cancel", &later]).run().ok();
    for (since, within) in windows {
        assert_cli_matches(&db, since, within).await;
    }

    // One worker drains it all: a task cancelled while it runs, completions, a failure retried
    // then completed, a failure with no attempt left, a timeout; the delayed task stays pending.
    let exec = "case \"$AIOPS_PROBLEM_ID\" in \
        ok) exit 0 ;; flaky) [ \"$AIOPS_ATTEMPT\" -ge 2 ] ;; bad) exit 3 ;; *) sleep 30 ;; esac";
    let mut w = spawn_worker(db.cmd(), "stats-w1", exec, &["--drain"]);
    eventually(Duration::from_secs(30), "the first task to run", || {
        let run = db.cmd().args(["status", &hang, "-o", "json"]).run().ok();
        async move { (run.json()["status"] == "running").then_some(()) }
    })
    .await;
    for (since, within) in windows {
        assert_cli_matches(&db, since, within).await;
    }
    db.cmd().args(["cancel", &hang]).run().ok();
    assert_eq!(w.wait(Duration::from_secs(60)).await, 0, "{}", w.output());
    let counts = db.cmd().args(["stats", "-o", "json"]).run().ok().json();
    assert_eq!(counts["overall"]["completed"], 6, "{counts}");
    assert_eq!(counts["overall"]["pending"], 1, "{counts}");
    assert_eq!(counts["overall"]["cancelled"], 3, "{counts}");
    for (since, within) in windows {
        assert_cli_matches(&db, since, within).await;
    }

    // A manual retry takes a finished task out of its state, before and after compaction.
    db.cmd().args(["retry", &bad]).run().ok();
    for (since, within) in windows {
        assert_cli_matches(&db, since, within).await;
    }
    assert!(compact(&db.pool).await > 0);
    for (since, within) in windows {
        assert_cli_matches(&db, since, within).await;
    }
    let s = db.cmd().args(["stats", "-o", "json"]).run().ok().json();
    let bad_row = s["by_problem"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["problem_id"] == "bad")
        .unwrap();
    assert_eq!(
        (&bad_row["failed"], &bad_row["pending"]),
        (&json!(0), &json!(1))
    );

    // Prune forgets what it deletes: the old problem disappears.
    db.cmd()
        .args(["prune", "--older-than", "7d", "-y"])
        .run()
        .ok();
    for (since, within) in windows {
        assert_cli_matches(&db, since, within).await;
    }
    compact(&db.pool).await;
    for (since, within) in windows {
        assert_cli_matches(&db, since, within).await;
    }
    let s = db.cmd().args(["stats", "-o", "json"]).run().ok().json();
    assert!(
        s["by_problem"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["problem_id"] != "old"),
        "{s}"
    );
    assert_eq!(s["by_worker"][0]["worker_id"], "stats-w1", "{s}");
}

#[tokio::test]
async fn stats_after_a_large_prune_compact_on_read() {
    let db = TestDb::new().await;
    sqlx::query(
        "INSERT INTO tasks (id, problem_id, status, worker_id, attempt, created_at, run_at, \
            started_at, completed_at) \
         SELECT gen_random_uuid(), 'p' || (i % 7), 'completed', 'w' || (i % 3), 1, t, t, \
            t + make_interval(secs => i % 5), t + make_interval(secs => i % 5 + i % 11) \
         FROM generate_series(1, 60000) i, \
              LATERAL (SELECT now() - make_interval(secs => 86400 * 10 + i) AS t) x",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    compact(&db.pool).await;
    db.cmd()
        .args(["prune", "--older-than", "1d", "-y"])
        .run()
        .ok();
    let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM task_stats_delta")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(waiting, 60_000);
    // The read folds a backlog this large in first, so the next reads are cheap.
    let s = db.cmd().args(["stats", "-o", "json"]).run().ok().json();
    assert_eq!(s["overall"]["total"], 0, "{s}");
    assert_eq!(s["by_problem"], json!([]));
    let (waiting, pages): (i64, i64) = sqlx::query_as(
        "SELECT count(*), pg_relation_size('task_stats_delta') / 8192 FROM task_stats_delta",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((waiting, pages), (0, 0), "folded in and vacuumed");
    let rollup_rows: i64 = sqlx::query_scalar("SELECT count(*) FROM task_stats")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        rollup_rows, 0,
        "histograms emptied by the prune are deleted"
    );
}

// -----------------------------------------------------------------------------------------------
// Property: rollup stats equal the exact scan under random operations

#[derive(Debug, Clone)]
enum Op {
    /// A finished (or pending) task created `days_ago`, with the given wait and run seconds.
    Seed {
        problem: u8,
        status: u8,
        worker: Option<u8>,
        days_ago: f64,
        wait: f64,
        run: f64,
    },
    Submit {
        problem: u8,
        max_attempts: i64,
    },
    Claim {
        worker: u8,
    },
    Complete {
        task: usize,
    },
    Fail {
        task: usize,
        kind: u8,
    },
    Cancel {
        task: usize,
    },
    Retry {
        task: usize,
    },
    Release {
        task: usize,
    },
    /// Let the short leases run out and rescue them.
    Rescue,
    /// Delete finished tasks that ended more than this many days ago.
    Prune {
        days: f64,
    },
    Compact,
}

fn duration() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(1.0),
        Just(2.5),
        0.000_001f64..0.01,
        0.01f64..100.0,
        100.0f64..20_000.0,
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..4, 0u8..6, prop::option::of(0u8..3), 0.0f64..60.0, duration(), duration())
            .prop_map(|(problem, status, worker, days_ago, wait, run)| Op::Seed {
                problem, status, worker, days_ago, wait, run
            }),
        3 => (0u8..4, 1i64..=3).prop_map(|(problem, max_attempts)| Op::Submit { problem, max_attempts }),
        3 => (0u8..2).prop_map(|worker| Op::Claim { worker }),
        3 => (0usize..16).prop_map(|task| Op::Complete { task }),
        2 => (0usize..16, 0u8..3).prop_map(|(task, kind)| Op::Fail { task, kind }),
        2 => (0usize..16).prop_map(|task| Op::Cancel { task }),
        2 => (0usize..16).prop_map(|task| Op::Retry { task }),
        1 => (0usize..16).prop_map(|task| Op::Release { task }),
        1 => Just(Op::Rescue),
        1 => (0.0f64..50.0).prop_map(|days| Op::Prune { days }),
        2 => Just(Op::Compact),
    ]
}

const SHORT_LEASE: Duration = Duration::from_millis(150);
const WINDOWS: [Option<u64>; 6] = [
    Some(3_600),
    Some(DAY),
    Some(3 * DAY + 7_200),
    Some(10 * DAY),
    Some(35 * DAY),
    Some(90 * DAY),
];

async fn seed(pool: &PgPool, op: &Op) -> aiops::task::TaskId {
    let Op::Seed {
        problem,
        status,
        worker,
        days_ago,
        wait,
        run,
    } = op
    else {
        unreachable!()
    };
    let status = TaskStatus::ALL[*status as usize].as_str();
    // A running task needs a worker; a pending one has none.
    let worker = match (status, worker) {
        ("pending", _) => None,
        ("running", None) => Some("seed-0".to_string()),
        (_, w) => w.map(|w| format!("seed-{w}")),
    };
    let started = status != "pending" && worker.is_some();
    let (id,): (uuid::Uuid,) = sqlx::query_as(
        "INSERT INTO tasks (id, problem_id, status, worker_id, lease_expires_at, attempt, \
            created_at, run_at, started_at, completed_at) \
         SELECT gen_random_uuid(), $1, $2::task_status, $3, \
            CASE WHEN $2 = 'running' THEN now() + interval '1 hour' END, \
            CASE WHEN $4 THEN 1 ELSE 0 END, t, t, \
            CASE WHEN $4 THEN t + make_interval(secs => $6) END, \
            CASE WHEN $2 NOT IN ('pending', 'running') \
                THEN t + make_interval(secs => $6 + $7) END \
         FROM (SELECT now() - make_interval(secs => $5 * 86400) AS t) x RETURNING id",
    )
    .bind(format!("prob-{problem}"))
    .bind(status)
    .bind(worker)
    .bind(started)
    .bind(days_ago)
    .bind(wait)
    .bind(run)
    .fetch_one(pool)
    .await
    .unwrap();
    aiops::task::TaskId(id)
}

async fn run_ops(pool: &PgPool, ops: &[Op]) -> Result<(), TestCaseError> {
    // Each case starts from an empty database (TRUNCATE empties the rollups too).
    sqlx::query("TRUNCATE tasks, workers CASCADE")
        .execute(pool)
        .await
        .unwrap();
    let mut tasks: Vec<(aiops::task::TaskId, Option<Fence>)> = Vec::new();
    for (step, op) in ops.iter().enumerate() {
        let pick = |i: usize| (!tasks.is_empty()).then(|| i % tasks.len());
        let fence = |i: usize| {
            tasks[i].1.clone().unwrap_or(Fence {
                task_id: tasks[i].0,
                attempt: 1,
                worker_id: "none".into(),
            })
        };
        // Errors are the queue refusing an operation that does not apply (a fence that no
        // longer holds, a retry of a running task): part of the random walk, not a failure.
        match op {
            Op::Seed { .. } => {
                let id = seed(pool, op).await;
                tasks.push((id, None));
            }
            Op::Submit {
                problem,
                max_attempts,
            } => {
                let new = TaskRequest {
                    problem_id: format!("prob-{problem}"),
                    max_attempts: Some(*max_attempts),
                    ..Default::default()
                }
                .validate()
                .expect("valid request");
                let t = queue::submit(pool, &new).await.unwrap();
                tasks.push((t.task().id, None));
            }
            Op::Claim { worker } => {
                let spec = ClaimSpec {
                    worker_id: format!("prop-w{worker}"),
                    queues: vec!["default".into()],
                    backend_type: aiops::task::Backend::None,
                    lease: if *worker == 1 {
                        SHORT_LEASE
                    } else {
                        Duration::from_secs(600)
                    },
                };
                for c in queue::claim(pool, &spec, 2).await.unwrap() {
                    if let Some(t) = tasks.iter_mut().find(|t| t.0 == c.id) {
                        t.1 = Some(Fence::of(&c));
                    }
                }
            }
            Op::Complete { task } => {
                if let Some(i) = pick(*task) {
                    let _ = queue::complete(pool, &fence(i), None, Some(0)).await;
                }
            }
            Op::Fail { task, kind } => {
                if let Some(i) = pick(*task) {
                    let kind =
                        [Failure::Failed, Failure::Timeout, Failure::Cancelled][*kind as usize];
                    let _ = queue::fail(pool, &fence(i), kind, "boom", Some(1)).await;
                }
            }
            Op::Cancel { task } => {
                if let Some(i) = pick(*task) {
                    let _ = queue::cancel(pool, tasks[i].0, None).await;
                }
            }
            Op::Retry { task } => {
                if let Some(i) = pick(*task) {
                    let _ = queue::retry(pool, tasks[i].0).await;
                }
            }
            Op::Release { task } => {
                if let Some(i) = pick(*task) {
                    let _ = queue::release(pool, &fence(i), "prop").await;
                }
            }
            Op::Rescue => {
                tokio::time::sleep(SHORT_LEASE + Duration::from_millis(50)).await;
                queue::rescue_expired(pool).await.unwrap();
            }
            Op::Prune { days } => {
                let cutoff =
                    queue::retention_cutoff(pool, Duration::from_secs_f64(days * 86_400.0))
                        .await
                        .unwrap();
                let all = [
                    TaskStatus::Completed,
                    TaskStatus::Failed,
                    TaskStatus::Timeout,
                    TaskStatus::Cancelled,
                ];
                while queue::prune_batch(pool, cutoff, &all, 1000).await.unwrap() == 1000 {}
            }
            Op::Compact => {
                compact(pool).await;
            }
        }
        // All time after every step, and one window in turn.
        for window in [None, WINDOWS[step % WINDOWS.len()]] {
            let within = window.map(Duration::from_secs);
            let got = aiops::stats::compute(pool, within).await.unwrap();
            let got = serde_json::to_value(got).unwrap();
            let want = exact(pool, within).await;
            if let Some(d) = difference(&got, &want) {
                return Err(TestCaseError::fail(format!(
                    "step {step} {op:?}, window {within:?}: {d}"
                )));
            }
        }
    }
    Ok(())
}

#[test]
fn stats_match_an_exact_scan_under_random_operations() {
    let (rt, db, mut runner) = db_property(40);
    runner
        .run(&prop::collection::vec(op(), 1..=30), |ops| {
            rt.block_on(run_ops(&db.pool, &ops))
        })
        .unwrap();
}
