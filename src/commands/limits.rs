//! `aiops limits`: concurrency caps per key.

use crate::cli::{LimitsArgs, LimitsCommand};
use crate::commands::{ts, Ctx};
use crate::error::Result;
use crate::queue;

pub async fn run(ctx: &Ctx, a: LimitsArgs) -> Result<u8> {
    match a.command {
        LimitsCommand::Set { key, cap } => {
            queue::check_limit(&key, cap)?;
            let pool = ctx.pool().await?;
            let l = queue::set_limit(&pool, &key, cap).await?;
            if ctx.printer.json() {
                ctx.printer.print_json(&l)?;
            } else {
                ctx.printer.note(format!(
                    "limit for '{}': at most {} running ({} running, {} pending now)",
                    l.key, l.cap, l.running, l.pending
                ));
            }
        }
        LimitsCommand::List => {
            let pool = ctx.pool().await?;
            let limits = queue::list_limits(&pool).await?;
            if ctx.printer.json() {
                ctx.printer.print_json(&limits)?;
                return Ok(0);
            }
            if limits.is_empty() {
                ctx.printer
                    .note("no concurrency limits; set one with 'aiops limits set KEY N'");
                return Ok(0);
            }
            let rows = limits
                .iter()
                .map(|l| {
                    vec![
                        l.key.clone(),
                        l.cap.to_string(),
                        l.running.to_string(),
                        l.pending.to_string(),
                        ts(&l.updated_at),
                    ]
                })
                .collect();
            ctx.printer
                .table(&["key", "cap", "running", "pending", "set at"], rows)?;
        }
        LimitsCommand::Clear { key } => {
            let pool = ctx.pool().await?;
            queue::clear_limit(&pool, &key).await?;
            ctx.printer.note(format!("limit for '{key}' removed"));
        }
    }
    Ok(0)
}
