//! Errors of the reference cloud: [`CloudError`] for whoever runs it (the
//! in-process handle, the CLI), [`ApiError`] for what goes over the wire as
//! the documented JSON body.

use super::wire::ErrorBody;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Why the cloud could not start or an administrative call failed.
#[derive(Debug, thiserror::Error)]
pub enum CloudError {
    /// The data directory's database failed.
    #[error("cloud storage: {0}")]
    Storage(String),
    /// Certificates or TLS could not be set up.
    #[error("cloud TLS: {0}")]
    Tls(String),
    /// Binding or serving failed.
    #[error("cloud network: {0}")]
    Network(String),
    /// The request was refused (same codes as the HTTP API).
    #[error("{0}")]
    Refused(ApiError),
}

impl From<sled::Error> for CloudError {
    fn from(e: sled::Error) -> Self {
        CloudError::Storage(e.to_string())
    }
}

impl From<ApiError> for CloudError {
    fn from(e: ApiError) -> Self {
        match e.status {
            StatusCode::INTERNAL_SERVER_ERROR => CloudError::Storage(e.message),
            _ => CloudError::Refused(e),
        }
    }
}

/// An HTTP error answer: status plus [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code.
    pub code: &'static str,
    /// A sentence for logs.
    pub message: String,
    /// Seconds before a retry makes sense.
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400 `bad_request`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 401 `unauthorized`: no or unknown bearer token.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 401 `token_expired`.
    pub fn token_expired() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "token_expired",
            "the bearer token has expired",
        )
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 405 `method_not_allowed`: the path exists, not with this method
    /// (the `Allow` header lists those it has).
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this path does not take that method",
        )
    }

    /// 410 `key_revoked`.
    pub fn key_revoked() -> Self {
        Self::new(StatusCode::GONE, "key_revoked", "the key was revoked")
    }

    /// 410 `key_expired`.
    pub fn key_expired() -> Self {
        Self::new(StatusCode::GONE, "key_expired", "the key's grant has ended")
    }

    /// 413 `too_large`.
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
    }

    /// 429 `rate_limited` with Retry-After.
    pub fn rate_limited(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many requests")
        }
    }

    /// 503 `unavailable`.
    pub fn unavailable(retry_after: Option<u64>) -> Self {
        Self {
            retry_after,
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the service is unavailable",
            )
        }
    }

    /// 500 `internal`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<sled::Error> for ApiError {
    fn from(e: sled::Error) -> Self {
        ApiError::internal(format!("storage: {e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.to_string(),
            message: self.message,
            retry_after: self.retry_after,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}
