//! Task changes and log lines are announced only while someone watches, and a waiter that
//! ends, cleanly or killed, stops being a watcher.

use std::time::Duration;

use aiops::queue::{self, ClaimSpec, Fence};
use aiops::task::{TaskId, TaskRequest};
use aiops::watch;
use sqlx::postgres::PgListener;

use crate::support::{
    eventually, lose_watch_and_await_another, one_watcher, watcher_pids, Proc, TestDb,
};

/// A new pending task's id.
async fn pending(db: &TestDb, problem: &str) -> TaskId {
    let r = TaskRequest {
        problem_id: problem.into(),
        ..Default::default()
    };
    queue::submit(&db.pool, &r.validate().unwrap())
        .await
        .unwrap()
        .task()
        .id
}

/// Sessions registered as watchers.
async fn watchers(db: &TestDb) -> usize {
    watcher_pids(&db.pool).await.len()
}

/// The next announcement on a listener, as `channel payload`, without the event journal id
/// that a change announced to a watcher of every task ends with (`<task id>:<status>:<id>`).
async fn next(l: &mut PgListener) -> String {
    let n = tokio::time::timeout(Duration::from_secs(10), l.recv())
        .await
        .expect("an announcement within 10 s")
        .unwrap();
    let payload: Vec<&str> = n.payload().split(':').take(2).collect();
    format!("{} {}", n.channel(), payload.join(":"))
}

/// A plain listener (not a watcher) hears nothing of what changes while nobody watches: the
/// first announcements it gets are those made after a watcher registered, and after that
/// watcher stops, the next ones it gets are those made after another registered.
#[tokio::test]
async fn task_changes_are_announced_only_while_someone_watches() {
    let db = TestDb::new().await;
    let ids = [
        pending(&db, "a").await,
        pending(&db, "b").await,
        pending(&db, "c").await,
        pending(&db, "d").await,
    ];
    let mut plain = PgListener::connect_with(&db.pool).await.unwrap();
    plain
        .listen_all([aiops::notify::TASK, aiops::notify::LOG])
        .await
        .unwrap();

    // Unwatched: a cancel, and a claim with a log line.
    queue::cancel(&db.pool, ids[0], None).await.unwrap();
    let spec = ClaimSpec {
        worker_id: "w".into(),
        queues: vec!["default".into()],
        backend_type: aiops::task::Backend::None,
        lease: Duration::from_secs(60),
    };
    let claimed = queue::claim(&db.pool, &spec, 1).await.unwrap();
    assert_eq!(claimed[0].id, ids[1]);
    let line = aiops::log::NewLogLine {
        timestamp: chrono::Utc::now(),
        level: aiops::log::LogLevel::Info,
        source: aiops::log::LogSource::Worker,
        message: "unwatched".into(),
        context: None,
    };
    queue::append_logs(
        &db.pool,
        &Fence::of(&claimed[0]),
        std::slice::from_ref(&line),
    )
    .await
    .unwrap();

    let mut watcher = PgListener::connect_with(&db.pool).await.unwrap();
    watcher
        .listen_all([aiops::notify::TASK, aiops::notify::LOG])
        .await
        .unwrap();
    assert!(watch::start(&mut watcher, None).await.unwrap());
    assert_eq!(watchers(&db).await, 1);
    queue::append_logs(&db.pool, &Fence::of(&claimed[0]), &[line])
        .await
        .unwrap();
    queue::cancel(&db.pool, ids[2], None).await.unwrap();
    let log = format!("aiops_log {}", ids[1]);
    let cancelled = format!("aiops_task {}:cancelled", ids[2]);
    assert_eq!(next(&mut plain).await, log);
    assert_eq!(next(&mut plain).await, cancelled);
    assert_eq!(next(&mut watcher).await, log);
    assert_eq!(next(&mut watcher).await, cancelled);

    watch::stop(&mut watcher).await.unwrap();
    assert_eq!(watchers(&db).await, 0);
    queue::cancel(&db.pool, ids[1], None).await.unwrap();
    let mut again = PgListener::connect_with(&db.pool).await.unwrap();
    again
        .listen_all([aiops::notify::TASK, aiops::notify::LOG])
        .await
        .unwrap();
    assert!(watch::start(&mut again, None).await.unwrap());
    queue::cancel(&db.pool, ids[3], None).await.unwrap();
    assert_eq!(
        next(&mut plain).await,
        format!("aiops_task {}:cancelled", ids[3])
    );
}

/// A session watching one task (as a waiter does) has only that task's changes and log lines
/// announced; one watching every task has them all announced again.
#[tokio::test]
async fn a_watch_of_one_task_announces_only_that_task() {
    let db = TestDb::new().await;
    let [mine, other, third] = [
        pending(&db, "mine").await,
        pending(&db, "other").await,
        pending(&db, "third").await,
    ];
    let mut plain = PgListener::connect_with(&db.pool).await.unwrap();
    plain.listen(aiops::notify::TASK).await.unwrap();
    let mut waiter = PgListener::connect_with(&db.pool).await.unwrap();
    waiter
        .listen_all([aiops::notify::TASK, aiops::notify::LOG])
        .await
        .unwrap();
    assert!(watch::start(&mut waiter, Some(mine)).await.unwrap());

    queue::cancel(&db.pool, other, None).await.unwrap();
    queue::cancel(&db.pool, mine, None).await.unwrap();
    let first = format!("aiops_task {mine}:cancelled");
    assert_eq!(next(&mut plain).await, first);
    assert_eq!(next(&mut waiter).await, first);

    // The same session now watching everything.
    assert!(watch::start(&mut waiter, None).await.unwrap());
    assert_eq!(watchers(&db).await, 1);
    queue::cancel(&db.pool, third, None).await.unwrap();
    assert_eq!(
        next(&mut plain).await,
        format!("aiops_task {third}:cancelled")
    );
}

/// `aiops submit --wait` of a task nobody will run.
fn spawn_waiter(db: &TestDb, problem: &str) -> Proc {
    db.cmd()
        .args(["submit", problem, "--queue", "nobody", "--wait"])
        .spawn()
}

/// Cancel the one task there is, through the binary.
async fn cancel_the_task(db: &TestDb) {
    let (id,): (uuid::Uuid,) = sqlx::query_as("SELECT id FROM tasks")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    db.cmd().args(["cancel", &id.to_string()]).run().ok();
}

/// `submit --wait` watches while it waits and withdraws as it returns; one killed while it
/// waits leaves its registration behind until the next pass forgets sessions that are gone.
#[tokio::test]
async fn a_waiter_watches_while_it_waits_and_is_forgotten_when_killed() {
    let db = TestDb::new().await;
    let mut waiter = spawn_waiter(&db, "p1");
    one_watcher(&db.pool, "the waiter to watch").await;
    cancel_the_task(&db).await;
    assert_eq!(waiter.wait(Duration::from_secs(20)).await, 12);
    assert_eq!(watchers(&db).await, 0, "a waiter that returned withdraws");

    let waiter = spawn_waiter(&db, "p2");
    one_watcher(&db.pool, "the second waiter to watch").await;
    waiter.signal("KILL");
    eventually(
        Duration::from_secs(20),
        "the killed waiter to be forgotten",
        || async {
            watch::forget_gone(&db.pool).await.unwrap();
            (watchers(&db).await == 0).then_some(())
        },
    )
    .await;
}

/// Registering waits for the transactions writing tasks at that moment (one of them may have
/// looked for watchers before the registration), but not for long: behind a transaction that
/// stays open it gives up, says so, and the registration stands.
#[tokio::test]
async fn registering_behind_a_long_writer_gives_up_waiting_but_stays_registered() {
    let db = TestDb::new().await;
    let id = pending(&db, "held").await;
    let mut writer = db.pool.begin().await.unwrap();
    sqlx::query("UPDATE tasks SET priority = 6 WHERE id = $1")
        .bind(id.0)
        .execute(&mut *writer)
        .await
        .unwrap();
    let mut watcher = PgListener::connect_with(&db.pool).await.unwrap();
    watcher
        .listen_all([aiops::notify::TASK, aiops::notify::LOG])
        .await
        .unwrap();
    assert!(!watch::start(&mut watcher, None).await.unwrap());
    assert_eq!(watchers(&db).await, 1);
    writer.commit().await.unwrap();
    assert!(watch::start(&mut watcher, None).await.unwrap());
}

/// A waiter whose session is terminated under it connects again and registers again, so the
/// announcements it waits for keep coming; the lost session's registration is forgotten.
#[tokio::test]
async fn a_waiter_whose_session_is_lost_watches_again() {
    let db = TestDb::new().await;
    let mut waiter = spawn_waiter(&db, "p1");
    let first = one_watcher(&db.pool, "the waiter to watch").await;
    lose_watch_and_await_another(&db.pool, first).await;
    cancel_the_task(&db).await;
    assert_eq!(waiter.wait(Duration::from_secs(20)).await, 12);
    assert!(watcher_pids(&db.pool).await.is_empty());
}
