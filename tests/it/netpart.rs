//! A worker cut off from the database by a network partition: worker A runs in a network
//! namespace and reaches PostgreSQL over a veth pair; the test drops every packet on both ends
//! (silent loss, no RST, as when a cable or a switch dies) while A holds two tasks. Its tasks
//! must be rescued by worker B, its executor stopped once the lease has passed, its late writes
//! refused; when the link comes back A must rejoin and work again.
//!
//! Needs root and iproute2 (`ip`, `tc`). Without them the test fails when `CI` is set and is
//! skipped (with a notice) otherwise.

use std::process::Command;
use std::time::Duration;

use aiops::task::{TaskId, TaskStatus};
use rand::Rng;

use crate::support::{eventually, pid_alive, spawn_worker, Cmd, PrivatePg};

/// Run `ip`/`tc`, returning its stderr on failure.
fn run(program: &str, args: &[&str]) -> Result<(), String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A network namespace joined to the host by a veth pair with a /30 of its own; removed (with
/// both veth ends) when dropped, also on panic.
struct Partition {
    ns: String,
    host_if: String,
    ns_if: String,
    host_addr: String,
    ns_addr: String,
    cidr: String,
    /// True when the link was cut by taking the host end down (no `blackhole` qdisc).
    cut_by_link_down: std::cell::Cell<bool>,
}

impl Partition {
    /// `Ok(None)`: not allowed here (not root, no iproute2) and not in CI, so skip.
    fn create() -> Result<Option<Partition>, String> {
        let mut rng = rand::thread_rng();
        let tag = format!("{:06x}", rng.gen_range(0..0x100_0000u32));
        let ns = format!("aiops-np-{tag}");
        if let Err(e) = run("ip", &["netns", "add", &ns]) {
            let why = format!(
                "the network-partition test needs root and iproute2 (`ip netns add` was refused: {e}); \
                 run it as root with iproute2 installed (apt-get install iproute2)"
            );
            if std::env::var_os("CI").is_some() {
                return Err(why);
            }
            eprintln!("skipped: {why}");
            return Ok(None);
        }
        // A /30 from 10.213.0.0/16 nobody on this host uses yet.
        let used = Command::new("ip")
            .args(["-o", "addr"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let (a, b) = loop {
            let (a, b) = (rng.gen_range(0..=255u8), rng.gen_range(0..64u8) * 4);
            if !used.contains(&format!("10.213.{a}.{} ", b + 1))
                && !used.contains(&format!("10.213.{a}.{}/", b + 1))
            {
                break (a, b);
            }
        };
        let p = Partition {
            host_if: format!("anh{tag}"),
            ns_if: format!("ann{tag}"),
            host_addr: format!("10.213.{a}.{}", b + 1),
            ns_addr: format!("10.213.{a}.{}", b + 2),
            cidr: format!("10.213.{a}.{b}/30"),
            cut_by_link_down: std::cell::Cell::new(false),
            ns,
        };
        let ns_addr = format!("{}/30", p.ns_addr);
        let host_addr = format!("{}/30", p.host_addr);
        run(
            "ip",
            &[
                "link", "add", &p.host_if, "type", "veth", "peer", "name", &p.ns_if, "netns", &p.ns,
            ],
        )?;
        run("ip", &["addr", "add", &host_addr, "dev", &p.host_if])?;
        run("ip", &["link", "set", &p.host_if, "up"])?;
        run(
            "ip",
            &["-n", &p.ns, "addr", "add", &ns_addr, "dev", &p.ns_if],
        )?;
        run("ip", &["-n", &p.ns, "link", "set", &p.ns_if, "up"])?;
        run("ip", &["-n", &p.ns, "link", "set", "lo", "up"])?;
        Ok(Some(p))
    }

    /// Drop every packet in both directions without telling anyone: a `blackhole` qdisc on
    /// both ends (the links stay up, nothing answers, no RST). Kernels without it: the host end
    /// goes down instead.
    fn cut(&self) {
        let host = run(
            "tc",
            &[
                "qdisc",
                "replace",
                "dev",
                &self.host_if,
                "root",
                "blackhole",
            ],
        );
        let inner = run(
            "tc",
            &[
                "-n",
                &self.ns,
                "qdisc",
                "replace",
                "dev",
                &self.ns_if,
                "root",
                "blackhole",
            ],
        );
        if host.is_err() || inner.is_err() {
            eprintln!("no blackhole qdisc ({host:?}, {inner:?}): taking the link down instead");
            self.cut_by_link_down.set(true);
            run("ip", &["link", "set", &self.host_if, "down"]).unwrap();
        }
    }

    /// Make the host forget its TCP connections with the namespace (`ss -K`, which sends an RST
    /// that a cut link loses).
    fn forget_peer(&self) {
        if let Err(e) = run(
            "ss",
            &["-K", "-t", "src", &self.host_addr, "dst", &self.ns_addr],
        ) {
            eprintln!("`ss -K` is not available ({e}): the server only closes the connections");
        }
    }

    fn heal(&self) {
        if self.cut_by_link_down.get() {
            run("ip", &["link", "set", &self.host_if, "up"]).unwrap();
        } else {
            run("tc", &["qdisc", "del", "dev", &self.host_if, "root"]).unwrap();
            run(
                "tc",
                &["-n", &self.ns, "qdisc", "del", "dev", &self.ns_if, "root"],
            )
            .unwrap();
        }
    }

    /// A command run inside the namespace.
    fn wrap(&self, cmd: Cmd) -> Cmd {
        cmd.wrap(["ip", "netns", "exec", &self.ns])
    }
}

impl Drop for Partition {
    fn drop(&mut self) {
        let _ = run("ip", &["link", "del", &self.host_if]);
        let _ = run("ip", &["netns", "del", &self.ns]);
    }
}

async fn task(pool: &sqlx::PgPool, id: &str) -> aiops::task::Task {
    aiops::queue::get(pool, TaskId(id.parse().unwrap()))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_partitioned_worker_is_fenced_rescued_and_rejoins() {
    let net = match Partition::create() {
        Ok(Some(p)) => p,
        Ok(None) => return,
        Err(e) => panic!("{e}"),
    };
    let pg = PrivatePg::start().await;
    let tcp_url = pg.listen_on(&net.host_addr, &net.cidr).await;
    let pool = pg.pool().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    // Worker A's executor: `long` runs until stopped; `gated` waits for the gate (opened once
    // the link is cut), prints lines and succeeds, so its log lines and its completion can only
    // reach the database late; anything else succeeds at once.
    let a_exec = format!(
        "echo $$ > {d}/$AIOPS_PROBLEM_ID.$AIOPS_ATTEMPT.pid; \
         case $AIOPS_PROBLEM_ID in \
           long) exec sleep 300 ;; \
           gated) while [ ! -e {d}/gate ]; do sleep 0.05; done; \
                  for i in 1 2 3 4 5 6 7 8 9 10; do echo late line $i; done ;; \
         esac; \
         echo '{{\"by\":\"A\"}}' > $AIOPS_RESULT_FILE"
    );
    let b_exec = "echo '{\"by\":\"B\"}' > $AIOPS_RESULT_FILE";
    let submit = |problem: &str, queue: &str| {
        pg.cmd()
            .args(["submit", problem, "--queue", queue, "--max-attempts", "3"])
            .run()
            .ok()
            .out()
            .to_string()
    };
    let long = submit("long", "default");
    let gated = submit("gated", "default");

    // A serves `default` and `only-a`, over TCP from inside the namespace; 1 s heartbeats, so
    // its leases last 3 s. No polling backstop: after the outage it must hear submits again.
    let mut a = spawn_worker(
        net.wrap(Cmd::new().env("AIOPS_DATABASE_URL", &tcp_url)),
        "np-a",
        &a_exec,
        &[
            "--concurrency",
            "2",
            "--queue",
            "default",
            "--queue",
            "only-a",
            "--poll",
            "1h",
        ],
    );
    let pid_of = |name: &str| {
        let path = dir.path().join(name);
        async move {
            std::fs::read_to_string(path)
                .ok()
                .and_then(|s| s.trim().parse::<i32>().ok())
        }
    };
    let long_pid = eventually(Duration::from_secs(30), "A running `long`", || {
        pid_of("long.1.pid")
    })
    .await;
    eventually(Duration::from_secs(30), "A running `gated`", || {
        pid_of("gated.1.pid")
    })
    .await;
    for id in [&long, &gated] {
        let t = task(&pool, id).await;
        assert_eq!(
            (t.status, t.worker_id.as_deref(), t.attempt),
            (TaskStatus::Running, Some("np-a"), 1),
            "{}",
            a.output()
        );
    }
    // B serves `default` through the unix socket; nothing is claimable for it yet.
    let mut b = spawn_worker(pg.cmd(), "np-b", b_exec, &[]);
    eventually(Duration::from_secs(30), "B registered", || async {
        aiops::queue::get_worker(&pool, "np-b").await.ok()
    })
    .await;

    net.cut();
    // `gated` finishes while A cannot reach the database: its lines and its completion are
    // stuck on the dead link.
    std::fs::write(dir.path().join("gate"), "").unwrap();

    // Cut off for longer than its 3 s lease, A stops the executor of `long` by itself.
    eventually(
        Duration::from_secs(30),
        "A to stop its executor after the lease",
        || async { (!pid_alive(long_pid)).then_some(()) },
    )
    .await;
    // B rescues both tasks (the lost attempt counts) and completes them.
    for id in [&long, &gated] {
        let t = eventually(
            Duration::from_secs(60),
            "B to complete the task",
            || async {
                let t = task(&pool, id).await;
                (t.status == TaskStatus::Completed).then_some(t)
            },
        )
        .await;
        assert_eq!(
            (t.worker_id.as_deref(), t.attempt),
            (Some("np-b"), 2),
            "rescued and run again by B"
        );
        assert_eq!(t.result, Some(serde_json::json!({"by": "B"})));
    }
    // Still cut off, A ends the attempt of `gated` (rather than waiting on the dead connection
    // for as long as TCP keeps retrying), which frees its slot: it gives up recording the
    // outcome, or, when the lease ran out before the executor finished, stops it.
    let ended = tokio::time::timeout(Duration::from_secs(60), async {
        while !a.output().lines().any(|l| {
            l.contains(gated.as_str())
                && (l.contains("gave up recording the outcome")
                    || l.contains("lost the task's lease"))
        }) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "A did not end its attempt of `gated` within 60 s; its output:\n{}",
        a.output()
    );

    // Meanwhile the server gives up on A (as its TCP keepalive would, or a firewall forgetting
    // the flow): its sockets vanish, and their RSTs are lost on the dead link, so A's idle
    // connections, LISTEN included, will never hear of it.
    net.forget_peer();
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE client_addr = $1::inet",
    )
    .bind(&net.ns_addr)
    .execute(&pool)
    .await
    .unwrap();
    net.heal();
    let (healed_at,): (chrono::DateTime<chrono::Utc>,) = sqlx::query_as("SELECT now()")
        .fetch_one(&pool)
        .await
        .unwrap();
    // A rejoins: its heartbeat resumes, and it claims and completes work meant only for it.
    eventually(
        Duration::from_secs(60),
        "A's heartbeat to resume",
        || async {
            let w = aiops::queue::get_worker(&pool, "np-a").await.ok()?;
            (w.last_heartbeat > healed_at && w.status != aiops::queue::WorkerStatus::Offline)
                .then_some(())
        },
    )
    .await;
    // Both of its slots are free again: two tasks that only A may run, then one more once it is
    // idle (without polling, only a live LISTEN connection wakes it).
    let both = [submit("fresh", "only-a"), submit("fresh", "only-a")];
    let mut fresh_tasks: Vec<String> = both.to_vec();
    for fresh in &both {
        eventually(
            Duration::from_secs(60),
            "A to run the first two",
            || async { (task(&pool, fresh).await.status == TaskStatus::Completed).then_some(()) },
        )
        .await;
    }
    fresh_tasks.push(submit("fresh", "only-a"));
    for fresh in fresh_tasks {
        let t = eventually(
            Duration::from_secs(60),
            "A to complete a new task",
            || async {
                let t = task(&pool, &fresh).await;
                (t.status == TaskStatus::Completed).then_some(t)
            },
        )
        .await;
        assert_eq!((t.worker_id.as_deref(), t.attempt), (Some("np-a"), 1));
        assert_eq!(t.result, Some(serde_json::json!({"by": "A"})));
    }

    // A's late writes were refused: B's outcomes stand, and nothing A produced for attempt 1 of
    // `gated` after the cut reached its log.
    for id in [&long, &gated] {
        let t = task(&pool, id).await;
        assert_eq!(
            (t.status, t.worker_id.as_deref(), t.attempt),
            (TaskStatus::Completed, Some("np-b"), 2)
        );
        assert_eq!(t.result, Some(serde_json::json!({"by": "B"})));
    }
    let (late,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM task_logs WHERE task_id = $1::uuid AND attempt = 1 \
         AND (message LIKE 'late line%' OR message LIKE 'attempt 1 completed%')",
    )
    .bind(&gated)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(late, 0, "A's late log lines were refused");
    // The workers' counters reconcile: only applied completions count.
    let counters: Vec<(String, i64)> =
        sqlx::query_as("SELECT id, tasks_completed::int8 FROM workers ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        counters,
        vec![("np-a".to_string(), 3), ("np-b".to_string(), 2)],
        "{}",
        a.output()
    );

    for (name, w) in [("A", &mut a), ("B", &mut b)] {
        w.signal("TERM");
        let code = w.wait(Duration::from_secs(30)).await;
        assert_eq!(code, 0, "worker {name}:\n{}", w.output());
        assert!(!w.output().contains("panicked"), "{}", w.output());
    }
}
