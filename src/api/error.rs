//! Errors as `application/problem+json` (RFC 9457), the mapping from [`crate::Error`] to HTTP
//! statuses, and extractors whose rejections are problems too. Internal details (SQL, I/O)
//! are logged, never sent.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::Error;
use crate::task::FieldError;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` for plain HTTP statuses).
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong this time and what to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field problems of an invalid request.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Option<Vec<FieldError>>)]
    pub errors: Vec<FieldError>,
}

/// A problem ready to be sent; handlers return `Result<_, ApiError>`.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub Problem);

impl ApiError {
    /// A problem of the given status, kind slug and detail.
    pub fn new(status: StatusCode, kind: &str, detail: impl Into<String>) -> ApiError {
        ApiError(
            status,
            Problem {
                kind: format!("https://aiops.dev/problems/{kind}"),
                title: status.canonical_reason().unwrap_or("Error").to_string(),
                status: status.as_u16(),
                detail: Some(detail.into()),
                errors: Vec::new(),
            },
        )
    }

    /// A 400 for a malformed query parameter or path.
    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    /// A 422 naming the fields at fault.
    pub fn invalid(detail: impl Into<String>, errors: Vec<FieldError>) -> ApiError {
        let mut e = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-request", detail);
        e.1.errors = errors;
        e
    }

    /// A 400 for a query parameter with a bad value.
    pub fn bad_param(field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        let mut e = ApiError::bad_request(format!("invalid query parameter {field}: {message}"));
        e.1.errors = vec![FieldError {
            field: field.into(),
            message,
        }];
        e
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.1).unwrap_or_default();
        let mut r = (self.0, body).into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        r
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        use StatusCode as S;
        match e {
            Error::Usage(m) => ApiError::new(S::UNPROCESSABLE_ENTITY, "invalid-request", m),
            Error::Invalid { context, errors } => ApiError::invalid(
                if context.is_empty() {
                    "the request has invalid fields".to_string()
                } else {
                    context
                },
                errors,
            ),
            Error::NotFound(m) => ApiError::new(S::NOT_FOUND, "not-found", m),
            e @ Error::Ambiguous { .. } => {
                ApiError::new(S::NOT_FOUND, "ambiguous-id", e.to_string())
            }
            Error::Conflict(m) => ApiError::new(S::CONFLICT, "conflict", m),
            e @ Error::Fenced { .. } => ApiError::new(S::CONFLICT, "fenced", e.to_string()),
            e @ Error::ClusterHeld { .. } => {
                ApiError::new(S::CONFLICT, "worker-held", e.to_string())
            }
            other => {
                tracing::error!(error = %other, "request failed");
                ApiError::new(
                    S::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the database is unavailable or failed; try again shortly",
                )
            }
        }
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON body whose every rejection (syntax, unknown or missing fields, wrong types, too
/// large) is a problem: 413 for size, 422 with `errors` otherwise.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            let status = r.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                ApiError::new(status, "bad-request", r.body_text())
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parse a JSON body. A problem names the exact field path (`lines[1].level`,
/// `parameters`), so a client with a large body finds the value at fault without guessing.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let parsed = serde_path_to_error::deserialize(&mut *de)
        .map_err(|e| (e.path().to_string(), e.into_inner()))
        .and_then(|v| de.end().map(|()| v).map_err(|e| (".".to_string(), e)));
    parsed.map_err(|(path, e)| {
        let msg = e.to_string();
        let field = field_path(&path, &msg);
        if e.is_syntax() || e.is_eof() {
            ApiError::invalid(
                format!("the body is not valid JSON ({msg}); send one JSON object"),
                vec![FieldError {
                    field,
                    message: msg,
                }],
            )
        } else {
            ApiError::invalid(
                format!("{field}: {msg}"),
                vec![FieldError {
                    field,
                    message: msg,
                }],
            )
        }
    })
}

/// The path of the value at fault: serde_path_to_error's path (`.` at the top), extended by the
/// field a `missing field` message names, since serde reports that at the object that lacks
/// it. `body` when nothing narrower is known.
fn field_path(path: &str, msg: &str) -> String {
    let missing = msg
        .split_once("missing field `")
        .and_then(|(_, rest)| rest.split('`').next());
    match (path, missing) {
        (".", Some(f)) => f.to_string(),
        (".", None) => "body".to_string(),
        (p, Some(f)) => format!("{p}.{f}"),
        (p, None) => p.to_string(),
    }
}

/// 413 for a body over the limit.
pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body-too-large",
        "the request body is larger than the server accepts (--max-body-bytes)",
    )
}

/// Query parameters whose rejection is a 400 problem.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded_parse(q).map(ApiQuery)
    }
}

fn serde_urlencoded_parse<T: DeserializeOwned>(q: &str) -> ApiResult<T> {
    axum::extract::Query::<T>::try_from_uri(
        &format!("/?{q}")
            .parse()
            .map_err(|_| ApiError::bad_request("the query string is malformed"))?,
    )
    .map(|axum::extract::Query(v)| v)
    .map_err(|r| ApiError::bad_request(r.body_text()))
}

/// Refuse a path or query string with an encoded NUL byte (`%00`): PostgreSQL text cannot hold
/// one, so no id, filter or reason containing it can match or be stored.
pub async fn refuse_nul(req: Request, next: axum::middleware::Next) -> Response {
    let has_nul = |s: &str| {
        s.as_bytes()
            .windows(3)
            .any(|w| w.eq_ignore_ascii_case(b"%00"))
    };
    if has_nul(req.uri().path()) || req.uri().query().is_some_and(has_nul) {
        return ApiError::bad_request("the path or query string contains a NUL byte (%00)")
            .into_response();
    }
    next.run(req).await
}

/// Turn any other error response (405, 404 of unknown routes, 413 from the body limit layer)
/// into a problem, so every error a client sees has the same shape.
pub async fn problemize(req: Request, next: axum::middleware::Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return resp;
    }
    let (parts, _) = resp.into_parts();
    let (kind, detail) = match status {
        StatusCode::NOT_FOUND => ("no-such-route", "no such route; see /api/v1/openapi.json"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method-not-allowed",
            "this route does not accept that method; see /api/v1/openapi.json",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "body-too-large",
            "the request body is larger than the server accepts (--max-body-bytes)",
        ),
        _ => ("http-error", "the request could not be handled"),
    };
    let mut r = ApiError::new(status, kind, detail).into_response();
    for (k, v) in parts.headers.iter() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            r.headers_mut().insert(k.clone(), v.clone());
        }
    }
    r
}
