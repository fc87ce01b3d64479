//! `aiops completions` and `aiops man`: generated from the same clap tree that parses, and
//! checked in under `completions/` and `man/` (a test keeps them in sync).

use std::path::Path;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::commands::Ctx;
use crate::error::{Error, Result};

pub fn completions(_ctx: &Ctx, a: CompletionsArgs) -> Result<u8> {
    let mut cmd = Cli::command();
    clap_complete::generate(a.shell, &mut cmd, "aiops", &mut std::io::stdout());
    Ok(0)
}

pub fn man(ctx: &Ctx, a: ManArgs) -> Result<u8> {
    std::fs::create_dir_all(&a.dir)
        .map_err(|e| Error::Io(format!("cannot create {}: {e}", a.dir.display())))?;
    let cmd = Cli::command();
    let n = write_pages(&cmd, "aiops", &a.dir)?;
    ctx.printer
        .note(format!("wrote {n} man pages to {}", a.dir.display()));
    Ok(0)
}

/// Write the page of `cmd` and, recursively, of its subcommands (`aiops-worker-run.1`, …).
fn write_pages(cmd: &clap::Command, name: &str, dir: &Path) -> Result<usize> {
    let cmd = cmd
        .clone()
        .name(name.to_string())
        .bin_name(name.replace('-', " "));
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut buf)
        .map_err(|e| Error::Io(format!("rendering the man page of {name}: {e}")))?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, buf)
        .map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))?;
    let mut n = 1;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        n += write_pages(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(n)
}
