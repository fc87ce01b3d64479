//! `aiops bench` (issue 5): correctness only, no timing assertions.

use crate::support::TestDb;

#[tokio::test]
async fn bench_completes_every_task_once_and_cleans_up() {
    let db = TestDb::new().await;
    let r = db
        .cmd()
        .args(["bench", "--tasks", "500", "--workers", "2", "-o", "json"])
        .run()
        .ok()
        .json();
    for figure in [
        &r["drain"]["tasks_per_s"],
        &r["submit"]["tasks_per_s"],
        &r["pickup"]["p50_ms"],
        &r["pickup"]["p99_ms"],
        &r["pickup"]["db_p50_ms"],
        &r["claim_cost"]["shallow_p50_ms"],
        &r["claim_cost"]["deep_p50_ms"],
    ] {
        assert!(figure.as_f64().is_some_and(|x| x > 0.0), "{r}");
    }
    assert_eq!(r["tasks"], 500);
    assert_eq!(r["pickup"]["samples"], 100);
    // 500 drained (some by the claim-cost probe) plus 110 pickup samples, each completed once.
    let v = &r["verified"];
    assert_eq!(v["tasks"], 610, "{r}");
    assert_eq!(v["completed"], 610, "{r}");
    assert_eq!(v["max_attempt"], 1, "{r}");
    assert_eq!(v["refused_completions"], 0, "{r}");
    assert_eq!(v["cleaned_up"], true, "{r}");
    let left: i64 =
        sqlx::query_scalar("SELECT count(*) FROM tasks WHERE queue LIKE 'aiops-bench-%'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(left, 0, "the bench's tasks are deleted");
    let workers: i64 = sqlx::query_scalar("SELECT count(*) FROM workers")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(workers, 0, "the bench's worker rows are deleted");
}

#[test]
fn bench_refuses_bad_sizes() {
    crate::support::Cmd::new()
        .args(["bench", "--workers", "0"])
        .env("AIOPS_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .run()
        .code(2);
}
