//! `aiops serve`: the real binary on port 0, driven over real HTTP with reqwest.

use std::time::Duration;

use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};

use crate::support::{
    eventually, lose_watch_and_await_another, watcher_pids, Cmd, PrivatePg, Proc, TestDb,
};

/// A running server and a client for it.
struct Server {
    proc: Proc,
    base: String,
    http: Client,
}

impl Server {
    async fn start(cmd: Cmd, extra: &[&str]) -> Server {
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
        Server {
            proc,
            base,
            http: Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn get(&self, path: &str) -> Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    async fn post(&self, path: &str, body: Value) -> Response {
        self.http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

async fn problem(r: Response, status: StatusCode) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], status.as_u16());
    assert!(v["type"].is_string() && v["title"].is_string(), "{v}");
    v
}

async fn json_of(r: Response, status: StatusCode) -> Value {
    let got = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// Lists read each status group (pending, running, finished) through its own index and merge
/// them. Over tasks whose statuses, problems, workers and creation times interleave, every page
/// of every sort and filter must equal what one plain `ORDER BY` over the whole table gives.
#[tokio::test]
async fn api_lists_merge_status_groups_exactly_as_one_sort() {
    let db = TestDb::new().await;
    for i in 0..60i64 {
        let status = aiops::task::TaskStatus::ALL[(i * 7 % 6) as usize].as_str();
        let (worker, lease) = if status == "pending" {
            (None, None)
        } else {
            (Some(format!("w{}", i % 2)), Some(1i64))
        };
        // Every fourth task shares its creation time with the one before: ties go by id.
        let at = i - i64::from(i % 4 == 3);
        sqlx::query(
            "INSERT INTO tasks (id, problem_id, status, priority, worker_id, attempt, \
                lease_expires_at, created_at, run_at, completed_at) \
             VALUES ($1, $2, $3::task_status, $4, $5, $6, \
                CASE WHEN $3 = 'running' THEN now() + make_interval(mins => $7::int) END, \
                now() - make_interval(secs => 1000 - $8::int), now(), \
                CASE WHEN $3 NOT IN ('pending', 'running') THEN now() END)",
        )
        .bind(uuid::Uuid::new_v4())
        .bind(if i % 3 == 0 { "a" } else { "b" })
        .bind(status)
        .bind((i * 5 % 11) as i16)
        .bind(worker)
        .bind(i32::from(status != "pending"))
        .bind(lease.unwrap_or(0) as i32)
        .bind(at as i32)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    let s = Server::start(db.cmd(), &[]).await;
    let filters: [(&str, &str); 8] = [
        ("", "true"),
        ("status=pending", "status = 'pending'"),
        ("status=running,failed", "status IN ('running', 'failed')"),
        (
            "status=completed,cancelled,timeout",
            "status IN ('completed', 'cancelled', 'timeout')",
        ),
        (
            "status=pending,running,completed,failed,timeout,cancelled",
            "true",
        ),
        ("problem_id=a", "problem_id = 'a'"),
        (
            "worker_id=w1&status=running,completed",
            "worker_id = 'w1' AND status IN ('running', 'completed')",
        ),
        (
            "status=pending,timeout&problem_id=b",
            "status IN ('pending', 'timeout') AND problem_id = 'b'",
        ),
    ];
    let sorts = [
        ("-created_at", "created_at DESC, id DESC"),
        ("created_at", "created_at, id"),
        ("priority", "priority, created_at DESC, id DESC"),
        ("-priority", "priority DESC, created_at DESC, id DESC"),
    ];
    for (query, cond) in filters {
        let (total,): (i64,) = sqlx::query_as(&format!("SELECT count(*) FROM tasks WHERE {cond}"))
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert!(total > 0, "the filter {cond} matches some tasks");
        for (sort, order) in sorts {
            for (limit, offset) in [(7i64, 0i64), (7, 7), (7, 20), (100, 0), (5, total - 2)] {
                let want = ids_by_sql(
                    &db,
                    &format!(
                        "SELECT id FROM tasks WHERE {cond} ORDER BY {order} \
                         LIMIT {limit} OFFSET {offset}"
                    ),
                )
                .await;
                let page = json_of(
                    s.get(&format!(
                        "/api/v1/tasks?{query}&sort={sort}&limit={limit}&offset={offset}"
                    ))
                    .await,
                    StatusCode::OK,
                )
                .await;
                assert_eq!(
                    listed_ids(&page),
                    want,
                    "{query} sort={sort} limit={limit} offset={offset}"
                );
                assert_eq!(page["total"], total, "{query}: total");
            }
        }
    }
    // An offset past every task, up to the largest the API takes, is an empty page.
    for query in ["", "status=pending", "status=pending,failed"] {
        let page = json_of(
            s.get(&format!("/api/v1/tasks?{query}&offset={}", i64::MAX))
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(page["tasks"], json!([]), "{query}");
    }
    // The CLI lists through the same code: newest first, its total, a status subset.
    let listed = db
        .cmd()
        .args([
            "status",
            "--status",
            "failed,running",
            "--limit",
            "4",
            "-o",
            "json",
        ])
        .run()
        .ok()
        .json();
    let want = ids_by_sql(
        &db,
        "SELECT id FROM tasks WHERE status IN ('failed', 'running') \
         ORDER BY created_at DESC, id DESC LIMIT 4",
    )
    .await;
    assert_eq!(listed_ids(&listed), want);
    assert_eq!(listed["total"], 20);
}

/// The ids a plain query over the whole table gives, in its order.
async fn ids_by_sql(db: &TestDb, sql: &str) -> Vec<String> {
    let rows: Vec<(uuid::Uuid,)> = sqlx::query_as(sql).fetch_all(&db.pool).await.unwrap();
    rows.iter().map(|(id,)| id.to_string()).collect()
}

/// The ids of a task list (HTTP page or `status -o json`), in its order.
fn listed_ids(list: &Value) -> Vec<String> {
    list["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn api_tasks_create_list_get_cancel_retry() {
    let db = TestDb::new().await;
    let s = Server::start(db.cmd(), &[]).await;

    let r = s
        .post(
            "/api/v1/tasks",
            json!({"problem_id": "p1", "priority": 7, "idempotency_key": "k1"}),
        )
        .await;
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let t = json_of(r, StatusCode::CREATED).await;
    assert_eq!(loc, format!("/api/v1/tasks/{}", t["id"].as_str().unwrap()));
    assert_eq!(t["status"], "pending");
    assert_eq!(t["priority"], 7);
    assert_eq!(t["parameters"]["max_steps"], 30);
    let again = json_of(
        s.post(
            "/api/v1/tasks",
            json!({"problem_id": "p1", "idempotency_key": "k1"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["id"], t["id"]);

    // Invalid input: unknown field, syntax, ranges; all 422 problems with `errors`.
    let v = problem(
        s.post("/api/v1/tasks", json!({"problem_id": "p", "prio": 1}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(v["errors"][0]["field"], "prio");
    let r = s
        .http
        .post(s.url("/api/v1/tasks"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    let v = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(v["errors"].is_array());
    let v = problem(
        s.post(
            "/api/v1/tasks",
            json!({"problem_id": "p", "priority": 11, "max_steps": 0}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["max_steps", "priority"]);

    // A body over the limit is refused and the server keeps serving.
    let big = format!(
        "{{\"problem_id\":\"p\",\"metadata\":{{\"x\":\"{}\"}}}}",
        "a".repeat(2 << 20)
    );
    // N.B.: the server answers 413 from the Content-Length before reading the body and then
    // closes the connection, so a client still writing may see a broken pipe instead. A client
    // of its own, so the shared one never reuses that closed connection.
    let sent = Client::new()
        .post(s.url("/api/v1/tasks"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await;
    match sent {
        Ok(r) => {
            problem(r, StatusCode::PAYLOAD_TOO_LARGE).await;
        }
        Err(e) => assert!(e.is_request(), "a refused upload, not another failure: {e}"),
    }
    assert_eq!(s.get("/healthz").await.status(), StatusCode::OK);
    let all = json_of(
        s.get("/api/v1/tasks?problem_id=p&limit=100").await,
        StatusCode::OK,
    )
    .await;
    assert!(
        all["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["metadata"].get("x").is_none()),
        "the oversized task was not stored"
    );

    // Lists: filters, sort, pagination totals, bad parameters.
    for i in 0..5 {
        s.post(
            "/api/v1/tasks",
            json!({"problem_id": if i % 2 == 0 { "even" } else { "odd" }, "priority": i}),
        )
        .await;
    }
    let page = json_of(
        s.get("/api/v1/tasks?problem_id=even&limit=2&sort=-priority")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["limit"], 2);
    assert_eq!(page["tasks"].as_array().unwrap().len(), 2);
    assert_eq!(page["tasks"][0]["priority"], 4);
    let page = json_of(
        s.get("/api/v1/tasks?problem_id=even&limit=2&offset=2")
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["tasks"].as_array().unwrap().len(), 1);
    let all = json_of(
        s.get("/api/v1/tasks?status=pending,running").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 6);
    problem(
        s.get("/api/v1/tasks?status=bogus").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    problem(
        s.get("/api/v1/tasks?limit=101").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    problem(
        s.get("/api/v1/tasks?sort=name").await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    // Read, with logs, by prefix; 404s.
    let id = t["id"].as_str().unwrap();
    let got = json_of(
        s.get(&format!("/api/v1/tasks/{id}?include_logs=true"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(got["id"], t["id"]);
    assert!(got["logs"].is_array());
    problem(
        s.get("/api/v1/tasks/0190c0de-0000-7000-8000-000000000000")
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(s.get("/api/v1/nothing/here").await, StatusCode::NOT_FOUND).await;
    let logs = json_of(
        s.get(&format!("/api/v1/tasks/{id}/logs")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(logs["logs"], json!([]));

    // Cancel pending → 200 cancelled; again → 200; retry → 200 pending; retry pending → 409.
    let r = s
        .http
        .delete(s.url(&format!("/api/v1/tasks/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, StatusCode::OK).await["status"], "cancelled");
    let r = s
        .post(&format!("/api/v1/tasks/{id}/cancel"), json!({}))
        .await;
    assert_eq!(json_of(r, StatusCode::OK).await["status"], "cancelled");
    let r = s
        .post(&format!("/api/v1/tasks/{id}/retry"), json!({}))
        .await;
    assert_eq!(json_of(r, StatusCode::OK).await["status"], "pending");
    problem(
        s.post(&format!("/api/v1/tasks/{id}/retry"), json!({}))
            .await,
        StatusCode::CONFLICT,
    )
    .await;

    // Request ids are echoed or generated.
    let r = s
        .http
        .get(s.url("/healthz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "abc-123");
    let r = s.get("/healthz").await;
    assert!(!r.headers()["x-request-id"].is_empty());
}

/// A body that does not deserialize, or holds an invalid value, is refused with the path of the
/// value at fault, in the problem's `errors` and in its one-line `detail`, however deep the
/// value sits. A callback URL without a host or with another scheme is one of them.
#[tokio::test]
async fn api_body_errors_name_the_field_path() {
    let db = TestDb::new().await;
    let s = Server::start(db.cmd(), &[]).await;
    let logs = format!("/api/v1/workers/w/tasks/{}/logs", uuid::Uuid::nil());
    for (path, body, field, detail) in [
        (
            "/api/v1/tasks",
            json!({"problem_id": "p", "max_steps": "many"}),
            "max_steps",
            "max_steps: invalid type: string \"many\"",
        ),
        (
            "/api/v1/tasks",
            json!({"problem_id": "p", "parameters": {"max_steps": "many"}}),
            "parameters.max_steps",
            "parameters.max_steps: \"many\" is not an integer",
        ),
        (
            logs.as_str(),
            json!({"attempt": 1, "lines": [{"message": "ok"}, {"message": "x", "level": 7}]}),
            "lines[1].level",
            "lines[1].level: invalid type: integer `7`",
        ),
        (
            logs.as_str(),
            json!({"attempt": 1, "lines": [{"message": "ok"}, {"mesage": "x"}]}),
            "lines[1].mesage",
            "lines[1].mesage: unknown field `mesage`",
        ),
        (
            logs.as_str(),
            json!({"attempt": 1, "lines": [{}]}),
            "lines[0].message",
            "lines[0].message: missing field `message`",
        ),
        (
            "/api/v1/tasks",
            json!({"problem_id": "p", "callback_url": "http://:80/"}),
            "callback_url",
            "callback_url: 'http://:80/' has no host",
        ),
        (
            "/api/v1/tasks",
            json!({"problem_id": "p", "callback_url": "gopher://example.org/"}),
            "callback_url",
            "callback_url: 'gopher://example.org/' is not an http:// or https:// URL",
        ),
    ] {
        let v = problem(s.post(path, body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(v["errors"][0]["field"], field, "{v}");
        let got = v["detail"].as_str().unwrap();
        assert!(got.starts_with(detail), "{got}");
        assert!(!got.contains('\n'), "{got}");
    }
}

/// Read an SSE response until `done` says so (or the stream ends); returns all text.
async fn read_sse(mut r: Response, limit: Duration, done: impl Fn(&str) -> bool) -> String {
    let mut text = String::new();
    let _ = tokio::time::timeout(limit, async {
        while let Ok(Some(chunk)) = r.chunk().await {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if done(&text) {
                break;
            }
        }
    })
    .await;
    text
}

/// A subscriber to /api/v1/events sees `task.created`, once, for each task submitted after it
/// subscribed, whoever submitted it: this server, or the CLI (issue 19).
#[tokio::test]
async fn api_events_announce_every_task_created_after_subscribing() {
    let db = TestDb::new().await;
    let s = Server::start(db.cmd(), &[]).await;
    let events = s.get("/api/v1/events").await;
    assert_eq!(events.status(), StatusCode::OK);
    let by_cli = db.cmd().args(["submit", "p"]).run().ok().out().to_string();
    let by_api = json_of(
        s.post("/api/v1/tasks", json!({"problem_id": "p"})).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Cancelling the second task ends the stream's part of this test: it comes after both.
    db.cmd().args(["cancel", &by_api]).run().ok();
    let text = read_sse(events, Duration::from_secs(20), |t| {
        t.contains("event: task.cancelled")
    })
    .await;
    let created: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .map(|d| serde_json::from_str::<Value>(d).unwrap())
        .filter(|e| e["type"] == "task.created")
        .map(|e| e["data"]["task_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(created, [by_cli, by_api], "{text}");
}

/// The events of an SSE text, as (id, JSON data).
fn sse_events(text: &str) -> Vec<(Option<i64>, Value)> {
    text.split("\n\n")
        .filter_map(|block| {
            let mut id = None;
            let mut data = None;
            for l in block.lines() {
                if let Some(v) = l.strip_prefix("id: ") {
                    id = Some(v.parse().unwrap());
                } else if let Some(v) = l.strip_prefix("data: ") {
                    data = Some(serde_json::from_str(v).unwrap());
                }
            }
            data.map(|d| (id, d))
        })
        .collect()
}

/// `type task_id` of each event, for comparing sequences.
fn kinds(events: &[(Option<i64>, Value)]) -> Vec<String> {
    events
        .iter()
        .map(|(_, e)| {
            format!(
                "{} {}",
                e["type"].as_str().unwrap(),
                e["data"]["task_id"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

/// Events carry increasing ids; a stream that reconnects with Last-Event-ID is sent exactly
/// what happened while it was away, then live events, each once; an id the journal cannot
/// resume from gets a `stream.resync` first.
#[tokio::test]
async fn api_events_resume_after_last_event_id_without_losing_one() {
    let db = TestDb::new().await;
    let s = Server::start(db.cmd(), &[]).await;
    let submit = || db.cmd().args(["submit", "p"]).run().ok().out().to_string();
    let cancel = |id: &str| {
        db.cmd().args(["cancel", id]).run().ok();
    };

    let first = s.get("/api/v1/events").await;
    let (a, b) = (submit(), submit());
    let text = read_sse(first, Duration::from_secs(20), |t| {
        t.contains(&format!("\"task_id\":\"{b}\""))
    })
    .await;
    let seen = sse_events(&text);
    assert_eq!(
        kinds(&seen),
        [format!("task.created {a}"), format!("task.created {b}")]
    );
    let ids: Vec<i64> = seen.iter().map(|(id, _)| id.expect("an id")).collect();
    assert!(ids[0] < ids[1], "{ids:?}");
    let last = ids[1];

    // Away: a task created, one cancelled.
    let c = submit();
    cancel(&a);
    let again = s
        .http
        .get(s.url("/api/v1/events"))
        .header("last-event-id", last.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    // Back: one more, live.
    cancel(&b);
    let text = read_sse(again, Duration::from_secs(20), |t| {
        t.contains(&format!("\"task_id\":\"{b}\""))
    })
    .await;
    let got = sse_events(&text);
    assert_eq!(
        kinds(&got),
        [
            format!("task.created {c}"),
            format!("task.cancelled {a}"),
            format!("task.cancelled {b}"),
        ],
        "{text}"
    );
    let got_ids: Vec<i64> = got.iter().map(|(id, _)| id.expect("an id")).collect();
    assert!(
        got_ids.windows(2).all(|w| w[0] < w[1]) && got_ids[0] > last,
        "{got_ids:?}"
    );

    // An id the journal does not hold: told to re-read, with an id to resume from.
    let lost = s
        .http
        .get(s.url("/api/v1/events"))
        .header("last-event-id", "0")
        .send()
        .await
        .unwrap();
    let text = read_sse(lost, Duration::from_secs(20), |t| {
        t.contains("stream.resync")
    })
    .await;
    let got = sse_events(&text);
    assert_eq!(got[0].1["type"], "stream.resync", "{text}");
    assert_eq!(got[0].0, Some(*got_ids.last().unwrap()));
}

#[tokio::test]
async fn api_log_stream_cancel_of_running_and_events() {
    let db = TestDb::new().await;
    let s = Server::start(db.cmd(), &[]).await;
    let events = s.http.get(s.url("/api/v1/events")).send().await.unwrap();
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let t = json_of(
        s.post("/api/v1/tasks", json!({"problem_id": "lines"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = t["id"].as_str().unwrap().to_string();
    let stream = s
        .http
        .get(s.url(&format!("/api/v1/tasks/{id}/logs")))
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let _w = db
        .cmd()
        .args(["worker", "run", "--cluster", "c", "--backend", "none", "--heartbeat", "200ms", "--exec",
               "if [ \"$AIOPS_PROBLEM_ID\" = lines ]; then for i in 1 2 3; do echo line$i; sleep 0.3; done; else sleep 30; fi"])
        .spawn();
    let text = read_sse(stream, Duration::from_secs(30), |_| false).await;
    for l in ["line1", "line2", "line3", "event: end", "completed"] {
        assert!(text.contains(l), "{l} missing from the stream:\n{text}");
    }
    let ev = read_sse(events, Duration::from_secs(5), |t| {
        t.contains("task.completed")
    })
    .await;
    assert!(
        ev.contains("task.created") && ev.contains("task.running") && ev.contains("task.completed"),
        "{ev}"
    );

    // Cancel of a running task: 202, then cancelled; cancel of a completed one: 409.
    let t = json_of(
        s.post("/api/v1/tasks", json!({"problem_id": "sleeper"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let sid = t["id"].as_str().unwrap().to_string();
    eventually(Duration::from_secs(20), "the sleeper running", || async {
        let t = json_of(s.get(&format!("/api/v1/tasks/{sid}")).await, StatusCode::OK).await;
        (t["status"] == "running").then_some(())
    })
    .await;
    let r = s
        .http
        .delete(s.url(&format!("/api/v1/tasks/{sid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    eventually(Duration::from_secs(20), "the sleeper cancelled", || async {
        let t = json_of(s.get(&format!("/api/v1/tasks/{sid}")).await, StatusCode::OK).await;
        (t["status"] == "cancelled").then_some(())
    })
    .await;
    let r = s
        .http
        .delete(s.url(&format!("/api/v1/tasks/{id}")))
        .send()
        .await
        .unwrap();
    problem(r, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn api_token_is_required_and_non_loopback_needs_one() {
    let db = TestDb::new().await;
    let s = Server::start(db.cmd().env("AIOPS_API_TOKEN", "s3cret"), &[]).await;
    problem(s.get("/api/v1/tasks").await, StatusCode::UNAUTHORIZED).await;
    let r = s
        .http
        .get(s.url("/api/v1/tasks"))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    problem(r, StatusCode::UNAUTHORIZED).await;
    let r = s
        .http
        .get(s.url("/api/v1/tasks"))
        .bearer_auth("s3cret")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(s.get("/healthz").await.status(), StatusCode::OK);
    assert_eq!(s.get("/readyz").await.status(), StatusCode::OK);
    problem(s.get("/metrics").await, StatusCode::UNAUTHORIZED).await;

    db.cmd()
        .args(["serve", "--bind", "0.0.0.0:0"])
        .run()
        .code(2)
        .error_line(&["non-loopback", "--token"]);
}

#[tokio::test]
async fn api_health_metrics_and_openapi_cover_every_route() {
    let db = TestDb::new().await;
    let s = Server::start(db.cmd(), &[]).await;
    s.post("/api/v1/tasks", json!({"problem_id": "m"})).await;
    let h = json_of(s.get("/health").await, StatusCode::OK).await;
    assert_eq!(h["status"], "ok");
    assert!(h["database"]["latency_ms"].as_f64().is_some());
    assert_eq!(h["queue"]["depth"], 1);
    let m = s.get("/metrics").await.text().await.unwrap();
    for name in [
        "aiops_tasks{",
        "aiops_queue_depth",
        "aiops_oldest_pending_age_seconds",
        "aiops_workers",
        "aiops_task_wait_seconds_bucket",
        "aiops_task_run_seconds_bucket",
        "aiops_http_requests_total{",
        "aiops_http_request_duration_seconds_bucket",
        "route=\"/api/v1/tasks\"",
    ] {
        assert!(m.contains(name), "{name} missing from\n{m}");
    }
    let stats = json_of(s.get("/api/v1/stats").await, StatusCode::OK).await;
    assert_eq!(stats["overall"]["total"], 1, "{stats}");

    let doc = json_of(s.get("/api/v1/openapi.json").await, StatusCode::OK).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    paths.sort();
    let mut expected = vec![
        "/api/v1/tasks",
        "/api/v1/tasks/{id}",
        "/api/v1/tasks/{id}/cancel",
        "/api/v1/tasks/{id}/retry",
        "/api/v1/tasks/{id}/logs",
        "/api/v1/workers",
        "/api/v1/workers/{id}",
        "/api/v1/workers/register",
        "/api/v1/workers/heartbeat",
        "/api/v1/workers/{id}/claim",
        "/api/v1/workers/{id}/tasks/{task_id}/complete",
        "/api/v1/workers/{id}/tasks/{task_id}/fail",
        "/api/v1/workers/{id}/tasks/{task_id}/logs",
        "/api/v1/workers/{id}/tasks/{task_id}/progress",
        "/api/v1/workers/{id}/beat",
        "/api/v1/workers/{id}/claims",
        "/api/v1/workers/{id}/next-due",
        "/api/v1/workers/{id}/records",
        "/api/v1/workers/{id}/wait",
        "/api/v1/workers/{id}/offline",
        "/api/v1/experiments",
        "/api/v1/experiments/{a}/compare/{b}",
        "/api/v1/experiments/{name}",
        "/api/v1/experiments/{name}/cancel",
        "/api/v1/experiments/{name}/report",
        "/api/v1/experiments/{name}/retry",
        "/api/v1/limits",
        "/api/v1/limits/{key}",
        "/api/v1/schedules",
        "/api/v1/schedules/{name}",
        "/api/v1/schedules/{name}/fires",
        "/api/v1/schedules/{name}/pause",
        "/api/v1/schedules/{name}/resume",
        "/api/v1/workers/{id}/drain",
        "/api/v1/queues",
        "/api/v1/queues/{name}/pause",
        "/api/v1/queues/{name}/resume",
        "/api/v1/stats",
        "/api/v1/events",
        "/api/v1/openapi.json",
        "/health",
        "/healthz",
        "/readyz",
        "/metrics",
    ];
    expected.sort();
    assert_eq!(paths, expected);
    // The router and the document are the same thing: every documented operation is routed
    // (not the unknown-route 404, not 405), and the library's document matches the served one.
    assert_eq!(serde_json::to_value(aiops::api::openapi()).unwrap(), doc);
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            if path.ends_with("/events") || (path.ends_with("/logs") && method == "get") {
                continue; // streams; exercised elsewhere
            }
            let url = s.url(&path.replace("{id}", "nobody").replace("{task_id}", "x"));
            let r = s
                .http
                .request(method.to_uppercase().parse().unwrap(), url)
                .send()
                .await
                .unwrap();
            let st = r.status();
            let body = r.text().await.unwrap();
            assert!(
                st != StatusCode::METHOD_NOT_ALLOWED && !body.contains("no-such-route"),
                "{method} {path}: {st} {body}"
            );
        }
    }
}

#[tokio::test]
async fn api_worker_protocol_claims_and_fences() {
    let db = TestDb::new().await;
    let s = Server::start(db.cmd(), &[]).await;
    let reg = json!({"id": "hw1", "backend_type": "none", "capabilities": {"gpu": false}});
    let w = json_of(
        s.post("/api/v1/workers/register", reg.clone()).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(w["status"], "idle");
    problem(
        s.post("/api/v1/workers/register", reg).await,
        StatusCode::CONFLICT,
    )
    .await;
    let t = json_of(
        s.post("/api/v1/tasks", json!({"problem_id": "hp"})).await,
        StatusCode::CREATED,
    )
    .await;
    let hb = json_of(
        s.post(
            "/api/v1/workers/heartbeat",
            json!({"worker_id": "hw1", "status": "idle"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(hb["acknowledged"], true);
    assert_eq!(hb["next_task_id"], t["id"]);
    let c = json_of(
        s.post("/api/v1/workers/hw1/claim", json!({})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(c["id"], t["id"]);
    assert_eq!(c["attempt"], 1);
    assert_eq!(
        s.post("/api/v1/workers/hw1/claim", json!({}))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let tid = c["id"].as_str().unwrap();
    let hb = json_of(
        s.post(
            "/api/v1/workers/heartbeat",
            json!({"worker_id": "hw1", "status": "busy", "current_task_id": tid}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(hb["cancel_requested"], false);
    let r = s
        .post(
            &format!("/api/v1/workers/hw1/tasks/{tid}/logs"),
            json!({"attempt": 1, "lines": [{"message": "hello", "level": "warn"}]}),
        )
        .await;
    assert_eq!(json_of(r, StatusCode::OK).await["appended"], 1);
    let stale = s
        .post(
            &format!("/api/v1/workers/hw1/tasks/{tid}/complete"),
            json!({"attempt": 2, "result": {"ok": true}}),
        )
        .await;
    problem(stale, StatusCode::CONFLICT).await;
    let other = s
        .post(
            &format!("/api/v1/workers/hw2/tasks/{tid}/complete"),
            json!({"attempt": 1}),
        )
        .await;
    problem(other, StatusCode::CONFLICT).await;
    let done = s
        .post(
            &format!("/api/v1/workers/hw1/tasks/{tid}/complete"),
            json!({"attempt": 1, "result": {"ok": true}}),
        )
        .await;
    let done = json_of(done, StatusCode::OK).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["result"], json!({"ok": true}));
    let logs = json_of(
        s.get(&format!("/api/v1/tasks/{tid}/logs?level=warning"))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(logs["logs"][0]["message"], "hello");
    assert!(logs["next_after_id"].is_i64());
    let late = s
        .post(
            &format!("/api/v1/workers/hw1/tasks/{tid}/fail"),
            json!({"attempt": 1, "error": "late"}),
        )
        .await;
    problem(late, StatusCode::CONFLICT).await;
    let ws = json_of(
        s.get("/api/v1/workers?status=busy&backend_type=none").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ws["workers"][0]["id"], "hw1");
    assert_eq!(ws["workers"][0]["tasks_completed"], 1);
    problem(s.get("/api/v1/workers/nobody").await, StatusCode::NOT_FOUND).await;
    // The completion reached the stats rollups.
    let stats = json_of(s.get("/api/v1/stats?since=1h").await, StatusCode::OK).await;
    assert_eq!(stats["overall"]["completed"], 1, "{stats}");
    assert_eq!(stats["by_worker"][0]["worker_id"], "hw1", "{stats}");
    assert_eq!(stats["by_worker"][0]["completed"], 1, "{stats}");
    assert!(stats["overall"]["run_p50_seconds"].is_f64(), "{stats}");
}

#[tokio::test]
async fn api_readyz_follows_the_database() {
    let pg = PrivatePg::start().await;
    let s = Server::start(pg.cmd(), &[]).await;
    assert_eq!(s.get("/readyz").await.status(), StatusCode::OK);
    pg.stop().await;
    eventually(Duration::from_secs(20), "readyz 503", || async {
        (s.get("/readyz").await.status() == StatusCode::SERVICE_UNAVAILABLE).then_some(())
    })
    .await;
    assert_eq!(s.get("/healthz").await.status(), StatusCode::OK);
    let v = problem(
        s.get("/api/v1/tasks").await,
        StatusCode::SERVICE_UNAVAILABLE,
    )
    .await;
    assert!(!v["detail"].as_str().unwrap().contains("SQL"), "{v}");
    pg.restart().await;
    eventually(Duration::from_secs(30), "readyz 200 again", || async {
        (s.get("/readyz").await.status() == StatusCode::OK).then_some(())
    })
    .await;
    assert_eq!(s.get("/api/v1/tasks").await.status(), StatusCode::OK);
    // Graceful shutdown on SIGTERM.
    let mut p = s.proc;
    p.signal("TERM");
    assert_eq!(p.wait(Duration::from_secs(10)).await, 0, "{}", p.output());
}

/// Where schemathesis found the document and the server disagreeing, they now agree: each rule
/// is asserted on both sides, over HTTP.
#[tokio::test]
async fn api_document_states_the_rules_the_server_applies() {
    let db = TestDb::new().await;
    let s = Server::start(db.cmd(), &[]).await;
    let doc = json_of(s.get("/api/v1/openapi.json").await, StatusCode::OK).await;
    let schemas = &doc["components"]["schemas"];
    let param = |path: &str, method: &str, name: &str| -> Value {
        doc["paths"][path][method]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"))["schema"]
            .clone()
    };

    // `since` is a Duration whose pattern is the parser's grammar: `1h30m` and `0.5` are
    // durations, units out of order, spaces and exponents are not.
    assert_eq!(schemas["Duration"]["pattern"], aiops::duration::PATTERN);
    assert_eq!(schemas["Duration"]["minLength"], 1);
    let duration_ref = json!({"$ref": "#/components/schemas/Duration"});
    assert_eq!(param("/api/v1/stats", "get", "since"), duration_ref);
    assert_eq!(
        param("/api/v1/tasks/{id}/logs", "get", "since"),
        duration_ref
    );
    let t = json_of(
        s.post("/api/v1/tasks", json!({"problem_id": "d"})).await,
        StatusCode::CREATED,
    )
    .await;
    let id = t["id"].as_str().unwrap();
    for (since, seconds) in [("1h30m", 5400.0), ("0.5", 0.5), ("2d", 172_800.0)] {
        let st = json_of(
            s.get(&format!("/api/v1/stats?since={since}")).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(st["since_seconds"], seconds, "{since}");
        json_of(
            s.get(&format!("/api/v1/tasks/{id}/logs?since={since}"))
                .await,
            StatusCode::OK,
        )
        .await;
    }
    for since in ["30m1h", "%205m", "1e3", "", "123456", "5.", "1h30"] {
        let v = problem(
            s.get(&format!("/api/v1/stats?since={since}")).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(v["errors"][0]["field"], "since", "{since}: {v}");
        problem(
            s.get(&format!("/api/v1/tasks/{id}/logs?since={since}"))
                .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }

    // Every value given is checked on its own, also one another field overrides.
    let req = &schemas["TaskRequest"]["properties"];
    assert_eq!(req["timeout_minutes"]["exclusiveMinimum"], 0);
    assert_eq!(req["timeout_minutes"]["maximum"], 1440);
    for (body, field) in [
        (
            json!({"problem_id": "v", "timeout_seconds": 60, "timeout_minutes": 0}),
            "timeout_minutes",
        ),
        (
            json!({"problem_id": "v", "timeout_seconds": 60, "timeout_minutes": 1440.5}),
            "timeout_minutes",
        ),
        (
            json!({"problem_id": "v", "max_steps": 5, "parameters": {"max_steps": 0}}),
            "parameters.max_steps",
        ),
        (
            json!({"problem_id": "v", "max_steps": 5, "parameters": {"max_steps": "ten"}}),
            "parameters.max_steps",
        ),
        (
            json!({"problem_id": "v", "timeout_seconds": 60, "parameters": {"timeout_minutes": -1}}),
            "parameters.timeout_minutes",
        ),
        (
            json!({"problem_id": "v", "parameters": {"timeout_minutes": "soon"}}),
            "parameters.timeout_minutes",
        ),
        (
            json!({"problem_id": "v", "idempotency_key": "a\u{0}b"}),
            "idempotency_key",
        ),
    ] {
        let v = problem(
            s.post("/api/v1/tasks", body.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(v["errors"][0]["field"], field, "{body}: {v}");
    }
    assert_eq!(req["idempotency_key"]["pattern"], r"^[^\x00]*$");
    // What the document allows is accepted: null parameters are absent ones, a whole float is
    // an integer, and a tiny timeout is one second.
    for (body, steps, timeout) in [
        (
            json!({"problem_id": "v", "parameters": {"max_steps": null, "timeout_minutes": null}}),
            30,
            1800,
        ),
        (
            json!({"problem_id": "v", "parameters": {"max_steps": 7.0, "timeout_minutes": 2}}),
            7,
            120,
        ),
        (json!({"problem_id": "v", "timeout_minutes": 0.001}), 30, 1),
        (
            json!({"problem_id": "v", "timeout_seconds": 5, "timeout_minutes": 1440}),
            30,
            5,
        ),
    ] {
        let t = json_of(
            s.post("/api/v1/tasks", body.clone()).await,
            StatusCode::CREATED,
        )
        .await;
        assert_eq!(t["parameters"]["max_steps"], steps, "{body}");
        assert_eq!(t["timeout_seconds"], timeout, "{body}");
    }

    // NUL: refused in every path and query string, and every string parameter says so.
    assert_eq!(
        param("/api/v1/workers", "get", "status")["pattern"],
        r"^[^\x00]*$"
    );
    assert_eq!(
        param("/api/v1/tasks/{id}", "delete", "reason")["pattern"],
        r"^[^\x00]*$"
    );
    problem(
        s.get("/api/v1/workers?status=a%00").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    // In a registration only the names that are keys refuse it; the rest is stored cleaned.
    let reg = &schemas["RegisterBody"]["properties"];
    assert_eq!(reg["id"]["pattern"], r"^[^\x00]*$");
    let v = problem(
        s.post(
            "/api/v1/workers/register",
            json!({"id": "n\u{0}", "backend_type": "none"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(v["errors"][0]["field"], "id");
    let w = json_of(
        s.post(
            "/api/v1/workers/register",
            json!({"id": "n1", "backend_type": "none", "hostname": "h\u{0}", "queues": ["q\u{0}"]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(w["hostname"], "h\u{FFFD}");

    // Log levels of HTTP workers: the names and the aliases the document lists, lower case.
    let level = &schemas["LogLineBody"]["properties"]["level"]["pattern"];
    assert!(level.as_str().unwrap().contains("|warn|"), "{level}");
    let lines = |level: &str| json!({"attempt": 1, "lines": [{"message": "m", "level": level}]});
    let v = problem(
        s.post(
            &format!("/api/v1/workers/n1/tasks/{id}/logs"),
            lines("WARN"),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(v["errors"][0]["field"], "lines[0].level");
    // A known level gets past validation to the fence: n1 does not hold this task.
    problem(
        s.post(
            &format!("/api/v1/workers/n1/tasks/{id}/logs"),
            lines("warn"),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;

    // Operation ids are unique, and the worker protocol's links name real operations (in
    // OpenAPI's own camelCase keys) so a client can follow register → claim → complete.
    let mut ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap())
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate operation ids: {ids:?}");
    for (path, status, names) in [
        (
            "/api/v1/tasks",
            "201",
            &["get", "cancel", "retry", "logs"][..],
        ),
        (
            "/api/v1/workers/register",
            "201",
            &["claim", "heartbeat"][..],
        ),
        (
            "/api/v1/workers/{id}/claim",
            "200",
            &["complete", "fail", "logs"][..],
        ),
    ] {
        let links = &doc["paths"][path]["post"]["responses"][status]["links"];
        for name in names {
            let target = links[name]["operationId"].as_str().unwrap_or_default();
            assert!(
                ids.contains(&target),
                "{path} {status} link {name}: {links}"
            );
        }
    }

    // DELETE cancels: the document says the task stays, and it does.
    let delete = doc["paths"]["/api/v1/tasks/{id}"]["delete"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(delete.contains("not removed"), "{delete}");
    let r = s
        .http
        .delete(s.url(&format!("/api/v1/tasks/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, StatusCode::OK).await["status"], "cancelled");
    let t = json_of(s.get(&format!("/api/v1/tasks/{id}")).await, StatusCode::OK).await;
    assert_eq!(t["status"], "cancelled");
}

/// The server watches tasks only while a stream is open: none at start, one watch (of every
/// task) once an event stream is open and answered (again after its session is lost), none
/// again soon after the stream closes and its resume window (here none) has passed.
#[tokio::test]
async fn api_server_watches_tasks_only_while_a_stream_is_open() {
    let db = TestDb::new().await;
    // No resume window: it stops watching as soon as it sees the stream gone.
    let s = Server::start(db.cmd().env("AIOPS_EVENTS_RESUME_WINDOW_MS", "0"), &[]).await;
    let watchers = || async {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT count(*), count(*) FILTER (WHERE task_id IS NULL) FROM task_watchers",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap()
    };
    json_of(s.get("/api/v1/tasks").await, StatusCode::OK).await;
    assert_eq!(watchers().await, (0, 0), "nobody streams yet");

    let events = s.get("/api/v1/events").await;
    assert_eq!(events.status(), StatusCode::OK);
    assert_eq!(
        watchers().await,
        (1, 1),
        "an open stream is answered once watched"
    );

    // Its session lost under it, the server connects and registers again.
    let first = watcher_pids(&db.pool).await[0];
    lose_watch_and_await_another(&db.pool, first).await;

    drop(events);
    eventually(
        Duration::from_secs(20),
        "the server to stop watching",
        || async { (watchers().await == (0, 0)).then_some(()) },
    )
    .await;
}

#[tokio::test]
async fn api_lists_filter_by_backend_and_refuse_an_unknown_one() {
    let db = TestDb::new().await;
    db.cmd()
        .args(["submit", "p", "--backend", "none"])
        .run()
        .ok();
    db.cmd()
        .args(["submit", "p", "--backend", "kind"])
        .run()
        .ok();
    let s = Server::start(db.cmd(), &[]).await;
    let page = json_of(
        s.get("/api/v1/tasks?backend_type=none").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["tasks"][0]["backend_type"], "none");
    let refused = s.get("/api/v1/tasks?backend_type=docker").await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let problem: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "backend_type", "{problem}");
}

#[tokio::test]
async fn api_records_say_which_were_refused_by_their_fence() {
    let db = TestDb::new().await;
    let s = Server::start(db.cmd(), &[]).await;
    json_of(
        s.post(
            "/api/v1/workers/register",
            json!({"id": "rw1", "backend_type": "none"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let t = json_of(
        s.post("/api/v1/tasks", json!({"problem_id": "rp"})).await,
        StatusCode::CREATED,
    )
    .await;
    let claimed = json_of(
        s.post(
            "/api/v1/workers/rw1/claims",
            json!({"limit": 1, "lease": 30}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(claimed[0]["id"], t["id"]);
    let record = |attempt: i64| {
        json!({
            "fence": {"task_id": t["id"], "attempt": attempt, "worker_id": "rw1"},
            "lines": [],
            "outcome": {"type": "complete", "result": {"ok": 1}, "exit_code": 0},
        })
    };
    // A stale attempt is refused by its fence; the held one is written.
    let answers = json_of(
        s.post("/api/v1/workers/rw1/records", json!([record(7), record(1)]))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(answers[0]["fenced"], true, "{answers}");
    assert!(answers[1].is_null(), "{answers}");
    let got = json_of(
        s.get(&format!("/api/v1/tasks/{}", t["id"].as_str().unwrap()))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(got["status"], "completed");
    assert_eq!(got["result"]["ok"], 1);
}
