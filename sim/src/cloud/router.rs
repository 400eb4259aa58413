//! The whole router: the phone routes (`/v1/…`, including the PIN routes),
//! the operator routes (`/admin/…`), the 404 fallback, the body limit, and
//! the chaos layer (which only touches `/v1/…`). The top of the HTTP side:
//! nothing else in the cloud imports it but [`super::CloudServer::start`].

use super::chaos_layer;
use super::error::ApiError;
use super::extract::MAX_BODY_BYTES;
use super::state::Cloud;
use super::{admin, api, pins};
use axum::extract::DefaultBodyLimit;
use axum::Router;
use std::sync::Arc;

/// `/v1` for phones, `/admin` for operators, chaos on `/v1`.
pub(super) fn router(cloud: Arc<Cloud>) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(pins::routes())
        .merge(admin::routes())
        .fallback(|| async { ApiError::not_found("no such route") })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(cloud.clone(), chaos_layer::inject))
        .with_state(cloud)
}
