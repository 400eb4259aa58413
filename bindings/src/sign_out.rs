//! Signing out, and how the client's keys are protected.
//!
//! ```kotlin
//! val report = client.signOut()                 // suspend
//! if (report.notUploadedAccessEvents > 0uL) showLostEntriesNotice(report)
//! client.close()
//! ```

use crate::client::LatchkeyClient;
use crate::errors::ClientError;
use crate::sync::SyncError;
use latchkey_core::platform_keys::KeyProtection;
use latchkey_core::{LatchkeyError, SignOutUpload as CoreUpload};

/// How the upload before a sign-out went.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SignOutUpload {
    /// Every waiting event reached the cloud (or none was waiting).
    Completed,
    /// The client has no cloud.
    NoCloud,
    /// The phone was offline: nothing was attempted.
    Offline,
    /// The upload stopped at this error.
    Failed {
        /// Why.
        error: SyncError,
    },
}

/// What `signOut` did. The account's keys, secrets, PIN secrets, records
/// and store files are gone either way; this says what the cloud never got.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignOutReport {
    /// How the upload before the wipe went.
    pub upload: SignOutUpload,
    /// Events uploaded during the sign-out.
    pub uploaded: u64,
    /// Access events (entries, refusals at the door) never uploaded: gone
    /// from this phone (each lock keeps its own log while its memory holds it).
    pub not_uploaded_access_events: u64,
    /// The phone's own diagnostic events never uploaded.
    pub not_uploaded_diagnostic_events: u64,
    /// When the oldest of them was queued (unix milliseconds).
    pub oldest_not_uploaded_at_ms: Option<u64>,
    /// Events the cloud had refused for good, gone too.
    pub dead_letters: u64,
    /// What could not be deleted (a platform key), one sentence each.
    pub left_behind: Vec<String>,
}

/// How the client's two platform secrets are protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct KeyCustody {
    /// The key that wraps the store's data key.
    pub key_store: KeyProtection,
    /// The holder key that signs for this phone.
    pub signer: KeyProtection,
    /// Either is latchkey's software fallback (desktops and tests only).
    pub uses_software_keys: bool,
}

#[uniffi::export(async_runtime = "tokio")]
impl LatchkeyClient {
    /// Signs out (or the account was deleted): uploads the waiting events
    /// while online, then deletes the account's keys, secrets, PIN
    /// secrets, records and store files and the platform keys (the app's
    /// `KeyStore.deleteKey` and `Signer.deleteKey` are called). The
    /// client is closed afterwards: close it and build a new one for the
    /// next account. Throws `Storage` when the store's files could not all
    /// be removed (their records are cleared and their key deleted anyway).
    pub async fn sign_out(&self) -> Result<SignOutReport, ClientError> {
        let report = self.core().sign_out().await.map_err(|e| match e {
            LatchkeyError::Storage(reason) => ClientError::Storage { reason },
            e => ClientError::Internal { reason: e.to_string() },
        })?;
        Ok(SignOutReport {
            upload: match report.upload {
                CoreUpload::Completed => SignOutUpload::Completed,
                CoreUpload::NoCloud => SignOutUpload::NoCloud,
                CoreUpload::Offline => SignOutUpload::Offline,
                CoreUpload::Failed(e) => SignOutUpload::Failed { error: e.into() },
            },
            uploaded: report.uploaded,
            not_uploaded_access_events: report.not_uploaded_access,
            not_uploaded_diagnostic_events: report.not_uploaded_diagnostic,
            oldest_not_uploaded_at_ms: report.oldest_not_uploaded_at_ms,
            dead_letters: report.dead_letters,
            left_behind: report.left_behind,
        })
    }

    /// How the key store's key and the holder key are protected, as the
    /// app's `KeyStore` and `Signer` say (software fallbacks in tests).
    pub fn key_custody(&self) -> KeyCustody {
        let custody = self.core().key_custody();
        KeyCustody {
            key_store: custody.key_store,
            signer: custody.signer,
            uses_software_keys: custody.uses_software_keys(),
        }
    }
}
