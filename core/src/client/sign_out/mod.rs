//! Signing out (or deleting the account): one call that uploads what it
//! can, then removes everything the account has on this phone: digital
//! keys, revocation lists, PIN lists and PIN secrets, time tokens, lock
//! records, fast keys, the outbox and its dead letters, the software
//! signer's secret, quick access's files (after taking in what widgets
//! recorded), the store's files and any store set aside beside it,
//! and the platform keys (the holder key and the key that wrapped the
//! store's data key). The report says what the cloud never got.
//!
//! The order keeps nothing readable whatever fails: the records are
//! cleared first (flushed), the platform keys deleted next (so any copy
//! of the files left behind can't be opened), the files removed last.
//! From the moment the upload is over the client is closed: every later
//! call fails, sync passes do nothing, subscriptions end.

mod report;

pub use report::{SignOutReport, SignOutUpload};

use super::Client;
use crate::changes::ChangeArea;
use crate::error::LatchkeyError;
use crate::runtime::blocking;
use std::sync::atomic::Ordering;

impl Client {
    /// Signs out: uploads the waiting events while online, then deletes
    /// the account's keys, secrets, PIN secrets, records and store files
    /// and the platform keys (see the module docs). The client is unusable
    /// afterwards; build a new one for the next account. `Err` when the
    /// store's files could not all be removed (the message names them;
    /// their records are cleared and their key deleted regardless).
    pub async fn sign_out(&self) -> Result<SignOutReport, LatchkeyError> {
        self.ensure_signed_in()?;
        if self.sign_out_started.swap(true, Ordering::SeqCst) {
            return Err(LatchkeyError::Internal {
                detail: "this client is already signing out".into(),
            });
        }
        crate::log_line!(Info, target: "latchkey::client", "signing out");
        // What widgets and watches recorded goes up with the rest.
        self.refresh_quick_access_quietly().await;
        let (upload, uploaded) = match self.sync.get() {
            Some(engine) => engine.upload_before_sign_out().await,
            None => (SignOutUpload::NoCloud, 0),
        };
        self.signed_out.store(true, Ordering::SeqCst);
        if let Some(engine) = self.sync.get() {
            engine.quiesce().await;
        }
        let outbox = self.outbox.clone();
        let stats = blocking(move || Ok(outbox.stats()?)).await?;
        let store = self.store.clone();
        let key_store = self.key_store.clone();
        let signer = self.signer.clone();
        let quick = self.quick.clone();
        let (cleared, left_behind) = blocking(move || {
            let cleared = store.clear_all();
            let mut left = Vec::new();
            if let Some(quick) = quick {
                if let Err(e) = quick.remove_all() {
                    left.push(format!("quick access's files in {}: {e}", quick.dir().display()));
                }
            }
            if let Err(e) = signer.delete_key() {
                left.push(format!("the holder key ({}): {e}", signer.protection().as_str()));
            }
            if let Err(e) = key_store.delete_key() {
                left.push(format!(
                    "the key store's key ({}): {e}",
                    key_store.protection().as_str()
                ));
            }
            // Tried even when clearing failed: the files go either way.
            let removed = store.remove_files();
            Ok((cleared.and(removed), left))
        })
        .await?;
        self.store.changes().touch(ChangeArea::Closed);
        if let Err(e) = cleared {
            log::warn!(target: "latchkey::client", "signed out, but the store was not fully removed: {e}");
            return Err(LatchkeyError::Storage(format!(
                "signed out and the platform keys deleted, but the store was not fully removed \
                 ({e}); delete {} and what begins with its name beside it",
                self.store.dir().display()
            )));
        }
        let report = SignOutReport {
            upload,
            uploaded,
            not_uploaded_access: stats.access,
            not_uploaded_diagnostic: stats.diagnostic,
            oldest_not_uploaded_at_ms: stats.oldest_appended_at_ms,
            dead_letters: stats.dead_letters,
            left_behind,
        };
        for what in &report.left_behind {
            log::warn!(target: "latchkey::client", "signed out, but not deleted: {what}");
        }
        crate::log_line!(
            Info,
            target: "latchkey::client",
            "signed out: {} event(s) uploaded first, {} access and {} diagnostic event(s) never uploaded",
            report.uploaded,
            report.not_uploaded_access,
            report.not_uploaded_diagnostic
        );
        Ok(report)
    }
}
