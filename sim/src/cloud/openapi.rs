//! The OpenAPI document of the cloud API (docs/openapi.json), built into
//! the cloud and served at `GET /openapi.json` without a token, so that a
//! vendor's tools and the contract tests read the contract from the cloud
//! itself. openapi_tests/ holds it against the router and the wire types.

use axum::http::header;
use axum::response::IntoResponse;

/// docs/openapi.json, as this build of the cloud serves it.
pub const OPENAPI_JSON: &str = include_str!("../../../docs/openapi.json");

/// `GET /openapi.json`.
pub(super) async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}
