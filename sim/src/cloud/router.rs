//! The whole router: the phone routes (`/v1/…`, including the PIN routes),
//! the operator routes (`/admin/…`), the OpenAPI document, the 404 and 405
//! answers, the body limit and the whole body read before any answer, and
//! the chaos layer (which only touches `/v1/…`). The top of the HTTP side: nothing else in the cloud imports
//! it but [`super::CloudServer::start`] (and the tests that hold the
//! OpenAPI document against [`routes`]).

use super::chaos_layer;
use super::error::ApiError;
use super::extract::{read_body_first, MAX_BODY_BYTES};
use super::route_table::Routes;
use super::state::Cloud;
use super::{admin, api, life, openapi, pins};
use axum::extract::DefaultBodyLimit;
use axum::Router;
use std::sync::Arc;

/// Every route, with the table of what it serves.
pub(super) fn routes() -> Routes {
    Routes::new()
        .merge(api::routes())
        .merge(pins::routes())
        .merge(life::routes())
        .merge(admin::routes())
        .get("/openapi.json", openapi::document)
}

/// `/v1` for phones, `/admin` for operators, chaos on `/v1`.
pub(super) fn router(cloud: Arc<Cloud>) -> Router {
    let (router, _) = routes().into_parts();
    router
        .fallback(|| async { ApiError::not_found("no such route") })
        // After every route: axum gives each path this answer (with its
        // `Allow` header) for the methods it does not serve.
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .layer(axum::middleware::from_fn(read_body_first))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(cloud.clone(), chaos_layer::inject))
        .with_state(cloud)
}
