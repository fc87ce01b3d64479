//! The OpenAPI 3.1 document: assembled by utoipa-axum from the `#[utoipa::path]` of every
//! handler registered with `routes!`, so a route cannot exist without being documented.

use std::borrow::Cow;
use std::sync::Arc;

use axum::{Extension, Json};
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Doc, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

/// Top-level document metadata.
#[derive(OpenApi)]
#[openapi(
    info(title = "aiops", description = "Run AIOpsLab problems and shell jobs through a durable PostgreSQL queue."),
    modifiers(&Bearer),
    security(("bearer" = [])),
    components(schemas(super::error::Problem, DurationText))
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

/// A duration in a query string (`since`), documented as `Duration`: the grammar of
/// [`crate::duration::parse`], stated by its [`PATTERN`](crate::duration::PATTERN) so the
/// document refuses exactly what the server refuses.
pub struct DurationText;

impl PartialSchema for DurationText {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .pattern(Some(crate::duration::PATTERN))
            .description(Some(
                "A duration: a number of seconds (`90`), or parts with units largest first \
                 (`1h30m`, `2d`, `250ms`); units w, d (day, days), h (hr, hrs), m (min, mins), \
                 s (sec, secs), ms; 1 to 5 digits and an optional fraction each",
            ))
            .examples(["1h30m"])
            .into()
    }
}

impl ToSchema for DurationText {
    fn name() -> Cow<'static, str> {
        "Duration".into()
    }
}

/// The pattern of a string parameter with no pattern of its own: anything but NUL, which
/// [`refuse_nul`](super::error::refuse_nul) refuses in every path and query string.
const NO_NUL: &str = r"^[^\x00]*$";

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "This document")))]
/// The OpenAPI document.
pub async fn document(Extension(doc): Extension<Arc<Doc>>) -> Json<Doc> {
    Json((*doc).clone())
}

/// Declare on every operation what the middleware and extractors do to it. The error responses
/// they can give, all `application/problem+json` [`Problem`](super::error::Problem)s: 400 (a
/// malformed query or path), 401 (with a token, on every route but the probes), 404 (an
/// unknown id in the path), 413 and 422 (a request body too large or invalid), 503 (the
/// database failed); responses a handler declares itself are kept. And that no path or query
/// parameter may hold NUL ([`NO_NUL`]). And the [links](add_links) of the worker protocol.
pub fn add_common_rules(doc: &mut Doc) {
    add_links(doc);
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
            forbid_nul(op);
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

fn forbid_nul(op: &mut Operation) {
    for p in op.parameters.iter_mut().flatten() {
        if let Some(RefOr::T(Schema::Object(o))) = &mut p.schema {
            let is_string = match &o.schema_type {
                SchemaType::Type(t) => *t == Type::String,
                SchemaType::Array(ts) => ts.contains(&Type::String),
                SchemaType::AnyValue => false,
            };
            if is_string && o.pattern.is_none() && o.format.is_none() {
                o.pattern = Some(NO_NUL.to_string());
            }
        }
    }
}

/// The ways on from a response as OpenAPI links, for clients and for schemathesis' stateful phase
/// (which follows them to reach the fenced writes): a created task is read, cancelled, retried
/// and its log read; a registered worker claims and heartbeats; a claimed task is completed,
/// failed or logged to with the claim's `attempt`.
///
/// N.B.: utoipa 5 serializes its `Link` with snake_case keys (`operation_id`), which no OpenAPI
/// tool reads, so the links are written as the response's raw `links` member instead.
fn add_links(doc: &mut Doc) {
    let claimed = |operation_id: &str, body: serde_json::Value, description: &str| {
        serde_json::json!({
            "operationId": operation_id,
            "parameters": {"id": "$request.path.id", "task_id": "$response.body#/id"},
            "requestBody": body,
            "description": description,
        })
    };
    let task = |operation_id: &str, description: &str| {
        serde_json::json!({
            "operationId": operation_id,
            "parameters": {"id": "$response.body#/id"},
            "description": description,
        })
    };
    let links = [
        (
            "/api/v1/tasks",
            "201",
            serde_json::json!({
                "get": task("get_task", "Read the new task"),
                "cancel": task("cancel_task", "Cancel the new task"),
                "retry": task("retry_task", "Retry the new task once it has ended"),
                "logs": task("get_task_logs", "Read the new task's log"),
            }),
        ),
        (
            "/api/v1/workers/register",
            "201",
            serde_json::json!({
                "claim": {
                    "operationId": "claim_task",
                    "parameters": {"id": "$response.body#/id"},
                    "description": "Claim a task for the new worker",
                },
                "heartbeat": {
                    "operationId": "heartbeat_worker",
                    "requestBody": {"worker_id": "$response.body#/id", "status": "idle"},
                    "description": "Heartbeat as the new worker",
                },
            }),
        ),
        (
            "/api/v1/workers/{id}/claim",
            "200",
            serde_json::json!({
                "complete": claimed(
                    "complete_task",
                    serde_json::json!({"attempt": "$response.body#/attempt"}),
                    "Complete the claimed attempt",
                ),
                "fail": claimed(
                    "fail_task",
                    serde_json::json!({"attempt": "$response.body#/attempt", "error": "failed"}),
                    "Fail the claimed attempt",
                ),
                "logs": claimed(
                    "append_task_logs",
                    serde_json::json!({"attempt": "$response.body#/attempt", "lines": []}),
                    "Append log lines to the claimed attempt",
                ),
            }),
        ),
    ];
    for (path, status, links) in links {
        let response = doc
            .paths
            .paths
            .get_mut(path)
            .and_then(|item| item.post.as_mut())
            .and_then(|op| op.responses.responses.get_mut(status));
        if let Some(RefOr::T(r)) = response {
            // Not ExtensionsBuilder: it would prefix the key with `x-`.
            let links = Extensions::from_iter([("links", links)]);
            r.extensions
                .get_or_insert_with(Default::default)
                .merge(links);
        }
    }
}
