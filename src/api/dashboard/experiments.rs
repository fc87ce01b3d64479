//! The experiments pages: every experiment with how far it is, and one experiment's progress
//! and results table. They read through the same core functions as `aiops experiment list`,
//! `status` and `report`, so the numbers are the CLI's.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use maud::{html, Markup};

use super::view::{self, page, pct, secs, ts, Page};
use super::{Access, DashState};
use crate::experiment::report::{self, Dim, Prices};
use crate::queue;

/// An experiment's page path, its name escaped for a URL path.
fn path_of(name: &str) -> String {
    format!(
        "/experiments/{}",
        url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
    )
}

/// The task list filtered to an experiment's tasks (its `experiment` metadata tag).
fn tasks_of(name: &str) -> String {
    format!(
        "/tasks?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("meta", &format!("experiment={name}"))
            .finish()
    )
}

/// A bar of `done` out of `total`, with the numbers beside it.
fn bar(done: u64, total: u64) -> Markup {
    html! {
        span.bar {
            progress max=(total.max(1)) value=(done) {}
            span { (done) "/" (total) }
        }
    }
}

/// Every experiment, newest first: done of total, failures and a progress bar.
pub async fn list(
    State(st): State<DashState>,
    Extension(access): Extension<Access>,
    headers: HeaderMap,
) -> Response {
    let all = match queue::list_experiments(&st.pool).await {
        Ok(a) => a,
        Err(e) => return view::fail(e),
    };
    let live = html! {
        h1 { "Experiments" }
        @if all.is_empty() {
            p.empty #no-experiments { "No experiments yet: submit one with " code { "aiops experiment submit SPEC" } "." }
        } @else {
            div.scroll {
                table #experiments {
                    thead { tr {
                        th { "experiment" } th { "created" } th.num { "done" } th.num { "running" }
                        th.num { "failures" } th.num { "cancelled" } th { "progress" } th { "schedule" }
                    } }
                    tbody {
                        @for e in &all {
                            @let done = e.completed + e.failed + e.timeout + e.cancelled;
                            tr data-experiment=(e.name) {
                                td { a href=(path_of(&e.name)) { (e.name) } }
                                td { (ts(&e.created_at)) }
                                td.num.done { (done) "/" (e.tasks) }
                                td.num { (e.running) }
                                td.num.failures { (e.failed + e.timeout) }
                                td.num { (e.cancelled) }
                                td { progress max=(e.tasks.max(1)) value=(done) aria-label="done" {} }
                                td { (e.schedule.as_deref().unwrap_or("–")) }
                            }
                        }
                    }
                }
            }
        }
    };
    page(
        &headers,
        &access,
        Page {
            title: "Experiments".into(),
            active: "/experiments",
            before: html! {},
            live,
            after: html! {},
        },
    )
}

/// A number with `digits` decimals, or a dash.
fn num(v: Option<f64>, digits: usize) -> String {
    v.map(|x| format!("{x:.digits$}"))
        .unwrap_or_else(|| "–".into())
}

/// One experiment: progress per agent × task type, and its results table grouped the same
/// way as `aiops experiment report` groups by default.
pub async fn one(
    State(st): State<DashState>,
    Extension(access): Extension<Access>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let read = async {
        let e = queue::get_experiment(&st.pool, &name).await?;
        let (runs, now) = queue::experiment_runs(&st.pool, &name).await?;
        Ok::<_, crate::Error>((e, runs, now))
    };
    let (e, runs, now) = match read.await {
        Ok(r) => r,
        Err(e) => return view::fail(e),
    };
    let p = report::progress(&e.name, &runs, now);
    let r = report::report(
        &e.name,
        &runs,
        &[Dim::Agent, Dim::TaskType],
        &Prices::default(),
    );
    let live = html! {
        h1 { "Experiment " (e.name) }
        div.headline {
            (bar(p.done, p.total))
            span { " done · " span #failures { (p.failures) } " failed or timed out" }
            @if let Some(eta) = p.eta_seconds { span { " · about " (secs(Some(eta))) " to go" } }
            span { " · created " (ts(&e.created_at)) }
            @if let Some(s) = &e.schedule { span { " · by schedule " (s) } }
            span { " · " a #experiment-tasks href=(tasks_of(&e.name)) { "its tasks" } }
        }
        h2 { "Progress" }
        @if p.rows.is_empty() {
            p.empty { "This experiment has no tasks." }
        } @else {
            div.scroll {
                table #progress {
                    thead { tr {
                        th { "agent" } th { "task type" } th { "done" } th.num { "pending" } th.num { "running" }
                        th.num { "completed" } th.num { "failed" } th.num { "timeout" } th.num { "cancelled" }
                    } }
                    tbody {
                        @for row in &p.rows {
                            tr data-agent=(row.agent) data-task-type=(row.task_type) {
                                td { (row.agent) }
                                td { (row.task_type) }
                                td { (bar(row.done, row.total)) }
                                td.num { (row.pending) }
                                td.num { (row.running) }
                                td.num { (row.completed) }
                                td.num { (row.failed) }
                                td.num { (row.timeout) }
                                td.num { (row.cancelled) }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Report" }
        @if r.rows.is_empty() {
            p.empty { "No runs to report yet." }
        } @else {
            div.scroll {
                table #report {
                    thead { tr {
                        th { "agent" } th { "task type" } th.num { "runs" } th.num { "correct" } th.num { "wrong" }
                        th.num { "infra failures" } th.num { "accuracy" } th { "95 % interval" }
                        th { "time" } th.num { "mean" } th.num { "p50" } th.num { "steps" }
                        th.num { "tokens in" } th.num { "tokens out" } th.num { "cancelled" } th.num { "unfinished" }
                    } }
                    tbody {
                        @for row in &r.rows {
                            @let agent = row.group.get("agent").map(String::as_str).unwrap_or("–");
                            @let task_type = row.group.get("task_type").map(String::as_str).unwrap_or("–");
                            tr data-agent=(agent) data-task-type=(task_type) {
                                td { (agent) }
                                td { (task_type) }
                                td.num.runs { (row.runs) }
                                td.num { (row.correct) }
                                td.num { (row.wrong) }
                                td.num.infra { (row.infra_failures) }
                                td.num.accuracy data-value=[row.accuracy] { (pct(row.accuracy)) }
                                td {
                                    @match (row.accuracy_ci_low, row.accuracy_ci_high) {
                                        (Some(lo), Some(hi)) => { (pct(Some(lo))) " – " (pct(Some(hi))) },
                                        _ => { "–" },
                                    }
                                }
                                td { (row.time_key.as_deref().unwrap_or("–")) }
                                td.num { (secs(row.mean_time)) }
                                td.num { (secs(row.p50_time)) }
                                td.num { (num(row.mean_steps, 1)) }
                                td.num { (num(row.mean_in_tokens, 0)) }
                                td.num { (num(row.mean_out_tokens, 0)) }
                                td.num { (row.cancelled) }
                                td.num { (row.unfinished) }
                            }
                        }
                    }
                }
            }
        }
        h3 { "How runs are counted" }
        ul.treatment #treatment {
            @for t in &r.treatment { li { (t) } }
        }
    };
    page(
        &headers,
        &access,
        Page {
            title: format!("Experiment {}", e.name),
            active: "/experiments",
            before: html! {},
            live,
            after: html! {},
        },
    )
}
