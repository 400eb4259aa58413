//! Who is calling, decided before anything else of a request is read: the
//! extractors every handler takes first, so that a request without the
//! right token gets its 401 (or a non-host its 403) whatever its path
//! segments or body hold, and an unauthenticated caller learns nothing
//! about the API's shapes from a 400.

use super::error::ApiError;
use super::handler::blocking;
use super::state::Cloud;
use super::store::PhoneRecord;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::sync::Arc;

/// A registered phone, by its bearer token.
pub(super) struct Caller(pub(super) PhoneRecord);

/// A registered phone that is a host.
pub(super) struct Host;

/// The operator, by the admin token.
pub(super) struct Admin;

impl FromRequestParts<Arc<Cloud>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, cloud: &Arc<Cloud>) -> Result<Self, ApiError> {
        let headers = parts.headers.clone();
        // The token lookup reads the database: off the async threads.
        blocking(cloud.clone(), move |c| c.authenticate(&headers))
            .await
            .map(Caller)
    }
}

impl FromRequestParts<Arc<Cloud>> for Host {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, cloud: &Arc<Cloud>) -> Result<Self, ApiError> {
        let headers = parts.headers.clone();
        blocking(cloud.clone(), move |c| c.authenticate_host(&headers).map(|_| Host)).await
    }
}

impl FromRequestParts<Arc<Cloud>> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, cloud: &Arc<Cloud>) -> Result<Self, ApiError> {
        cloud.authenticate_admin(&parts.headers).map(|()| Admin)
    }
}
