//! `aiops export`.

use crate::cli::ExportArgs;
use crate::commands::Ctx;
use crate::error::{Error, Result};

/// Entry point of `aiops export`.
pub async fn run(_ctx: &Ctx, _a: ExportArgs) -> Result<u8> {
    Err(Error::Other(
        "aiops export is not available in this build".into(),
    ))
}
