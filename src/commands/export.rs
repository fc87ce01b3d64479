//! `aiops export`: finished tasks as JSON Lines, streamed to stdout or atomically to a file.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use futures_util::StreamExt;

use crate::cli::ExportArgs;
use crate::commands::Ctx;
use crate::error::{Error, Result};
use crate::export::{self, ExportFilter};
use crate::task::{parse_status_list, TaskStatus};

/// Entry point of `aiops export`.
pub async fn run(ctx: &Ctx, a: ExportArgs) -> Result<u8> {
    let statuses = match &a.status {
        Some(s) => parse_status_list(s).map_err(|e| Error::usage(format!("--status: {e}")))?,
        None => Vec::new(),
    };
    if let Some(s) = statuses.iter().find(|s| !s.is_terminal()) {
        return Err(Error::usage(format!(
            "--status {s}: export only writes finished tasks; use completed, failed, timeout or cancelled (or 'aiops status --status {s}' to list them)"
        )));
    }
    let statuses = if statuses.is_empty() {
        TaskStatus::ALL
            .into_iter()
            .filter(|s| s.is_terminal())
            .collect()
    } else {
        statuses
    };
    let filter = ExportFilter {
        statuses,
        problem_id: a.problem.clone(),
        created_within: a.since,
        experiment: a.experiment.clone(),
    };
    let pool = ctx.pool().await?;
    if let Some(name) = &a.experiment {
        crate::commands::experiment::check_exists(&pool, name).await?;
    }
    match &a.output_file {
        None => {
            let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout());
            let n = write_all(&pool, &filter, &mut out, stdout_error).await?;
            out.flush().map_err(stdout_error)?;
            ctx.printer.note(format!("exported {n} tasks"));
        }
        Some(path) => {
            let tmp = tmp_path(path);
            let n = match to_file(&pool, &filter, &tmp).await {
                Ok(n) => n,
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e);
                }
            };
            std::fs::rename(&tmp, path).map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                Error::Io(format!(
                    "moving {} to {}: {e}",
                    tmp.display(),
                    path.display()
                ))
            })?;
            ctx.printer
                .note(format!("exported {n} tasks to {}", path.display()));
        }
    }
    Ok(0)
}

/// `F.tmp` next to `F`, so the final rename stays on one file system.
fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

async fn to_file(pool: &sqlx::PgPool, filter: &ExportFilter, tmp: &Path) -> Result<u64> {
    let io = |e: std::io::Error| Error::Io(format!("writing {}: {e}", tmp.display()));
    let file = std::fs::File::create(tmp).map_err(io)?;
    let mut out = BufWriter::with_capacity(1 << 16, file);
    let n = write_all(pool, filter, &mut out, io).await?;
    let file = out.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    Ok(n)
}

async fn write_all<W: Write>(
    pool: &sqlx::PgPool,
    filter: &ExportFilter,
    out: &mut W,
    io: impl Fn(std::io::Error) -> Error,
) -> Result<u64> {
    let mut rows = export::stream(pool, filter);
    let mut n = 0u64;
    while let Some(rec) = rows.next().await {
        let rec = rec?;
        serde_json::to_writer(&mut *out, &rec).map_err(|e| io(e.into()))?;
        out.write_all(b"\n").map_err(&io)?;
        n += 1;
    }
    Ok(n)
}

fn stdout_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        // N.B.: the reader went away (`aiops export | head`): nothing is wrong, stop quietly.
        std::process::exit(0);
    }
    Error::Io(format!("writing to stdout: {e}"))
}
