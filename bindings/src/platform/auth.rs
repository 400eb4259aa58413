//! The account's bearer token, from the app's sign-in.

/// Why no token could be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum AuthError {
    /// Nobody is signed in: cloud work waits until someone is. Offline
    /// unlocking keeps working.
    #[error("not signed in")]
    SignedOut,
    /// The sign-in service can't give a token right now.
    #[error("no token right now: {reason}")]
    Unavailable {
        /// What the platform said.
        reason: String,
        /// When to ask again, in seconds, if the service said.
        retry_after_s: Option<u32>,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for AuthError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Unavailable {
            reason: format!("the auth provider failed unexpectedly: {}", e.reason),
            retry_after_s: None,
        }
    }
}

/// Supplies the account's bearer token for cloud requests. Implemented by
/// the app over its sign-in (OAuth, the vendor's account SDK).
#[uniffi::export(foreign)]
#[async_trait::async_trait]
pub trait AuthProvider: Send + Sync {
    /// The current access token. `force_refresh`: the cloud rejected the
    /// last one, so refresh it rather than return a cached value.
    async fn bearer_token(&self, force_refresh: bool) -> Result<String, AuthError>;
}
