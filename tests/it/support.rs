//! Test support: a fresh database per test, and a builder that runs the real binary.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::ConnectOptions;

/// A database of its own for one test, with the schema applied.
pub struct TestDb {
    pub url: String,
    pub pool: PgPool,
}

fn admin_url() -> String {
    std::env::var("DATABASE_URL").expect(
        "DATABASE_URL is not set: run the suite with ./scripts/test, which starts a throwaway PostgreSQL",
    )
}

impl TestDb {
    /// Create `aiops_t_<random>` and apply migrations.
    pub async fn new() -> TestDb {
        let admin: PgConnectOptions = admin_url().parse().expect("DATABASE_URL parses");
        let name = format!("aiops_t_{}", uuid::Uuid::now_v7().simple());
        let mut conn = admin.connect().await.expect("connect to DATABASE_URL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let opts = admin.clone().database(&name);
        let url = url_for(&admin_url(), &name);
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .connect_with(opts)
            .await
            .expect("connect to test database");
        aiops::db::migrate(&pool).await.expect("migrate");
        TestDb { url, pool }
    }

    /// Run the real binary against this database.
    pub fn cmd(&self) -> Cmd {
        Cmd::new().env("AIOPS_DATABASE_URL", &self.url)
    }

    /// Count tasks, for "nothing was written" checks.
    pub async fn task_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM tasks")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

/// Replace the database name in a URL (keeping query parameters such as `host=`).
pub fn url_for(base: &str, db: &str) -> String {
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (base, None),
    };
    let scheme_end = head.find("://").map(|i| i + 3).unwrap_or(0);
    let head = match head[scheme_end..].find('/') {
        Some(i) => &head[..scheme_end + i],
        None => head,
    };
    match query {
        Some(q) => format!("{head}/{db}?{q}"),
        None => format!("{head}/{db}"),
    }
}

/// A run of the `aiops` binary, built up like a shell command line.
pub struct Cmd {
    wrapper: Vec<String>,
    args: Vec<String>,
    env: HashMap<String, String>,
    remove_env: Vec<String>,
    stdin: Option<Vec<u8>>,
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Assert the exit code, showing the output when it differs.
    #[track_caller]
    pub fn code(self, expected: i32) -> Run {
        assert_eq!(
            self.code, expected,
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Assert success.
    #[track_caller]
    pub fn ok(self) -> Run {
        self.code(0)
    }

    /// Assert the error is one line containing every fragment.
    #[track_caller]
    pub fn error_line(self, fragments: &[&str]) -> Run {
        let lines: Vec<&str> = self.stderr.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines.len(),
            1,
            "one error line expected, got:\n{}",
            self.stderr
        );
        assert!(lines[0].starts_with("error: "), "{}", lines[0]);
        for f in fragments {
            assert!(lines[0].contains(f), "{f:?} not in {:?}", lines[0]);
        }
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        self
    }

    /// stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// stdout trimmed.
    pub fn out(&self) -> &str {
        self.stdout.trim()
    }
}

impl Cmd {
    pub fn new() -> Cmd {
        Cmd {
            wrapper: Vec::new(),
            args: Vec::new(),
            env: HashMap::new(),
            remove_env: vec![
                "DATABASE_URL".into(),
                "AIOPS_DATABASE_URL".into(),
                "AIOPS_LOG".into(),
                "RUST_LOG".into(),
            ],
            stdin: None,
        }
    }

    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.args
            .extend(args.into_iter().map(|s| s.as_ref().to_string()));
        self
    }

    pub fn arg(mut self, a: impl AsRef<str>) -> Cmd {
        self.args.push(a.as_ref().to_string());
        self
    }

    pub fn env(mut self, k: &str, v: impl AsRef<str>) -> Cmd {
        self.remove_env.retain(|r| r != k);
        self.env.insert(k.to_string(), v.as_ref().to_string());
        self
    }

    /// Run the binary through another program, e.g. `ip netns exec NS` (which execs it, so the
    /// pid stays the binary's).
    pub fn wrap<I, S>(mut self, prefix: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.wrapper = prefix.into_iter().map(|s| s.as_ref().to_string()).collect();
        self
    }

    /// `submit --from -` with these JSON Lines piped in, as a user feeds a file; it must
    /// succeed (its stdout holds one task id a line).
    pub fn submit_jsonl(self, lines: String) -> Run {
        self.args(["submit", "--from", "-"]).stdin(lines).run().ok()
    }

    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> Cmd {
        self.stdin = Some(data.into());
        self
    }

    /// The std Command, for tests that manage the child themselves.
    pub fn command(&self) -> Command {
        let mut c = match self.wrapper.split_first() {
            Some((program, rest)) => {
                let mut c = Command::new(program);
                c.args(rest).arg(env!("CARGO_BIN_EXE_aiops"));
                c
            }
            None => Command::new(env!("CARGO_BIN_EXE_aiops")),
        };
        c.args(&self.args);
        for k in &self.remove_env {
            c.env_remove(k);
        }
        c.envs(&self.env);
        c
    }

    /// Run to completion (bounded: a hung binary fails the test instead of hanging it).
    pub fn run(self) -> Run {
        let mut c = self.command();
        c.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = c.spawn().expect("spawn aiops");
        if let Some(data) = self.stdin {
            let mut sin = child.stdin.take().unwrap();
            std::thread::spawn(move || {
                let _ = sin.write_all(&data);
            });
        }
        let out: Output = wait_bounded(child, Duration::from_secs(120));
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

fn wait_bounded(child: std::process::Child, limit: Duration) -> Output {
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.expect("wait for aiops"),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("aiops did not finish within {limit:?}");
        }
    }
}

/// Poll `check` until it returns Some, or fail after `limit`.
pub async fn eventually<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if start.elapsed() > limit {
            panic!("timed out after {limit:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Sessions registered as task watchers ([`aiops::watch`]), by pid.
pub async fn watcher_pids(pool: &PgPool) -> Vec<i32> {
    sqlx::query_scalar("SELECT pid FROM task_watchers ORDER BY pid")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Wait until exactly one session watches; its pid.
pub async fn one_watcher(pool: &PgPool, what: &str) -> i32 {
    eventually(Duration::from_secs(20), what, || async {
        let pids = watcher_pids(pool).await;
        (pids.len() == 1).then(|| pids[0])
    })
    .await
}

/// Terminate the watching session `pid` and wait until another session of the same watcher
/// watches in its place (the lost one's registration forgotten).
pub async fn lose_watch_and_await_another(pool: &PgPool, pid: i32) {
    sqlx::query("SELECT pg_terminate_backend($1)")
        .bind(pid)
        .execute(pool)
        .await
        .unwrap();
    eventually(
        Duration::from_secs(20),
        "a watch from a new session",
        || async {
            aiops::watch::forget_gone(pool).await.unwrap();
            let pids = watcher_pids(pool).await;
            (pids.len() == 1 && pids[0] != pid).then_some(())
        },
    )
    .await;
}

/// A background `aiops` process (a worker or a server), killed when dropped.
pub struct Proc {
    pub child: std::process::Child,
    pub log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Cmd {
    /// Start in the background with output going to a file (read it with [`Proc::output`]).
    pub fn spawn(self) -> Proc {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("out.log");
        let f = std::fs::File::create(&log).unwrap();
        let mut c = self.command();
        c.stdin(Stdio::null())
            .stdout(f.try_clone().unwrap())
            .stderr(f);
        Proc {
            child: c.spawn().expect("spawn aiops"),
            log,
            _dir: dir,
        }
    }
}

impl Proc {
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Send a signal by name (TERM, INT, KILL).
    pub fn signal(&self, sig: &str) {
        let s = Command::new("kill")
            .args([&format!("-{sig}"), &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(s.success());
    }

    /// What it printed so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Wait for exit (bounded); returns the exit code.
    pub async fn wait(&mut self, limit: Duration) -> i32 {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st.code().unwrap_or(-1);
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                panic!(
                    "process did not exit within {limit:?}; output:\n{}",
                    self.output()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An `--exec` command whose first attempt starts `sleep 120` in the background of its process
/// group, writes that child's pid to `pidfile` and waits for it; later attempts end at once.
pub fn first_attempt_hangs(pidfile: &Path) -> String {
    format!(
        "if [ $AIOPS_ATTEMPT = 1 ]; then sleep 120 & echo $! > {}; wait; fi",
        pidfile.display()
    )
}

/// The pid [`first_attempt_hangs`] wrote, once it did.
pub async fn hanging_child(pidfile: &Path) -> i32 {
    eventually(Duration::from_secs(20), "attempt 1 running", || async {
        std::fs::read_to_string(pidfile)
            .ok()
            .and_then(|s| s.trim().parse().ok())
    })
    .await
}

/// True while a process with this pid exists and is not a zombie.
pub fn pid_alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .next();
            state != Some("Z")
        }
        Err(_) => false,
    }
}

/// Path of a test fixture.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// A PostgreSQL of this test's own, which the test may stop and start.
pub struct PrivatePg {
    emb: aiops::db::embedded::Embedded,
    dir: PathBuf,
}

impl PrivatePg {
    pub async fn start() -> PrivatePg {
        let dir = PathBuf::from(format!("/tmp/aiops-it-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let emb = aiops::db::embedded::Embedded::at(dir.join("pg")).unwrap();
        let e = emb.clone();
        tokio::task::spawn_blocking(move || e.ensure_running())
            .await
            .unwrap()
            .unwrap();
        PrivatePg { emb, dir }
    }

    pub fn url(&self) -> String {
        self.emb.url()
    }

    pub fn cmd(&self) -> Cmd {
        Cmd::new().env("AIOPS_DATABASE_URL", self.url())
    }

    pub async fn stop(&self) {
        let e = self.emb.clone();
        tokio::task::spawn_blocking(move || e.stop())
            .await
            .unwrap()
            .unwrap();
    }

    pub async fn restart(&self) {
        let e = self.emb.clone();
        tokio::task::spawn_blocking(move || e.start())
            .await
            .unwrap()
            .unwrap();
    }

    /// Also listen on TCP at `addr` (the embedded instance is unix-socket only), trusting
    /// clients from `cidr`; restarts the server. Returns the TCP URL.
    pub async fn listen_on(&self, addr: &str, cidr: &str) -> String {
        let hba = self.emb.data_dir().join("pg_hba.conf");
        let mut f = std::fs::OpenOptions::new().append(true).open(&hba).unwrap();
        writeln!(f, "host all all {cidr} trust").unwrap();
        drop(f);
        let pool = self.pool().await;
        // postgresql.auto.conf is read last, so this wins over the instance's own settings.
        sqlx::query(&format!("ALTER SYSTEM SET listen_addresses = '{addr}'"))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        self.stop().await;
        self.restart().await;
        format!("postgres://aiops@{addr}:5432/aiops")
    }

    pub async fn pool(&self) -> sqlx::PgPool {
        aiops::db::connect(&self.url(), &aiops::db::PoolConfig::default())
            .await
            .unwrap()
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        let _ = self.emb.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl PrivatePg {
    /// Kill the postmaster and its backends with SIGKILL: a crash of the server, not a
    /// shutdown (a new postmaster will not start while orphaned backends hold shared memory).
    pub fn kill_postmaster(&self) {
        let pidfile = self.emb.data_dir().join("postmaster.pid");
        let pid: i32 = std::fs::read_to_string(pidfile)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        let _ = Command::new("pkill")
            .args(["-9", "-P", &pid.to_string()])
            .status();
        // Wait until it is reaped, not just dead: pg_ctl takes a zombie for a live server.
        let start = Instant::now();
        while std::path::Path::new(&format!("/proc/{pid}")).exists()
            && start.elapsed() < Duration::from_secs(10)
        {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// `aiops worker run` with no cluster running `sh -c EXEC`, quick polls and kill grace, and 1 s
/// heartbeats (3 s leases: short, yet long enough that a loaded test machine does not lose
/// leases by accident) unless `extra` sets `--heartbeat` (likewise `--poll`, `--kill-grace`).
pub fn spawn_worker(cmd: Cmd, cluster: &str, exec: &str, extra: &[&str]) -> Proc {
    let mut cmd = cmd.args([
        "worker",
        "run",
        "--cluster",
        cluster,
        "--backend",
        "none",
        "--exec",
        exec,
    ]);
    for (flag, default) in [
        ("--heartbeat", "1s"),
        ("--poll", "200ms"),
        ("--kill-grace", "300ms"),
    ] {
        if !extra.contains(&flag) {
            cmd = cmd.args([flag, default]);
        }
    }
    cmd.args(extra).spawn()
}

/// The setup of a property test over a real database: a runtime to block on, a fresh database,
/// and a runner for `cases` cases that persists no failures (each case writes to the database,
/// so a replayed seed would not reproduce it anyway).
pub fn db_property(
    cases: u32,
) -> (
    tokio::runtime::Runtime,
    TestDb,
    proptest::test_runner::TestRunner,
) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let db = rt.block_on(TestDb::new());
    let config = proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    };
    (rt, db, proptest::test_runner::TestRunner::new(config))
}
