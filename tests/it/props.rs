//! Property tests (proptest): request validation over arbitrary JSON, and the task state
//! machine over random operation sequences against a real database.

use std::collections::HashMap;
use std::time::Duration;

use aiops::queue::{self, ClaimSpec, Failure, Fence};
use aiops::task::{Task, TaskId, TaskRequest, TaskStatus};
use aiops::Error;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Map, Value};

use crate::support::db_property;

// -----------------------------------------------------------------------------------------------
// (a) Validation

/// Any JSON scalar or a small nested value, with numbers around every boundary.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-3i64..1100).prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        (-2.0f64..2000.0).prop_map(|f| json!(f)),
        any::<u64>().prop_map(Value::from),
        ".{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::hash_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A value for an integer field: mostly integers near the range, sometimes anything.
fn int_field(lo: i64, hi: i64) -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (lo - 3..=hi + 3).prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => any_json(),
    ]
}

/// Names: empty, long, with control characters, printable, or not a string.
fn name_field() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => "[a-zA-Z0-9_./:-]{1,20}".prop_map(Value::from),
        1 => Just(Value::from("")),
        1 => (250usize..260).prop_map(|n| Value::from("p".repeat(n))),
        1 => (250usize..260).prop_map(|n| Value::from("é".repeat(n / 2))),
        1 => "[a-z]{0,5}[\\x00-\\x1f\\x7f\\x{80}-\\x{9f}][a-z]{0,5}".prop_map(Value::from),
        1 => "\\PC{0,30}".prop_map(Value::from),
        1 => any_json(),
    ]
}

fn object_field() -> impl Strategy<Value = Value> {
    prop_oneof![
        2 => prop::collection::hash_map("[a-z_]{1,12}", any_json(), 0..4)
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        1 => any_json(),
    ]
}

/// A value for a `timeout_minutes`: mostly in or near the range, often on its edges.
fn minutes_field() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => (-1.0f64..1500.0).prop_map(|f| json!(f)),
        2 => prop::sample::select(vec![
            json!(0),
            json!(0.0),
            json!(-0.0),
            json!(1e-9),
            json!(0.0084),
            json!(1440),
            json!(1440.0),
            json!(1440.0000001),
        ]),
        1 => any_json(),
    ]
}

/// `parameters`: mostly an object whose `max_steps`, `timeout_minutes` and `agent_config` are
/// each present or not, in range or not; sometimes anything.
fn parameters_field() -> impl Strategy<Value = Value> {
    let keys = (
        prop::option::of(prop_oneof![
            3 => int_field(1, 1000),
            1 => (0i64..1002).prop_map(|n| json!(n as f64)),
        ]),
        prop::option::of(prop_oneof![
            4 => minutes_field(),
            1 => any_json(),
        ]),
        prop::option::of(object_field()),
        prop::collection::hash_map("[a-z_]{1,12}", any_json(), 0..3),
    );
    prop_oneof![
        4 => keys.prop_map(|(steps, minutes, agent, extra)| {
            let mut m: Map<String, Value> = extra.into_iter().collect();
            for (k, v) in [("max_steps", steps), ("timeout_minutes", minutes), ("agent_config", agent)] {
                if let Some(v) = v {
                    m.insert(k.into(), v);
                }
            }
            Value::Object(m)
        }),
        1 => any_json(),
    ]
}

/// A TaskRequest-ish object: every field present or not, of the right type or not, in range
/// or not, sometimes with a field that does not exist.
fn request_json() -> impl Strategy<Value = Value> {
    let fields = (
        prop::option::of(name_field()),
        prop::option::of(object_field()),
        prop::option::of(int_field(1, 1000)),
        prop::option::of(minutes_field()),
        prop::option::of(int_field(1, 86_400)),
        prop::option::of(int_field(0, 10)),
        prop::option::of(int_field(1, 20)),
        prop::option::of(name_field()),
    );
    let more = (
        prop::option::of(prop_oneof![
            Just(json!("kind")),
            Just(json!("existing")),
            Just(json!("none")),
            Just(json!("docker")),
            any_json()
        ]),
        prop::option::of(parameters_field()),
        prop::option::of(object_field()),
        prop::option::of(prop_oneof![
            Just(json!("https://example.org/hook")),
            Just(json!("http://h")),
            Just(json!("ftp://example.org")),
            Just(json!("http:///x")),
            Just(json!("http://:80/")),
            Just(json!("http://[::1]:8080/x")),
            Just(json!("http://a b")),
            any_json()
        ]),
        prop::option::of(name_field()),
        prop::option::of(prop_oneof![
            Just(json!("2030-01-01T00:00:00Z")),
            Just(json!("yesterday")),
            any_json()
        ]),
        prop::option::of(("[a-z]{1,10}", any_json())),
    );
    (fields, more).prop_map(|(a, b)| {
        let mut m = Map::new();
        let names = [
            "problem_id",
            "agent_config",
            "max_steps",
            "timeout_minutes",
            "timeout_seconds",
            "priority",
            "max_attempts",
            "queue",
        ];
        let vals = [a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7];
        for (n, v) in names.into_iter().zip(vals) {
            if let Some(v) = v {
                m.insert(n.into(), v);
            }
        }
        let names = [
            "backend_type",
            "parameters",
            "metadata",
            "callback_url",
            "idempotency_key",
            "run_at",
        ];
        let vals = [b.0, b.1, b.2, b.3, b.4, b.5];
        for (n, v) in names.into_iter().zip(vals) {
            if let Some(v) = v {
                m.insert(n.into(), v);
            }
        }
        if let Some((k, v)) = b.6 {
            m.insert(k, v);
        }
        Value::Object(m)
    })
}

fn good_name(s: &str) -> bool {
    !s.is_empty() && s.chars().count() <= 255 && !s.chars().any(char::is_control)
}

fn is_obj_or_null(v: &Option<Value>) -> bool {
    matches!(v, None | Some(Value::Null) | Some(Value::Object(_)))
}

/// What a valid request runs with: `(max_steps, timeout_seconds)`. The top-level field wins
/// over `parameters`; `timeout_seconds` over `timeout_minutes`, which rounds to whole seconds.
fn expected_limits(r: &TaskRequest) -> (i64, i64) {
    let param = |k: &str| match &r.parameters {
        Some(Value::Object(m)) => m.get(k).and_then(Value::as_f64),
        _ => None,
    };
    let steps = r
        .max_steps
        .or(param("max_steps").map(|f| f as i64))
        .unwrap_or(30);
    let timeout = r.timeout_seconds.unwrap_or_else(|| {
        r.timeout_minutes
            .or(param("timeout_minutes"))
            .map_or(1800, |m| ((m * 60.0).round() as i64).max(1))
    });
    (steps, timeout)
}

/// The contract of `docs/contract.md` §1, written independently of `validate`.
fn expected_valid(r: &TaskRequest) -> bool {
    let params = match &r.parameters {
        Some(Value::Object(m)) => Some(m),
        _ => None,
    };
    // A null parameter is an absent one; every value given must be in range on its own, also
    // one another field overrides, as the OpenAPI document says of each field.
    let param = |k: &str| params.and_then(|m| m.get(k)).filter(|v| !v.is_null());
    let whole = |v: &Value| {
        v.as_i64().or_else(|| {
            v.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e18)
                .map(|f| f as i64)
        })
    };
    let steps_ok = |n: i64| (1..=1000).contains(&n);
    let minutes_ok = |m: f64| m > 0.0 && m <= 1440.0;
    let max_steps_ok = r.max_steps.is_none_or(steps_ok)
        && param("max_steps").is_none_or(|v| whole(v).is_some_and(steps_ok));
    let timeout_ok = r.timeout_seconds.is_none_or(|s| (1..=86_400).contains(&s))
        && r.timeout_minutes.is_none_or(minutes_ok)
        && param("timeout_minutes").is_none_or(|v| v.as_f64().is_some_and(minutes_ok));
    // The url crate's view (scheme, host), then the documented pattern, which is narrower.
    let url_ok = r.callback_url.as_deref().is_none_or(|u| {
        u.len() <= 2048
            && url::Url::parse(u).is_ok_and(|p| {
                matches!(p.scheme(), "http" | "https")
                    && p.host_str().is_some_and(|h| !h.is_empty())
            })
            && regex::Regex::new(aiops::task::CALLBACK_URL_PATTERN)
                .unwrap()
                .is_match(u)
    });
    good_name(&r.problem_id)
        && is_obj_or_null(&r.parameters)
        && is_obj_or_null(&r.agent_config)
        && is_obj_or_null(&r.metadata)
        && (matches!(r.agent_config, Some(Value::Object(_)))
            || param("agent_config").is_none_or(|v| v.is_object() || v.is_null()))
        && max_steps_ok
        && timeout_ok
        && (0..=10).contains(&r.priority.unwrap_or(5))
        && (1..=20).contains(&r.max_attempts.unwrap_or(3))
        && r.queue.as_deref().is_none_or(good_name)
        && r.backend_type
            .as_deref()
            .is_none_or(|b| ["kind", "existing", "none"].contains(&b))
        && url_ok
        && r.idempotency_key
            .as_deref()
            .is_none_or(|k| !k.is_empty() && k.chars().count() <= 255 && !k.contains('\0'))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Arbitrary JSON through the HTTP body parser and `validate`: never a panic, and
    /// `validate` accepts exactly the in-range requests, keeping their values.
    #[test]
    fn validation_accepts_exactly_the_in_range_requests(v in request_json()) {
        let bytes = serde_json::to_vec(&v).unwrap();
        let parsed = aiops::api::error::parse_json::<TaskRequest>(&bytes);
        let Ok(req) = parsed else { return Ok(()); };
        let expected = expected_valid(&req);
        match req.clone().validate() {
            Ok(t) => {
                prop_assert!(expected, "validate accepted {v}");
                prop_assert_eq!(i64::from(t.priority), req.priority.unwrap_or(5));
                prop_assert_eq!(i64::from(t.max_attempts), req.max_attempts.unwrap_or(3));
                prop_assert!((1..=86_400).contains(&t.timeout_seconds));
                let steps = t.parameters["max_steps"].as_i64().unwrap();
                prop_assert!((1..=1000).contains(&steps));
                prop_assert_eq!((steps, i64::from(t.timeout_seconds)), expected_limits(&req));
                prop_assert!(t.parameters["agent_config"].is_object());
                prop_assert!(t.metadata.is_object());
                prop_assert_eq!(&t.problem_id, &req.problem_id);
            }
            Err(errors) => {
                prop_assert!(!expected, "validate refused {v}: {errors:?}");
                prop_assert!(!errors.is_empty());
            }
        }
    }

    /// Arbitrary bytes and deeply nested JSON never panic the body parser.
    #[test]
    fn body_parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200),
                                depth in 0usize..5000) {
        let _ = aiops::api::error::parse_json::<TaskRequest>(&bytes);
        let deep = format!(
            "{{\"problem_id\":\"p\",\"metadata\":{{\"a\":{}1{}}}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let r = aiops::api::error::parse_json::<TaskRequest>(deep.as_bytes());
        if depth > 200 {
            prop_assert!(r.is_err());
        }
    }
}

// -----------------------------------------------------------------------------------------------
// (b) The state machine against a real database

#[derive(Debug, Clone)]
enum Op {
    Submit {
        max_attempts: i64,
    },
    /// Worker 0 holds long leases, worker 1 short ones (rescued by `Rescue`).
    Claim {
        worker: usize,
    },
    Complete {
        task: usize,
        stale: bool,
    },
    Fail {
        task: usize,
        kind: u8,
        stale: bool,
    },
    Cancel {
        task: usize,
    },
    Retry {
        task: usize,
    },
    Release {
        task: usize,
        stale: bool,
    },
    Rescue,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1i64..=3).prop_map(|max_attempts| Op::Submit { max_attempts }),
        4 => (0usize..2).prop_map(|worker| Op::Claim { worker }),
        2 => (0usize..8, prop::bool::weighted(0.2)).prop_map(|(task, stale)| Op::Complete { task, stale }),
        3 => (0usize..8, 0u8..3, prop::bool::weighted(0.2))
            .prop_map(|(task, kind, stale)| Op::Fail { task, kind, stale }),
        2 => (0usize..8).prop_map(|task| Op::Cancel { task }),
        2 => (0usize..8).prop_map(|task| Op::Retry { task }),
        1 => (0usize..8, prop::bool::weighted(0.2)).prop_map(|(task, stale)| Op::Release { task, stale }),
        1 => Just(Op::Rescue),
    ]
}

const SHORT_LEASE: Duration = Duration::from_millis(150);
const WORKERS: [&str; 2] = ["prop-long", "prop-short"];

/// What the model knows about one submitted task.
struct Tracked {
    id: TaskId,
    max_attempts: i32,
    retries: i32,
    /// The fence of the latest claim, if any.
    fence: Option<Fence>,
}

fn allowed_error(e: &Error) -> bool {
    matches!(
        e,
        Error::Fenced { .. } | Error::Conflict(_) | Error::NotFound(_)
    )
}

async fn snapshot(pool: &sqlx::PgPool, tasks: &[Tracked]) -> HashMap<TaskId, Task> {
    let mut out = HashMap::new();
    for t in tasks {
        out.insert(t.id, queue::get(pool, t.id).await.expect("read task"));
    }
    out
}

/// The fence an operation uses: the latest claim's, or a stale copy (an older attempt).
fn fence_for(t: &Tracked, stale: bool) -> Fence {
    let mut f = t.fence.clone().unwrap_or(Fence {
        task_id: t.id,
        attempt: 1,
        worker_id: WORKERS[0].into(),
    });
    if stale {
        f.attempt -= 1;
    }
    f
}

async fn run_ops(pool: &sqlx::PgPool, queue_name: &str, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut tasks: Vec<Tracked> = Vec::new();
    let mut before = HashMap::new();
    for (step, op) in ops.iter().enumerate() {
        let pick = |i: usize| (!tasks.is_empty()).then(|| i % tasks.len());
        let mut retried: Option<TaskId> = None;
        let res: Result<(), Error> = match op {
            Op::Submit { max_attempts } => {
                let new = TaskRequest {
                    problem_id: format!("prop-{step}"),
                    queue: Some(queue_name.into()),
                    max_attempts: Some(*max_attempts),
                    ..Default::default()
                }
                .validate()
                .expect("valid request");
                let t = queue::submit(pool, &new).await.map(|s| s.task().clone());
                if let Ok(t) = &t {
                    tasks.push(Tracked {
                        id: t.id,
                        max_attempts: t.max_attempts,
                        retries: 0,
                        fence: None,
                    });
                    before.insert(t.id, t.clone());
                }
                t.map(|_| ())
            }
            Op::Claim { worker } => {
                let spec = ClaimSpec {
                    worker_id: WORKERS[*worker].into(),
                    queues: vec![queue_name.into()],
                    backend_type: aiops::task::Backend::None,
                    lease: if *worker == 1 {
                        SHORT_LEASE
                    } else {
                        Duration::from_secs(600)
                    },
                };
                queue::claim(pool, &spec, 1).await.map(|got| {
                    for c in got {
                        if let Some(t) = tasks.iter_mut().find(|t| t.id == c.id) {
                            t.fence = Some(Fence::of(&c));
                        }
                    }
                })
            }
            Op::Complete { task, stale } => match pick(*task) {
                None => Ok(()),
                Some(i) => {
                    let f = fence_for(&tasks[i], *stale);
                    let r = queue::complete(pool, &f, Some(&json!({"step": step})), Some(0)).await;
                    let was = &before[&tasks[i].id];
                    let holds = was.status == TaskStatus::Running
                        && was.attempt == f.attempt
                        && was.worker_id.as_deref() == Some(f.worker_id.as_str());
                    if holds {
                        prop_assert!(
                            r.is_ok(),
                            "step {step}: complete by the holder failed: {r:?}"
                        );
                    } else if was.status != TaskStatus::Completed {
                        prop_assert!(
                            matches!(r, Err(Error::Fenced { .. })),
                            "step {step}: complete without the lease gave {r:?}"
                        );
                    }
                    r
                }
            },
            Op::Fail { task, kind, stale } => match pick(*task) {
                None => Ok(()),
                Some(i) => {
                    let f = fence_for(&tasks[i], *stale);
                    let kind =
                        [Failure::Failed, Failure::Timeout, Failure::Cancelled][*kind as usize];
                    let r = queue::fail(pool, &f, kind, "boom\0", Some(1)).await;
                    let was = &before[&tasks[i].id];
                    let holds = was.status == TaskStatus::Running
                        && was.attempt == f.attempt
                        && was.worker_id.as_deref() == Some(f.worker_id.as_str());
                    prop_assert_eq!(holds, r.is_ok(), "step {}: fail gave {:?}", step, r);
                    r.map(|_| ())
                }
            },
            Op::Release { task, stale } => match pick(*task) {
                None => Ok(()),
                Some(i) => {
                    let f = fence_for(&tasks[i], *stale);
                    let r = queue::release(pool, &f, "prop release").await;
                    let was = &before[&tasks[i].id];
                    let holds = was.status == TaskStatus::Running
                        && was.attempt == f.attempt
                        && was.worker_id.as_deref() == Some(f.worker_id.as_str());
                    prop_assert_eq!(holds, r.is_ok(), "step {}: release gave {:?}", step, r);
                    r
                }
            },
            Op::Cancel { task } => match pick(*task) {
                None => Ok(()),
                Some(i) => {
                    let r = queue::cancel(pool, tasks[i].id, Some("prop")).await;
                    let was = before[&tasks[i].id].status;
                    let ok = matches!(
                        was,
                        TaskStatus::Pending | TaskStatus::Running | TaskStatus::Cancelled
                    );
                    prop_assert_eq!(
                        ok,
                        r.is_ok(),
                        "step {}: cancel of {} gave {:?}",
                        step,
                        was,
                        r
                    );
                    r.map(|_| ())
                }
            },
            Op::Retry { task } => match pick(*task) {
                None => Ok(()),
                Some(i) => {
                    let r = queue::retry(pool, tasks[i].id).await;
                    let was = before[&tasks[i].id].status;
                    prop_assert_eq!(
                        was.is_retryable(),
                        r.is_ok(),
                        "step {}: retry of {} gave {:?}",
                        step,
                        was,
                        r
                    );
                    if r.is_ok() {
                        tasks[i].retries += 1;
                        retried = Some(tasks[i].id);
                    }
                    r.map(|_| ())
                }
            },
            Op::Rescue => {
                tokio::time::sleep(SHORT_LEASE + Duration::from_millis(50)).await;
                queue::rescue_expired(pool).await.map(|_| ())
            }
        };
        if let Err(e) = &res {
            prop_assert!(allowed_error(e), "step {step} {op:?}: unexpected error {e}");
        }
        let after = snapshot(pool, &tasks).await;
        for t in &tasks {
            let (old, new) = (&before[&t.id], &after[&t.id]);
            if old.status != new.status {
                prop_assert!(
                    old.status.can_become(new.status),
                    "step {step} {op:?}: task {} went {} -> {}",
                    t.id,
                    old.status,
                    new.status
                );
                if old.status.is_terminal() {
                    prop_assert_eq!(
                        retried,
                        Some(t.id),
                        "step {} {:?}: terminal task {} changed without a retry",
                        step,
                        op,
                        t.id
                    );
                }
            } else if old.status.is_terminal() {
                prop_assert_eq!(old.attempt, new.attempt, "terminal task's attempt changed");
            }
            prop_assert!(new.attempt >= 0);
            prop_assert!(
                new.attempt <= t.max_attempts + t.retries,
                "step {step} {op:?}: attempt {} > max_attempts {} + retries {}",
                new.attempt,
                t.max_attempts,
                t.retries
            );
            prop_assert!(new.attempt <= new.max_attempts);
            if new.status == TaskStatus::Running {
                prop_assert!(new.worker_id.is_some());
            }
        }
        before = after;
    }
    Ok(())
}

#[test]
fn state_machine_holds_under_random_operations() {
    let (rt, db, mut runner) = db_property(24);
    let case = std::sync::atomic::AtomicU32::new(0);
    runner
        .run(&prop::collection::vec(op(), 1..=20), |ops| {
            let n = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            // A queue per case (and per shrink step): earlier cases' tasks are never claimed.
            let q = format!("prop-{n}");
            rt.block_on(run_ops(&db.pool, &q, &ops))
        })
        .unwrap();
}
