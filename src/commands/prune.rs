//! `aiops prune`.

use crate::cli::PruneArgs;
use crate::commands::Ctx;
use crate::error::{Error, Result};

/// Entry point of `aiops prune`.
pub async fn run(_ctx: &Ctx, _a: PruneArgs) -> Result<u8> {
    Err(Error::Other(
        "aiops prune is not available in this build".into(),
    ))
}
