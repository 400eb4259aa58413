//! One request to the cloud: bearer token (refreshed once on 401), JSON in
//! and out, bounded answers, and every outcome classified as a
//! [`Failure`] the engine knows how to handle.

use super::auth::AuthProvider;
use super::backoff::parse_retry_after;
use super::config::Timeouts;
use super::error::Failure;
use super::wire::ErrorBody;
use reqwest::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Largest answer read; anything bigger is a broken or hostile server.
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// A fresh HTTP client: reqwest over the given rustls configuration, no
/// redirects, explicit timeouts.
pub(crate) fn build_client(tls: rustls::ClientConfig, timeouts: &Timeouts) -> Result<reqwest::Client, Failure> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(timeouts.connect)
        .read_timeout(timeouts.read)
        .timeout(timeouts.total)
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(60))
        .user_agent(concat!("latchkey-core/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Failure::Config(format!("HTTP client: {}", chain(&e))))
}

/// What one pass (or one host call) talks to the cloud with.
pub(crate) struct Api<'a> {
    pub(crate) client: reqwest::Client,
    pub(crate) base_url: &'a str,
    pub(crate) auth: &'a dyn AuthProvider,
    pub(crate) token: &'a Mutex<Option<String>>,
    pub(crate) online: &'a AtomicBool,
    pub(crate) requests: AtomicU32,
}

/// A raw answer.
struct Answer {
    status: StatusCode,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

impl Api<'_> {
    /// `GET path`.
    pub(crate) async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        json(self.send(Method::GET, path, None).await?)
    }

    /// `POST path` with a JSON body.
    pub(crate) async fn post<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, Failure> {
        let body = serde_json::to_vec(body).map_err(|e| Failure::Encode {
            what: "a request",
            reason: e.to_string(),
        })?;
        json(self.send(Method::POST, path, Some(body)).await?)
    }

    /// `DELETE path`.
    pub(crate) async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        json(self.send(Method::DELETE, path, None).await?)
    }

    /// `POST path` with a body already encoded as JSON.
    pub(crate) async fn post_encoded<T: DeserializeOwned>(&self, path: &str, body: Vec<u8>) -> Result<T, Failure> {
        json(self.send(Method::POST, path, Some(body)).await?)
    }

    /// The request (with one fresh token after a 401) and its successful
    /// answer's body. Not generic: one copy of the whole exchange serves
    /// every answer type (the library's size is budgeted).
    async fn send(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> Result<Vec<u8>, Failure> {
        let token = self.token().await?;
        let mut answer = self.once(method.clone(), path, body.clone(), &token).await?;
        if answer.status == StatusCode::UNAUTHORIZED {
            // Once: a fresh token, then the same request again.
            let fresh = self.auth.refresh(&token).await.map_err(|e| Failure::Auth {
                status: 401,
                message: e.reason,
            })?;
            *self.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(fresh.clone());
            answer = self.once(method, path, body, &fresh).await?;
        }
        interpret(answer)
    }

    async fn token(&self) -> Result<String, Failure> {
        let cached = self.token.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(token) = cached {
            return Ok(token);
        }
        let token = self.auth.token().await.map_err(|e| Failure::Auth {
            status: 401,
            message: e.reason,
        })?;
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(token.clone());
        Ok(token)
    }

    async fn once(&self, method: Method, path: &str, body: Option<Vec<u8>>, token: &str) -> Result<Answer, Failure> {
        if !self.online.load(Ordering::SeqCst) {
            return Err(Failure::WentOffline);
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let url = format!("{}{path}", self.base_url);
        let mut request = self
            .client
            .request(method, url)
            .bearer_auth(token)
            .header(ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        let mut response = request.send().await.map_err(network)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(network)? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(Failure::Protocol(format!(
                    "the cloud's answer is over {MAX_ANSWER_BYTES} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            retry_after,
            body,
        })
    }
}

/// A successful answer's body as `T`.
fn json<T: DeserializeOwned>(body: Vec<u8>) -> Result<T, Failure> {
    serde_json::from_slice(&body)
        .map_err(|e| Failure::Protocol(format!("the cloud's answer does not match the API: {e}")))
}

/// A success's body, or the failure classified.
fn interpret(answer: Answer) -> Result<Vec<u8>, Failure> {
    let status = answer.status;
    if status.is_success() {
        return Ok(answer.body);
    }
    let error: ErrorBody = serde_json::from_slice(&answer.body).unwrap_or_default();
    let message = if error.message.is_empty() {
        let shown = answer.body.get(..200).unwrap_or(&answer.body);
        String::from_utf8_lossy(shown).into_owned()
    } else {
        error.message
    };
    let code = status.as_u16();
    Err(match code {
        401 | 403 => Failure::Auth { status: code, message },
        408 | 425 | 429 | 500..=599 => Failure::Busy {
            status: code,
            message,
            retry_after: answer.retry_after.or(error.retry_after.map(Duration::from_secs)),
        },
        400..=499 => Failure::Rejected {
            status: code,
            code: error.code,
            message,
        },
        _ => Failure::Protocol(format!("unexpected HTTP {code} from the cloud")),
    })
}

fn network(e: reqwest::Error) -> Failure {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "can't connect"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off"
    } else {
        "request failed"
    };
    Failure::Network(format!("{what}: {}", chain(&e)))
}

/// An error and its sources, in one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}
