//! `aiops worker run`: claim tasks, run them on this worker's cluster, record what happened.

pub mod runner;

use crate::cli::{WorkerArgs, WorkerCommand};
use crate::commands::Ctx;
use crate::error::Result;

/// Entry point of `aiops worker …`.
pub async fn command(ctx: &Ctx, a: WorkerArgs) -> Result<u8> {
    match a.command {
        WorkerCommand::Run(_) => {
            let _ = ctx;
            Err(crate::error::Error::Other("worker: not yet".into()))
        }
    }
}
