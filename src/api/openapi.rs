//! The OpenAPI 3.1 document: assembled by utoipa-axum from the `#[utoipa::path]` of every
//! handler registered with `routes!`, so a route cannot exist without being documented.

use std::sync::Arc;

use axum::{Extension, Json};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Doc;
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
