//! `aiops bench`.

use crate::cli::BenchArgs;
use crate::commands::Ctx;
use crate::error::{Error, Result};

/// Entry point of `aiops bench`.
pub async fn run(_ctx: &Ctx, _a: BenchArgs) -> Result<u8> {
    Err(Error::Other(
        "aiops bench is not available in this build".into(),
    ))
}
