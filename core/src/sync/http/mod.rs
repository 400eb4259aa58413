//! One request to the cloud: bearer token (refreshed once on 401), JSON in
//! and out, bounded answers, and every outcome classified as a
//! [`Failure`] the engine knows how to handle.

mod client;
mod conn;
mod fault;
mod parse;
mod target;

pub(crate) use client::HttpClient;

use super::auth::AuthProvider;
use super::backoff::parse_retry_after;
use super::error::Failure;
use super::wire::ErrorBody;
use client::Method;
use conn::Answer;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// What one pass (or one host call) talks to the cloud with.
pub(crate) struct Api<'a> {
    pub(crate) client: HttpClient,
    pub(crate) base_url: &'a str,
    pub(crate) auth: &'a dyn AuthProvider,
    pub(crate) token: &'a Mutex<Option<String>>,
    pub(crate) online: &'a AtomicBool,
    pub(crate) requests: AtomicU32,
}

impl Api<'_> {
    /// `GET path`.
    pub(crate) async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        json(self.send(Method::Get, path, None).await?)
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
        json(self.send(Method::Post, path, Some(body)).await?)
    }

    /// `DELETE path`.
    pub(crate) async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        json(self.send(Method::Delete, path, None).await?)
    }

    /// `POST path` with a body already encoded as JSON.
    pub(crate) async fn post_encoded<T: DeserializeOwned>(&self, path: &str, body: Vec<u8>) -> Result<T, Failure> {
        json(self.send(Method::Post, path, Some(body)).await?)
    }

    /// The request (with one fresh token after a 401) and its successful
    /// answer's body. Not generic: one copy of the whole exchange serves
    /// every answer type (the library's size is budgeted).
    async fn send(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> Result<Vec<u8>, Failure> {
        let token = self.token().await?;
        let mut answer = self.once(method, path, body.as_deref(), &token).await?;
        if answer.status == 401 {
            // Once: a fresh token, then the same request again.
            let fresh = self.auth.refresh(&token).await.map_err(|e| Failure::Auth {
                status: 401,
                message: e.reason,
            })?;
            *self.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(fresh.clone());
            answer = self.once(method, path, body.as_deref(), &fresh).await?;
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

    async fn once(&self, method: Method, path: &str, body: Option<&[u8]>, token: &str) -> Result<Answer, Failure> {
        if !self.online.load(Ordering::SeqCst) {
            return Err(Failure::WentOffline);
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let url = format!("{}{path}", self.base_url);
        self.client.request(method, &url, token, body).await
    }
}

/// A successful answer's body as `T`.
fn json<T: DeserializeOwned>(body: Vec<u8>) -> Result<T, Failure> {
    serde_json::from_slice(&body)
        .map_err(|e| Failure::Protocol(format!("the cloud's answer does not match the API: {e}")))
}

/// A success's body, or the failure classified.
fn interpret(answer: Answer) -> Result<Vec<u8>, Failure> {
    let code = answer.status;
    if (200..300).contains(&code) {
        return Ok(answer.body);
    }
    let error: ErrorBody = serde_json::from_slice(&answer.body).unwrap_or_default();
    let message = if error.message.is_empty() {
        let shown = answer.body.get(..200).unwrap_or(&answer.body);
        String::from_utf8_lossy(shown).into_owned()
    } else {
        error.message
    };
    Err(match code {
        401 | 403 => Failure::Auth { status: code, message },
        408 | 425 | 429 | 500..=599 => Failure::Busy {
            status: code,
            message,
            retry_after: (answer.retry_after.as_deref())
                .and_then(parse_retry_after)
                .or(error.retry_after.map(Duration::from_secs)),
        },
        400..=499 => Failure::Rejected {
            status: code,
            code: error.code,
            message,
        },
        _ => Failure::Protocol(format!("unexpected HTTP {code} from the cloud")),
    })
}
