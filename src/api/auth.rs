//! Bearer-token authentication: with a token configured, every route but `/healthz` and
//! `/readyz` needs `Authorization: Bearer <token>`, compared in constant time. The read-only
//! token, and a dashboard session (its cookie, so that the dashboard's pages can follow the
//! event streams), may only read: GET and HEAD.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::error::ApiError;
use super::AppState;

/// Routes that stay open for probes.
pub(super) const OPEN: [&str; 2] = ["/healthz", "/readyz"];

/// Whether `given` is `token`, in constant time.
pub(super) fn matches(given: &[u8], token: Option<&[u8]>) -> bool {
    token.is_some_and(|t| bool::from(given.ct_eq(t)))
}

/// Middleware: refuse requests without the right bearer token (when one is configured).
pub async fn require_token(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let Some(token) = st.token.as_deref() else {
        return next.run(req).await;
    };
    if OPEN.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let reads = matches!(*req.method(), Method::GET | Method::HEAD);
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if given.is_some_and(|g| matches(g.as_bytes(), Some(token))) {
        return next.run(req).await;
    }
    let may_read = given.is_some_and(|g| matches(g.as_bytes(), st.read_only_token.as_deref()))
        || super::dashboard::signed_in(&st, req.headers()).is_some();
    if may_read && reads {
        return next.run(req).await;
    }
    if may_read {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "read-only",
            "this credential may only read (GET); act with the server's --token",
        )
        .into_response();
    }
    let mut r = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "this server needs 'Authorization: Bearer <token>' (the --token / AIOPS_API_TOKEN it was started with)",
    )
    .into_response();
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}
