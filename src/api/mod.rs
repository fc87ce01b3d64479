//! `aiops serve`.

use crate::cli::ServeArgs;
use crate::commands::Ctx;
use crate::error::{Error, Result};

/// Entry point of `aiops serve`.
pub async fn command(_ctx: &Ctx, _a: ServeArgs) -> Result<u8> {
    Err(Error::Other(
        "aiops serve is not available in this build".into(),
    ))
}
