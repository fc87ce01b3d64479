//! `aiops doctor`: the prerequisites of a worker, one line each.

use crate::cli::DoctorArgs;
use crate::commands::Ctx;
use crate::doctor::{self, Plan, Status};
use crate::error::Result;

pub async fn run(ctx: &Ctx, a: DoctorArgs) -> Result<u8> {
    let (database_url, database_error) = match ctx.url() {
        Ok((url, _)) => (Some(url), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let plan = Plan {
        database_url,
        database_error,
        cluster: a.cluster,
        backend: a.backend.into(),
        kubeconfig: a.kubeconfig,
        python: a.python,
    };
    let checks = doctor::run(&plan).await;
    let failed = checks.iter().filter(|c| c.blocks()).count();
    if ctx.printer.json() {
        ctx.printer.print_json(&checks)?;
    } else {
        for c in &checks {
            let mark = match (c.status, c.required) {
                (Status::Ok, _) => "ok  ",
                (Status::Fail, true) => "FAIL",
                (Status::Fail, false) => "warn",
                (Status::Skip, _) => "skip",
            };
            let fix = c
                .fix
                .as_deref()
                .map(|f| format!(" — fix: {f}"))
                .unwrap_or_default();
            ctx.printer
                .data(format!("{mark} {:<14} {}{fix}", c.name, c.detail))?;
        }
        if failed > 0 {
            ctx.printer.note(format!(
                "{failed} required check(s) failed; fix the FAIL lines above"
            ));
        } else {
            ctx.printer.note("everything a worker needs is in place");
        }
    }
    Ok(if failed > 0 { 1 } else { 0 })
}
