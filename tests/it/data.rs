//! Research data and housekeeping (issue 7): stats, export, prune, callbacks and the problem
//! catalog from the runner, each through the real binary against a real database.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::support::{eventually, fixture, TestDb};

/// A task in a known state, its times given in seconds before the database's now.
struct Seed<'a> {
    problem: &'a str,
    status: &'a str,
    worker: Option<&'a str>,
    /// Seconds a due task waited for a worker.
    wait: f64,
    /// Seconds it ran (finished ones).
    run: f64,
    /// Seconds since it ended (finished ones) or since it started (running ones).
    ago: f64,
    result: Option<Value>,
}

impl Default for Seed<'_> {
    fn default() -> Self {
        Seed {
            problem: "p1",
            status: "completed",
            worker: Some("w1"),
            wait: 1.0,
            run: 10.0,
            ago: 60.0,
            result: None,
        }
    }
}

async fn seed(db: &TestDb, s: Seed<'_>) -> String {
    let id = Uuid::now_v7();
    let started = s.status != "pending" && !(s.status == "cancelled" && s.worker.is_none());
    let finished = !matches!(s.status, "pending" | "running");
    // Times as offsets back from now: created = run_at = start - wait, start = end - run.
    let end_ago = if finished { s.ago } else { 0.0 };
    let start_ago = if s.status == "running" {
        s.ago
    } else {
        end_ago + s.run
    };
    sqlx::query(
        "INSERT INTO tasks (id, problem_id, status, worker_id, lease_expires_at, attempt, \
            parameters, created_at, run_at, started_at, completed_at, result, error_details) \
         VALUES ($1, $2, $3::task_status, $4, CASE WHEN $3 = 'running' THEN now() + interval '1 hour' END, \
            CASE WHEN $5 THEN 1 ELSE 0 END, \
            '{\"agent_config\": {\"agent\": \"m:A\"}, \"max_steps\": 12, \"temperature\": 0.5}', \
            now() - make_interval(secs => $7 + $8), now() - make_interval(secs => $7 + $8), \
            CASE WHEN $5 THEN now() - make_interval(secs => $7) END, \
            CASE WHEN $6 THEN now() - make_interval(secs => $9) END, $10, \
            CASE WHEN $3 IN ('failed', 'timeout') THEN 'boom' END)",
    )
    .bind(id)
    .bind(s.problem)
    .bind(s.status)
    .bind(s.worker)
    .bind(started)
    .bind(finished)
    .bind(start_ago)
    .bind(s.wait)
    .bind(end_ago)
    .bind(s.result)
    .execute(&db.pool)
    .await
    .unwrap();
    id.to_string()
}

#[tokio::test]
async fn stats_counts_success_rate_and_quantiles() {
    let db = TestDb::new().await;
    let w2 = Some("w2");
    for s in [
        Seed {
            wait: 1.0,
            run: 10.0,
            ..Default::default()
        },
        Seed {
            wait: 3.0,
            run: 20.0,
            ..Default::default()
        },
        Seed {
            status: "failed",
            wait: 1.0,
            run: 5.0,
            ..Default::default()
        },
        Seed {
            problem: "p2",
            status: "timeout",
            worker: w2,
            wait: 2.0,
            run: 30.0,
            ..Default::default()
        },
        Seed {
            problem: "p2",
            status: "pending",
            worker: None,
            ..Default::default()
        },
        Seed {
            problem: "p2",
            status: "running",
            worker: w2,
            ..Default::default()
        },
        Seed {
            problem: "p2",
            status: "cancelled",
            worker: None,
            ..Default::default()
        },
        // Outside a one-day window.
        Seed {
            problem: "old",
            ago: 3.0 * 86400.0,
            ..Default::default()
        },
    ] {
        seed(&db, s).await;
    }
    let s = db.cmd().args(["stats", "-o", "json"]).run().ok().json();
    let all = &s["overall"];
    assert_eq!(all["total"], 8);
    assert_eq!(all["pending"], 1);
    assert_eq!(all["running"], 1);
    assert_eq!(all["completed"], 3);
    assert_eq!(all["failed"], 1);
    assert_eq!(all["timeout"], 1);
    assert_eq!(all["cancelled"], 1);
    assert_eq!(all["finished"], 6);
    assert!(
        (all["success_rate"].as_f64().unwrap() - 0.5).abs() < 1e-9,
        "{all}"
    );
    for k in [
        "wait_p50_seconds",
        "wait_p95_seconds",
        "run_p50_seconds",
        "run_p95_seconds",
    ] {
        assert!(all[k].as_f64().is_some(), "{k} missing: {all}");
    }

    let s = db
        .cmd()
        .args(["stats", "--since", "1d", "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(s["overall"]["total"], 7);
    assert_eq!(s["since_seconds"], 86400.0);
    // Runs of the finished tasks: 10, 20, 5, 30 → median 15 (within the histograms' bound).
    let run_p50 = s["overall"]["run_p50_seconds"].as_f64().unwrap();
    assert!(
        (run_p50 - 15.0).abs() <= 15.0 * aiops::stats::MAX_RELATIVE_ERROR,
        "{run_p50}"
    );
    let p1 = s["by_problem"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["problem_id"] == "p1")
        .unwrap();
    assert_eq!(p1["total"], 3);
    assert!((p1["success_rate"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    // Medians of waits 1, 3, 1 → 1.
    assert!(
        (p1["wait_p50_seconds"].as_f64().unwrap() - 1.0).abs() < 0.1,
        "{p1}"
    );
    let workers: Vec<&str> = s["by_worker"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["worker_id"].as_str().unwrap())
        .collect();
    assert_eq!(workers, ["w1", "w2"]);
    assert_eq!(s["by_worker"][1]["total"], 2);
    assert_eq!(s["by_worker"][1]["running"], 1);

    let table = db.cmd().args(["stats", "--since", "1d"]).run().ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with("SCOPE"), "{}", table.stdout);
    assert!(lines[1].starts_with("all"), "{}", table.stdout);
    assert!(table.stdout.contains("40.0%"), "{}", table.stdout);
    assert!(lines
        .iter()
        .any(|l| l.starts_with("problem") && l.contains("p2")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("worker") && l.contains("w2")));
}

#[tokio::test]
async fn stats_on_an_empty_database() {
    let db = TestDb::new().await;
    let s = db.cmd().args(["stats", "-o", "json"]).run().ok().json();
    assert_eq!(s["overall"]["total"], 0);
    assert_eq!(s["overall"]["success_rate"], Value::Null);
    assert_eq!(s["by_problem"], json!([]));
}

/// Top-level fields of an export line, in order.
const EXPORT_FIELDS: [&str; 21] = [
    "id",
    "problem_id",
    "status",
    "queue",
    "backend_type",
    "agent_config",
    "max_steps",
    "parameters",
    "metadata",
    "attempt",
    "max_attempts",
    "worker_id",
    "exit_code",
    "error_details",
    "created_at",
    "run_at",
    "started_at",
    "completed_at",
    "wait_seconds",
    "run_seconds",
    "result",
];

#[tokio::test]
async fn export_writes_finished_tasks_as_json_lines_in_a_fixed_order() {
    let db = TestDb::new().await;
    let result = json!({
        "results": {"Detection Accuracy": "Correct", "TTD": 4.2},
        "history": [{"role": "user", "content": "find the fault"}, {"role": "assistant", "content": "submit(\"Yes\")"}],
        "system_message": "you are an SRE",
    });
    let done = seed(
        &db,
        Seed {
            wait: 2.0,
            run: 8.0,
            result: Some(result.clone()),
            ..Default::default()
        },
    )
    .await;
    let failed = seed(
        &db,
        Seed {
            problem: "p2",
            status: "failed",
            ..Default::default()
        },
    )
    .await;
    seed(
        &db,
        Seed {
            status: "pending",
            worker: None,
            ..Default::default()
        },
    )
    .await;
    seed(
        &db,
        Seed {
            status: "running",
            ..Default::default()
        },
    )
    .await;

    let run = db.cmd().arg("export").run().ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(run.stderr.contains("exported 2 tasks"), "{}", run.stderr);
    // Field order: every top-level key, in the documented order.
    let mut last = 0;
    for f in EXPORT_FIELDS {
        let at = lines[0]
            .find(&format!("\"{f}\":"))
            .unwrap_or_else(|| panic!("{f} missing in {}", lines[0]));
        assert!(at >= last, "{f} out of order in {}", lines[0]);
        last = at;
    }
    let rec: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(rec.as_object().unwrap().len(), EXPORT_FIELDS.len());
    assert_eq!(rec["id"], done.as_str());
    assert_eq!(rec["agent_config"], json!({"agent": "m:A"}));
    assert_eq!(rec["max_steps"], 12);
    assert_eq!(rec["parameters"]["temperature"], 0.5);
    assert_eq!(rec["result"], result);
    assert!(
        (rec["wait_seconds"].as_f64().unwrap() - 2.0).abs() < 0.01,
        "{rec}"
    );
    assert!(
        (rec["run_seconds"].as_f64().unwrap() - 8.0).abs() < 0.01,
        "{rec}"
    );
    assert_eq!(rec["attempt"], 1);
    let second: Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(second["id"], failed.as_str());
    assert_eq!(second["error_details"], "boom");

    // Filters.
    let only = |args: &[&str]| -> Vec<String> {
        let run = db.cmd().arg("export").args(args).run().ok();
        run.stdout
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(only(&["--status", "failed"]), vec![failed.clone()]);
    assert_eq!(only(&["--problem", "p1"]), vec![done.clone()]);
    assert_eq!(
        only(&["--status", "completed,failed", "--since", "1h"]),
        [done.clone(), failed]
    );
    assert!(only(&["--since", "1s"]).is_empty());

    // Unfinished statuses are refused.
    for s in ["pending", "running", "completed,running"] {
        db.cmd()
            .args(["export", "--status", s])
            .run()
            .code(2)
            .error_line(&["--status", "finished"]);
    }

    // To a file: nothing on stdout, no temporary left behind.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.jsonl");
    let run = db
        .cmd()
        .args([
            "export",
            "--problem",
            "p1",
            "--output-file",
            path.to_str().unwrap(),
        ])
        .run()
        .ok();
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("exported 1 tasks to"), "{}", run.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 1);
    assert_eq!(text, format!("{}\n", lines[0]));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [std::ffi::OsString::from("data.jsonl")]);
}

async fn log_count(db: &TestDb, id: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM task_logs WHERE task_id = $1::uuid")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn prune_deletes_only_old_finished_tasks_and_their_logs() {
    let db = TestDb::new().await;
    let day = 86400.0;
    let old_done = seed(
        &db,
        Seed {
            ago: 10.0 * day,
            ..Default::default()
        },
    )
    .await;
    let old_failed = seed(
        &db,
        Seed {
            status: "failed",
            ago: 9.0 * day,
            ..Default::default()
        },
    )
    .await;
    let old_cancelled = seed(
        &db,
        Seed {
            status: "cancelled",
            worker: None,
            ago: 8.0 * day,
            ..Default::default()
        },
    )
    .await;
    let recent = seed(
        &db,
        Seed {
            ago: 3600.0,
            ..Default::default()
        },
    )
    .await;
    let pending = seed(
        &db,
        Seed {
            status: "pending",
            worker: None,
            ..Default::default()
        },
    )
    .await;
    // Running for ten days: old, but never pruned.
    let running = seed(
        &db,
        Seed {
            status: "running",
            ago: 10.0 * day,
            ..Default::default()
        },
    )
    .await;
    for id in [&old_done, &old_failed, &recent, &running] {
        sqlx::query(
            "INSERT INTO task_logs (task_id, attempt, source, message) \
             SELECT $1::uuid, 1, 'worker', 'line ' || g FROM generate_series(1, 3) g",
        )
        .bind(id)
        .execute(&db.pool)
        .await
        .unwrap();
    }

    // Dry run: counts per status, deletes nothing.
    let run = db
        .cmd()
        .args(["prune", "--older-than", "7d", "--dry-run"])
        .run()
        .ok();
    assert!(run.stderr.contains("would delete 3"), "{}", run.stderr);
    assert!(run.stdout.contains("failed"), "{}", run.stdout);
    let j = db
        .cmd()
        .args(["prune", "--older-than", "7d", "--dry-run", "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(j["would_delete"], 3);
    assert_eq!(
        j["by_status"],
        json!({"completed": 1, "failed": 1, "cancelled": 1})
    );
    assert_eq!(db.task_count().await, 6);

    // No terminal and no -y: refused, nothing deleted.
    db.cmd()
        .args(["prune", "--older-than", "7d"])
        .run()
        .code(2)
        .error_line(&["-y"]);
    assert_eq!(db.task_count().await, 6);

    // Unfinished statuses are refused.
    for s in ["pending", "running", "failed,pending"] {
        db.cmd()
            .args(["prune", "--older-than", "1s", "--status", s, "-y"])
            .run()
            .code(2)
            .error_line(&["--status", "finished"]);
    }
    assert_eq!(db.task_count().await, 6);

    // One status only.
    let j = db
        .cmd()
        .args([
            "prune",
            "--older-than",
            "7d",
            "--status",
            "failed",
            "-y",
            "-o",
            "json",
        ])
        .run()
        .ok()
        .json();
    assert_eq!(j["deleted"], 1);
    assert_eq!(log_count(&db, &old_failed).await, 0);

    let run = db
        .cmd()
        .args(["prune", "--older-than", "7d", "-y"])
        .run()
        .ok();
    assert!(
        run.stderr.contains("deleted 2 finished tasks"),
        "{}",
        run.stderr
    );
    let left: Vec<(String,)> = sqlx::query_as("SELECT id::text FROM tasks ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    let mut want = vec![recent.clone(), pending, running.clone()];
    want.sort();
    assert_eq!(left.into_iter().map(|(i,)| i).collect::<Vec<_>>(), want);
    assert_eq!(log_count(&db, &old_done).await, 0);
    assert_eq!(log_count(&db, &recent).await, 3);
    assert_eq!(log_count(&db, &running).await, 3);
    let _ = old_cancelled;

    // Nothing left to prune.
    let run = db.cmd().args(["prune", "--older-than", "7d"]).run().ok();
    assert!(run.stderr.contains("nothing deleted"), "{}", run.stderr);
}

#[tokio::test]
async fn prune_deletes_in_batches() {
    let db = TestDb::new().await;
    sqlx::query(
        "INSERT INTO tasks (id, problem_id, status, created_at, completed_at) \
         SELECT gen_random_uuid(), 'bulk', 'completed', now() - interval '40 days', \
                now() - interval '30 days' FROM generate_series(1, 2500)",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    let j = db
        .cmd()
        .args(["prune", "--older-than", "7d", "-y", "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(j["deleted"], 2500);
    assert_eq!(db.task_count().await, 0);
}

/// What the test's webhook receiver saw.
#[derive(Default)]
struct Hooks {
    /// (headers, body) of every request, in arrival order.
    seen: Vec<(axum::http::HeaderMap, Vec<u8>)>,
}

/// How the receiver answers one request.
#[derive(Clone, Copy)]
enum Answer {
    Status(u16),
    /// The status after a pause: a slow endpoint.
    After(Duration, u16),
    /// No answer at all, ever.
    Never,
}

/// An HTTP receiver on 127.0.0.1:0 that answers 500 to the first `fail_first` requests.
async fn receiver(fail_first: usize) -> (String, Arc<Mutex<Hooks>>) {
    receiver_with(move |n| Answer::Status(if n <= fail_first { 500 } else { 200 })).await
}

/// An HTTP receiver on 127.0.0.1:0 that answers its n-th request (from 1) as `answer(n)` says.
async fn receiver_with(
    answer: impl Fn(usize) -> Answer + Clone + Send + Sync + 'static,
) -> (String, Arc<Mutex<Hooks>>) {
    use axum::http::{HeaderMap, StatusCode};
    let hooks = Arc::new(Mutex::new(Hooks::default()));
    let state = hooks.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let state = state.clone();
            let answer = answer.clone();
            async move {
                let n = {
                    let mut h = state.lock().unwrap();
                    h.seen.push((headers, body.to_vec()));
                    h.seen.len()
                };
                let status = match answer(n) {
                    Answer::Status(s) => s,
                    Answer::After(pause, s) => {
                        tokio::time::sleep(pause).await;
                        s
                    }
                    Answer::Never => std::future::pending().await,
                };
                StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), hooks)
}

/// `(state, attempts, due now, last_error)` of a task's one delivery.
async fn delivery_of(db: &TestDb, id: &str) -> (String, i32, bool, Option<String>) {
    sqlx::query_as(
        "SELECT state, attempts, next_attempt_at <= now(), last_error \
         FROM callback_deliveries WHERE task_id = $1",
    )
    .bind(Uuid::parse_str(id).unwrap())
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

/// A worker that exits right after its last task (`--drain`) does not leave that task's
/// callback leased for a minute by a process that is gone: it waits a little for a slow
/// endpoint and delivers it itself, and one that does not answer in time is handed back, due
/// at once, so the next deliverer sends it right away.
#[tokio::test]
async fn a_worker_that_drains_delivers_or_hands_back_its_callbacks() {
    let db = TestDb::new().await;
    let (url, hooks) = receiver_with(|n| match n {
        1 => Answer::After(Duration::from_millis(1500), 200),
        2 => Answer::Never,
        _ => Answer::Status(200),
    })
    .await;
    let drain = || async {
        let mut w = db
            .cmd()
            .args([
                "worker",
                "run",
                "--cluster",
                "cb",
                "--backend",
                "none",
                "--exec",
                "true",
                "--drain",
            ])
            .spawn();
        assert_eq!(w.wait(Duration::from_secs(60)).await, 0, "{}", w.output());
    };
    let submit = || {
        db.cmd()
            .args(["submit", "p", "--callback-url", &url])
            .run()
            .ok()
            .out()
            .to_string()
    };

    // A slow endpoint: the worker waits for its answer before it exits.
    let first = submit();
    drain().await;
    assert_eq!(delivery_of(&db, &first).await.0, "delivered");
    assert_eq!(delivery_of(&db, &first).await.1, 1);

    // An endpoint that never answers: handed back as the worker exits, due at once.
    let second = submit();
    drain().await;
    let (state, attempts, due, why) = delivery_of(&db, &second).await;
    assert_eq!(
        (state.as_str(), attempts, due),
        ("pending", 1, true),
        "{why:?}"
    );
    assert!(why.unwrap_or_default().contains("stopped"));
    let (_stop, stop) = tokio::sync::watch::channel(false);
    let deliverer = tokio::spawn(aiops::callbacks::deliver_loop(
        db.pool.clone(),
        None,
        Default::default(),
        stop,
    ));
    eventually(
        Duration::from_secs(10),
        "the handed-back callback delivered",
        || async { (delivery_of(&db, &second).await.0 == "delivered").then_some(()) },
    )
    .await;
    deliverer.abort();
    assert_eq!(hooks.lock().unwrap().seen.len(), 3);
}

/// Where the tests look for a python with the `standardwebhooks` package (PyPI), the
/// independent implementation callbacks are verified with, when
/// AIOPS_TEST_PYTHON_STANDARDWEBHOOKS does not name one.
const STANDARDWEBHOOKS_VENV: &str = "/tmp/aiops-sw-venv";

/// A python that imports `standardwebhooks`, or a failure that says how to get one.
fn python_with_standardwebhooks() -> String {
    let python = std::env::var("AIOPS_TEST_PYTHON_STANDARDWEBHOOKS")
        .unwrap_or_else(|_| format!("{STANDARDWEBHOOKS_VENV}/bin/python"));
    let found = std::process::Command::new(&python)
        .args(["-c", "import standardwebhooks"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "no python with the standardwebhooks package at {python}: run `python3 -m venv \
         {STANDARDWEBHOOKS_VENV} && {STANDARDWEBHOOKS_VENV}/bin/pip install standardwebhooks`, \
         or set AIOPS_TEST_PYTHON_STANDARDWEBHOOKS to a python that has it"
    );
    python
}

/// Verify a received callback with the `standardwebhooks` package: `secret` in the `whsec_`
/// form, or a raw secret (which the library takes as its bytes). Err holds its complaint.
fn verify_standard_webhook(
    secret: &str,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> Result<(), String> {
    use std::io::Write;
    let headers: serde_json::Map<String, Value> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v.to_str().unwrap())))
        .collect();
    let script = "import json, sys\n\
        from standardwebhooks.webhooks import Webhook\n\
        s = sys.argv[1]\n\
        wh = Webhook(s if s.startswith('whsec_') else s.encode())\n\
        wh.verify(sys.stdin.buffer.read(), json.loads(sys.argv[2]))\n";
    let mut child = std::process::Command::new(python_with_standardwebhooks())
        .args(["-c", script, secret, &Value::Object(headers).to_string()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(body).unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// Callbacks carry Standard Webhooks headers that the reference Python implementation
/// verifies, with the secret in the `whsec_` form; a changed body or id does not verify, and
/// a secret that is not base64 after `whsec_` stops a worker at start, in one line.
#[tokio::test]
async fn callbacks_are_signed_the_standard_webhooks_way() {
    let db = TestDb::new().await;
    let (url, hooks) = receiver(0).await;
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let id = db
        .cmd()
        .args(["submit", "p", "--callback-url", &url])
        .run()
        .ok()
        .out()
        .to_string();
    let mut w = db
        .cmd()
        .args([
            "worker",
            "run",
            "--cluster",
            "sw",
            "--backend",
            "none",
            "--exec",
            "true",
            "--drain",
        ])
        .env("AIOPS_WEBHOOK_SECRET", secret)
        .spawn();
    assert_eq!(w.wait(Duration::from_secs(60)).await, 0, "{}", w.output());
    let (headers, body) = hooks.lock().unwrap().seen.pop().expect("the callback");
    let delivery: i64 = sqlx::query_scalar("SELECT id FROM callback_deliveries WHERE task_id = $1")
        .bind(Uuid::parse_str(&id).unwrap())
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        headers["webhook-id"],
        format!("aiops-delivery-{delivery}").as_str()
    );
    verify_standard_webhook(secret, &headers, &body).unwrap();

    let mut longer = body.clone();
    longer.push(b' ');
    assert!(verify_standard_webhook(secret, &headers, &longer).is_err());
    let mut other = headers.clone();
    other.insert("webhook-id", "aiops-delivery-0".parse().unwrap());
    assert!(verify_standard_webhook(secret, &other, &body).is_err());
    assert!(verify_standard_webhook("whsec_b3RoZXI=", &headers, &body).is_err());

    db.cmd()
        .args([
            "worker",
            "run",
            "--cluster",
            "sw",
            "--backend",
            "none",
            "--exec",
            "true",
        ])
        .env("AIOPS_WEBHOOK_SECRET", "whsec_not base64!")
        .run()
        .code(2)
        .error_line(&["AIOPS_WEBHOOK_SECRET", "whsec_", "base64"]);
}

#[tokio::test]
async fn callback_is_retried_until_delivered_and_signed() {
    let db = TestDb::new().await;
    let (url, hooks) = receiver(2).await;
    let secret = "s3cret";
    let _worker = db
        .cmd()
        .args([
            "worker",
            "run",
            "--cluster",
            "cb",
            "--backend",
            "none",
            "--exec",
            "true",
            "--heartbeat",
            "200ms",
            "--poll",
            "500ms",
        ])
        .env("AIOPS_WEBHOOK_SECRET", secret)
        .env("AIOPS_CALLBACK_BACKOFF_BASE_MS", "100")
        .spawn();
    let id = db
        .cmd()
        .args([
            "submit",
            "noop_detection_hotel_reservation-1",
            "--callback-url",
            &url,
        ])
        .run()
        .ok()
        .out()
        .to_string();
    let t = eventually(
        Duration::from_secs(30),
        "the callback delivered",
        || async {
            let t = db
                .cmd()
                .args(["status", &id, "-o", "json"])
                .run()
                .ok()
                .json();
            (t["callback_deliveries"][0]["state"] == "delivered").then_some(t)
        },
    )
    .await;
    assert_eq!(t["status"], "completed");
    let d = &t["callback_deliveries"];
    assert_eq!(d.as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d[0]["attempts"], 3, "{d}");
    assert_eq!(d[0]["last_status"], 200);
    assert_eq!(d[0]["task_status"], "completed");
    assert_eq!(d[0]["url"], url.as_str());

    let seen = std::mem::take(&mut hooks.lock().unwrap().seen);
    assert_eq!(seen.len(), 3);
    let (headers, body) = &seen[2];
    let sig = headers
        .get("x-aiops-signature")
        .and_then(|v| v.to_str().ok());
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let want = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(sig, Some(want.as_str()));
    // Every try of one delivery has the same webhook-id; the raw secret verifies as its bytes.
    let ids: Vec<_> = seen.iter().map(|(h, _)| h["webhook-id"].clone()).collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
    verify_standard_webhook(secret, headers, body).unwrap();
    let task: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(task["id"], id.as_str());
    assert_eq!(task["status"], "completed");
    assert_eq!(task["callback_url"], url.as_str());

    // The detail view says so too.
    let run = db.cmd().args(["status", &id]).run().ok();
    assert!(run.stdout.contains("delivered at"), "{}", run.stdout);
    assert!(run.stdout.contains("3 attempts"), "{}", run.stdout);
}

#[tokio::test]
async fn a_terminal_status_queues_a_delivery_in_the_same_statement() {
    let db = TestDb::new().await;
    let id = db
        .cmd()
        .args([
            "submit",
            "p",
            "--allow-unknown",
            "--callback-url",
            "http://127.0.0.1:9/x",
        ])
        .run()
        .ok()
        .out()
        .to_string();
    let plain = db.cmd().args(["submit", "p"]).run().ok().out().to_string();
    let n = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM callback_deliveries")
            .fetch_one(&db.pool)
            .await
            .unwrap()
    };
    assert_eq!(n().await, 0);
    db.cmd().args(["cancel", &id]).run().ok();
    db.cmd().args(["cancel", &plain]).run().ok();
    assert_eq!(n().await, 1);
    let t = db
        .cmd()
        .args(["status", &id, "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(t["callback_deliveries"][0]["task_status"], "cancelled");
    assert_eq!(t["callback_deliveries"][0]["state"], "pending");
    // A task without a callback URL keeps the plain task shape.
    let t = db
        .cmd()
        .args(["status", &plain, "-o", "json"])
        .run()
        .ok()
        .json();
    assert!(t.get("callback_deliveries").is_none());
}

#[tokio::test]
async fn problems_import_from_the_runner_then_list_with_counts() {
    let db = TestDb::new().await;
    let run = db
        .cmd()
        .args(["problems", "import", "--from-runner"])
        .env("PYTHONPATH", fixture("aiopslab_stub").to_str().unwrap())
        .run()
        .ok();
    assert!(
        run.stderr.contains("imported 9 problem ids (9 new)"),
        "{}",
        run.stderr
    );
    let id = "noop_detection_hotel_reservation-1";
    db.cmd().args(["submit", id]).run().ok();
    seed(
        &db,
        Seed {
            problem: id,
            ..Default::default()
        },
    )
    .await;
    seed(
        &db,
        Seed {
            problem: id,
            status: "failed",
            ..Default::default()
        },
    )
    .await;
    let list = db
        .cmd()
        .args(["problems", "list", "-o", "json"])
        .run()
        .ok()
        .json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 9);
    let ids: Vec<&str> = list.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert!(
        ids.contains(&"k8s_target_port-misconfig-detection-1"),
        "{ids:?}"
    );
    let noop = list.iter().find(|p| p["id"] == id).unwrap();
    assert_eq!(noop["tasks"], 3);
    assert_eq!(noop["pending"], 1);
    assert_eq!(noop["completed"], 1);
    assert_eq!(noop["failed"], 1);
    let table = db.cmd().args(["problems", "list"]).run().ok();
    let row = table.stdout.lines().find(|l| l.starts_with(id)).unwrap();
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cols[2..], ["3", "1", "0", "1", "1", "0"], "{row}");
    // An unknown id is refused now that the catalog is filled.
    db.cmd().args(["submit", "nope-1"]).run().code(2);
}

#[tokio::test]
async fn a_callback_still_failing_after_a_day_ends_failed() {
    let db = TestDb::new().await;
    let (url, hooks) = receiver(usize::MAX).await;
    let id = db
        .cmd()
        .args(["submit", "p", "--callback-url", &url])
        .run()
        .ok()
        .out()
        .to_string();
    db.cmd().args(["cancel", &id]).run().ok();
    // Queued a day ago: the next failure is the last.
    sqlx::query("UPDATE callback_deliveries SET created_at = now() - interval '25 hours'")
        .execute(&db.pool)
        .await
        .unwrap();
    let (_stop, stop) = tokio::sync::watch::channel(false);
    let deliverer = tokio::spawn(aiops::callbacks::deliver_loop(
        db.pool.clone(),
        None,
        Default::default(),
        stop,
    ));
    let d = eventually(Duration::from_secs(30), "the delivery given up", || async {
        let d = aiops::callbacks::deliveries(&db.pool, aiops::task::TaskId(id.parse().unwrap()))
            .await
            .unwrap();
        (d[0].state != "pending").then_some(d)
    })
    .await;
    deliverer.abort();
    assert_eq!(d[0].state, "failed");
    assert_eq!(d[0].attempts, 1);
    assert_eq!(d[0].last_status, Some(500));
    assert_eq!(hooks.lock().unwrap().seen.len(), 1);
    let run = db.cmd().args(["status", &id]).run().ok();
    assert!(run.stdout.contains("failed, gave up"), "{}", run.stdout);
}
