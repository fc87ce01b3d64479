//! `aiops stats`.

use crate::cli::StatsArgs;
use crate::commands::Ctx;
use crate::error::{Error, Result};

/// Entry point of `aiops stats`.
pub async fn run(_ctx: &Ctx, _a: StatsArgs) -> Result<u8> {
    Err(Error::Other(
        "aiops stats is not available in this build".into(),
    ))
}
