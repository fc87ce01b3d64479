//! `aiops serve`: the flags become an [`api::ServeConfig`], and the server runs on it.

use crate::api::{self, ServeConfig};
use crate::cli::ServeArgs;
use crate::commands::Ctx;
use crate::error::Result;

pub async fn run(ctx: &Ctx, a: ServeArgs) -> Result<u8> {
    let cfg = ServeConfig::new(
        &a.bind,
        a.token,
        a.read_only_token,
        a.allow_unauthenticated,
        a.max_body_bytes,
    )?
    .with_max_connections(a.max_connections)?;
    let (url, _) = ctx.url()?;
    api::run(cfg, &url, |local| {
        ctx.printer.note(format!("listening on http://{local}"))
    })
    .await
}
