//! `aiops experiment`: submit a spec as one unit, watch it, cancel or retry it, and print its
//! results table or the difference of two.

use std::collections::BTreeMap;
use std::io::Read;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{
    ExperimentArgs, ExperimentCommand, ExperimentCompareArgs, ExperimentReportArgs,
    ExperimentStatusArgs, ExperimentSubmitArgs, ReportFormat,
};
use crate::commands::{ts, Ctx};
use crate::error::{Error, Result};
use crate::experiment::report::{self, Comparison, Prices, Progress, Report};
use crate::experiment::{self, AgentSpec, ExperimentSpec};
use crate::queue;
use crate::task::TaskStatus;

pub async fn run(ctx: &Ctx, a: ExperimentArgs) -> Result<u8> {
    match a.command {
        ExperimentCommand::Submit(a) => submit(ctx, a).await,
        ExperimentCommand::List => list(ctx).await,
        ExperimentCommand::Status(a) => status(ctx, a).await,
        ExperimentCommand::Cancel(a) => {
            let pool = ctx.pool().await?;
            let c = queue::cancel_experiment(&pool, &a.name, a.reason.as_deref()).await?;
            if ctx.printer.json() {
                ctx.printer.print_json(&c)?;
            } else {
                ctx.printer.note(format!(
                    "experiment '{}': {} pending tasks cancelled, {} running asked to stop",
                    a.name, c.cancelled, c.requested
                ));
            }
            Ok(0)
        }
        ExperimentCommand::Retry(a) => {
            let pool = ctx.pool().await?;
            let mut statuses = vec![TaskStatus::Failed, TaskStatus::Timeout];
            if a.cancelled {
                statuses.push(TaskStatus::Cancelled);
            }
            let n = queue::retry_experiment(&pool, &a.name, &statuses).await?;
            if ctx.printer.json() {
                ctx.printer
                    .print_json(&serde_json::json!({ "experiment": a.name, "retried": n }))?;
            } else {
                ctx.printer
                    .note(format!("experiment '{}': {n} tasks re-queued", a.name));
            }
            Ok(0)
        }
        ExperimentCommand::Report(a) => report_cmd(ctx, a).await,
        ExperimentCommand::Compare(a) => compare_cmd(ctx, a).await,
    }
}

/// The spec from the file (if any) with the flags laid over it.
fn spec_from(a: &ExperimentSubmitArgs) -> Result<ExperimentSpec> {
    let mut spec = match &a.file {
        Some(path) => {
            let (text, origin) = if path.as_os_str() == "-" {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| Error::usage(format!("cannot read the spec from stdin: {e}")))?;
                (s, "stdin".to_string())
            } else {
                (
                    std::fs::read_to_string(path).map_err(|e| {
                        Error::usage(format!("cannot read {}: {e}", path.display()))
                    })?,
                    path.display().to_string(),
                )
            };
            let mut v = ExperimentSpec::read(&text, &origin)?;
            if let Some(n) = &a.name {
                v.name = n.clone();
            }
            v
        }
        None => ExperimentSpec {
            name: a.name.clone().ok_or_else(|| {
                Error::usage("give a spec FILE, or --name with --problem and --agent")
            })?,
            problems: Vec::new(),
            task_types: Vec::new(),
            agents: BTreeMap::new(),
            repeats: 1,
            max_steps: None,
            timeout: None,
            priority: None,
            max_attempts: None,
            queue: None,
            backend: None,
            allow_unknown: false,
        },
    };
    if !a.problems.is_empty() {
        spec.problems = a.problems.clone();
    }
    if !a.task_types.is_empty() {
        spec.task_types = a.task_types.clone();
    }
    if !a.agents.is_empty() {
        spec.agents = a
            .agents
            .iter()
            .map(|s| agent_flag(s))
            .collect::<Result<_>>()?;
    }
    spec.repeats = a.repeats.unwrap_or(spec.repeats);
    spec.max_steps = a.max_steps.or(spec.max_steps);
    spec.timeout = a.timeout.clone().or(spec.timeout);
    spec.priority = a.priority.or(spec.priority);
    spec.max_attempts = a.max_attempts.or(spec.max_attempts);
    spec.queue = a.queue.clone().or(spec.queue);
    spec.allow_unknown |= a.allow_unknown;
    spec.check()?;
    Ok(spec)
}

/// `--agent NAME=module:Class` or `NAME={"agent": …, "model": …}`.
fn agent_flag(s: &str) -> Result<(String, AgentSpec)> {
    let (name, rest) = s.split_once('=').ok_or_else(|| {
        Error::usage(format!(
            "--agent '{s}' has no '='; write NAME=module:Class or NAME='{{\"agent\":\"module:Class\",\"model\":\"gpt-4o\"}}'"
        ))
    })?;
    let spec = if rest.trim_start().starts_with('{') {
        serde_json::from_str(rest).map_err(|e| {
            Error::usage(format!(
                "--agent {name}: not a valid agent object ({e}); give agent, and optionally kwargs, model, concurrency_key"
            ))
        })?
    } else {
        AgentSpec {
            agent: rest.to_string(),
            kwargs: None,
            model: None,
            concurrency_key: None,
        }
    };
    Ok((name.to_string(), spec))
}

async fn submit(ctx: &Ctx, a: ExperimentSubmitArgs) -> Result<u8> {
    let spec = spec_from(&a)?;
    let pool = ctx.pool().await?;
    let experiment::Plan {
        cells, problems, ..
    } = experiment::plan(&pool, &spec).await?;
    if a.dry_run {
        if ctx.printer.json() {
            ctx.printer.print_json(&cells)?;
        } else {
            let rows = cells
                .iter()
                .map(|c| {
                    vec![
                        c.agent.clone(),
                        c.problem_id.clone(),
                        c.task_type.clone(),
                        c.repeat.to_string(),
                        c.concurrency_key.clone().unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            ctx.printer.table(
                &["agent", "problem", "task type", "repeat", "concurrency key"],
                rows,
            )?;
            ctx.printer.note(format!(
                "experiment '{}': {} agents × {} problems × {} repeats = {} tasks (dry run: nothing submitted)",
                spec.name,
                spec.agents.len(),
                problems,
                spec.repeats,
                cells.len()
            ));
        }
        return Ok(0);
    }
    let done = experiment::submit(&pool, &spec).await?;
    if ctx.printer.json() {
        ctx.printer.print_json(&done)?;
    } else {
        ctx.printer.data(&spec.name)?;
        ctx.printer.note(format!(
            "experiment '{}': {} tasks created, {} already there",
            spec.name, done.created, done.existing
        ));
    }
    Ok(0)
}

async fn list(ctx: &Ctx) -> Result<u8> {
    let pool = ctx.pool().await?;
    let all = queue::list_experiments(&pool).await?;
    if ctx.printer.json() {
        ctx.printer.print_json(&all)?;
        return Ok(0);
    }
    if all.is_empty() {
        ctx.printer
            .note("no experiments yet; submit one with 'aiops experiment submit SPEC'");
        return Ok(0);
    }
    let rows = all
        .iter()
        .map(|e| {
            let done = e.completed + e.failed + e.timeout + e.cancelled;
            vec![
                e.name.clone(),
                ts(&e.created_at),
                format!("{done}/{}", e.tasks),
                e.running.to_string(),
                e.completed.to_string(),
                (e.failed + e.timeout).to_string(),
                e.cancelled.to_string(),
                e.schedule.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    ctx.printer.table(
        &[
            "name",
            "created",
            "done",
            "running",
            "completed",
            "failed",
            "cancelled",
            "schedule",
        ],
        rows,
    )?;
    Ok(0)
}

async fn read_progress(pool: &sqlx::PgPool, name: &str) -> Result<Progress> {
    experiment::progress_of(pool, name).await
}

fn eta(p: &Progress) -> String {
    match p.eta_seconds {
        Some(s) => format!(
            "ETA {}",
            crate::duration::human(Duration::from_secs_f64(s.max(0.0)))
        ),
        None if p.done == p.total => "done".into(),
        None => "ETA unknown".into(),
    }
}

async fn status(ctx: &Ctx, a: ExperimentStatusArgs) -> Result<u8> {
    let pool = ctx.pool().await?;
    queue::get_experiment(&pool, &a.name).await?;
    let mut p = read_progress(&pool, &a.name).await?;
    if a.wait {
        let deadline = a.wait_timeout.map(|d| Instant::now() + d);
        let bar = ctx.printer.show_progress().then(|| {
            let b = ProgressBar::new(p.total);
            b.set_style(
                ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {msg}")
                    .expect("static template")
                    .progress_chars("=> "),
            );
            b
        });
        while p.exit_code.is_none() {
            if let Some(b) = &bar {
                b.set_length(p.total);
                b.set_position(p.done);
                b.set_message(format!("{} failures, {}", p.failures, eta(&p)));
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                if let Some(b) = &bar {
                    b.finish_and_clear();
                }
                return Err(Error::ExperimentWaitExpired {
                    name: a.name.clone(),
                    left: p.total - p.done,
                });
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
            p = read_progress(&pool, &a.name).await?;
        }
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
    }
    if ctx.printer.json() {
        ctx.printer.print_json(&p)?;
    } else {
        let rows = p
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.agent.clone(),
                    r.task_type.clone(),
                    format!("{}/{}", r.done, r.total),
                    r.pending.to_string(),
                    r.running.to_string(),
                    r.completed.to_string(),
                    r.failed.to_string(),
                    r.timeout.to_string(),
                    r.cancelled.to_string(),
                ]
            })
            .collect();
        ctx.printer.table(
            &[
                "agent",
                "task type",
                "done",
                "pending",
                "running",
                "completed",
                "failed",
                "timeout",
                "cancelled",
            ],
            rows,
        )?;
        ctx.printer.note(format!(
            "experiment '{}': {}/{} done, {} failures, {}",
            p.experiment,
            p.done,
            p.total,
            p.failures,
            eta(&p)
        ));
    }
    Ok(if a.wait { p.exit_code.unwrap_or(0) } else { 0 })
}

fn format_of(ctx: &Ctx, f: Option<ReportFormat>) -> ReportFormat {
    f.unwrap_or(if ctx.printer.json() {
        ReportFormat::Json
    } else {
        ReportFormat::Table
    })
}

async fn build_report(
    pool: &sqlx::PgPool,
    name: &str,
    by: &[report::Dim],
    prices: &Prices,
) -> Result<Report> {
    experiment::report_of(pool, name, by, prices).await
}

fn num(v: Option<f64>, digits: usize) -> String {
    v.map(|x| format!("{x:.digits$}")).unwrap_or_default()
}

async fn report_cmd(ctx: &Ctx, a: ExperimentReportArgs) -> Result<u8> {
    let by = report::parse_by(&a.by)?;
    let prices = Prices::parse(&a.prices)?;
    let pool = ctx.pool().await?;
    let r = build_report(&pool, &a.name, &by, &prices).await?;
    let mut header: Vec<String> = r.by.clone();
    header.extend(
        [
            "runs",
            "correct",
            "wrong",
            "infra_failures",
            "cancelled",
            "unfinished",
            "accuracy",
            "ci95_low",
            "ci95_high",
            "time_key",
            "mean_time",
            "p50_time",
            "mean_steps",
            "mean_in_tokens",
            "mean_out_tokens",
            "cost",
        ]
        .map(String::from),
    );
    let rows: Vec<Vec<String>> = r
        .rows
        .iter()
        .map(|row| {
            let mut cells: Vec<String> = r.by.iter().map(|d| row.group[d].clone()).collect();
            cells.extend([
                row.runs.to_string(),
                row.correct.to_string(),
                row.wrong.to_string(),
                row.infra_failures.to_string(),
                row.cancelled.to_string(),
                row.unfinished.to_string(),
                num(row.accuracy, 3),
                num(row.accuracy_ci_low, 3),
                num(row.accuracy_ci_high, 3),
                row.time_key.clone().unwrap_or_default(),
                num(row.mean_time, 2),
                num(row.p50_time, 2),
                num(row.mean_steps, 2),
                num(row.mean_in_tokens, 1),
                num(row.mean_out_tokens, 1),
                num(row.cost, 4),
            ]);
            cells
        })
        .collect();
    emit(
        ctx,
        format_of(ctx, a.format),
        &r,
        header,
        rows,
        &r.treatment,
    )
}

async fn compare_cmd(ctx: &Ctx, a: ExperimentCompareArgs) -> Result<u8> {
    let by = report::parse_by(&a.by)?;
    let pool = ctx.pool().await?;
    let ra = build_report(&pool, &a.a, &by, &Prices::default()).await?;
    let rb = build_report(&pool, &a.b, &by, &Prices::default()).await?;
    let c: Comparison = report::compare(&ra, &rb);
    let mut header: Vec<String> = c.by.clone();
    header.extend(
        [
            "runs_a",
            "runs_b",
            "accuracy_a",
            "accuracy_b",
            "accuracy_diff",
            "ci95_low",
            "ci95_high",
            "mean_time_diff",
            "mean_in_tokens_diff",
            "mean_out_tokens_diff",
        ]
        .map(String::from),
    );
    let rows = c
        .rows
        .iter()
        .map(|row| {
            let mut cells: Vec<String> = c.by.iter().map(|d| row.group[d].clone()).collect();
            cells.extend([
                row.runs_a.to_string(),
                row.runs_b.to_string(),
                num(row.accuracy_a, 3),
                num(row.accuracy_b, 3),
                num(row.accuracy_diff, 3),
                num(row.diff_ci_low, 3),
                num(row.diff_ci_high, 3),
                num(row.mean_time_diff, 2),
                num(row.mean_in_tokens_diff, 1),
                num(row.mean_out_tokens_diff, 1),
            ]);
            cells
        })
        .collect();
    let treatment = c.treatment.clone();
    emit(ctx, format_of(ctx, a.format), &c, header, rows, &treatment)
}

/// Print a report-like table in the chosen format; the treatment notes go to stderr with the
/// table, into the JSON document, and under the markdown table.
fn emit<T: serde::Serialize>(
    ctx: &Ctx,
    format: ReportFormat,
    doc: &T,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    treatment: &[String],
) -> Result<u8> {
    match format {
        ReportFormat::Json => ctx.printer.print_json(doc)?,
        ReportFormat::Table => {
            let h: Vec<&str> = header.iter().map(String::as_str).collect();
            ctx.printer.table(&h, rows)?;
            for t in treatment {
                ctx.printer.note(t);
            }
        }
        ReportFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let io = |e: csv::Error| Error::Io(format!("writing CSV: {e}"));
            w.write_record(&header).map_err(io)?;
            for r in &rows {
                w.write_record(r).map_err(io)?;
            }
            let bytes = w
                .into_inner()
                .map_err(|e| Error::Io(format!("writing CSV: {e}")))?;
            let text = String::from_utf8_lossy(&bytes);
            ctx.printer.data(text.trim_end())?;
        }
        ReportFormat::Markdown => {
            let cell = |s: &str| s.replace('|', "\\|");
            let mut out = String::new();
            out.push_str(&format!(
                "| {} |\n",
                header
                    .iter()
                    .map(|h| cell(h))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ));
            out.push_str(&format!(
                "|{}\n",
                header.iter().map(|_| " --- |").collect::<String>()
            ));
            for r in &rows {
                out.push_str(&format!(
                    "| {} |\n",
                    r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
                ));
            }
            out.push('\n');
            for t in treatment {
                out.push_str(&format!("- {t}\n"));
            }
            ctx.printer.data(out.trim_end())?;
        }
    }
    Ok(0)
}

/// For `export --experiment`: refuse an experiment that does not exist.
pub async fn check_exists(pool: &sqlx::PgPool, name: &str) -> Result<()> {
    queue::get_experiment(pool, name).await.map(|_| ())
}
