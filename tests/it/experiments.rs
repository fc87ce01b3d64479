//! Experiments through the real binary: a spec submitted twice makes its matrix once, a worker
//! runs it with chosen results (a wrong answer, a timeout), and the report matches a table
//! computed here from `export`; CSV and markdown parse; `status --wait` exit codes.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{spawn_worker, TestDb};

/// Agent A answers detection wrong and the rest right; agent B answers detection right,
/// localization wrong, and its first mitigation run hangs past the 3 s timeout. Times, steps
/// and tokens are random. Problem `fail-1` fails.
fn executor(dir: &std::path::Path) -> String {
    format!(
        r#"r() {{ od -An -N2 -tu2 /dev/urandom | tr -d ' '; }}
case "$AIOPS_AGENT_CONFIG" in *x:A*) AG=A;; *) AG=B;; esac
T=$(( $(r) % 50 + 1 )); S=$(( $(r) % 10 + 1 )); I=$(( $(r) % 1000 )); O=$(( $(r) % 100 ))
case "$AIOPS_PROBLEM_ID" in
  det-1) K=TTD; if [ $AG = A ]; then V='"Detection Accuracy":"Incorrect"'; else V='"Detection Accuracy":"Correct"'; fi;;
  loc-1) K=TTL; if [ $AG = A ]; then V='"success":true,"Localization Accuracy":100'; else V='"success":false,"Localization Accuracy":0'; fi;;
  mit-1) K=TTM; V='"success":true'; if [ $AG = B ] && mkdir {once} 2>/dev/null; then sleep 30; fi;;
  fail-1) exit 1;;
esac
echo "{{\"results\":{{$V,\"$K\":$T.5,\"steps\":$S,\"in_tokens\":$I,\"out_tokens\":$O}}}}" > $AIOPS_RESULT_FILE"#,
        once = dir.join("once").display()
    )
}

const SPEC: &str = r#"
name = "exp1"
problems = ["det-1", "loc-1", "mit-1"]
repeats = 2
timeout = "3s"
max_attempts = 1

[agents.a]
agent = "x:A"
model = "m1"

[agents.b]
agent = "x:B"
model = "m2"
kwargs = { temperature = 0.5 }
"#;

fn wilson(k: f64, n: f64) -> (f64, f64) {
    let z = 1.959_963_984_540_054_f64;
    let p = k / n;
    let d = 1.0 + z * z / n;
    let c = (p + z * z / (2.0 * n)) / d;
    let h = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / d;
    (c - h, c + h)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn close(a: &Value, b: f64, what: &str) {
    let a = a
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {a} is not a number"));
    assert!((a - b).abs() < 1e-9, "{what}: report {a}, computed {b}");
}

#[tokio::test]
async fn a_spec_runs_once_and_its_report_matches_the_export() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.json");
    std::fs::write(
        &catalog,
        r#"[{"id":"det-1","task_type":"detection"},{"id":"loc-1","task_type":"localization"},
            {"id":"mit-1","task_type":"mitigation"},{"id":"other-detection-1"}]"#,
    )
    .unwrap();
    db.cmd()
        .args(["problems", "import", catalog.to_str().unwrap()])
        .run()
        .ok();
    let spec = dir.path().join("exp1.toml");
    std::fs::write(&spec, SPEC).unwrap();
    let spec = spec.to_str().unwrap();

    // The dry run prints the matrix and submits nothing.
    let matrix = db
        .cmd()
        .args(["-o", "json", "experiment", "submit", spec, "--dry-run"])
        .run()
        .ok()
        .json();
    assert_eq!(matrix.as_array().unwrap().len(), 12);
    assert_eq!(db.task_count().await, 0);

    // Twice: twelve tasks, once.
    let first = db
        .cmd()
        .args(["-o", "json", "experiment", "submit", spec])
        .run()
        .ok()
        .json();
    assert_eq!(
        (first["created"].clone(), first["existing"].clone()),
        (12.into(), 0.into())
    );
    let again = db
        .cmd()
        .args(["-o", "json", "experiment", "submit", spec])
        .run()
        .ok()
        .json();
    assert_eq!(
        (again["created"].clone(), again["existing"].clone()),
        (0.into(), 12.into())
    );
    assert_eq!(db.task_count().await, 12);
    let keys: Vec<(String, i64)> =
        sqlx::query_as("SELECT concurrency_key, count(*) FROM tasks GROUP BY 1 ORDER BY 1")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(keys, [("m1".to_string(), 6), ("m2".to_string(), 6)]);

    let _w = spawn_worker(
        db.cmd(),
        "exp-w",
        &executor(dir.path()),
        &["--concurrency", "4"],
    );
    // One task timed out: exit 11.
    db.cmd()
        .args([
            "experiment",
            "status",
            "exp1",
            "--wait",
            "--wait-timeout",
            "120s",
        ])
        .run()
        .code(11);

    let export = db.cmd().args(["export", "--experiment", "exp1"]).run().ok();
    let records: Vec<Value> = export
        .out()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 12);
    let prices: BTreeMap<&str, (f64, f64)> = [("m1", (1.0, 2.0)), ("m2", (3.0, 4.0))].into();

    // The table, computed independently from the export.
    #[derive(Default)]
    struct Acc {
        correct: f64,
        wrong: f64,
        infra: f64,
        times: Vec<f64>,
        steps: Vec<f64>,
        tin: Vec<f64>,
        tout: Vec<f64>,
        cost: f64,
    }
    let mut want: BTreeMap<(String, String), Acc> = BTreeMap::new();
    let (mut timeouts, mut wrong_total) = (0, 0);
    for r in &records {
        let m = &r["metadata"];
        let acc = want
            .entry((
                m["agent"].as_str().unwrap().to_string(),
                m["task_type"].as_str().unwrap().to_string(),
            ))
            .or_default();
        if r["status"] != "completed" {
            assert_eq!(r["status"], "timeout", "{r}");
            timeouts += 1;
            acc.infra += 1.0;
            continue;
        }
        let res = &r["result"]["results"];
        let right = match res.get("Detection Accuracy") {
            Some(d) => d == "Correct",
            None => res["success"] == true,
        };
        if right {
            acc.correct += 1.0;
        } else {
            acc.wrong += 1.0;
            wrong_total += 1;
        }
        let t = ["TTD", "TTL", "TTA", "TTM"]
            .iter()
            .find_map(|k| res.get(*k))
            .unwrap();
        acc.times.push(t.as_f64().unwrap());
        acc.steps.push(res["steps"].as_f64().unwrap());
        let (i, o) = (
            res["in_tokens"].as_f64().unwrap(),
            res["out_tokens"].as_f64().unwrap(),
        );
        acc.tin.push(i);
        acc.tout.push(o);
        let (pi, po) = prices[m["model"].as_str().unwrap()];
        acc.cost += (i * pi + o * po) / 1e6;
    }
    assert_eq!(timeouts, 1, "one run timed out");
    assert_eq!(
        wrong_total, 4,
        "A's detection runs and B's localization runs are wrong"
    );

    let report = db
        .cmd()
        .args([
            "experiment",
            "report",
            "exp1",
            "--format",
            "json",
            "--price",
            "m1=1,2",
            "--price",
            "m2=3,4",
        ])
        .run()
        .ok()
        .json();
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), want.len());
    assert!(report["treatment"].as_array().unwrap().len() >= 3);
    for ((agent, task_type), acc) in &want {
        let row = rows
            .iter()
            .find(|r| r["group"]["agent"] == *agent && r["group"]["task_type"] == *task_type)
            .unwrap_or_else(|| panic!("no row for {agent} {task_type}"));
        let what = format!("{agent}/{task_type}");
        let runs = acc.correct + acc.wrong + acc.infra;
        close(&row["runs"], runs, &format!("{what} runs"));
        close(&row["correct"], acc.correct, &format!("{what} correct"));
        close(&row["wrong"], acc.wrong, &format!("{what} wrong"));
        close(&row["infra_failures"], acc.infra, &format!("{what} infra"));
        close(
            &row["accuracy"],
            acc.correct / runs,
            &format!("{what} accuracy"),
        );
        let (lo, hi) = wilson(acc.correct, runs);
        close(
            &row["accuracy_ci_low"],
            lo.max(0.0),
            &format!("{what} ci low"),
        );
        close(
            &row["accuracy_ci_high"],
            hi.min(1.0),
            &format!("{what} ci high"),
        );
        close(
            &row["mean_time"],
            mean(&acc.times),
            &format!("{what} mean time"),
        );
        close(
            &row["p50_time"],
            median(&acc.times),
            &format!("{what} p50 time"),
        );
        close(
            &row["mean_steps"],
            mean(&acc.steps),
            &format!("{what} steps"),
        );
        close(
            &row["mean_in_tokens"],
            mean(&acc.tin),
            &format!("{what} in"),
        );
        close(
            &row["mean_out_tokens"],
            mean(&acc.tout),
            &format!("{what} out"),
        );
        close(&row["cost"], acc.cost, &format!("{what} cost"));
    }

    // CSV parses, with the same rows.
    let csv_out = db
        .cmd()
        .args(["experiment", "report", "exp1", "--format", "csv"])
        .run()
        .ok();
    let mut rdr = csv::Reader::from_reader(csv_out.out().as_bytes());
    let header = rdr.headers().unwrap().clone();
    assert_eq!(&header[0], "agent");
    assert_eq!(&header[1], "task_type");
    let acc_col = header.iter().position(|h| h == "accuracy").unwrap();
    let records: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), want.len());
    for rec in &records {
        let acc = &want[&(rec[0].to_string(), rec[1].to_string())];
        let runs = acc.correct + acc.wrong + acc.infra;
        let got: f64 = rec[acc_col].parse().unwrap();
        assert!((got - acc.correct / runs).abs() < 5e-4, "{rec:?}");
    }

    // Markdown: a header, a separator, one row per group, every row with as many cells.
    let md = db
        .cmd()
        .args(["experiment", "report", "exp1", "--format", "markdown"])
        .run()
        .ok();
    let table: Vec<&str> = md
        .out()
        .lines()
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(table.len(), 2 + want.len(), "{}", md.out());
    let cells = |l: &str| l.trim().trim_matches('|').split('|').count();
    assert!(
        table.iter().all(|l| cells(l) == cells(table[0])),
        "{}",
        md.out()
    );
    assert!(table[1]
        .split('|')
        .skip(1)
        .filter(|c| !c.is_empty())
        .all(|c| c.trim() == "---"));

    // Retrying the timed-out run completes it (the executor hangs only once): exit 0.
    let retried = db
        .cmd()
        .args(["-o", "json", "experiment", "retry", "exp1", "--failed"])
        .run()
        .ok()
        .json();
    assert_eq!(retried["retried"], 1);
    db.cmd()
        .args([
            "experiment",
            "status",
            "exp1",
            "--wait",
            "--wait-timeout",
            "60s",
        ])
        .run()
        .ok();

    // A failed task: exit 10.
    db.cmd()
        .args([
            "experiment",
            "submit",
            "--name",
            "exp2",
            "--problem",
            "fail-1",
            "--agent",
            "b=x:B",
            "--max-attempts",
            "1",
            "--allow-unknown",
        ])
        .run()
        .ok();
    db.cmd()
        .args([
            "experiment",
            "status",
            "exp2",
            "--wait",
            "--wait-timeout",
            "60s",
        ])
        .run()
        .code(10);

    // Nobody serves queue "idle": the wait expires (13); cancelled, the wait ends 12.
    db.cmd()
        .args([
            "experiment",
            "submit",
            "--name",
            "exp3",
            "--problem",
            "det-1",
            "--agent",
            "a=x:A",
            "--queue",
            "idle",
        ])
        .run()
        .ok();
    db.cmd()
        .args([
            "experiment",
            "status",
            "exp3",
            "--wait",
            "--wait-timeout",
            "1s",
        ])
        .run()
        .code(13)
        .error_line(&["gave up waiting for experiment 'exp3'", "1 of its tasks"]);
    db.cmd().args(["experiment", "cancel", "exp3"]).run().ok();
    db.cmd()
        .args(["experiment", "status", "exp3", "--wait"])
        .run()
        .code(12);

    let list = db
        .cmd()
        .args(["-o", "json", "experiment", "list"])
        .run()
        .ok()
        .json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");

    // Comparing two experiments: per task type, A − B.
    let cmp = db
        .cmd()
        .args(["experiment", "compare", "exp1", "exp2", "--format", "json"])
        .run()
        .ok()
        .json();
    assert!(cmp["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["group"]["task_type"] == "detection"));
}

#[tokio::test]
async fn bad_specs_are_refused_in_one_line() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "name = \"x\"\nproblems = [\"p\"]\nagnets = {}\n").unwrap();
    db.cmd()
        .args(["experiment", "submit", bad.to_str().unwrap()])
        .run()
        .code(2)
        .error_line(&["is not a valid experiment spec", "agnets"]);
    db.cmd()
        .args([
            "experiment",
            "submit",
            "--name",
            "x",
            "--problem",
            "p*",
            "--agent",
            "a=m:C",
        ])
        .run()
        .code(2)
        .error_line(&["needs the problem catalog"]);
    db.cmd()
        .args(["experiment", "status", "nope"])
        .run()
        .code(3)
        .error_line(&["no experiment named 'nope'"]);
    db.cmd()
        .args(["experiment", "report", "nope", "--by", "model"])
        .run()
        .code(2)
        .error_line(&["--by 'model' is not a column"]);
}

/// The HTTP routes: submit twice, status, report, cancel; limits; schedules; all in the
/// OpenAPI document.
#[tokio::test]
async fn the_api_submits_reports_and_schedules() {
    let db = TestDb::new().await;
    let serve = db
        .cmd()
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("AIOPS_LOG", "info")
        .spawn();
    let base = crate::support::eventually(
        std::time::Duration::from_secs(30),
        "the server to listen",
        || {
            let out = serve.output();
            async move {
                out.lines().find_map(|l| {
                    l.split_once("listening on ")
                        .map(|(_, u)| u.trim().to_string())
                })
            }
        },
    )
    .await;
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{base}{p}");
    let spec = serde_json::json!({
        "name": "api1", "problems": ["p1", "p2"], "repeats": 2, "queue": "nobody",
        "agents": {"a": {"agent": "x:A", "model": "m"}}
    });
    let first = http
        .post(url("/api/v1/experiments"))
        .json(&spec)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["created"], 4);
    let again = http
        .post(url("/api/v1/experiments"))
        .json(&spec)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    let dry = http
        .post(url("/api/v1/experiments?dry_run=true"))
        .json(&spec)
        .send()
        .await
        .unwrap();
    assert_eq!(
        dry.json::<Value>().await.unwrap().as_array().unwrap().len(),
        4
    );
    let status: Value = http
        .get(url("/api/v1/experiments/api1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (status["total"].clone(), status["done"].clone()),
        (4.into(), 0.into())
    );
    let report: Value = http
        .get(url(
            "/api/v1/experiments/api1/report?by=problem&prices=m%3D1,2",
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["rows"].as_array().unwrap().len(), 2);
    assert_eq!(report["rows"][0]["unfinished"], 2);
    let bad = http
        .get(url("/api/v1/experiments/api1/report?by=model"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let missing = http
        .get(url("/api/v1/experiments/nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let cancelled: Value = http
        .post(url("/api/v1/experiments/api1/cancel"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cancelled["cancelled"], 4);

    let set = http
        .put(url("/api/v1/limits/m"))
        .json(&serde_json::json!({"cap": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    let limits: Value = http
        .get(url("/api/v1/limits"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(limits[0]["cap"], 2);
    assert_eq!(
        http.delete(url("/api/v1/limits/m"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        http.delete(url("/api/v1/limits/m"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    let added = http
        .post(url("/api/v1/schedules"))
        .json(
            &serde_json::json!({"name": "s1", "cron": "0 3 * * *", "tz": "UTC",
            "task": {"problem_id": "p1"}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201);
    let paused: Value = http
        .post(url("/api/v1/schedules/s1/pause"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(paused["paused"], true);
    let fires: Value = http
        .get(url("/api/v1/schedules/s1/fires"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fires, serde_json::json!([]));
    assert_eq!(
        http.delete(url("/api/v1/schedules/s1"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );

    let doc: Value = http
        .get(url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/experiments",
        "/api/v1/experiments/{name}/report",
        "/api/v1/experiments/{a}/compare/{b}",
        "/api/v1/limits/{key}",
        "/api/v1/schedules/{name}/fires",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is not documented");
    }
}
