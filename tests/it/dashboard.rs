//! The web dashboard in a real headless Chromium (driven through chromedriver) against a real
//! `aiops serve`, workers and PostgreSQL: pages load without console errors, tasks appear and
//! change live, filters live in the URL, bulk cancel by filter, the live log, pause/resume and
//! drain from the pages, and access (sign-in, CSRF, the read-only token). Screenshots are
//! written to a temporary directory, and to `docs/screenshots/` with `AIOPS_BLESS=1`.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::operations::{start_serve, status_of};
use crate::support::{eventually, spawn_worker, TestDb};

/// chromedriver on a free port in a process group of its own, killed with the Chromium it
/// started when dropped (also when a test fails before closing its session).
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

/// A browser session: chromedriver and its headless Chromium.
struct Browser {
    driver: Driver,
    client: Client,
    http: reqwest::Client,
    session: String,
}

impl Browser {
    async fn start() -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (scripts/test installs Debian's chromium-driver)");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::new();
        eventually(Duration::from_secs(20), "chromedriver to answer", || {
            let r = http.get(format!("{}/status", driver.url)).send();
            async move { r.await.ok().filter(|r| r.status().is_success()) }
        })
        .await;
        let caps: serde_json::Map<String, Value> = serde_json::from_value(json!({
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,900"]
            }
        }))
        .unwrap();
        // Plain HTTP to chromedriver on loopback: no TLS stack needed.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&driver.url)
            .await
            .expect("a Chromium session");
        let session = client.session_id().await.unwrap().unwrap();
        Browser {
            driver,
            client,
            http,
            session,
        }
    }

    /// The browser's console entries since the last call, as (level, message).
    async fn console(&self) -> Vec<(String, String)> {
        let v: Value = self
            .http
            .post(format!(
                "{}/session/{}/se/log",
                self.driver.url, self.session
            ))
            .json(&json!({"type": "browser"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["value"]
            .as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .map(|e| {
                (
                    e["level"].as_str().unwrap_or("").to_string(),
                    e["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    }

    /// Fail on any console error or warning logged so far.
    async fn assert_quiet_console(&self, page: &str) {
        let bad: Vec<_> = self
            .console()
            .await
            .into_iter()
            .filter(|(l, _)| l == "SEVERE" || l == "WARNING")
            .collect();
        assert!(bad.is_empty(), "console errors on {page}: {bad:?}");
    }

    /// Ask Chromium to render for a dark (or light) system theme.
    async fn dark(&self, on: bool) {
        let r = self
            .http
            .post(format!(
                "{}/session/{}/goog/cdp/execute",
                self.driver.url, self.session
            ))
            .json(&json!({"cmd": "Emulation.setEmulatedMedia", "params": {
                "features": [{"name": "prefers-color-scheme", "value": if on { "dark" } else { "light" }}]
            }}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }

    async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .unwrap()
    }

    /// Wait until `css` matches an element (the page may refresh its live region meanwhile).
    async fn wait_for(&self, css: &str, limit: Duration) {
        let c = &self.client;
        eventually(limit, css, || async move {
            c.find(Locator::Css(css)).await.ok().map(|_| ())
        })
        .await;
    }

    /// Wait until the text of `css` contains `want`.
    async fn wait_text(&self, css: &str, want: &str, limit: Duration) {
        let c = &self.client;
        eventually(limit, &format!("{css} to say {want}"), || async move {
            let e = c.find(Locator::Css(css)).await.ok()?;
            e.text().await.ok().filter(|t| t.contains(want)).map(|_| ())
        })
        .await;
    }

    async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    async fn shot(&self, name: &str) {
        self.client
            .execute("window.scrollTo(0, 0)", vec![])
            .await
            .unwrap();
        let png = self.client.screenshot().await.unwrap();
        let dir = std::env::temp_dir().join("aiops-dashboard-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
        if std::env::var("AIOPS_BLESS").is_ok_and(|v| v == "1") {
            let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
            std::fs::create_dir_all(&docs).unwrap();
            std::fs::write(docs.join(format!("{name}.png")), &png).unwrap();
        }
    }

    async fn session_cookie(&self) -> Option<String> {
        self.client
            .get_all_cookies()
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.name() == "aiops_session")
            .map(|c| format!("aiops_session={}", c.value()))
    }
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

#[tokio::test]
async fn the_dashboard_shows_and_acts_live_in_a_real_browser() {
    let db = TestDb::new().await;
    let (_serve, base) = start_serve(db.cmd(), &[]).await;
    let b = Browser::start().await;
    let gate = tempfile::tempdir().unwrap();
    let open = gate.path().join("open");
    // Prints a line and its progress, waits for the gate, prints another and writes a result
    // shaped like an AIOpsLab run's: the log can be seen following it.
    let exec = [
        r#"echo "tick one"; echo '{"progress":{"step":1,"max_steps":4}}'; while [ ! -f "#,
        &open.display().to_string(),
        r#" ]; do sleep 0.05; done; echo '{"level":"warning","message":"tick two"}'; "#,
        r#"echo '{"results":{"TTD":1.5,"success":true},"history":[{"role":"assistant","content":"exec_shell(\"kubectl get pods\")"},{"role":"env","content":"pod-1 Running"}]}' > "$AIOPS_RESULT_FILE""#,
    ]
    .concat();
    let _w = spawn_worker(
        db.cmd(),
        "c1",
        &exec,
        &["--id", "w1", "--queue", "default", "--queue", "pq"],
    );

    // Every page loads, without console errors.
    for path in [
        "/",
        "/tasks",
        "/workers",
        "/queues",
        "/problems",
        "/experiments",
    ] {
        b.client.goto(&format!("{base}{path}")).await.unwrap();
        b.wait_for("#live", Duration::from_secs(10)).await;
        b.assert_quiet_console(path).await;
    }

    // A task submitted from the CLI appears in the open task list, and its status changes live.
    b.client.goto(&format!("{base}/tasks")).await.unwrap();
    b.wait_for("#live", Duration::from_secs(10)).await;
    let id = submit(&db, &["p", "--metadata", "agent=a0"]);
    b.wait_for(&format!("tr[data-id='{id}']"), Duration::from_secs(2))
        .await;
    b.wait_for(
        &format!("tr[data-id='{id}'][data-status='running']"),
        Duration::from_secs(20),
    )
    .await;

    // The task's page follows its log while it runs, with level filter and search.
    b.client.goto(&format!("{base}/tasks/{id}")).await.unwrap();
    b.wait_text("#log", "tick one", Duration::from_secs(10))
        .await;
    assert!(!b.text("#log").await.contains("tick two"));
    b.wait_for(
        "progress#progress[value='1'][max='4']",
        Duration::from_secs(10),
    )
    .await;
    b.shot("task-running").await;
    std::fs::write(&open, "").unwrap();
    b.wait_text("#log", "tick two", Duration::from_secs(20))
        .await;
    b.wait_text("#task-status", "completed", Duration::from_secs(20))
        .await;
    b.wait_text("#attempts", "w1", Duration::from_secs(10))
        .await;
    b.client
        .find(Locator::Css("#log-level"))
        .await
        .unwrap()
        .select_by_value("warning")
        .await
        .unwrap();
    let lines = b.client.find_all(Locator::Css("#log .line")).await.unwrap();
    let mut shown = Vec::new();
    for l in &lines {
        if !l
            .attr("class")
            .await
            .unwrap()
            .unwrap_or_default()
            .contains("hidden")
        {
            shown.push(l.text().await.unwrap());
        }
    }
    assert!(
        shown
            .iter()
            .all(|t| t.contains("warning") || t.contains("error"))
            && shown.iter().any(|t| t.contains("tick two")),
        "warning and worse only: {shown:?}"
    );
    b.shot("task-detail").await;
    b.assert_quiet_console("task detail").await;

    // A filter is restored from the URL.
    for (queue, agent) in [
        ("bq", "a1"),
        ("bq", "a1"),
        ("bq", "a1"),
        ("bq", "a2"),
        ("other", "a1"),
    ] {
        submit(
            &db,
            &[
                "p",
                "--queue",
                queue,
                "--metadata",
                &format!("agent={agent}"),
            ],
        );
    }
    b.client
        .goto(&format!(
            "{base}/tasks?status=pending&queue=bq&meta=agent%3Da1"
        ))
        .await
        .unwrap();
    b.wait_for("#tasks", Duration::from_secs(10)).await;
    let form = |name: &'static str| {
        let c = b.client.clone();
        async move {
            c.find(Locator::Css(&format!("#filters [name='{name}']")))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default()
        }
    };
    assert_eq!(form("queue").await, "bq");
    assert_eq!(form("meta").await, "agent=a1");
    let pending_box = b
        .client
        .find(Locator::Css(
            "#filters input[name='status'][value='pending']",
        ))
        .await
        .unwrap();
    assert_eq!(
        pending_box.prop("checked").await.unwrap().as_deref(),
        Some("true")
    );
    let rows = b
        .client
        .find_all(Locator::Css("#tasks tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 3, "only the matching tasks are listed");

    // Bulk cancel by filter: the page says how many, then cancels exactly those.
    b.click("#cancel-all").await;
    b.wait_text("#confirm-count", "3", Duration::from_secs(10))
        .await;
    b.shot("bulk-confirm").await;
    b.click("#confirm").await;
    b.wait_for("#done", Duration::from_secs(10)).await;
    let all: Value = db
        .cmd()
        .args(["status", "--limit", "100", "-o", "json"])
        .run()
        .ok()
        .json();
    let mut cancelled = 0;
    for t in all["tasks"].as_array().unwrap() {
        let matching = t["queue"] == "bq" && t["metadata"]["agent"] == "a1";
        let want = if matching {
            "cancelled"
        } else {
            t["status"].as_str().unwrap()
        };
        assert_eq!(t["status"], want, "{t}");
        if matching {
            cancelled += 1;
        } else {
            assert_ne!(t["status"], "cancelled", "{t}");
        }
    }
    assert_eq!(cancelled, 3);

    // Retry the ticked tasks only: two of the three just cancelled.
    b.client
        .goto(&format!("{base}/tasks?status=cancelled&queue=bq"))
        .await
        .unwrap();
    b.wait_for("#tasks", Duration::from_secs(10)).await;
    let picked = b
        .client
        .execute(
            "const boxes = [...document.querySelectorAll(\"#tasks tbody input[name='id']\")];\
             boxes.slice(0, 2).forEach(b => { b.checked = true; });\
             return [boxes.length, boxes.slice(0, 2).map(b => b.value)];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(picked[0], 3);
    b.click("button[value='retry:selected']").await;
    b.wait_text("#confirm-count", "2", Duration::from_secs(10))
        .await;
    b.click("#confirm").await;
    b.wait_for("#done", Duration::from_secs(10)).await;
    let picked: Vec<String> = picked[1]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    for id in &picked {
        assert_eq!(status_of(&db, id), "pending");
    }
    let still: Value = db
        .cmd()
        .args([
            "status",
            "--status",
            "cancelled",
            "--queue",
            "bq",
            "-o",
            "json",
        ])
        .run()
        .ok()
        .json();
    assert_eq!(still["tasks"].as_array().unwrap().len(), 1);

    // Pausing a queue from its page stops claims from it; resuming restarts them.
    // A task due in an hour makes the queue known before anything is claimable from it.
    submit(&db, &["p", "--queue", "pq", "--delay", "1h"]);
    b.client.goto(&format!("{base}/queues")).await.unwrap();
    b.wait_for("tr[data-queue='pq'] button.pause", Duration::from_secs(10))
        .await;
    b.click("tr[data-queue='pq'] button.pause").await;
    b.wait_for("tr[data-queue='pq'] button.resume", Duration::from_secs(10))
        .await;
    let held = submit(&db, &["p", "--queue", "pq"]);
    let passed = submit(&db, &["p", "--queue", "default"]);
    eventually(Duration::from_secs(20), "the default queue's task", || {
        let s = status_of(&db, &passed);
        async move { (s == "completed").then_some(()) }
    })
    .await;
    assert_eq!(status_of(&db, &held), "pending");
    b.click("tr[data-queue='pq'] button.resume").await;
    eventually(Duration::from_secs(20), "the resumed queue's task", || {
        let s = status_of(&db, &held);
        async move { (s == "completed").then_some(()) }
    })
    .await;

    // Screenshots of every page, at 1280 px, at phone width, and dark.
    submit(&db, &["p", "--queue", "slow", "--metadata", "agent=gpt"]);
    for (path, name) in [
        ("/", "overview"),
        ("/tasks", "tasks"),
        ("/workers", "workers"),
        ("/queues", "queues"),
        ("/problems", "problems"),
    ] {
        b.client.goto(&format!("{base}{path}")).await.unwrap();
        b.wait_for("#live", Duration::from_secs(10)).await;
        b.shot(name).await;
    }
    b.client.set_window_size(390, 844).await.unwrap();
    b.client.goto(&format!("{base}/tasks")).await.unwrap();
    b.wait_for("#live", Duration::from_secs(10)).await;
    b.shot("tasks-phone").await;
    b.client.set_window_size(1280, 900).await.unwrap();
    b.dark(true).await;
    b.client.goto(&format!("{base}/")).await.unwrap();
    b.wait_for("#live", Duration::from_secs(10)).await;
    b.shot("overview-dark").await;
    b.dark(false).await;

    // A worker drained from its page finishes its task and exits.
    let gate2 = tempfile::tempdir().unwrap();
    let open2 = gate2.path().join("open");
    let mut w2 = spawn_worker(
        db.cmd(),
        "c2",
        &format!("while [ ! -f {} ]; do sleep 0.05; done", open2.display()),
        &["--id", "w2", "--queue", "dq"],
    );
    let dq = [
        submit(&db, &["p", "--queue", "dq"]),
        submit(&db, &["p", "--queue", "dq"]),
    ];
    eventually(Duration::from_secs(20), "a dq task to run", || {
        let s = [status_of(&db, &dq[0]), status_of(&db, &dq[1])];
        async move { s.contains(&"running".to_string()).then_some(()) }
    })
    .await;
    b.client.goto(&format!("{base}/workers")).await.unwrap();
    b.wait_for("tr[data-worker='w2'] button.drain", Duration::from_secs(10))
        .await;
    b.click("tr[data-worker='w2'] button.drain").await;
    b.wait_text("tr[data-worker='w2']", "draining", Duration::from_secs(10))
        .await;
    // The worker hears it at its next heartbeat and says it is stopping.
    eventually(Duration::from_secs(20), "w2 to stop claiming", || {
        let w = db
            .cmd()
            .args(["workers", "w2", "-o", "json"])
            .run()
            .ok()
            .json();
        async move { (w["status"] == "stopping").then_some(()) }
    })
    .await;
    std::fs::write(&open2, "").unwrap();
    assert_eq!(w2.wait(Duration::from_secs(30)).await, 0, "{}", w2.output());
    let s = [status_of(&db, &dq[0]), status_of(&db, &dq[1])];
    assert!(
        s.contains(&"completed".to_string()) && s.contains(&"pending".to_string()),
        "{s:?}"
    );
    b.assert_quiet_console("the whole run").await;
    b.client.clone().close().await.unwrap();
}

#[tokio::test]
async fn sign_in_csrf_and_the_read_only_token() {
    let db = TestDb::new().await;
    let (_serve, base) = start_serve(
        db.cmd(),
        &["--token", "op-secret", "--read-only-token", "look-secret"],
    )
    .await;
    let b = Browser::start().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Not signed in: the pages send to the sign-in form; a wrong token is refused.
    b.client
        .goto(&format!("{base}/tasks?queue=q"))
        .await
        .unwrap();
    b.wait_for("#signin", Duration::from_secs(10)).await;
    b.client
        .find(Locator::Css("#token"))
        .await
        .unwrap()
        .send_keys("wrong")
        .await
        .unwrap();
    b.click("#signin button").await;
    b.wait_for("#signin-error", Duration::from_secs(10)).await;
    // The refusal is a 401, which the console reports; nothing else may be there.
    let refused = b.console().await;
    assert!(
        refused
            .iter()
            .all(|(l, m)| l != "SEVERE" || (m.contains("/signin") && m.contains("401"))),
        "{refused:?}"
    );
    // The form keeps where it leads across the refusal.
    b.client
        .find(Locator::Css("#token"))
        .await
        .unwrap()
        .send_keys("op-secret")
        .await
        .unwrap();
    b.click("#signin button").await;
    b.wait_for("#filters", Duration::from_secs(10)).await;
    assert_eq!(
        b.client.current_url().await.unwrap().query(),
        Some("queue=q")
    );
    b.assert_quiet_console("signed-in tasks").await;
    // The cookie is out of the page's reach.
    let js_cookie = b
        .client
        .execute("return document.cookie", vec![])
        .await
        .unwrap();
    assert_eq!(js_cookie, json!(""));
    let cookie = b.session_cookie().await.expect("a session cookie");

    // Acting works from the page (it carries the CSRF token)...
    let id = submit(&db, &["p"]);
    b.client.goto(&format!("{base}/tasks/{id}")).await.unwrap();
    b.click("button.cancel").await;
    b.wait_text("#task-status", "cancelled", Duration::from_secs(10))
        .await;
    // ...and a forged POST without it, or with a wrong one, is refused and changes nothing.
    for body in ["", "csrf=forged"] {
        let r = http
            .post(format!("{base}/queues/q/pause"))
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{body:?}");
    }
    let qs = db
        .cmd()
        .args(["queues", "list", "-o", "json"])
        .run()
        .ok()
        .json();
    assert!(
        qs.as_array().unwrap().iter().all(|q| q["paused"] == false),
        "{qs}"
    );
    // The session may read the API (the pages' event streams) but not act through it.
    let r = http
        .get(format!("{base}/api/v1/tasks"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = http
        .post(format!("{base}/api/v1/queues/q/pause"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // The read-only token may look, not act.
    b.click("form.signout button").await;
    b.wait_for("#signin", Duration::from_secs(10)).await;
    b.client
        .find(Locator::Css("#token"))
        .await
        .unwrap()
        .send_keys("look-secret")
        .await
        .unwrap();
    b.click("#signin button").await;
    b.wait_for("#live", Duration::from_secs(10)).await;
    b.client.goto(&format!("{base}/tasks")).await.unwrap();
    b.wait_for("#tasks", Duration::from_secs(10)).await;
    assert!(
        b.client.find(Locator::Css("#cancel-all")).await.is_err(),
        "no bulk buttons for a viewer"
    );
    let viewer = b.session_cookie().await.unwrap();
    let csrf = b
        .client
        .find(Locator::Css("form.signout input[name='csrf']"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    let r = http
        .post(format!("{base}/tasks/{id}/retry"))
        .header("cookie", &viewer)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(status_of(&db, &id), "cancelled");
    for (method, path, want) in [
        ("GET", "/api/v1/tasks", 200),
        ("POST", "/api/v1/queues/q/pause", 403),
    ] {
        let r = http
            .request(method.parse().unwrap(), format!("{base}{path}"))
            .bearer_auth("look-secret")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), want, "{method} {path}");
    }
    b.assert_quiet_console("read-only").await;
    b.client.clone().close().await.unwrap();
}

/// An experiment submitted from the CLI: its row on the Experiments page follows its tasks to
/// the end, and its page shows the same report numbers as `aiops experiment report`.
#[tokio::test]
async fn an_experiment_and_its_report_in_the_browser() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.json");
    std::fs::write(
        &catalog,
        r#"[{"id":"det-1","task_type":"detection"},{"id":"loc-1","task_type":"localization"}]"#,
    )
    .unwrap();
    db.cmd()
        .args(["problems", "import", catalog.to_str().unwrap()])
        .run()
        .ok();
    let spec = dir.path().join("dash.toml");
    std::fs::write(
        &spec,
        r#"
name = "dash-exp"
problems = ["det-1", "loc-1"]
repeats = 2
timeout = "30s"
max_attempts = 1

[agents.a]
agent = "x:A"
model = "m1"

[agents.b]
agent = "x:B"
model = "m2"
"#,
    )
    .unwrap();
    let (_serve, base) = start_serve(db.cmd(), &[]).await;
    let b = Browser::start().await;

    // Unknown experiments are the dashboard's 404 page.
    let r = reqwest::get(format!("{base}/experiments/no-such"))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    b.client.goto(&format!("{base}/experiments")).await.unwrap();
    b.wait_for("#no-experiments", Duration::from_secs(10)).await;
    db.cmd()
        .args(["experiment", "submit", spec.to_str().unwrap()])
        .run()
        .ok();
    // Agent A answers right; agent B answers detection wrong and fails localization.
    let exec = r#"case "$AIOPS_AGENT_CONFIG" in *x:A*) AG=A;; *) AG=B;; esac
case "$AIOPS_PROBLEM_ID" in
  det-1) if [ $AG = A ]; then V='"Detection Accuracy":"Correct"'; else V='"Detection Accuracy":"Incorrect"'; fi; K=TTD;;
  loc-1) if [ $AG = B ]; then exit 1; fi; V='"success":true'; K=TTL;;
esac
echo "{\"results\":{$V,\"$K\":2.5,\"steps\":3,\"in_tokens\":100,\"out_tokens\":10}}" > $AIOPS_RESULT_FILE"#;
    let _w = spawn_worker(db.cmd(), "c1", exec, &["--concurrency", "4"]);
    // The list follows the tasks live until every one has ended.
    b.wait_text(
        "tr[data-experiment='dash-exp'] td.done",
        "8/8",
        Duration::from_secs(60),
    )
    .await;
    assert_eq!(
        b.text("tr[data-experiment='dash-exp'] td.failures").await,
        "2"
    );
    b.assert_quiet_console("/experiments").await;

    b.click("tr[data-experiment='dash-exp'] a").await;
    b.wait_for("#report", Duration::from_secs(10)).await;
    let report = db
        .cmd()
        .args(["experiment", "report", "dash-exp", "--format", "json"])
        .run()
        .ok()
        .json();
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4, "{report}");
    for row in rows {
        let sel = format!(
            "#report tr[data-agent='{}'][data-task-type='{}']",
            row["group"]["agent"].as_str().unwrap(),
            row["group"]["task_type"].as_str().unwrap()
        );
        assert_eq!(
            b.text(&format!("{sel} td.runs")).await,
            row["runs"].to_string(),
            "{sel}"
        );
        assert_eq!(
            b.text(&format!("{sel} td.infra")).await,
            row["infra_failures"].to_string(),
            "{sel}"
        );
        let acc = row["accuracy"].as_f64().unwrap();
        assert_eq!(
            b.text(&format!("{sel} td.accuracy")).await,
            format!("{:.1} %", acc * 100.0),
            "{sel}"
        );
        let shown: f64 = b
            .client
            .find(Locator::Css(&format!("{sel} td.accuracy")))
            .await
            .unwrap()
            .attr("data-value")
            .await
            .unwrap()
            .unwrap()
            .parse()
            .unwrap();
        assert!((shown - acc).abs() < 1e-9, "{sel}: {shown} vs {acc}");
    }
    let treatment = b.text("#treatment").await;
    for t in report["treatment"].as_array().unwrap() {
        assert!(treatment.contains(t.as_str().unwrap()), "{treatment}");
    }
    b.shot("experiments").await;
    // At phone width and dark, the tables scroll inside the page.
    b.client.set_window_size(390, 844).await.unwrap();
    b.dark(true).await;
    b.shot("experiments-phone-dark").await;
    b.client.set_window_size(1280, 900).await.unwrap();
    b.dark(false).await;
    b.assert_quiet_console("experiment page").await;

    // Its tasks link opens the task list filtered by the experiment's tag.
    b.click("#experiment-tasks").await;
    b.wait_for("#tasks", Duration::from_secs(10)).await;
    let listed = b
        .client
        .find_all(Locator::Css("#tasks tbody tr"))
        .await
        .unwrap();
    assert_eq!(listed.len(), 8);
    b.assert_quiet_console("the experiment's tasks").await;
    b.client.clone().close().await.unwrap();
}
