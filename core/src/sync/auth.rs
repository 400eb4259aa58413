//! Where the bearer token comes from: the app's sign-in, behind an
//! interface the bindings let Kotlin/Swift implement.

use async_trait::async_trait;
use std::sync::Mutex;

/// Why no token could be had (the user must sign in again, say).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no cloud token: {reason}")]
pub struct AuthError {
    /// What the app said.
    pub reason: String,
}

/// Supplies the bearer token for the cloud.
#[async_trait]
pub trait AuthProvider: Send + Sync {
    /// The current token.
    async fn token(&self) -> Result<String, AuthError>;
    /// The cloud refused `rejected` (401): return a fresh token (refresh the
    /// session). Asked at most once per request; a second 401 is reported.
    async fn refresh(&self, rejected: &str) -> Result<String, AuthError>;
}

/// A token the app sets directly (tests, the CLI, apps with long-lived
/// device tokens). `refresh` returns whatever was set last.
#[derive(Debug, Default)]
pub struct StaticToken(Mutex<String>);

impl StaticToken {
    /// Holds `token`.
    pub fn new(token: impl Into<String>) -> Self {
        Self(Mutex::new(token.into()))
    }

    /// Replaces the token (e.g. after the app signed in again).
    pub fn set(&self, token: impl Into<String>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = token.into();
    }

    fn get(&self) -> Result<String, AuthError> {
        let token = self.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if token.is_empty() {
            return Err(AuthError {
                reason: "no token was set".into(),
            });
        }
        Ok(token)
    }
}

#[async_trait]
impl AuthProvider for StaticToken {
    async fn token(&self) -> Result<String, AuthError> {
        self.get()
    }

    async fn refresh(&self, _rejected: &str) -> Result<String, AuthError> {
        self.get()
    }
}
