//! Behind PgBouncer (Debian's `pgbouncer`, which `scripts/test` installs): in session mode
//! everything works; in transaction mode workers and the CLI refuse with one line saying why,
//! because aiops needs session connections (named prepared statements, LISTEN, advisory locks).

use std::path::PathBuf;
use std::time::Duration;

use crate::support::{eventually, Cmd, TestDb};

/// A PgBouncer in front of the test server, stopped on drop.
struct Bouncer {
    dir: tempfile::TempDir,
    port: u16,
}

fn pgbouncer_binary() -> PathBuf {
    ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("no pgbouncer: run the suite with scripts/test, which installs it (Debian: apt-get install pgbouncer)")
}

impl Bouncer {
    /// Start PgBouncer in `mode`; `ignore` is its `ignore_startup_parameters`.
    async fn start(mode: &str, ignore: &str) -> Bouncer {
        let target = url::Url::parse(&std::env::var("DATABASE_URL").unwrap()).unwrap();
        let host = target
            .query_pairs()
            .find(|(k, _)| k == "host")
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| target.host_str().unwrap_or("127.0.0.1").to_string());
        let port = target.port().unwrap_or(5432);
        let user = match target.username() {
            "" => "postgres",
            u => u,
        };
        let listen = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::Builder::new()
            .prefix("aiops-pgb")
            .tempdir_in("/tmp")
            .unwrap();
        let d = dir.path().display();
        std::fs::write(dir.path().join("users.txt"), format!("\"{user}\" \"\"\n")).unwrap();
        std::fs::write(
            dir.path().join("pgbouncer.ini"),
            format!(
                "[databases]\n* = host={host} port={port}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\n\
                 listen_port = {listen}\nauth_type = trust\nauth_file = {d}/users.txt\n\
                 pool_mode = {mode}\nignore_startup_parameters = {ignore}\nunix_socket_dir =\n\
                 logfile = {d}/pgbouncer.log\npidfile = {d}/pgbouncer.pid\n"
            ),
        )
        .unwrap();
        let mut cmd = std::process::Command::new(pgbouncer_binary());
        if nix::unistd::geteuid().is_root() {
            // PgBouncer refuses to run as root.
            let pg = nix::unistd::User::from_name("postgres").unwrap().unwrap();
            for f in ["", "users.txt", "pgbouncer.ini"] {
                nix::unistd::chown(&dir.path().join(f), Some(pg.uid), Some(pg.gid)).unwrap();
            }
            cmd = std::process::Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(pgbouncer_binary());
        }
        let status = cmd
            .arg("-d")
            .arg(dir.path().join("pgbouncer.ini"))
            .status()
            .unwrap();
        assert!(status.success(), "pgbouncer did not start");
        eventually(Duration::from_secs(10), "pgbouncer to listen", || async {
            std::net::TcpStream::connect(("127.0.0.1", listen))
                .ok()
                .map(drop)
        })
        .await;
        Bouncer { dir, port: listen }
    }

    /// The URL of database `db` through the pooler.
    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        if let Some(pid) = std::fs::read_to_string(self.dir.path().join("pgbouncer.pid"))
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
        {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGINT,
            );
        }
    }
}

fn db_name(db: &TestDb) -> String {
    let u = url::Url::parse(&db.url).unwrap();
    u.path().trim_start_matches('/').to_string()
}

#[tokio::test]
async fn in_transaction_mode_workers_and_the_cli_refuse_with_the_reason() {
    let db = TestDb::new().await;
    let pgb = Bouncer::start("transaction", "extra_float_digits,options").await;
    let url = pgb.url(&db_name(&db));
    // A worker refuses at start, whatever its first statements met.
    let started = std::time::Instant::now();
    Cmd::new()
        .args(["--database-url", &url, "worker", "run", "--cluster", "pgb"])
        .args(["--backend", "none", "--exec", "true"])
        .run()
        .code(2)
        .error_line(&["pool_mode=transaction", "session connections"]);
    assert!(started.elapsed() < Duration::from_secs(20));
    // Each CLI command either works or refuses with the same line; none fails otherwise.
    let mut refused = 0;
    for _ in 0..6 {
        let run = Cmd::new().args(["--database-url", &url, "status"]).run();
        if run.code != 0 {
            refused += 1;
            run.code(2).error_line(&["pool_mode=transaction"]);
        }
    }
    assert!(
        refused > 0,
        "six commands through transaction pooling all passed"
    );
}

#[tokio::test]
async fn a_pooler_that_refuses_startup_parameters_is_named() {
    let db = TestDb::new().await;
    let pgb = Bouncer::start("session", "").await;
    Cmd::new()
        .args(["--database-url", &pgb.url(&db_name(&db)), "status"])
        .run()
        .code(2)
        .error_line(&["extra_float_digits", "ignore_startup_parameters"]);
}

#[tokio::test]
async fn in_session_mode_a_worker_runs_tasks_through_it() {
    let db = TestDb::new().await;
    let pgb = Bouncer::start("session", "extra_float_digits,options").await;
    let url = pgb.url(&db_name(&db));
    let id = Cmd::new()
        .args(["--database-url", &url, "submit", "p"])
        .run()
        .ok()
        .out()
        .to_string();
    Cmd::new()
        .args([
            "--database-url",
            &url,
            "worker",
            "run",
            "--cluster",
            "pgb-s",
        ])
        .args([
            "--backend",
            "none",
            "--exec",
            "echo through the pooler",
            "--drain",
        ])
        .run()
        .ok();
    let t = db
        .cmd()
        .args(["status", &id, "-o", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(t["status"], "completed", "{t}");
}
