//! The dashboard's actions: each a POSTed form (its CSRF token already checked by
//! [`super::guard`]) translated into one core call, then a redirect back to where it came from.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use maud::html;

use super::pages::FilterForm;
use super::view::{self, csrf};
use super::{new_session, Access, DashState, FormFields, Role, COOKIE};
use crate::queue::{self, BulkAction, TaskFilter};
use crate::task::TaskId;

/// Where to go after an action: the page it came from, when that is one of ours.
fn back(headers: &HeaderMap, default: &str) -> String {
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| default.to_string())
}

/// Cancel one task.
pub async fn cancel(
    State(st): State<DashState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let id = queue::resolve_id(&st.pool, &id).await?;
        queue::cancel(&st.pool, id, Some("from the dashboard")).await?;
        Ok::<_, crate::Error>(id)
    };
    match r.await {
        Ok(id) => Redirect::to(&back(&headers, &format!("/tasks/{id}"))).into_response(),
        Err(e) => view::fail(e),
    }
}

/// Retry one task.
pub async fn retry(
    State(st): State<DashState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let id = queue::resolve_id(&st.pool, &id).await?;
        queue::retry(&st.pool, id).await?;
        Ok::<_, crate::Error>(id)
    };
    match r.await {
        Ok(id) => Redirect::to(&back(&headers, &format!("/tasks/{id}"))).into_response(),
        Err(e) => view::fail(e),
    }
}

/// After an action: back where the form was (else `default`), or the error as a page.
fn done<T>(r: crate::error::Result<T>, headers: &HeaderMap, default: &str) -> Response {
    match r {
        Ok(_) => Redirect::to(&back(headers, default)).into_response(),
        Err(e) => view::fail(e),
    }
}

/// Ask a worker to drain.
pub async fn drain(
    State(st): State<DashState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    done(
        queue::request_drain(&st.pool, &id).await,
        &headers,
        "/workers",
    )
}

/// Pause a queue.
pub async fn pause(
    State(st): State<DashState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    done(
        queue::pause_queue(&st.pool, &name).await,
        &headers,
        "/queues",
    )
}

/// Resume a queue.
pub async fn resume(
    State(st): State<DashState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    done(
        queue::resume_queue(&st.pool, &name).await,
        &headers,
        "/queues",
    )
}

/// Cancel or retry the selected tasks or every task matching the filter. The first POST only
/// counts and asks; the second, carrying the count it was shown, acts, unless the count has
/// changed meanwhile (then it asks again with the new one).
pub async fn bulk(
    State(st): State<DashState>,
    Extension(access): Extension<Access>,
    Extension(fields): Extension<FormFields>,
) -> Response {
    let (action, scope) = match fields.get("do").unwrap_or_default().split_once(':') {
        Some(("cancel", s)) => (BulkAction::Cancel, s.to_string()),
        Some(("retry", s)) => (BulkAction::Retry, s.to_string()),
        _ => {
            return view::refusal(
                StatusCode::BAD_REQUEST,
                "Unknown bulk action; use the Cancel or Retry buttons of the task list.",
            )
        }
    };
    let form = FilterForm::from_pairs(&fields.0);
    let (filter, what) = if scope == "selected" {
        let mut ids = Vec::new();
        for i in fields.all("id") {
            match uuid::Uuid::parse_str(i) {
                Ok(u) => ids.push(TaskId(u)),
                Err(_) => {
                    return view::refusal(
                        StatusCode::BAD_REQUEST,
                        &format!("'{i}' is not a task id; select tasks in the list"),
                    )
                }
            }
        }
        if ids.is_empty() {
            return view::refusal(
                StatusCode::BAD_REQUEST,
                "No task is selected; tick some, or act on all that match the filter.",
            );
        }
        let n = ids.len();
        (
            TaskFilter {
                ids: Some(ids),
                ..TaskFilter::default()
            },
            format!("the {n} selected task(s)"),
        )
    } else {
        match form.to_filter() {
            Ok(f) => (f, form.describe()),
            Err(m) => return view::refusal(StatusCode::BAD_REQUEST, &m),
        }
    };
    let verb = match action {
        BulkAction::Cancel => "cancel",
        BulkAction::Retry => "retry",
    };
    let count = match queue::bulk_count(&st.pool, &filter, action).await {
        Ok(n) => n,
        Err(e) => return view::fail(e),
    };
    let shown = fields.get("confirm").and_then(|c| c.parse::<i64>().ok());
    if shown == Some(count) {
        return match queue::bulk(&st.pool, &filter, action).await {
            Ok(n) => {
                let mut q = form.query();
                if !q.is_empty() {
                    q.push('&');
                }
                let done = format!(
                    "{} {n} task(s).",
                    match action {
                        BulkAction::Cancel => "Cancelled (or asked to stop)",
                        BulkAction::Retry => "Re-queued",
                    }
                );
                q.push_str("done=");
                q.push_str(
                    &url::form_urlencoded::byte_serialize(done.as_bytes()).collect::<String>(),
                );
                Redirect::to(&format!("/tasks?{q}")).into_response()
            }
            Err(e) => view::fail(e),
        };
    }
    let changed = shown.is_some();
    view::narrow(
        StatusCode::OK,
        "Confirm · aiops",
        false,
        html! {
            h1 { "Confirm" }
            @if changed { p.notice { "The number of tasks changed since you looked." } }
            p #confirm-text {
                "This will " (verb) " " strong #confirm-count { (count) } " task(s): " (what)
                @if action == BulkAction::Cancel { " that are pending or running" }
                @else { " that failed, timed out or were cancelled" }
                "."
            }
            @if count > 0 {
                form method="post" action="/tasks/bulk" {
                    (csrf(&access))
                    (form.hidden())
                    @for i in fields.all("id") { input type="hidden" name="id" value=(i); }
                    input type="hidden" name="do" value=(format!("{verb}:{scope}"));
                    input type="hidden" name="confirm" value=(count);
                    button type="submit" #confirm { "Yes, " (verb) " " (count) " task(s)" }
                }
            }
            p { a href=(format!("/tasks?{}", form.query())) #back { "Back to the tasks" } }
        },
    )
}

/// The sign-in form.
pub async fn signin_form(State(st): State<DashState>) -> Response {
    signin_page(&st, None, StatusCode::OK, "/")
}

/// The sign-in form; `next` is where it leads (the page's script takes it from the URL when
/// the form was asked for with `?next=`).
fn signin_page(st: &DashState, error: Option<&str>, status: StatusCode, next: &str) -> Response {
    if st.token.is_none() {
        return Redirect::to("/").into_response();
    }
    view::narrow(
        status,
        "Sign in · aiops",
        true,
        html! {
            h1 { "aiops" }
            form.signin #signin method="post" action="/signin" {
                input type="hidden" name="next" #next value=(next);
                label { "Token" input type="password" name="token" #token autocomplete="current-password" required autofocus; }
                button type="submit" { "Sign in" }
            }
            @if let Some(e) = error { p.refusal #signin-error { (e) } }
            p.hint { "The token " code { "aiops serve" } " was started with (" code { "--token" } ", or " code { "--read-only-token" } " to look only)." }
        },
    )
}

/// Trade a token for a session cookie.
pub async fn signin(
    State(st): State<DashState>,
    Extension(fields): Extension<FormFields>,
) -> Response {
    let next = fields
        .get("next")
        .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or("/");
    let given = fields.get("token").unwrap_or_default().trim().as_bytes();
    let role = if super::super::auth::matches(given, st.token.as_deref()) {
        Role::Operator
    } else if super::super::auth::matches(given, st.read_only_token.as_deref()) {
        Role::Viewer
    } else {
        return signin_page(
            &st,
            Some("That is not this server's token; use the --token (or --read-only-token) aiops serve was started with."),
            StatusCode::UNAUTHORIZED,
            next,
        );
    };
    let cookie = format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200",
        new_session(&st, role)
    );
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, cookie),
            (header::LOCATION, next.to_string()),
        ],
    )
        .into_response()
}

/// Forget the session cookie.
pub async fn signout() -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (
                header::SET_COOKIE,
                format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
            ),
            (header::LOCATION, "/signin".to_string()),
        ],
    )
        .into_response()
}
