//! Bad input: exit 2 (or 1/3 as SPEC says), one line naming what was wrong, nothing written.

use crate::support::{Cmd, TestDb};

#[tokio::test]
async fn every_bad_submit_is_refused_in_one_line() {
    let db = TestDb::new().await;
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (vec!["p", "--priority", "11"], vec!["--priority", "0 to 10"]),
        (
            vec!["p", "--max-steps", "0"],
            vec!["--max-steps", "1 to 1000"],
        ),
        (vec!["p", "--max-steps", "1001"], vec!["--max-steps"]),
        (vec!["p", "--timeout", "25h"], vec!["--timeout", "24 h"]),
        (vec!["p", "--timeout", "soon"], vec!["not a duration"]),
        (
            vec!["p", "--max-attempts", "21"],
            vec!["--max-attempts", "1 to 20"],
        ),
        (
            vec!["p", "--agent-config", "[1,2]"],
            vec!["--agent-config", "JSON object"],
        ),
        (
            vec!["p", "--agent-config", "{oops"],
            vec!["--agent-config", "not valid JSON"],
        ),
        (
            vec!["p", "--agent-config", "@/nonexistent/x.json"],
            vec!["cannot read"],
        ),
        (
            vec!["p", "--param", "novalue"],
            vec!["--param", "KEY=VALUE"],
        ),
        (
            vec!["p", "--callback-url", "ftp://x/y"],
            vec!["--callback-url", "http"],
        ),
        (
            vec!["p", "--callback-url", "http://:80/"],
            vec!["--callback-url", "has no host"],
        ),
        (
            vec!["p", "--callback-url", "mailto:ops@example.org"],
            vec!["--callback-url", "not an http:// or https:// URL"],
        ),
        (
            vec!["p", "--run-at", "tomorrow"],
            vec!["--run-at", "RFC 3339"],
        ),
        (vec!["p\u{1b}[31m"], vec!["control characters"]),
    ];
    for (args, fragments) in cases {
        let run = db.cmd().arg("submit").args(&args).run();
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let lines: Vec<_> = run
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert!(
            !lines.is_empty()
                && lines
                    .iter()
                    .any(|l| fragments.iter().all(|f| l.contains(f))),
            "{args:?}: {fragments:?} not in {}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"));
    }
    let long = "x".repeat(256);
    db.cmd()
        .args(["submit", &long])
        .run()
        .code(2)
        .error_line(&["256 characters", "255"]);
    db.cmd()
        .args(["submit", "p", "--backend", "vm"])
        .run()
        .code(2);
    db.cmd()
        .args(["status", "--status", "done"])
        .run()
        .code(2)
        .error_line(&["unknown status 'done'"]);
    assert_eq!(db.task_count().await, 0, "nothing was written");
}

#[tokio::test]
async fn ids_malformed_missing_and_ambiguous() {
    let db = TestDb::new().await;
    db.cmd()
        .args(["status", "xyz"])
        .run()
        .code(2)
        .error_line(&["not a task id", "8 hex"]);
    db.cmd().args(["status", "1234abc"]).run().code(2);
    db.cmd()
        .args(["status", "00000000-0000-7000-8000-000000000000"])
        .run()
        .code(3)
        .error_line(&["no task matches"]);
    // Two ids that share a prefix: the prefix is ambiguous and the candidates are listed.
    let a = "0190aaaa-0000-7000-8000-000000000001";
    let b = "0190aaaa-0000-7000-8000-000000000002";
    for id in [a, b] {
        sqlx::query("INSERT INTO tasks (id, problem_id) VALUES ($1::uuid, 'p')")
            .bind(id)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    db.cmd()
        .args(["cancel", "0190aaaa"])
        .run()
        .code(3)
        .error_line(&["matches 2 tasks", a, b]);
    db.cmd()
        .args(["status", "0190aaaa-0000-7000-8000-000000000001"])
        .run()
        .ok();
}

#[test]
fn an_unreachable_database_is_one_line_with_the_password_masked() {
    let run = Cmd::new()
        .args(["status"])
        .env(
            "AIOPS_DATABASE_URL",
            "postgres://alice:s3cret@127.0.0.1:1/nodb",
        )
        .run()
        .code(1);
    assert!(!run.stderr.contains("s3cret"), "{}", run.stderr);
    run.error_line(&[
        "cannot connect",
        "postgres://alice:***@127.0.0.1:1/nodb",
        "--database-url",
    ]);
    Cmd::new()
        .args(["status", "--database-url", "mysql://x"])
        .run()
        .code(2)
        .error_line(&["invalid database URL"]);
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let run = Cmd::new()
        .args(["submit", "--priorty", "3", "p"])
        .run()
        .code(2);
    assert!(run.stderr.contains("--priorty"));
    Cmd::new().args(["--help"]).run().ok();
    for sub in [
        "submit",
        "status",
        "logs",
        "cancel",
        "retry",
        "workers",
        "worker",
        "problems",
        "db",
        "completions",
        "man",
    ] {
        let out = Cmd::new().args([sub, "--help"]).run().ok();
        assert!(out.stdout.contains("Usage: aiops"), "{sub}: {}", out.stdout);
    }
    Cmd::new().args(["worker", "run", "--help"]).run().ok();
}
