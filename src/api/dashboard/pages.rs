//! The dashboard's pages. Each reads through the core (`queue`, `stats`) exactly as the CLI
//! and the API do, and renders with [`super::view`].

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use chrono::{DateTime, Utc};
use maud::{html, Markup};
use serde_json::Value;

use super::view::{self, action_button, badge, csrf, page, pct, secs, ts, ts_opt, Page};
use super::{Access, Role};

use super::DashState;
use crate::queue::{self, IdPrefix, TaskFilter};
use crate::task::{Backend, Task, TaskId, TaskStatus};

/// Tasks per page of the task list.
const PAGE_SIZE: i64 = 50;

fn pairs(q: &Option<String>) -> Vec<(String, String)> {
    q.as_deref()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

/// The task list's filters as typed, kept as text to fill the form and build links again.
#[derive(Debug, Clone, Default)]
pub struct FilterForm {
    /// Any of these statuses.
    pub status: Vec<String>,
    /// A problem id.
    pub problem: String,
    /// A queue.
    pub queue: String,
    /// A worker id.
    pub worker: String,
    /// `kind`, `existing` or `none`.
    pub backend: String,
    /// `key=value`, several separated by commas.
    pub meta: String,
    /// A duration such as `1h`: created within it.
    pub since: String,
    /// RFC 3339: created at or after.
    pub from: String,
    /// RFC 3339: created before.
    pub to: String,
    /// A prefix of the id.
    pub id: String,
}

const TEXT_FIELDS: [&str; 9] = [
    "problem", "queue", "worker", "backend", "meta", "since", "from", "to", "id",
];

impl FilterForm {
    /// Read the fields of a query string or a form.
    pub fn from_pairs(pairs: &[(String, String)]) -> FilterForm {
        let mut f = FilterForm::default();
        for (k, v) in pairs {
            let v = v.trim().to_string();
            if v.is_empty() {
                continue;
            }
            match k.as_str() {
                "status" => f.status.extend(
                    v.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty()),
                ),
                "problem" => f.problem = v,
                "queue" => f.queue = v,
                "worker" => f.worker = v,
                "backend" => f.backend = v,
                "meta" => f.meta = v,
                "since" => f.since = v,
                "from" => f.from = v,
                "to" => f.to = v,
                "id" => f.id = v,
                _ => {}
            }
        }
        f.status.sort();
        f.status.dedup();
        f
    }

    fn text(&self, name: &str) -> &str {
        match name {
            "problem" => &self.problem,
            "queue" => &self.queue,
            "worker" => &self.worker,
            "backend" => &self.backend,
            "meta" => &self.meta,
            "since" => &self.since,
            "from" => &self.from,
            "to" => &self.to,
            "id" => &self.id,
            _ => "",
        }
    }

    /// Whether any filter is set.
    pub fn is_empty(&self) -> bool {
        self.status.is_empty() && TEXT_FIELDS.iter().all(|n| self.text(n).is_empty())
    }

    /// The core filter, or what is wrong with a field.
    pub fn to_filter(&self) -> Result<TaskFilter, String> {
        let statuses = self
            .status
            .iter()
            .map(|s| s.parse::<TaskStatus>())
            .collect::<Result<Vec<_>, _>>()?;
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let time = |name: &str, s: &str| -> Result<Option<DateTime<Utc>>, String> {
            if s.is_empty() {
                return Ok(None);
            }
            DateTime::parse_from_rfc3339(s)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(|_| {
                    format!("{name} '{s}' is not an RFC 3339 time, e.g. 2026-12-05T18:00:00Z")
                })
        };
        let metadata = if self.meta.is_empty() {
            None
        } else {
            let mut o = serde_json::Map::new();
            for kv in self.meta.split(',') {
                let Some((k, v)) = kv.split_once('=') else {
                    return Err(format!(
                        "metadata filter '{}' is not key=value, e.g. agent=gpt-4",
                        kv.trim()
                    ));
                };
                let v = v.trim();
                let value = match serde_json::from_str::<Value>(v) {
                    Ok(j @ (Value::Number(_) | Value::Bool(_))) => j,
                    _ => Value::String(v.to_string()),
                };
                o.insert(k.trim().to_string(), value);
            }
            Some(Value::Object(o))
        };
        Ok(TaskFilter {
            statuses,
            problem_id: opt(&self.problem),
            worker_id: opt(&self.worker),
            queue: opt(&self.queue),
            backend_type: opt(&self.backend)
                .map(|b| b.parse::<Backend>())
                .transpose()?,
            created_within: opt(&self.since)
                .map(|s| crate::duration::parse(&s))
                .transpose()?,
            created_after: time("from", &self.from)?,
            created_before: time("to", &self.to)?,
            metadata,
            id_prefix: opt(&self.id).map(|i| IdPrefix::parse(&i)).transpose()?,
            ids: None,
        })
    }

    /// The filter as a query string (without `?`).
    pub fn query(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if !self.status.is_empty() {
            q.append_pair("status", &self.status.join(","));
        }
        for n in TEXT_FIELDS {
            if !self.text(n).is_empty() {
                q.append_pair(n, self.text(n));
            }
        }
        q.finish()
    }

    /// The filter as hidden form fields.
    pub fn hidden(&self) -> Markup {
        html! {
            @if !self.status.is_empty() {
                input type="hidden" name="status" value=(self.status.join(","));
            }
            @for n in TEXT_FIELDS {
                @if !self.text(n).is_empty() {
                    input type="hidden" name=(n) value=(self.text(n));
                }
            }
        }
    }

    /// The filter in words, for the confirmation.
    pub fn describe(&self) -> String {
        if self.is_empty() {
            return "every task".into();
        }
        let mut parts = Vec::new();
        if !self.status.is_empty() {
            parts.push(format!("status {}", self.status.join(" or ")));
        }
        for n in TEXT_FIELDS {
            if !self.text(n).is_empty() {
                parts.push(format!("{n} {}", self.text(n)));
            }
        }
        format!("tasks with {}", parts.join(", "))
    }
}

// ---------------------------------------------------------------------------------------------
// Overview

/// Counts by status, success rate, wait and run times, throughput, queues and workers.
pub async fn overview(
    State(st): State<DashState>,
    Extension(access): Extension<Access>,
    headers: HeaderMap,
) -> Response {
    let read = async {
        let overall = crate::stats::overall(&st.pool).await?;
        let day = {
            let mut t = st.throughput.lock().await;
            t.series(&st.pool, crate::stats::Throughput::WINDOW).await?
        };
        // The last hour: its 60 minutes and the one going on.
        let hour = day[day.len().saturating_sub(61)..].to_vec();
        let queues = queue::list_queues(&st.pool).await?;
        let workers = queue::list_workers(&st.pool).await?;
        Ok::<_, crate::Error>((overall, hour, day, queues, workers))
    };
    let (overall, hour, day, queues, workers) = match read.await {
        Ok(r) => r,
        Err(e) => return view::fail(e),
    };
    let o = &overall;
    let online = workers
        .iter()
        .filter(|w| w.status != queue::WorkerStatus::Offline)
        .count();
    let counts = [
        (TaskStatus::Pending, o.pending),
        (TaskStatus::Running, o.running),
        (TaskStatus::Completed, o.completed),
        (TaskStatus::Failed, o.failed),
        (TaskStatus::Timeout, o.timeout),
        (TaskStatus::Cancelled, o.cancelled),
    ];
    let live = html! {
        h1 { "Overview" }
        section.cards {
            @for (s, n) in counts {
                a.card href=(format!("/tasks?status={}", s.as_str())) {
                    span.label { (badge(s)) }
                    span.value #(format!("count-{}", s.as_str())) { (n) }
                }
            }
            div.card { span.label { "success rate" } span.value { (pct(o.success_rate)) } }
            div.card { span.label { "workers online" } span.value #workers-online { (online) } }
        }
        section.cards {
            div.card { span.label { "wait p50 / p95" } span.value.small { (secs(o.wait_p50_seconds)) " / " (secs(o.wait_p95_seconds)) } }
            div.card { span.label { "run p50 / p95" } span.value.small { (secs(o.run_p50_seconds)) " / " (secs(o.run_p95_seconds)) } }
        }
        h2 { "Throughput" }
        div.charts {
            (view::chart(&hour.iter().map(|p| p.finished).collect::<Vec<_>>(), "last hour"))
            (view::chart(&day.iter().map(|p| p.finished).collect::<Vec<_>>(), "last day"))
        }
        h2 { "Queues" }
        (queue_table(&access, &queues, false))
    };
    page(
        &headers,
        &access,
        Page {
            title: "Overview".into(),
            active: "/",
            before: html! {},
            live,
            after: html! {},
        },
    )
}

fn queue_table(access: &Access, queues: &[queue::QueueInfo], actions: bool) -> Markup {
    html! {
        @if queues.is_empty() {
            p.empty { "No queues yet: submit a task with " code { "aiops submit PROBLEM --queue NAME" } "." }
        } @else {
            div.scroll {
                table #queues {
                    thead { tr { th { "queue" } th.num { "pending" } th.num { "running" } th.num { "workers" } th { "state" } @if actions { th {} } } }
                    tbody {
                        @for q in queues {
                            tr data-queue=(q.name) {
                                td { a href=(format!("/tasks?{}", url::form_urlencoded::Serializer::new(String::new()).append_pair("queue", &q.name).finish())) { (q.name) } }
                                td.num { (q.pending) @if q.pending_capped { "+" } }
                                td.num { (q.running) }
                                td.num { (q.workers) }
                                td {
                                    @if q.paused { span.badge.s-paused { "paused" } " since " (ts_opt(&q.paused_at)) }
                                    @else { span.badge.s-active { "active" } }
                                }
                                @if actions {
                                    td {
                                        @let path = url::form_urlencoded::byte_serialize(q.name.as_bytes()).collect::<String>();
                                        @if q.paused {
                                            (action_button(access, &format!("/queues/{path}/resume"), "Resume", "resume"))
                                        } @else {
                                            (action_button(access, &format!("/queues/{path}/pause"), "Pause", "pause"))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tasks

fn cursor_of(t: &Task) -> String {
    format!("{}_{}", t.created_at.to_rfc3339(), t.id)
}

fn parse_cursor(s: &str) -> Option<(DateTime<Utc>, TaskId)> {
    let (at, id) = s.rsplit_once('_')?;
    let at = DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc);
    let id = uuid::Uuid::parse_str(id).ok()?;
    Some((at, TaskId(id)))
}

/// An id short enough for a table, yet telling apart tasks made in the same millisecond (ids
/// are UUIDv7: the first digits are the time, the last are random).
fn short(id: &TaskId) -> String {
    let s = id.to_string();
    format!("{}…{}", &s[..8], &s[s.len() - 6..])
}

/// The task list: filters in the URL, keyset pages, bulk actions, live updates.
pub async fn tasks(
    State(st): State<DashState>,
    Extension(access): Extension<Access>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let pairs = pairs(&q);
    let form = FilterForm::from_pairs(&pairs);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let before = get("before").and_then(parse_cursor);
    let done = get("done").map(str::to_string);
    let filter = form.to_filter();
    let listed = match &filter {
        Ok(f) => match queue::list_before(&st.pool, f, before, PAGE_SIZE + 1).await {
            Ok(t) => Some(t),
            Err(e) => return view::fail(e),
        },
        Err(_) => None,
    };
    let statuses = [
        TaskStatus::Pending,
        TaskStatus::Running,
        TaskStatus::Completed,
        TaskStatus::Failed,
        TaskStatus::Timeout,
        TaskStatus::Cancelled,
    ];
    let before_markup = html! {
        h1 { "Tasks" }
        form.filters #filters method="get" action="/tasks" {
            fieldset.statuses {
                legend { "status" }
                @for s in statuses {
                    label { input type="checkbox" name="status" value=(s.as_str()) checked[form.status.iter().any(|x| x == s.as_str())]; " " (s.as_str()) }
                }
            }
            label { "problem" input name="problem" value=(form.problem); }
            label { "queue" input name="queue" value=(form.queue); }
            label { "worker" input name="worker" value=(form.worker); }
            label { "backend"
                select name="backend" {
                    option value="" selected[form.backend.is_empty()] { "any" }
                    @for b in ["kind", "existing", "none"] {
                        option value=(b) selected[form.backend == b] { (b) }
                    }
                }
            }
            label { "metadata" input name="meta" placeholder="agent=gpt-4" value=(form.meta); }
            label { "within" input name="since" placeholder="24h" value=(form.since); }
            label { "from" input name="from" placeholder="2026-12-05T00:00:00Z" value=(form.from); }
            label { "to" input name="to" placeholder="RFC 3339" value=(form.to); }
            label { "id prefix" input name="id" value=(form.id); }
            div.buttons {
                button type="submit" { "Filter" }
                a href="/tasks" { "Clear" }
            }
        }
        @if let Err(m) = &filter { p.refusal #filter-error { (m) } }
        @if let Some(d) = &done { p.notice #done { (d) } }
    };
    let live = match listed {
        None => html! {},
        Some(mut tasks) => {
            let more = tasks.len() as i64 > PAGE_SIZE;
            tasks.truncate(PAGE_SIZE as usize);
            let next = more.then(|| {
                let mut q = form.query();
                if !q.is_empty() {
                    q.push('&');
                }
                q.push_str("before=");
                q.push_str(
                    &url::form_urlencoded::byte_serialize(
                        cursor_of(tasks.last().unwrap()).as_bytes(),
                    )
                    .collect::<String>(),
                );
                format!("/tasks?{q}")
            });
            html! {
                form #bulk method="post" action="/tasks/bulk" {
                    (csrf(&access))
                    (form.hidden())
                    @if access.role == Role::Operator {
                        div.bulk {
                            span { "Selected: " }
                            button type="submit" name="do" value="cancel:selected" { "Cancel" }
                            button type="submit" name="do" value="retry:selected" { "Retry" }
                            span { " All matching the filter: " }
                            button type="submit" name="do" value="cancel:filter" #cancel-all { "Cancel all" }
                            button type="submit" name="do" value="retry:filter" #retry-all { "Retry all" }
                        }
                    }
                    @if tasks.is_empty() {
                        p.empty #no-tasks { "No tasks match." }
                    } @else {
                        div.scroll {
                            table #tasks {
                                thead { tr {
                                    th { input type="checkbox" #select-all aria-label="select all"; }
                                    th { "id" } th { "problem" } th { "status" } th { "queue" }
                                    th { "worker" } th.num { "attempt" } th { "created" } th { "run" }
                                } }
                                tbody {
                                    @for t in &tasks {
                                        tr data-id=(t.id) data-status=(t.status.as_str()) {
                                            td { input type="checkbox" name="id" value=(t.id) aria-label="select"; }
                                            td.mono { a href=(format!("/tasks/{}", t.id)) { (short(&t.id)) } }
                                            td { (t.problem_id) }
                                            td { (badge(t.status)) @if t.cancel_requested && t.status == TaskStatus::Running { " cancelling" } }
                                            td { (t.queue) }
                                            td { (t.worker_id.as_deref().unwrap_or("–")) }
                                            td.num { (t.attempt) "/" (t.max_attempts) }
                                            td { (ts(&t.created_at)) }
                                            td { (run_time(t)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                nav.pager {
                    @if before.is_some() { a href=(format!("/tasks?{}", form.query())) { "« newest" } }
                    @if let Some(n) = next { a #next href=(n) { "older »" } }
                }
            }
        }
    };
    page(
        &headers,
        &access,
        Page {
            title: "Tasks".into(),
            active: "/tasks",
            before: before_markup,
            live,
            after: html! {},
        },
    )
}

fn run_time(t: &Task) -> String {
    match (t.started_at, t.completed_at) {
        (Some(s), Some(e)) => secs(Some((e - s).num_milliseconds() as f64 / 1000.0)),
        (Some(_), None) if t.status == TaskStatus::Running => "running".into(),
        _ => "–".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// One task

/// Every field, attempts, progress, live log, result and raw JSON of one task.
pub async fn task(
    State(st): State<DashState>,
    Extension(access): Extension<Access>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let read = async {
        let id = queue::resolve_id(&st.pool, &id).await?;
        let t = queue::get(&st.pool, id).await?;
        let attempts = queue::attempts(&st.pool, id).await?;
        Ok::<_, crate::Error>((t, attempts))
    };
    let (t, attempts) = match read.await {
        Ok(r) => r,
        Err(e) => return view::fail(e),
    };
    let raw = serde_json::to_value(&t).unwrap_or(Value::Null);
    let progress = t.progress.as_ref().and_then(|p| {
        let step = p.get("step")?.as_f64()?;
        let max = p.get("max_steps").and_then(Value::as_f64);
        Some((step, max))
    });
    let live = html! {
        h1.mono { "Task " (t.id) }
        div.headline {
            span #task-status { (badge(t.status)) }
            @if t.cancel_requested && t.status == TaskStatus::Running { span.note { " cancel requested" } }
            span { " " (t.problem_id) " · queue " (t.queue) " · attempt " (t.attempt) " of " (t.max_attempts) }
            @if matches!(t.status, TaskStatus::Pending | TaskStatus::Running) && !(t.cancel_requested && t.status == TaskStatus::Running) {
                (action_button(&access, &format!("/tasks/{}/cancel", t.id), "Cancel", "cancel"))
            }
            @if matches!(t.status, TaskStatus::Failed | TaskStatus::Timeout | TaskStatus::Cancelled) {
                (action_button(&access, &format!("/tasks/{}/retry", t.id), "Retry", "retry"))
            }
        }
        @if let Some((step, max)) = progress {
            div.progress {
                @if let Some(max) = max {
                    progress #progress max=(max) value=(step) {}
                    span { "step " (step) " of " (max) }
                } @else {
                    span { "step " (step) }
                }
            }
        }
        h2 { "Attempts" }
        @if attempts.is_empty() {
            p.empty { "No attempt has started yet." }
        } @else {
            div.scroll {
                table #attempts {
                    thead { tr { th.num { "#" } th { "worker" } th { "started" } th { "ended" } th { "outcome" } } }
                    tbody {
                        @for a in &attempts {
                            tr {
                                td.num { (a.attempt) }
                                td { (a.worker_id.as_deref().unwrap_or("–")) }
                                td { (ts(&a.started_at)) }
                                td { (ts_opt(&a.ended_at)) }
                                td class=(format!("level-{}", a.outcome_level.map(|l| l.as_str()).unwrap_or("info"))) {
                                    (a.outcome.as_deref().unwrap_or("running"))
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(r) = &t.result { (result_view(r)) }
        details.fields #fields-box {
            summary { "Every field" }
            div.scroll {
                table.fields #fields {
                    tbody {
                        @if let Value::Object(o) = &raw {
                            @for (k, v) in o {
                                tr { th { (k) } td.mono { (field_text(v)) } }
                            }
                        }
                    }
                }
            }
        }
        details.raw #raw-box {
            summary { "Raw JSON" }
            pre #raw { (serde_json::to_string_pretty(&raw).unwrap_or_default()) }
        }
    };
    let after = html! {
        h2 { "Log" }
        div.logbar {
            label { "level "
                select #log-level {
                    @for l in ["debug", "info", "warning", "error", "critical"] {
                        option value=(l) selected[l == "debug"] { (l) }
                    }
                }
            }
            label { "search " input #log-search type="search" placeholder="text in the line"; }
            span #log-state {}
        }
        div #log.log data-task=(t.id) {}
    };
    page(
        &headers,
        &access,
        Page {
            title: format!("Task {}", short(&t.id)),
            active: "/tasks",
            before: html! {},
            live,
            after,
        },
    )
}

fn field_text(v: &Value) -> String {
    match v {
        Value::Null => "–".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A result: an AIOpsLab run's results table and the agent's history as a conversation,
/// anything else as its JSON.
fn result_view(r: &Value) -> Markup {
    let results = r.get("results").and_then(Value::as_object);
    let history = r.get("history").and_then(Value::as_array);
    html! {
        h2 { "Result" }
        @if results.is_none() && history.is_none() {
            pre #result { (serde_json::to_string_pretty(r).unwrap_or_default()) }
        }
        @if let Some(results) = results {
            div.scroll {
                table.fields #results {
                    tbody {
                        @for (k, v) in results {
                            tr { th { (k) } td.mono { (field_text(v)) } }
                        }
                    }
                }
            }
        }
        @if let Some(history) = history {
            h3 { "Agent history" }
            ol.conversation #history {
                @for m in history {
                    @let role = m.get("role").and_then(Value::as_str).unwrap_or("environment");
                    @let assistant = role == "assistant";
                    li class=(if assistant { "msg assistant" } else { "msg environment" }) {
                        span.who { (if assistant { "agent" } else { role }) }
                        pre { (m.get("content").map(field_text).unwrap_or_default()) }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Workers, queues, problems

/// Workers with their state, and a drain button.
pub async fn workers(
    State(st): State<DashState>,
    Extension(access): Extension<Access>,
    headers: HeaderMap,
) -> Response {
    let workers = match queue::list_workers(&st.pool).await {
        Ok(w) => w,
        Err(e) => return view::fail(e),
    };
    let live = html! {
        h1 { "Workers" }
        @if workers.is_empty() {
            p.empty { "No workers yet: start one with " code { "aiops worker run --cluster NAME" } "." }
        } @else {
            div.scroll {
                table #workers {
                    thead { tr {
                        th { "id" } th { "cluster" } th { "backend" } th { "host" } th { "status" }
                        th { "heartbeat" } th { "current task" } th.num { "concurrency" } th { "version" } th {}
                    } }
                    tbody {
                        @for w in &workers {
                            tr data-worker=(w.id) data-status=(w.status.as_str()) {
                                td { (w.id) }
                                td { (w.cluster_name) }
                                td { (w.backend_type.as_str()) }
                                td { (w.hostname) @if let Some(pid) = w.pid { " (pid " (pid) ")" } }
                                td {
                                    span class=(format!("badge w-{}", w.status.as_str())) { (w.status.as_str()) }
                                    @if w.drain_requested && w.status != queue::WorkerStatus::Offline { " draining" }
                                }
                                td { (secs(Some(w.heartbeat_age_seconds))) " ago" }
                                td.mono {
                                    @if let Some(t) = &w.current_task_id { a href=(format!("/tasks/{t}")) { (short(t)) } }
                                    @else { "–" }
                                }
                                td.num { (w.concurrency) }
                                td { (w.version) }
                                td {
                                    @if w.status != queue::WorkerStatus::Offline && !w.drain_requested {
                                        @let path = url::form_urlencoded::byte_serialize(w.id.as_bytes()).collect::<String>();
                                        (action_button(&access, &format!("/workers/{path}/drain"), "Drain", "drain"))
                                    }
                                }
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
            title: "Workers".into(),
            active: "/workers",
            before: html! {},
            live,
            after: html! {},
        },
    )
}

/// Queues with pause and resume.
pub async fn queues(
    State(st): State<DashState>,
    Extension(access): Extension<Access>,
    headers: HeaderMap,
) -> Response {
    let queues = match queue::list_queues(&st.pool).await {
        Ok(q) => q,
        Err(e) => return view::fail(e),
    };
    let live = html! {
        h1 { "Queues" }
        (queue_table(&access, &queues, true))
    };
    page(
        &headers,
        &access,
        Page {
            title: "Queues".into(),
            active: "/queues",
            before: html! {},
            live,
            after: html! {},
        },
    )
}

/// The problem catalog with success rate, p50 run time and last run.
pub async fn problems(
    State(st): State<DashState>,
    Extension(access): Extension<Access>,
    headers: HeaderMap,
) -> Response {
    let rows = match crate::stats::problem_board(&st.pool).await {
        Ok(r) => r,
        Err(e) => return view::fail(e),
    };
    let live = html! {
        h1 { "Problems" }
        @if rows.is_empty() {
            p.empty { "No problems yet: import the catalog with " code { "aiops problems import --from-runner" } "." }
        } @else {
            div.scroll {
                table #problems {
                    thead { tr {
                        th { "problem" } th { "type" } th.num { "finished" } th.num { "running" }
                        th { "success rate" } th { "run p50" } th { "last run" }
                    } }
                    tbody {
                        @for p in &rows {
                            tr data-problem=(p.problem_id) {
                                td { a href=(format!("/tasks?{}", url::form_urlencoded::Serializer::new(String::new()).append_pair("problem", &p.problem_id).finish())) { (p.problem_id) } }
                                td { (p.task_type.as_deref().unwrap_or("–")) }
                                td.num { (p.stats.finished) }
                                td.num { (p.stats.running) }
                                td { (pct(p.stats.success_rate)) }
                                td { (secs(p.stats.run_p50_seconds)) }
                                td {
                                    @match (&p.last_run, p.last_run_exact) {
                                        (Some(t), true) => (ts(t)),
                                        (Some(t), false) => (t.format("%Y-%m-%d").to_string()),
                                        (None, _) => "–",
                                    }
                                }
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
            title: "Problems".into(),
            active: "/problems",
            before: html! {},
            live,
            after: html! {},
        },
    )
}
