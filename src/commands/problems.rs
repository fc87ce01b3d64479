//! `aiops problems`: the catalog of known problem ids that submit checks against.

use std::io::Read;

use serde_json::Value;

use crate::cli::{ProblemsArgs, ProblemsCommand, ProblemsImportArgs};
use crate::commands::Ctx;
use crate::error::{Error, Result};
use crate::queue::{self, Problem};

pub async fn run(ctx: &Ctx, a: ProblemsArgs) -> Result<u8> {
    match a.command {
        ProblemsCommand::List => list(ctx).await,
        ProblemsCommand::Import(i) => import(ctx, i).await,
    }
}

async fn list(ctx: &Ctx) -> Result<u8> {
    let pool = ctx.pool().await?;
    let problems = queue::list_problems(&pool).await?;
    if ctx.printer.json() {
        ctx.printer.print_json(&problems)?;
        return Ok(0);
    }
    if problems.is_empty() {
        ctx.printer.note(
            "the catalog is empty, so any problem id is accepted; fill it with 'aiops problems import --from-runner' or 'aiops problems import FILE'",
        );
        return Ok(0);
    }
    let rows = problems
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                p.task_type.clone().unwrap_or_else(|| "-".into()),
                p.tasks.to_string(),
                p.pending.to_string(),
                p.running.to_string(),
                p.completed.to_string(),
                (p.failed + p.timeout).to_string(),
                p.cancelled.to_string(),
            ]
        })
        .collect();
    ctx.printer.table(
        &[
            "id",
            "type",
            "tasks",
            "pending",
            "running",
            "completed",
            "failed",
            "cancelled",
        ],
        rows,
    )?;
    Ok(0)
}

async fn import(ctx: &Ctx, a: ProblemsImportArgs) -> Result<u8> {
    let (problems, source) = if a.from_runner {
        (
            crate::worker::runner::list_problems(&a.python).await?,
            "runner",
        )
    } else {
        let path = a.file.clone().unwrap_or_default();
        let mut text = String::new();
        if path.as_os_str() == "-" {
            std::io::stdin().read_to_string(&mut text)?;
        } else {
            text = std::fs::read_to_string(&path)
                .map_err(|e| Error::usage(format!("cannot read {}: {e}", path.display())))?;
        }
        (parse_catalog(&text)?, "file")
    };
    if problems.is_empty() {
        return Err(Error::usage(
            "no problem ids found in the input; nothing imported",
        ));
    }
    let mut errors = Vec::new();
    for p in &problems {
        if p.id.is_empty() || p.id.len() > 255 || p.id.chars().any(char::is_control) {
            errors.push(p.id.clone());
        }
    }
    if let Some(bad) = errors.first() {
        return Err(Error::usage(format!(
            "problem id {bad:?} is empty, longer than 255 bytes or has control characters; nothing imported"
        )));
    }
    let pool = ctx.pool().await?;
    let new = queue::import_problems(&pool, &problems, source).await?;
    if ctx.printer.json() {
        ctx.printer
            .print_json(&serde_json::json!({"imported": problems.len(), "new": new}))?;
    } else {
        ctx.printer.note(format!(
            "imported {} problem ids ({new} new)",
            problems.len()
        ));
    }
    Ok(0)
}

/// Accept a JSON array (of ids or objects), `{"problems": [...]}`, JSON Lines, or one id a line.
pub fn parse_catalog(text: &str) -> Result<Vec<Problem>> {
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        let items = match v {
            Value::Array(a) => a,
            Value::Object(mut o) => match o.remove("problems") {
                Some(Value::Array(a)) => a,
                _ => vec![Value::Object(o)],
            },
            other => vec![other],
        };
        return items
            .into_iter()
            .enumerate()
            .map(|(i, v)| item(v, i + 1))
            .collect();
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let v = if line.starts_with('{') || line.starts_with('"') {
            serde_json::from_str(line).map_err(|e| {
                Error::usage(format!(
                    "line {}: invalid JSON ({e}); nothing imported",
                    i + 1
                ))
            })?
        } else {
            Value::String(line.to_string())
        };
        out.push(item(v, i + 1)?);
    }
    Ok(out)
}

fn item(v: Value, n: usize) -> Result<Problem> {
    match v {
        Value::String(id) => Ok(Problem {
            id,
            task_type: None,
            description: None,
        }),
        v @ Value::Object(_) => serde_json::from_value(v).map_err(|e| {
            Error::usage(format!(
                "entry {n}: not a problem ({e}); give {{\"id\": \"...\", \"task_type\": \"...\"}}; nothing imported"
            ))
        }),
        other => Err(Error::usage(format!(
            "entry {n}: {other} is not a problem id; nothing imported"
        ))),
    }
}
