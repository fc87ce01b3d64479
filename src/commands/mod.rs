//! One file per subcommand. Each translates flags into core calls and prints the answer;
//! none holds queue logic of its own.

mod bench;
mod cancel;
mod db;
mod doctor;
mod experiment;
mod export;
mod generate;
mod limits;
mod log_lines;
mod logs;
pub mod output;
mod problems;
mod prune;
mod queues;
mod retry;
mod schedule;
mod serve;
mod stats;
mod status;
mod submit;
mod wait;
mod worker;
mod workers;

use sqlx::PgPool;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::db::{connect, resolve_url, PoolConfig, UrlSource};
use crate::error::Result;
use output::Printer;

/// What every command gets: the global flags and the printer.
pub struct Ctx {
    /// Global flags.
    pub global: GlobalArgs,
    /// Output policy.
    pub printer: Printer,
}

impl Ctx {
    /// The database URL in use and where it came from (starts the embedded instance if needed).
    pub fn url(&self) -> Result<(String, UrlSource)> {
        resolve_url(self.global.database_url.as_deref())
    }

    /// Open a small pool with the schema current.
    pub async fn pool(&self) -> Result<PgPool> {
        self.pool_with(&PoolConfig::default()).await
    }

    /// Open a pool with explicit settings.
    pub async fn pool_with(&self, cfg: &PoolConfig) -> Result<PgPool> {
        let (url, _) = self.url()?;
        connect(&url, cfg).await
    }
}

/// Run the parsed command; returns the exit code for outcomes that are not errors.
pub async fn dispatch(cli: Cli, printer: Printer) -> Result<u8> {
    let ctx = Ctx {
        global: cli.global,
        printer,
    };
    match cli.command {
        Command::Submit(a) => submit::run(&ctx, a).await,
        Command::Status(a) => status::run(&ctx, a).await,
        Command::Logs(a) => logs::run(&ctx, a).await,
        Command::Cancel(a) => cancel::run(&ctx, a).await,
        Command::Retry(a) => retry::run(&ctx, a).await,
        Command::Workers(a) => workers::run(&ctx, a).await,
        Command::Queues(a) => queues::run(&ctx, a).await,
        Command::Worker(a) => worker::run(&ctx, a).await,
        Command::Problems(a) => problems::run(&ctx, a).await,
        Command::Doctor(a) => doctor::run(&ctx, a).await,
        Command::Db(a) => db::run(&ctx, a).await,
        Command::Serve(a) => serve::run(&ctx, a).await,
        Command::Stats(a) => stats::run(&ctx, a).await,
        Command::Export(a) => export::run(&ctx, a).await,
        Command::Prune(a) => prune::run(&ctx, a).await,
        Command::Experiment(a) => experiment::run(&ctx, a).await,
        Command::Schedule(a) => schedule::run(&ctx, a).await,
        Command::Limits(a) => limits::run(&ctx, a).await,
        Command::Bench(a) => bench::run(&ctx, a).await,
        Command::Completions(a) => generate::completions(&ctx, a),
        Command::Man(a) => generate::man(&ctx, a),
    }
}

/// Resolve many id arguments, failing on the first bad one.
pub async fn resolve_ids(pool: &PgPool, ids: &[String]) -> Result<Vec<crate::task::TaskId>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(crate::queue::resolve_id(pool, id).await?);
    }
    Ok(out)
}

/// RFC 3339 in UTC with seconds, for tables and details.
pub fn ts(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
