//! The OpenAPI 3.1 document: assembled by utoipa-axum from the `#[utoipa::path]` of every
//! handler registered with `routes!`, so a route cannot exist without being documented.

use std::sync::Arc;

use axum::{Extension, Json};
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Doc, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

/// Top-level document metadata.
#[derive(OpenApi)]
#[openapi(
    info(title = "aiops", description = "Run AIOpsLab problems and shell jobs through a durable PostgreSQL queue."),
    modifiers(&Bearer),
    security(("bearer" = [])),
    components(schemas(super::error::Problem))
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut Doc) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "This document")))]
/// The OpenAPI document.
pub async fn document(Extension(doc): Extension<Arc<Doc>>) -> Json<Doc> {
    Json((*doc).clone())
}

/// Declare on every operation the error responses the middleware and extractors can give it,
/// all `application/problem+json` [`Problem`](super::error::Problem)s: 400 (a malformed query
/// or path), 401 (with a token, on every route but the probes), 404 (an unknown id in the
/// path), 413 and 422 (a request body too large or invalid), 503 (the database failed).
/// Responses a handler declares itself are kept.
pub fn add_common_errors(doc: &mut Doc) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let open = super::auth::OPEN.contains(&path.as_str());
        let has_path_params = path.contains('{');
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ];
        for op in ops.into_iter().flatten() {
            add_errors(op, path, open, has_path_params);
        }
    }
}

fn add_errors(op: &mut Operation, path: &str, open: bool, has_path_params: bool) {
    let has_query = op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || has_path_params;
    let has_body = op.request_body.is_some();
    let mut codes: Vec<(&str, &str)> = Vec::new();
    if has_query || has_body {
        codes.push(("400", "Malformed query string or path"));
    }
    if !open {
        codes.push(("401", "A bearer token is required (the server has --token)"));
    }
    if has_path_params {
        codes.push(("404", "No such task or worker"));
    }
    if has_body {
        codes.push(("413", "Body too large"));
        codes.push(("422", "Invalid request body"));
    }
    if path != "/healthz" && path != "/api/v1/openapi.json" {
        codes.push(("503", "The database is unavailable or failed"));
    }
    for (code, description) in codes {
        if op.responses.responses.contains_key(code) {
            continue;
        }
        let problem = ResponseBuilder::new()
            .description(description)
            .content(
                super::error::PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build();
        op.responses
            .responses
            .insert(code.to_string(), problem.into());
    }
}
