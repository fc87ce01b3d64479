//! `aiops schedule`: cron schedules that submit an experiment or a task at each tick.

use crate::cli::{ScheduleAddArgs, ScheduleArgs, ScheduleCommand};
use crate::commands::{ts, Ctx};
use crate::error::{Error, Result};
use crate::experiment::ExperimentSpec;
use crate::queue::{self, Schedule};
use crate::schedule::{self, Payload};
use crate::task::TaskRequest;

pub async fn run(ctx: &Ctx, a: ScheduleArgs) -> Result<u8> {
    match a.command {
        ScheduleCommand::Add(a) => add(ctx, a).await,
        ScheduleCommand::List => {
            let pool = ctx.pool().await?;
            let all = queue::list_schedules(&pool).await?;
            if ctx.printer.json() {
                ctx.printer.print_json(&all)?;
                return Ok(0);
            }
            if all.is_empty() {
                ctx.printer
                    .note("no schedules; add one with 'aiops schedule add NAME --cron EXPR --experiment FILE'");
                return Ok(0);
            }
            let rows = all
                .iter()
                .map(|s| {
                    vec![
                        s.name.clone(),
                        s.cron.clone(),
                        s.tz.clone(),
                        s.kind.clone(),
                        if s.paused {
                            "paused".into()
                        } else {
                            "active".into()
                        },
                        ts(&s.next_tick),
                        s.fires.to_string(),
                        s.last_experiment.clone().unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            ctx.printer.table(
                &[
                    "name",
                    "cron",
                    "zone",
                    "kind",
                    "state",
                    "next tick",
                    "fires",
                    "last experiment",
                ],
                rows,
            )?;
            Ok(0)
        }
        ScheduleCommand::Pause { name } => {
            let pool = ctx.pool().await?;
            let s = queue::set_paused(&pool, &name, true, None).await?;
            show(ctx, &s, "paused")
        }
        ScheduleCommand::Resume { name } => {
            let pool = ctx.pool().await?;
            let s = schedule::resume(&pool, &name).await?;
            show(ctx, &s, "resumed")
        }
        ScheduleCommand::Delete { name } => {
            let pool = ctx.pool().await?;
            queue::delete_schedule(&pool, &name).await?;
            ctx.printer.note(format!("schedule '{name}' deleted"));
            Ok(0)
        }
        ScheduleCommand::Fires { name } => {
            let pool = ctx.pool().await?;
            let fires = queue::schedule_fires(&pool, &name).await?;
            if ctx.printer.json() {
                ctx.printer.print_json(&fires)?;
                return Ok(0);
            }
            let rows = fires
                .iter()
                .map(|f| {
                    vec![
                        ts(&f.tick),
                        ts(&f.fired_at),
                        f.experiment
                            .clone()
                            .or(f.task_id.map(|t| t.to_string()))
                            .unwrap_or_else(|| "-".into()),
                        f.skipped.to_string(),
                        f.error.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            ctx.printer
                .table(&["tick", "fired", "made", "skipped", "error"], rows)?;
            Ok(0)
        }
    }
}

fn show(ctx: &Ctx, s: &Schedule, what: &str) -> Result<u8> {
    if ctx.printer.json() {
        ctx.printer.print_json(s)?;
    } else {
        ctx.printer.note(format!(
            "schedule '{}' {what}; next tick {}",
            s.name,
            ts(&s.next_tick)
        ));
    }
    Ok(0)
}

async fn add(ctx: &Ctx, a: ScheduleAddArgs) -> Result<u8> {
    let payload = match (&a.experiment, &a.task) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::usage(format!("--experiment: cannot read {}: {e}", path.display()))
            })?;
            Payload::Experiment(ExperimentSpec::parse(&text, &path.display().to_string())?)
        }
        (None, Some(t)) => {
            let text = match t.strip_prefix('@') {
                Some(path) => std::fs::read_to_string(path)
                    .map_err(|e| Error::usage(format!("--task: cannot read {path}: {e}")))?,
                None => t.clone(),
            };
            let req: TaskRequest = serde_json::from_str(&text).map_err(|e| {
                Error::usage(format!(
                    "--task is not a valid task request ({e}); give a JSON object like {{\"problem_id\":\"...\"}}"
                ))
            })?;
            Payload::Task(req)
        }
        (None, None) => {
            return Err(Error::usage(
                "give --experiment FILE or --task JSON: what each tick submits",
            ))
        }
    };
    let pool = ctx.pool().await?;
    let s = schedule::add(&pool, &a.name, &a.cron, &a.tz, &payload).await?;
    show(ctx, &s, "added")
}
