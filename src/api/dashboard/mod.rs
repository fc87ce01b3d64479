//! The web dashboard at `/`: server-rendered pages over the same core reads as the CLI and the
//! API, a little JavaScript that follows the API's event streams, and the actions (cancel,
//! retry, pause, resume, drain) as POSTed forms. Everything it serves is in the binary.
//!
//! Access: without `--token` (only allowed on loopback, or with `--allow-unauthenticated`)
//! anyone who reaches it may look and act. With one, a sign-in form trades the token (or the
//! `--read-only-token`, which may only look) for an HttpOnly, SameSite=Strict session cookie
//! signed with a key new to each process. Every POST carries a CSRF token derived from the
//! session, checked here before any handler runs.

mod actions;
mod experiments;
mod pages;
mod view;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;

use super::AppState;

/// The session cookie's name.
const COOKIE: &str = "aiops_session";
/// Largest form a dashboard action accepts (a bulk selection of a few hundred ids).
const FORM_LIMIT: usize = 256 * 1024;

/// What a visitor may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Look and act.
    Operator,
    /// Look only.
    Viewer,
}

/// A visitor's access, given to every page and action.
#[derive(Debug, Clone)]
pub struct Access {
    /// What the visitor may do.
    pub role: Role,
    /// The CSRF token every form of this visitor carries.
    pub csrf: String,
    /// Whether the server asks for a token at all (then a sign-out button is shown).
    pub signed: bool,
}

/// A POSTed form's fields, in order (a field may repeat, e.g. `id`).
#[derive(Debug, Clone, Default)]
pub struct FormFields(pub Vec<(String, String)>);

impl FormFields {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

fn sign(st: &AppState, what: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(st.session_key.as_ref()).expect("any key size");
    mac.update(what.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A new session cookie's value for `role`.
fn new_session(st: &AppState, role: Role) -> String {
    let nonce = hex::encode(rand::random::<[u8; 16]>());
    let body = format!(
        "{}.{nonce}",
        match role {
            Role::Operator => "operator",
            Role::Viewer => "viewer",
        }
    );
    let sig = sign(st, &body);
    format!("{body}.{sig}")
}

fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
}

/// The role of a valid session cookie in `headers`.
pub(super) fn signed_in(st: &AppState, headers: &HeaderMap) -> Option<Role> {
    let value = session_cookie(headers)?;
    let (body, sig) = value.rsplit_once('.')?;
    if !super::auth::matches(sig.as_bytes(), Some(sign(st, body).as_bytes())) {
        return None;
    }
    match body.split_once('.')?.0 {
        "operator" => Some(Role::Operator),
        "viewer" => Some(Role::Viewer),
        _ => None,
    }
}

fn access_of(st: &AppState, headers: &HeaderMap) -> Option<Access> {
    if st.token.is_none() {
        return Some(Access {
            role: Role::Operator,
            csrf: sign(st, "csrf:open"),
            signed: false,
        });
    }
    let role = signed_in(st, headers)?;
    let cookie = session_cookie(headers).unwrap_or_default();
    Some(Access {
        role,
        csrf: sign(st, &format!("csrf:{cookie}")),
        signed: true,
    })
}

/// What the dashboard's handlers share: the server's state and the throughput series the
/// overview keeps current.
#[derive(Clone)]
pub struct DashState {
    app: AppState,
    throughput: Arc<tokio::sync::Mutex<crate::stats::Throughput>>,
}

impl std::ops::Deref for DashState {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.app
    }
}

/// The dashboard's routes, with their own access checks and security headers (the API's
/// bearer check does not apply to them).
pub(super) fn router(state: AppState) -> Router {
    let state = DashState {
        app: state,
        throughput: Arc::default(),
    };
    Router::new()
        .route("/", get(pages::overview))
        .route("/tasks", get(pages::tasks))
        .route("/tasks/{id}", get(pages::task))
        .route("/workers", get(pages::workers))
        .route("/queues", get(pages::queues))
        .route("/problems", get(pages::problems))
        .route("/experiments", get(experiments::list))
        .route("/experiments/{name}", get(experiments::one))
        .route("/tasks/bulk", post(actions::bulk))
        .route("/tasks/{id}/cancel", post(actions::cancel))
        .route("/tasks/{id}/retry", post(actions::retry))
        .route("/workers/{id}/drain", post(actions::drain))
        .route("/queues/{name}/pause", post(actions::pause))
        .route("/queues/{name}/resume", post(actions::resume))
        .route("/signin", get(actions::signin_form).post(actions::signin))
        .route("/signout", post(actions::signout))
        .route("/assets/app.css", get(assets_css))
        .route("/assets/app.js", get(assets_js))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Who may see what, and the CSRF check of every POST (its form is read here and handed on).
async fn guard(State(st): State<DashState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let open = path.starts_with("/assets/") || path == "/signin" || path == "/favicon.ico";
    let access = access_of(&st, req.headers());
    let (mut parts, body) = req.into_parts();
    let reads = matches!(parts.method, Method::GET | Method::HEAD);
    let mut fields = FormFields::default();
    let mut bytes = axum::body::Bytes::new();
    if !reads {
        bytes = match axum::body::to_bytes(body, FORM_LIMIT).await {
            Ok(b) => b,
            Err(_) => return view::refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                "That form is too large; select fewer tasks, or act on all that match the filter.",
            ),
        };
        fields = FormFields(url::form_urlencoded::parse(&bytes).into_owned().collect());
    }
    if !open {
        match &access {
            None if reads => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let target = format!(
                    "/signin?next={}",
                    url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                );
                return Redirect::to(&target).into_response();
            }
            None => {
                return view::refusal(
                    StatusCode::UNAUTHORIZED,
                    "Sign in first: this server needs its token.",
                )
            }
            Some(a) if !reads && a.role == Role::Viewer => {
                return view::refusal(
                    StatusCode::FORBIDDEN,
                    "You signed in with the read-only token: you may look, not act.",
                )
            }
            Some(a) if !reads => {
                let given = fields.get("csrf").unwrap_or_default();
                if !super::auth::matches(given.as_bytes(), Some(a.csrf.as_bytes())) {
                    return view::refusal(
                        StatusCode::FORBIDDEN,
                        "This form's CSRF token is missing or stale; reload the page and try again.",
                    );
                }
            }
            Some(_) => {}
        }
    }
    if let Some(a) = access {
        parts.extensions.insert(a);
    }
    parts.extensions.insert(fields);
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// CSP without inline scripts or styles, no framing, no sniffing, no referrer to elsewhere.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    r
}

async fn assets_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        include_str!("assets/app.css"),
    )
}

async fn assets_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        include_str!("assets/app.js"),
    )
}
