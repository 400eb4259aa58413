//! Chaos switches: faults injected into phone requests (`/v1/…`), drawn
//! from a seeded generator so a test run is reproducible (with one request
//! in flight, the same seed gives the same faults in the same order).
//!
//! Per request, at most one of: 401 `token_expired`; 503; 429 with
//! Retry-After; commit, then drop the connection before answering; commit,
//! then send half the answer and stall. Independently, a slow answer.
//!
//! Apart from the random faults, a standing refusal
//! ([`CloudServer::refuse`]): requests to one route, or only those whose
//! body contains a marker, answered with a chosen status and code until
//! [`CloudServer::stop_refusing`]; for the rules a phone applies to a
//! refused upload.

use super::api::MAX_BODY_BYTES;
use super::error::ApiError;
use super::state::Cloud;
use super::CloudServer;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// Fault probabilities (0.0–1.0) and their parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChaosConfig {
    /// Seed of the fault generator.
    pub seed: u64,
    /// Answer 401 `token_expired` before doing anything.
    pub unauthorized: f64,
    /// Answer 503 before doing anything.
    pub unavailable: f64,
    /// Answer 429 with `Retry-After: retry_after_s` before doing anything.
    pub rate_limited: f64,
    /// The Retry-After of chaos 429s, seconds.
    pub retry_after_s: u64,
    /// Do the work (commit), then drop the connection before answering.
    pub drop_after_commit: f64,
    /// Do the work, send half the answer, stall `stall_ms`, then drop.
    pub stall_mid_body: f64,
    /// How long a stalled answer hangs.
    pub stall_ms: u64,
    /// Wait `slow_ms` before handling the request.
    pub slow: f64,
    /// How slow a slow answer is.
    pub slow_ms: u64,
}

impl Default for ChaosConfig {
    /// No faults.
    fn default() -> Self {
        Self {
            seed: 1,
            unauthorized: 0.0,
            unavailable: 0.0,
            rate_limited: 0.0,
            retry_after_s: 1,
            drop_after_commit: 0.0,
            stall_mid_body: 0.0,
            stall_ms: 5_000,
            slow: 0.0,
            slow_ms: 200,
        }
    }
}

/// How many faults were injected since the config was last set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChaosStats {
    /// Phone requests seen.
    pub requests: u64,
    /// 401s.
    pub unauthorized: u64,
    /// 503s.
    pub unavailable: u64,
    /// 429s.
    pub rate_limited: u64,
    /// Connections dropped after the work was committed.
    pub dropped_after_commit: u64,
    /// Answers stalled mid-body.
    pub stalled: u64,
    /// Slowed answers.
    pub slowed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fault {
    None,
    Unauthorized,
    Unavailable,
    RateLimited,
    DropAfterCommit,
    StallMidBody,
}

struct ChaosState {
    config: ChaosConfig,
    rng: u64,
    stats: ChaosStats,
    refusal: Option<Refusal>,
    refused: u64,
}

/// What [`CloudServer::refuse`] set.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refusal {
    path: String,
    status: u16,
    code: String,
    body_contains: Option<String>,
}

impl CloudServer {
    /// From now on, answers phone requests to `path` (e.g. `/v1/events`)
    /// with HTTP `status` and the error body `{"code": code, …}` before
    /// doing anything; with `body_contains`, only requests whose body
    /// contains that text. Stays until [`CloudServer::stop_refusing`] (the
    /// random switches of [`CloudServer::set_chaos`] leave it alone);
    /// refused requests draw no random fault.
    pub fn refuse(&self, path: &str, status: u16, code: &str, body_contains: Option<&str>) {
        self.cloud.chaos.state().refusal = Some(Refusal {
            path: path.to_string(),
            status,
            code: code.to_string(),
            body_contains: body_contains.map(str::to_string),
        });
    }

    /// Ends the refusal set by [`CloudServer::refuse`].
    pub fn stop_refusing(&self) {
        self.cloud.chaos.state().refusal = None;
    }

    /// Requests answered by a refusal since the cloud started.
    pub fn refused_requests(&self) -> u64 {
        self.cloud.chaos.state().refused
    }
}

/// The switches and the generator.
pub(super) struct Chaos(Mutex<ChaosState>);

impl Chaos {
    pub(super) fn new(config: ChaosConfig) -> Self {
        Self(Mutex::new(ChaosState {
            rng: config.seed,
            config,
            stats: ChaosStats::default(),
            refusal: None,
            refused: 0,
        }))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ChaosState> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Replaces the config, reseeds and zeroes the counters.
    pub(super) fn set(&self, config: ChaosConfig) {
        let mut s = self.state();
        s.rng = config.seed;
        s.config = config;
        s.stats = ChaosStats::default();
    }

    fn refusal_for(&self, path: &str) -> Option<Refusal> {
        self.state().refusal.clone().filter(|r| r.path == path)
    }

    /// The current config.
    pub(super) fn config(&self) -> ChaosConfig {
        self.state().config.clone()
    }

    /// The counters.
    pub(super) fn stats(&self) -> ChaosStats {
        self.state().stats
    }

    pub(super) fn roll(&self) -> (Fault, Option<Duration>, ChaosConfig) {
        let mut s = self.state();
        s.stats.requests += 1;
        let draw = next_unit(&mut s.rng);
        let slow_draw = next_unit(&mut s.rng);
        let c = s.config.clone();
        let mut edge = 0.0;
        let mut fault = Fault::None;
        for (p, f) in [
            (c.unauthorized, Fault::Unauthorized),
            (c.unavailable, Fault::Unavailable),
            (c.rate_limited, Fault::RateLimited),
            (c.drop_after_commit, Fault::DropAfterCommit),
            (c.stall_mid_body, Fault::StallMidBody),
        ] {
            edge += p.clamp(0.0, 1.0);
            if draw < edge {
                fault = f;
                break;
            }
        }
        let counter = match fault {
            Fault::None => None,
            Fault::Unauthorized => Some(&mut s.stats.unauthorized),
            Fault::Unavailable => Some(&mut s.stats.unavailable),
            Fault::RateLimited => Some(&mut s.stats.rate_limited),
            Fault::DropAfterCommit => Some(&mut s.stats.dropped_after_commit),
            Fault::StallMidBody => Some(&mut s.stats.stalled),
        };
        if let Some(n) = counter {
            *n += 1;
        }
        let slow = (slow_draw < c.slow.clamp(0.0, 1.0)).then(|| Duration::from_millis(c.slow_ms));
        if slow.is_some() {
            s.stats.slowed += 1;
        }
        (fault, slow, c)
    }
}

/// SplitMix64 mapped to [0, 1).
fn next_unit(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

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
        Fault::Unavailable => ApiError::unavailable(None).into_response(),
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
    cloud.chaos.state().refused += 1;
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
