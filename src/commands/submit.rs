//! `aiops submit`: one task from flags, or many from a JSON Lines file, all or nothing.

use std::io::{BufRead, BufReader, Read};

use serde_json::{Map, Value};

use crate::cli::SubmitArgs;
use crate::commands::{wait, Ctx};
use crate::error::{Error, Result};
use crate::queue::{self, Submitted};
use crate::task::{FieldError, NewTask, TaskRequest};

pub async fn run(ctx: &Ctx, a: SubmitArgs) -> Result<u8> {
    if let Some(path) = &a.from {
        return bulk(ctx, &a, path).await;
    }
    let problem_id = a.problem_id.clone().unwrap_or_default();
    let mut req = TaskRequest {
        problem_id,
        agent_config: a.agent_config.as_deref().map(agent_config).transpose()?,
        max_steps: a.max_steps,
        timeout_seconds: a.timeout.map(|d| d.as_secs_f64().ceil() as i64),
        priority: a.priority,
        max_attempts: a.max_attempts,
        queue: a.queue.clone(),
        backend_type: a.backend.clone(),
        parameters: None,
        metadata: None,
        callback_url: a.callback_url.clone(),
        idempotency_key: a.idempotency_key.clone(),
        run_at: a.run_at.as_deref().map(parse_time).transpose()?,
        concurrency_key: a.concurrency_key.clone(),
        ..Default::default()
    };
    if !a.params.is_empty() {
        req.parameters = Some(Value::Object(key_values("--param", &a.params)?));
    }
    if !a.metadata.is_empty() {
        req.metadata = Some(Value::Object(key_values("--metadata", &a.metadata)?));
    }
    let mut task = req.validate().map_err(|errors| Error::Invalid {
        context: String::new(),
        errors: errors.into_iter().map(flag_names).collect(),
    })?;

    let pool = ctx.pool().await?;
    if !a.allow_unknown {
        queue::check_known_problems(&pool, &[task.problem_id.as_str()]).await?;
    }
    if let Some(d) = a.delay {
        let (at,): (chrono::DateTime<chrono::Utc>,) =
            sqlx::query_as("SELECT now() + make_interval(secs => $1)")
                .bind(d.as_secs_f64())
                .fetch_one(&pool)
                .await?;
        task.run_at = Some(at);
    }
    let submitted = queue::submit(&pool, &task).await?;
    let t = submitted.task().clone();
    if let Submitted::Existing(_) = submitted {
        ctx.printer.note(format!(
            "idempotency key already used: task {} ({}) returned",
            t.id, t.status
        ));
    }
    if a.wait {
        if !ctx.printer.json() {
            ctx.printer.data(t.id.to_string())?;
        }
        return wait::wait_for(ctx, &pool, t.id, a.follow, a.wait_timeout).await;
    }
    if ctx.printer.json() {
        ctx.printer.print_json(&t)?;
    } else {
        ctx.printer.data(t.id.to_string())?;
    }
    Ok(0)
}

/// `--agent-config`: inline JSON or `@FILE`; must be an object.
fn agent_config(s: &str) -> Result<Value> {
    let (text, origin) = match s.strip_prefix('@') {
        Some(path) => (
            std::fs::read_to_string(path)
                .map_err(|e| Error::usage(format!("--agent-config: cannot read {path}: {e}")))?,
            format!(" in {path}"),
        ),
        None => (s.to_string(), String::new()),
    };
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        Error::usage(format!(
            "--agent-config{origin} is not valid JSON ({e}); give an object such as '{{\"agent\":\"module:Class\"}}' or @FILE"
        ))
    })?;
    if !v.is_object() {
        return Err(Error::usage(format!(
            "--agent-config{origin} must be a JSON object such as '{{\"agent\":\"module:Class\"}}', not {}",
            kind(&v)
        )));
    }
    Ok(v)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `K=V` pairs; V is JSON when it parses as JSON, else a string.
fn key_values(flag: &str, pairs: &[String]) -> Result<Map<String, Value>> {
    let mut m = Map::new();
    for p in pairs {
        let (k, v) = p.split_once('=').ok_or_else(|| {
            Error::usage(format!(
                "{flag} '{p}' has no '='; write KEY=VALUE, e.g. {flag} temperature=0.7"
            ))
        })?;
        if k.is_empty() {
            return Err(Error::usage(format!(
                "{flag} '{p}' has an empty key; write KEY=VALUE"
            )));
        }
        let v = serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_string()));
        m.insert(k.to_string(), v);
    }
    Ok(m)
}

fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| {
            Error::usage(format!(
                "--run-at '{s}' is not an RFC 3339 time ({e}); write e.g. 2026-11-24T08:00:00Z, or use --delay 2h"
            ))
        })
}

/// Name fields as the flags a CLI user typed.
fn flag_names(mut e: FieldError) -> FieldError {
    e.field = match e.field.as_str() {
        "problem_id" => "PROBLEM_ID".into(),
        "timeout_seconds" => "--timeout".into(),
        "backend_type" => "--backend".into(),
        "parameters.max_steps" | "max_steps" => "--max-steps".into(),
        other if other.starts_with("parameters") => "--param".into(),
        other => format!("--{}", other.replace('_', "-")),
    };
    e
}

/// `submit --from FILE|-`: every line validated first; nothing is written unless all are good.
async fn bulk(ctx: &Ctx, a: &SubmitArgs, path: &std::path::Path) -> Result<u8> {
    let reader: Box<dyn Read> =
        if path.as_os_str() == "-" {
            Box::new(std::io::stdin())
        } else {
            Box::new(std::fs::File::open(path).map_err(|e| {
                Error::usage(format!("--from: cannot open {}: {e}", path.display()))
            })?)
        };
    let name = if path.as_os_str() == "-" {
        "stdin".to_string()
    } else {
        path.display().to_string()
    };
    let mut tasks: Vec<NewTask> = Vec::new();
    for (i, line) in BufReader::with_capacity(1 << 20, reader)
        .lines()
        .enumerate()
    {
        let n = i + 1;
        let line = line.map_err(|e| Error::usage(format!("{name} line {n}: cannot read: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let req: TaskRequest = serde_json::from_str(&line).map_err(|e| {
            Error::usage(format!(
                "{name} line {n}: not a valid task request ({e}); each line must be a JSON object like {{\"problem_id\":\"...\"}}; nothing was submitted"
            ))
        })?;
        let t = req.validate().map_err(|errors| Error::Invalid {
            context: format!("{name} line {n} (nothing was submitted)"),
            errors,
        })?;
        tasks.push(t);
    }
    if tasks.is_empty() {
        return Err(Error::usage(format!(
            "{name} holds no task requests; write one JSON object per line"
        )));
    }
    let pool = ctx.pool().await?;
    if !a.allow_unknown {
        let mut ids: Vec<&str> = tasks.iter().map(|t| t.problem_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        queue::check_known_problems(&pool, &ids).await?;
    }
    let ids = queue::submit_many(&pool, &tasks).await?;
    if ctx.printer.json() {
        ctx.printer.print_json(&ids)?;
    } else {
        let mut out = String::with_capacity(ids.len() * 37);
        for id in &ids {
            out.push_str(&id.to_string());
            out.push('\n');
        }
        out.pop();
        ctx.printer.data(out)?;
    }
    ctx.printer.note(format!("submitted {} tasks", ids.len()));
    Ok(0)
}
