//! The page frame and the small pieces every page uses. maud escapes every value it prints.

use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{html, Markup, DOCTYPE};

use super::{Access, Role};
use crate::task::TaskStatus;

/// The pages of the navigation, as (path, label).
const NAV: [(&str, &str); 6] = [
    ("/", "Overview"),
    ("/tasks", "Tasks"),
    ("/workers", "Workers"),
    ("/queues", "Queues"),
    ("/problems", "Problems"),
    ("/experiments", "Experiments"),
];

/// What a page shows: `before` and `after` stay as loaded (forms, the live log), `live` is
/// re-read when something changes.
pub struct Page {
    pub title: String,
    /// The navigation entry to highlight.
    pub active: &'static str,
    pub before: Markup,
    pub live: Markup,
    pub after: Markup,
}

/// A whole page, or only its live region when the page's script asks for it to refresh
/// (`X-Fragment: live`).
pub fn page(headers: &HeaderMap, access: &Access, p: Page) -> Response {
    let Page {
        title,
        active,
        before,
        live,
        after,
    } = p;
    if headers
        .get("x-fragment")
        .is_some_and(|v| v.as_bytes() == b"live")
    {
        return Html(live.into_string()).into_response();
    }
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="color-scheme" content="light dark";
                    title { (title) " · aiops" }
                    link rel="stylesheet" href="/assets/app.css";
                    script src="/assets/app.js" defer {}
                }
                body {
                    header.top {
                        a.brand href="/" { "aiops" }
                        nav {
                            @for (path, label) in NAV {
                                a href=(path) .active[path == active] { (label) }
                            }
                        }
                        @if access.signed {
                            form.signout method="post" action="/signout" {
                                input type="hidden" name="csrf" value=(access.csrf);
                                span.role { @if access.role == Role::Viewer { "read-only" } @else { "operator" } }
                                button type="submit" { "Sign out" }
                            }
                        }
                    }
                    main {
                        (before)
                        div #live { (live) }
                        (after)
                    }
                }
            }
        }
        .into_string(),
    )
    .into_response()
}

/// A page of one narrow column without the navigation: refusals, confirmations, sign-in.
/// `script` loads the dashboard's script (only sign-in needs it).
pub fn narrow(status: StatusCode, title: &str, script: bool, content: Markup) -> Response {
    (
        status,
        Html(
            html! {
                (DOCTYPE)
                html lang="en" {
                    head {
                        meta charset="utf-8";
                        meta name="viewport" content="width=device-width, initial-scale=1";
                        title { (title) }
                        link rel="stylesheet" href="/assets/app.css";
                        @if script { script src="/assets/app.js" defer {} }
                    }
                    body { main.narrow { (content) } }
                }
            }
            .into_string(),
        ),
    )
        .into_response()
}

/// A page saying why a request was refused (or what failed), with a way back.
pub fn refusal(status: StatusCode, message: &str) -> Response {
    narrow(
        status,
        "aiops",
        false,
        html! {
            h1 { (status.as_u16()) " " (status.canonical_reason().unwrap_or("")) }
            p.refusal { (message) }
            p { a href="/" { "Back to the overview" } }
        },
    )
}

/// A core error as a page: what was wrong, with the status the API would answer.
pub fn fail(e: crate::Error) -> Response {
    let status = match &e {
        crate::Error::NotFound(_) | crate::Error::Ambiguous { .. } => StatusCode::NOT_FOUND,
        crate::Error::Usage(_) | crate::Error::Invalid { .. } => StatusCode::BAD_REQUEST,
        crate::Error::Conflict(_) => StatusCode::CONFLICT,
        _ => {
            tracing::warn!("dashboard: {e}");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    refusal(status, &crate::error::one_line(&e.to_string()))
}

/// A status as a coloured badge.
pub fn badge(s: TaskStatus) -> Markup {
    html! { span class=(format!("badge s-{}", s.as_str())) { (s.as_str()) } }
}

/// A time as UTC, to the second.
pub fn ts(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// An optional time.
pub fn ts_opt(t: &Option<DateTime<Utc>>) -> String {
    t.as_ref().map(ts).unwrap_or_else(|| "–".into())
}

/// Seconds, in human units.
pub fn secs(s: Option<f64>) -> String {
    match s {
        Some(s) if s.is_finite() && s >= 0.0 => {
            if s < 1.0 {
                format!("{:.0} ms", s * 1000.0)
            } else {
                crate::duration::human(Duration::from_secs_f64(s))
            }
        }
        _ => "–".into(),
    }
}

/// A fraction as a percentage.
pub fn pct(r: Option<f64>) -> String {
    r.map(|r| format!("{:.1} %", r * 100.0))
        .unwrap_or_else(|| "–".into())
}

/// The hidden CSRF field of a form.
pub fn csrf(access: &Access) -> Markup {
    html! { input type="hidden" name="csrf" value=(access.csrf); }
}

/// A one-button POST form, shown only to operators.
pub fn action_button(access: &Access, action: &str, label: &str, class: &str) -> Markup {
    html! {
        @if access.role == Role::Operator {
            form.inline method="post" action=(action) {
                (csrf(access))
                button type="submit" class=(class) { (label) }
            }
        }
    }
}

/// A line chart of `points` (oldest first) as inline SVG: no script, no external file.
pub fn chart(points: &[i64], caption: &str) -> Markup {
    let (w, h) = (600.0_f64, 120.0_f64);
    let max = points.iter().copied().max().unwrap_or(0).max(1) as f64;
    let n = points.len().max(2) as f64 - 1.0;
    let coords: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * w / n,
                h - (*v as f64 / max) * (h - 10.0)
            )
        })
        .collect();
    let total: i64 = points.iter().sum();
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {w} {h}")) preserveAspectRatio="none" role="img"
                aria-label=(format!("{caption}: {total} finished, at most {max} in one minute")) {
                polyline points=(coords.join(" ")) fill="none" stroke="currentColor" stroke-width="2"
                    vector-effect="non-scaling-stroke" {}
            }
            figcaption { (caption) ": " (total) " finished, peak " (max as i64) " per minute" }
        }
    }
}
