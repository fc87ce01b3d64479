//! `aiops bench`: the flags become a [`bench::Plan`]; the report is printed here.

use crate::bench::{self, Plan, Report};
use crate::cli::BenchArgs;
use crate::commands::Ctx;
use crate::error::Result;

pub async fn run(ctx: &Ctx, a: BenchArgs) -> Result<u8> {
    let plan = Plan::new(a.tasks, a.workers, a.concurrency)?;
    let (url, _) = ctx.url()?;
    let report = bench::run(&plan, &url, |line| ctx.printer.note(line)).await?;
    print(ctx, &report)?;
    Ok(0)
}

fn print(ctx: &Ctx, r: &Report) -> Result<()> {
    if ctx.printer.json() {
        return ctx.printer.print_json(r);
    }
    let rows = vec![
        vec![
            format!("drain ({} workers × {})", r.workers, r.concurrency),
            format!("{:.0} tasks/s", r.drain.tasks_per_s),
            format!(
                "{} tasks in {:.2} s through the worker's claim loop and recorder",
                r.drain.tasks, r.drain.seconds
            ),
        ],
        vec![
            "bulk submit".into(),
            format!("{:.0} tasks/s", r.submit.tasks_per_s),
            format!("{} tasks in {:.2} s", r.submit.tasks, r.submit.seconds),
        ],
        vec![
            "idle pickup p50 / p99".into(),
            format!("{:.2} / {:.2} ms", r.pickup.p50_ms, r.pickup.p99_ms),
            format!(
                "client: submit call to attempt start, {} samples",
                r.pickup.samples
            ),
        ],
        vec![
            "idle pickup p50 / p99 (db)".into(),
            format!("{:.2} / {:.2} ms", r.pickup.db_p50_ms, r.pickup.db_p99_ms),
            "started_at - created_at".into(),
        ],
        vec![
            format!("claim, {} pending", r.claim_cost.shallow_pending),
            format!("{:.3} ms", r.claim_cost.shallow_p50_ms),
            format!("median of {} claim statements", r.claim_cost.samples),
        ],
        vec![
            format!("claim, {} pending", r.claim_cost.deep_pending),
            format!("{:.3} ms", r.claim_cost.deep_p50_ms),
            format!("{:.2}× the shallow claim", r.claim_cost.ratio),
        ],
        vec![
            "verified".into(),
            format!("{}/{} completed", r.verified.completed, r.verified.tasks),
            format!(
                "highest attempt {}, {} refused completions, cleaned up",
                r.verified.max_attempt, r.verified.refused_completions
            ),
        ],
    ];
    ctx.printer.table(&["measure", "value", "detail"], rows)
}
