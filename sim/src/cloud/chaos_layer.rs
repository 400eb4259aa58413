//! The chaos layer: the middleware that applies the switches of chaos.rs
//! to each `/v1/…` request (a standing refusal first, then the random
//! draw), and the handle the server loop gives every request so a fault
//! can drop the very connection it arrived on. It sits above the cloud's
//! state: it reads the switches through [`Cloud`].

use super::chaos::{Fault, Refusal};
use super::error::ApiError;
use super::extract::MAX_BODY_BYTES;
use super::state::Cloud;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Closes the connection a request arrived on (inserted into every
/// request's extensions by the server loop).
#[derive(Clone, Default)]
pub(super) struct ConnectionKill(pub(super) Arc<Notify>);

impl ConnectionKill {
    fn kill(&self) {
        self.0.notify_one();
    }
}

/// The middleware that applies the switches to `/v1/…` requests.
pub(super) async fn inject(State(cloud): State<Arc<Cloud>>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/v1/") {
        return next.run(request).await;
    }
    let request = match cloud.chaos.refusal_for(request.uri().path()) {
        Some(refusal) => match refuse(&cloud, refusal, request).await {
            Ok(refused) => return refused,
            Err(request) => request,
        },
        None => request,
    };
    let (fault, slow, config) = cloud.chaos.roll();
    if let Some(delay) = slow {
        tokio::time::sleep(delay).await;
    }
    let kill = request
        .extensions()
        .get::<ConnectionKill>()
        .cloned()
        .unwrap_or_default();
    match fault {
        Fault::None => next.run(request).await,
        Fault::Unauthorized => ApiError::token_expired().into_response(),
        Fault::Unavailable => ApiError::unavailable(config.unavailable_retry_after_s).into_response(),
        Fault::RateLimited => ApiError::rate_limited(config.retry_after_s).into_response(),
        Fault::DropAfterCommit => {
            let _committed = next.run(request).await;
            kill.kill();
            std::future::pending::<Response>().await
        }
        Fault::StallMidBody => {
            let response = next.run(request).await;
            stall(response, kill, Duration::from_millis(config.stall_ms)).await
        }
    }
}

/// The refusal's answer, or the request back (rebuilt if its body was
/// read) when the refusal does not apply to it.
async fn refuse(cloud: &Cloud, refusal: Refusal, request: Request) -> Result<Response, Request> {
    let request = match &refusal.body_contains {
        None => request,
        Some(marker) => {
            let (parts, body) = request.into_parts();
            let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
                return Ok(ApiError::too_large(format!("the body is over {MAX_BODY_BYTES} bytes")).into_response());
            };
            let hit = bytes.windows(marker.len().max(1)).any(|w| w == marker.as_bytes());
            let request = Request::from_parts(parts, Body::from(bytes));
            if !hit {
                return Err(request);
            }
            request
        }
    };
    drop(request);
    cloud.chaos.count_refused();
    let status = axum::http::StatusCode::from_u16(refusal.status).unwrap_or(axum::http::StatusCode::BAD_REQUEST);
    let body = serde_json::json!({
        "code": refusal.code,
        "message": format!("refused by the test switch ({} {})", refusal.status, refusal.code),
    });
    Ok((status, axum::Json(body)).into_response())
}

/// The same status and headers, but only the first half of the body
/// arrives; after `stall` the connection is dropped.
async fn stall(response: Response, kill: ConnectionKill, stall: Duration) -> Response {
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, 4 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => axum::body::Bytes::new(),
    };
    let half = bytes.slice(..bytes.len() / 2);
    let first = futures_util::stream::once(async move { Ok::<_, std::io::Error>(half) });
    let rest = futures_util::stream::once(async move {
        tokio::time::sleep(stall).await;
        kill.kill();
        std::future::pending::<Result<axum::body::Bytes, std::io::Error>>().await
    });
    Response::from_parts(parts, Body::from_stream(futures_util::StreamExt::chain(first, rest)))
}
