//! Everyday commands driven through the real binary, as a researcher types them.

use std::time::Duration;

use aiops::queue::{self, ClaimSpec, Fence};

use crate::support::TestDb;

#[tokio::test]
async fn submit_then_status_shows_every_field() {
    let db = TestDb::new().await;
    let id = db
        .cmd()
        .args([
            "submit",
            "noop_detection_hotel_reservation-1",
            "--agent-config",
            r#"{"agent":"m:A","kwargs":{"t":0.5}}"#,
            "--max-steps",
            "12",
            "--timeout",
            "45m",
            "--priority",
            "7",
            "--max-attempts",
            "2",
            "--queue",
            "q1",
            "--backend",
            "kind",
            "--param",
            "temperature=0.7",
            "--param",
            "note=hello",
            "--metadata",
            "owner=alice",
            "--callback-url",
            "https://example.org/hook",
        ])
        .run()
        .ok()
        .out()
        .to_string();
    assert_eq!(id.len(), 36, "the id alone on stdout: {id}");
    let t = db
        .cmd()
        .args(["status", &id, "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(t["id"], id.as_str());
    assert_eq!(t["status"], "pending");
    assert_eq!(t["priority"], 7);
    assert_eq!(t["queue"], "q1");
    assert_eq!(t["backend_type"], "kind");
    assert_eq!(t["timeout_seconds"], 2700);
    assert_eq!(t["max_attempts"], 2);
    assert_eq!(t["attempt"], 0);
    assert_eq!(t["parameters"]["max_steps"], 12);
    assert_eq!(t["parameters"]["temperature"], 0.7);
    assert_eq!(t["parameters"]["note"], "hello");
    assert_eq!(t["parameters"]["agent_config"]["agent"], "m:A");
    assert_eq!(t["metadata"]["owner"], "alice");
    assert_eq!(t["callback_url"], "https://example.org/hook");
    for field in [
        "created_at",
        "updated_at",
        "run_at",
        "progress",
        "result",
        "error_details",
        "exit_code",
        "cancel_requested",
        "started_at",
        "completed_at",
        "heartbeat_at",
        "worker_id",
        "idempotency_key",
    ] {
        assert!(t.get(field).is_some(), "field {field} missing");
    }

    // Detail view by a prefix, and the list view.
    let detail = db.cmd().args(["status", &id[..13]]).run().ok().stdout;
    assert!(detail.contains("noop_detection_hotel_reservation-1"));
    assert!(detail.contains("45m00s"), "{detail}");
    let list = db.cmd().args(["status"]).run().ok().stdout;
    assert!(list.contains(&id), "full ids in tables: {list}");
    let filtered = db
        .cmd()
        .args(["status", "--status", "failed,timeout"])
        .run()
        .ok();
    assert!(!filtered.stdout.contains(&id));
    let by_queue = db
        .cmd()
        .args(["status", "--queue", "q1", "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(by_queue["total"], 1);
}

#[tokio::test]
async fn delay_and_run_at_schedule_the_task() {
    let db = TestDb::new().await;
    let id = db
        .cmd()
        .args(["submit", "p", "--delay", "1h"])
        .run()
        .ok()
        .out()
        .to_string();
    let t = db
        .cmd()
        .args(["status", &id, "-o", "json"])
        .run()
        .ok()
        .json();
    let created = chrono::DateTime::parse_from_rfc3339(t["created_at"].as_str().unwrap()).unwrap();
    let run_at = chrono::DateTime::parse_from_rfc3339(t["run_at"].as_str().unwrap()).unwrap();
    let gap = (run_at - created).num_seconds();
    assert!(
        (3595..=3605).contains(&gap),
        "run_at about an hour later: {gap}"
    );
    let id2 = db
        .cmd()
        .args(["submit", "p", "--run-at", "2030-01-02T03:04:05Z"])
        .run()
        .ok()
        .out()
        .to_string();
    let t = db
        .cmd()
        .args(["status", &id2, "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(t["run_at"], "2030-01-02T03:04:05Z");
}

#[tokio::test]
async fn bulk_submit_is_all_or_nothing() {
    let db = TestDb::new().await;
    let mut good = String::new();
    for i in 0..2000 {
        good.push_str(&format!(
            "{{\"problem_id\":\"p-{i}\",\"priority\":{}}}\n",
            i % 11
        ));
    }
    let out = db
        .cmd()
        .args(["submit", "--from", "-"])
        .stdin(good.clone())
        .run()
        .ok();
    assert_eq!(out.stdout.lines().count(), 2000);
    assert_eq!(db.task_count().await, 2000);

    let mut bad = good.clone();
    bad.push_str("{\"problem_id\":\"x\",\"priority\":42}\n");
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("tasks.jsonl");
    std::fs::write(&f, &bad).unwrap();
    db.cmd()
        .args(["submit", "--from", f.to_str().unwrap()])
        .run()
        .code(2)
        .error_line(&["line 2001", "priority", "nothing was submitted"]);
    let typo = "{\"problem_id\":\"x\",\"prioriti\":1}\n";
    db.cmd()
        .args(["submit", "--from", "-"])
        .stdin(typo)
        .run()
        .code(2)
        .error_line(&["line 1", "prioriti"]);
    assert_eq!(
        db.task_count().await,
        2000,
        "nothing written by the bad files"
    );
}

#[tokio::test]
async fn cancel_and_retry_through_the_cli() {
    let db = TestDb::new().await;
    let id = db.cmd().args(["submit", "p"]).run().ok().out().to_string();
    let out = db
        .cmd()
        .args(["cancel", &id, "--reason", "not needed"])
        .run()
        .ok();
    assert!(out.stdout.contains("cancelled"));
    let again = db.cmd().args(["cancel", &id]).run().ok();
    assert!(again.stdout.contains("already cancelled"));
    let t = db.cmd().args(["status", &id, "-o", "json"]).run().json();
    assert_eq!(t["status"], "cancelled");
    db.cmd().args(["retry", &id]).run().ok();
    let t = db.cmd().args(["status", &id, "-o", "json"]).run().json();
    assert_eq!(t["status"], "pending");
    db.cmd()
        .args(["retry", &id])
        .run()
        .code(4)
        .error_line(&["is pending", "only failed, timeout or cancelled"]);

    // A completed task cannot be cancelled: exit 4.
    let claimed = queue::claim(
        &db.pool,
        &ClaimSpec {
            worker_id: "w".into(),
            queues: vec!["default".into()],
            backend_type: aiops::task::Backend::None,
            lease: Duration::from_secs(60),
        },
        1,
    )
    .await
    .unwrap();
    queue::complete(&db.pool, &Fence::of(&claimed[0]), None, Some(0))
        .await
        .unwrap();
    db.cmd()
        .args(["cancel", &id])
        .run()
        .code(4)
        .error_line(&["already ended completed"]);

    // Bulk cancel of pending tasks: refused without a terminal unless -y.
    for _ in 0..3 {
        db.cmd().args(["submit", "bulk", "--queue", "b"]).run().ok();
    }
    db.cmd()
        .args(["cancel", "--all", "--status", "pending", "--queue", "b"])
        .run()
        .code(2)
        .error_line(&["pass -y"]);
    db.cmd()
        .args(["cancel", "--all", "--status", "running", "-y"])
        .run()
        .code(2)
        .error_line(&["only cancels pending"]);
    let out = db
        .cmd()
        .args([
            "cancel", "--all", "--status", "pending", "--queue", "b", "-y", "-o", "json",
        ])
        .run()
        .ok()
        .json();
    assert_eq!(out["cancelled"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn logs_filters_tail_level_and_attempt() {
    let db = TestDb::new().await;
    let id = db.cmd().args(["submit", "p"]).run().ok().out().to_string();
    let claimed = queue::claim(
        &db.pool,
        &ClaimSpec {
            worker_id: "w".into(),
            queues: vec!["default".into()],
            backend_type: aiops::task::Backend::None,
            lease: Duration::from_secs(60),
        },
        1,
    )
    .await
    .unwrap();
    let fence = Fence::of(&claimed[0]);
    let lines: Vec<_> = (0..10)
        .map(|i| aiops::log::NewLogLine {
            timestamp: chrono::Utc::now(),
            level: if i % 3 == 0 {
                aiops::log::LogLevel::Error
            } else {
                aiops::log::LogLevel::Info
            },
            source: aiops::log::LogSource::Stdout,
            message: format!("line {i}"),
            context: None,
        })
        .collect();
    queue::append_logs(&db.pool, &fence, &lines).await.unwrap();
    let all = db.cmd().args(["logs", &id]).run().ok().stdout;
    assert_eq!(all.lines().count(), 10);
    let tail = db
        .cmd()
        .args(["logs", &id, "--tail", "2"])
        .run()
        .ok()
        .stdout;
    let tail: Vec<_> = tail.lines().collect();
    assert!(
        tail[0].ends_with("line 8") && tail[1].ends_with("line 9"),
        "{tail:?}"
    );
    let errors = db
        .cmd()
        .args(["logs", &id, "--level", "error", "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(errors.as_array().unwrap().len(), 4);
    let none = db
        .cmd()
        .args(["logs", &id, "--attempt", "2", "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(none.as_array().unwrap().len(), 0);
    db.cmd()
        .args(["logs", &id, "--level", "loud"])
        .run()
        .code(2);
    // Following a finished task prints what --tail asks for, then ends.
    queue::complete(&db.pool, &fence, None, Some(0))
        .await
        .unwrap();
    let two = db
        .cmd()
        .args(["logs", &id, "-f", "--tail", "2"])
        .run()
        .ok()
        .stdout;
    assert_eq!(two.lines().count(), 2, "{two}");
    let none = db
        .cmd()
        .args(["logs", &id, "-f", "--tail", "0"])
        .run()
        .ok()
        .stdout;
    assert_eq!(none, "", "--tail 0 shows only new lines");
}

#[tokio::test]
async fn problem_catalog_guards_submit() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("problems.txt");
    std::fs::write(
        &f,
        "noop_detection_hotel_reservation-1\nk8s_target_port-misconfig-detection-1\n{\"id\":\"container_kill-detection\",\"task_type\":\"detection\"}\n",
    )
    .unwrap();
    db.cmd()
        .args(["problems", "import", f.to_str().unwrap()])
        .run()
        .ok();
    db.cmd()
        .args(["submit", "noop_detection_hotel_reservation-2"])
        .run()
        .code(2)
        .error_line(&[
            "unknown problem id",
            "noop_detection_hotel_reservation-1",
            "--allow-unknown",
        ]);
    assert_eq!(db.task_count().await, 0);
    db.cmd()
        .args([
            "submit",
            "noop_detection_hotel_reservation-2",
            "--allow-unknown",
        ])
        .run()
        .ok();
    db.cmd()
        .args(["submit", "container_kill-detection"])
        .run()
        .ok();
    let list = db
        .cmd()
        .args(["problems", "list", "-o", "json"])
        .run()
        .ok()
        .json();
    let ck = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "container_kill-detection")
        .unwrap();
    assert_eq!(ck["task_type"], "detection");
    assert_eq!(ck["pending"], 1);
}

#[tokio::test]
async fn workers_and_db_commands() {
    let db = TestDb::new().await;
    let out = db.cmd().args(["workers"]).run().ok();
    assert!(out.stderr.contains("no workers yet"));
    queue::register_worker(
        &db.pool,
        &queue::WorkerRegistration {
            id: "w1".into(),
            cluster_name: "kind-a".into(),
            backend_type: aiops::task::Backend::Kind,
            hostname: "host".into(),
            pid: 42,
            version: "t".into(),
            queues: vec!["default".into()],
            concurrency: 1,
            capabilities: serde_json::json!({}),
            metadata: serde_json::json!({}),
            lease: Duration::from_secs(60),
        },
        false,
    )
    .await
    .unwrap();
    let table = db.cmd().args(["workers"]).run().ok().stdout;
    assert!(
        table.contains("w1") && table.contains("kind-a") && table.contains("idle"),
        "{table}"
    );
    let one = db
        .cmd()
        .args(["workers", "w1", "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(one["cluster_name"], "kind-a");
    db.cmd()
        .args(["workers", "nope"])
        .run()
        .code(3)
        .error_line(&["no worker 'nope'"]);

    let st = db
        .cmd()
        .args(["db", "status", "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(st["current"], true);
    db.cmd().args(["db", "migrate"]).run().ok();
    let url = db.cmd().args(["db", "url"]).run().ok();
    assert_eq!(url.out(), db.url);
}

#[tokio::test]
async fn bulk_submit_stores_awkward_values_exactly_on_both_paths() {
    let db = TestDb::new().await;
    // Quotes, commas, backslashes, escaped newlines, a NUL escape, non-ASCII and nesting: CSV
    // (the COPY path, lines without keys) and the keyed path must store the same thing.
    let line = |key: Option<&str>| {
        let mut v = serde_json::json!({
            "problem_id": "p\"q,r\\s",
            "queue": "q 1,\"x\"",
            "priority": 3,
            "backend_type": "none",
            "parameters": {"s": "a\"b,c\\d\ne\tf\u{0}g", "n": 1.5, "deep": [1, {"x": null}], "max_steps": 7},
            "metadata": {"m": "é ✓ \"q\""},
            "callback_url": "http://127.0.0.1:9/x?a=1,b",
            "max_attempts": 2,
            "timeout_seconds": 120
        });
        if let Some(k) = key {
            v["idempotency_key"] = k.into();
        }
        v.to_string()
    };
    let plain = db
        .cmd()
        .args(["submit", "--from", "-", "--allow-unknown"])
        .stdin(format!("{}\n{}\n", line(None), line(None)))
        .run()
        .ok()
        .out()
        .to_string();
    let keyed = db
        .cmd()
        .args(["submit", "--from", "-", "--allow-unknown"])
        .stdin(format!("{}\n", line(Some("k1"))))
        .run()
        .ok()
        .out()
        .to_string();
    let show = |id: &str| db.cmd().args(["status", id, "-o", "json"]).run().json();
    let ids: Vec<&str> = plain.lines().collect();
    assert_eq!(ids.len(), 2);
    let keyed = show(&keyed);
    for id in ids {
        let t = show(id);
        for field in [
            "problem_id",
            "queue",
            "priority",
            "backend_type",
            "parameters",
            "metadata",
            "callback_url",
            "max_attempts",
            "timeout_seconds",
            "status",
        ] {
            assert_eq!(t[field], keyed[field], "{field}");
        }
        assert_eq!(t["problem_id"], "p\"q,r\\s");
        assert_eq!(t["queue"], "q 1,\"x\"");
        assert_eq!(t["parameters"]["s"], "a\"b,c\\d\ne\tf\u{FFFD}g");
        assert_eq!(t["metadata"]["m"], "é ✓ \"q\"");
        assert_eq!(t["status"], "pending");
        assert!(
            t["run_at"].is_string(),
            "run_at defaults to the database's now"
        );
    }
}
