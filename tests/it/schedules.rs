//! Schedules through the real binary: with three workers and a `serve` standing for election,
//! every tick fires exactly once, and killing the maintainer between ticks neither skips nor
//! doubles one.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::support::{eventually, spawn_worker, Proc, TestDb};

type Fire = (DateTime<Utc>, Option<String>, i32);

async fn fires(db: &TestDb) -> Vec<Fire> {
    sqlx::query_as(
        "SELECT tick, experiment, skipped FROM schedule_fires WHERE schedule = 'every5' ORDER BY tick",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn each_tick_fires_once_across_processes_and_maintainer_deaths() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.json");
    std::fs::write(&catalog, r#"[{"id":"p1","task_type":"detection"}]"#).unwrap();
    db.cmd()
        .args(["problems", "import", catalog.to_str().unwrap()])
        .run()
        .ok();
    let spec = dir.path().join("spec.toml");
    std::fs::write(
        &spec,
        "name = \"tick\"\nproblems = [\"p1\"]\nmax_attempts = 1\n[agents.a]\nagent = \"x:A\"\n",
    )
    .unwrap();
    let mut procs: Vec<Proc> = (0..3)
        .map(|i| {
            spawn_worker(
                db.cmd(),
                &format!("sched-{i}"),
                "echo '{}' > $AIOPS_RESULT_FILE",
                &[],
            )
        })
        .collect();
    procs.push(db.cmd().args(["serve", "--bind", "127.0.0.1:0"]).spawn());
    db.cmd()
        .args([
            "schedule",
            "add",
            "every5",
            "--cron",
            "*/5 * * * * *",
            "--experiment",
            spec.to_str().unwrap(),
        ])
        .run()
        .ok();

    eventually(Duration::from_secs(40), "three fires", || async {
        (fires(&db).await.len() >= 3).then_some(())
    })
    .await;
    // Between ticks: kill whichever process maintains, right after a fire.
    let who = aiops::queue::maintainer(&db.pool).await.unwrap().unwrap();
    let pid: i32 = who
        .rsplit_once("pid ")
        .and_then(|(_, p)| p.trim_end_matches(')').parse().ok())
        .unwrap_or_else(|| panic!("no pid in {who}"));
    let victim = procs
        .iter_mut()
        .find(|p| p.pid() == pid)
        .unwrap_or_else(|| panic!("the maintainer {who} is not one of ours"));
    victim.signal("KILL");
    victim.wait(Duration::from_secs(10)).await;
    let killed_after = fires(&db).await.len();
    eventually(Duration::from_secs(40), "three more fires", || async {
        (fires(&db).await.len() >= killed_after + 3).then_some(())
    })
    .await;
    db.cmd().args(["schedule", "pause", "every5"]).run().ok();

    let all = fires(&db).await;
    for pair in all.windows(2) {
        assert_eq!(
            (pair[1].0 - pair[0].0).num_seconds(),
            5,
            "consecutive ticks, none skipped: {all:?}"
        );
    }
    assert!(all.iter().all(|f| f.2 == 0), "nothing skipped: {all:?}");
    // One experiment per fire, named by its tick, each with its one task.
    for (tick, experiment, _) in &all {
        let name = format!("tick-{}", tick.format("%Y%m%dT%H%M%SZ"));
        assert_eq!(experiment.as_deref(), Some(name.as_str()));
    }
    let per_experiment: Vec<(String, i64)> = sqlx::query_as(
        "SELECT metadata ->> 'experiment', count(*) FROM tasks GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert!(per_experiment.len() >= all.len(), "{per_experiment:?}");
    assert!(
        per_experiment.iter().all(|(_, n)| *n == 1),
        "{per_experiment:?}"
    );
    let experiments: i64 =
        sqlx::query_scalar("SELECT count(*) FROM experiments WHERE schedule = 'every5'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(experiments as usize, per_experiment.len());
}

#[tokio::test]
async fn schedules_are_added_paused_resumed_and_deleted() {
    let db = TestDb::new().await;
    let added = db
        .cmd()
        .args([
            "-o",
            "json",
            "schedule",
            "add",
            "nightly",
            "--cron",
            "0 3 * * *",
            "--tz",
            "Europe/Paris",
            "--task",
            r#"{"problem_id":"p1"}"#,
        ])
        .run()
        .ok()
        .json();
    let next: DateTime<Utc> = added["next_tick"].as_str().unwrap().parse().unwrap();
    let paris = next.with_timezone(&chrono_tz::Europe::Paris);
    assert_eq!(paris.format("%H:%M:%S").to_string(), "03:00:00");
    db.cmd()
        .args([
            "schedule",
            "add",
            "nightly",
            "--cron",
            "0 3 * * *",
            "--task",
            r#"{"problem_id":"p1"}"#,
        ])
        .run()
        .code(4)
        .error_line(&["schedule 'nightly' exists already"]);
    db.cmd()
        .args([
            "schedule",
            "add",
            "x",
            "--cron",
            "61 * * * *",
            "--task",
            r#"{"problem_id":"p1"}"#,
        ])
        .run()
        .code(2)
        .error_line(&["--cron '61 * * * *' is not a cron expression"]);
    db.cmd()
        .args([
            "schedule",
            "add",
            "x",
            "--cron",
            "0 3 * * *",
            "--tz",
            "Mars/Olympus",
            "--task",
            r#"{"problem_id":"p1"}"#,
        ])
        .run()
        .code(2)
        .error_line(&["--tz 'Mars/Olympus' is not an IANA time zone"]);
    let paused = db
        .cmd()
        .args(["-o", "json", "schedule", "pause", "nightly"])
        .run()
        .ok()
        .json();
    assert_eq!(paused["paused"], true);
    let resumed = db
        .cmd()
        .args(["-o", "json", "schedule", "resume", "nightly"])
        .run()
        .ok()
        .json();
    assert_eq!(resumed["paused"], false);
    let list = db
        .cmd()
        .args(["-o", "json", "schedule", "list"])
        .run()
        .ok()
        .json();
    assert_eq!(list[0]["name"], "nightly");
    assert_eq!(list[0]["fires"], 0);
    db.cmd().args(["schedule", "delete", "nightly"]).run().ok();
    db.cmd()
        .args(["schedule", "pause", "nightly"])
        .run()
        .code(3)
        .error_line(&["no schedule named 'nightly'"]);
}

/// Ticks missed while no process ran: the first maintainer fires the latest once and records
/// how many older ones it skipped. A task schedule's task carries its schedule and tick.
#[tokio::test]
async fn missed_ticks_fire_the_latest_once_and_count_the_rest() {
    let db = TestDb::new().await;
    let added = db
        .cmd()
        .args([
            "-o",
            "json",
            "schedule",
            "add",
            "every1",
            "--cron",
            "* * * * * *",
            "--task",
            r#"{"problem_id":"p1","max_attempts":1}"#,
        ])
        .run()
        .ok()
        .json();
    let first: DateTime<Utc> = added["next_tick"].as_str().unwrap().parse().unwrap();
    // Nothing runs while at least three ticks pass.
    eventually(Duration::from_secs(20), "three ticks to pass", || async {
        let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        (now >= first + chrono::Duration::seconds(3)).then_some(())
    })
    .await;
    let _w = spawn_worker(db.cmd(), "late", "echo '{}' > $AIOPS_RESULT_FILE", &[]);
    let fired: (DateTime<Utc>, i32, Option<uuid::Uuid>) =
        eventually(Duration::from_secs(30), "the first fire", || async {
            sqlx::query_as(
                "SELECT tick, skipped, task_id FROM schedule_fires WHERE schedule = 'every1' \
                 ORDER BY tick LIMIT 1",
            )
            .fetch_optional(&db.pool)
            .await
            .unwrap()
        })
        .await;
    assert!(fired.0 >= first + chrono::Duration::seconds(3), "{fired:?}");
    assert_eq!(
        i64::from(fired.1),
        (fired.0 - first).num_seconds(),
        "every older tick is counted as skipped: {fired:?}"
    );
    let task = db
        .cmd()
        .args(["-o", "json", "status", &fired.2.unwrap().to_string()])
        .run()
        .ok()
        .json();
    assert_eq!(task["metadata"]["schedule"], "every1");
    assert_eq!(task["metadata"]["tick"], fired.0.to_rfc3339());
    db.cmd().args(["schedule", "pause", "every1"]).run().ok();
}
