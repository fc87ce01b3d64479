//! `aiops db`: the schema and the embedded PostgreSQL instance.

use serde_json::json;

use crate::cli::{DbArgs, DbCommand};
use crate::commands::Ctx;
use crate::db::embedded::{Embedded, StartOutcome, StopOutcome};
use crate::db::{self, mask_url, PoolConfig, UrlSource};
use crate::error::{Error, Result};

pub async fn run(ctx: &Ctx, a: DbArgs) -> Result<u8> {
    match a.command {
        DbCommand::Migrate => {
            let (url, _) = ctx.url()?;
            let pool = db::connect(&url, &PoolConfig::default()).await?;
            let s = db::schema_status(&pool).await?;
            if ctx.printer.json() {
                ctx.printer.print_json(&s)?;
            } else {
                ctx.printer.note(format!(
                    "schema is current at version {}",
                    s.applied.unwrap_or_default()
                ));
            }
            Ok(0)
        }
        DbCommand::Status => status(ctx).await,
        DbCommand::Start => {
            let emb = embedded()?;
            let outcome = emb.start().map_err(|e| Error::Other(e.to_string()))?;
            let what = match outcome {
                StartOutcome::Started => "started",
                StartOutcome::AlreadyRunning => "already running",
                StartOutcome::Initialized => "initialised and started",
            };
            if ctx.printer.json() {
                ctx.printer.print_json(
                    &json!({"outcome": what, "url": emb.url(), "data_dir": emb.data_dir()}),
                )?;
            } else {
                ctx.printer.note(format!(
                    "embedded PostgreSQL {what} ({})",
                    emb.data_dir().display()
                ));
            }
            Ok(0)
        }
        DbCommand::Stop => {
            let emb = embedded()?;
            let outcome = emb.stop().map_err(|e| Error::Other(e.to_string()))?;
            let what = match outcome {
                StopOutcome::Stopped => "stopped",
                StopOutcome::NotRunning => "was not running",
            };
            if ctx.printer.json() {
                ctx.printer.print_json(&json!({"outcome": what}))?;
            } else {
                ctx.printer.note(format!("embedded PostgreSQL {what}"));
            }
            Ok(0)
        }
        DbCommand::Url => {
            let (url, _) = ctx.url()?;
            if ctx.printer.json() {
                ctx.printer.print_json(&json!({"url": url}))?;
            } else {
                ctx.printer.data(url)?;
            }
            Ok(0)
        }
    }
}

fn embedded() -> Result<Embedded> {
    Embedded::locate().map_err(|e| Error::Other(e.to_string()))
}

async fn status(ctx: &Ctx) -> Result<u8> {
    let (url, source) = ctx.url()?;
    let pool = db::connect_no_migrate(&url, &PoolConfig::default()).await?;
    let schema = db::schema_status(&pool).await?;
    let embedded = match source {
        UrlSource::Embedded => embedded()?
            .status()
            .ok()
            .map(|s| json!({"data_dir": s.data_dir, "running": s.running, "pid": s.pid, "version": s.version})),
        UrlSource::Configured => None,
    };
    let state = match schema.applied {
        None => "empty (migrations will be applied on first use)".to_string(),
        Some(v) if v == schema.known => format!("current (version {v})"),
        Some(v) if v < schema.known => {
            format!("behind: version {v}, this aiops has {}", schema.known)
        }
        Some(v) => format!("newer than this aiops: version {v}, known {}", schema.known),
    };
    if ctx.printer.json() {
        ctx.printer.print_json(&json!({
            "url": mask_url(&url),
            "source": match source { UrlSource::Embedded => "embedded", UrlSource::Configured => "configured" },
            "schema": schema,
            "current": schema.is_current(),
            "embedded": embedded,
        }))?;
        return Ok(0);
    }
    let mut rows = vec![
        ("database", mask_url(&url)),
        (
            "source",
            match source {
                UrlSource::Embedded => "embedded instance".to_string(),
                UrlSource::Configured => "configured URL".to_string(),
            },
        ),
        ("schema", state),
    ];
    if let Some(e) = embedded {
        rows.push(("data dir", e["data_dir"].as_str().unwrap_or("").to_string()));
    }
    ctx.printer.details(&rows)?;
    Ok(0)
}
