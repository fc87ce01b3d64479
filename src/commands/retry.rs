//! `aiops retry`: failed, timed-out or cancelled tasks back to the queue for one more attempt.

use crate::cli::RetryArgs;
use crate::commands::Ctx;
use crate::error::{Error, Result};
use crate::queue;

pub async fn run(ctx: &Ctx, a: RetryArgs) -> Result<u8> {
    let pool = ctx.pool().await?;
    let mut tasks = Vec::new();
    let mut first_err: Option<Error> = None;
    for input in &a.ids {
        let r = match queue::resolve_id(&pool, input).await {
            Ok(id) => queue::retry(&pool, id).await,
            Err(e) => Err(e),
        };
        match r {
            Ok(t) => {
                if !ctx.printer.json() {
                    ctx.printer.data(format!(
                        "{} pending (attempt {} of {} next)",
                        t.id,
                        t.attempt + 1,
                        t.max_attempts
                    ))?;
                }
                tasks.push(t);
            }
            Err(e) => {
                if a.ids.len() == 1 {
                    return Err(e);
                }
                eprintln!(
                    "error: {}: {}",
                    input,
                    crate::error::one_line(&e.to_string())
                );
                first_err.get_or_insert(e);
            }
        }
    }
    if ctx.printer.json() {
        ctx.printer.print_json(&tasks)?;
    }
    Ok(first_err.map(|e| e.exit_code()).unwrap_or(0))
}
