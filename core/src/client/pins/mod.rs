//! Keypad PINs from the phone's side: take in signed PIN lists, carry the
//! newest to the lock after any command (like revocation lists), record
//! what the lock confirmed, show per lock which changes are still pending
//! (PIN drift), and, on a host's phone, make offline PINs with no network.

mod describe;
mod status;

pub(crate) use status::read_pin_status;
pub use status::{PendingPinChange, PinStatus};

use super::{blocking, Pins};
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::store::{PinListNotes, StoredPinList};
use latchkey_protocol::{plan_offline_pin, LockId, OfflinePin, PinList, PinSecret};
use std::collections::BTreeMap;

impl Pins<'_> {
    /// Stores a keypad PIN list (kept only if newer than the one held) after
    /// verifying it against the issuer of the lock it is for. `labels` name
    /// the slots' holders for the app and the emergency sheet. Returns
    /// whether it was newer.
    pub async fn add_pin_list(&self, list: PinList, labels: BTreeMap<u8, String>) -> Result<bool, LatchkeyError> {
        let notes = PinListNotes {
            labels,
            ..PinListNotes::default()
        };
        self.add_managed_pin_list(list, notes).await
    }

    /// [`Pins::add_pin_list`] with everything the cloud sends along: what
    /// each slot is for, who holds it, and the portal's change log (which
    /// says when each change the lock still lacks was made).
    pub async fn add_managed_pin_list(&self, list: PinList, notes: PinListNotes) -> Result<bool, LatchkeyError> {
        let store = self.0.store.clone();
        let now = self.0.clock.now_unix();
        let newer = blocking(move || {
            let meta = store.locks().get_meta(&list.lock_id)?.ok_or_else(|| {
                LatchkeyError::refused_locally(
                    DiagnosisCode::UnknownLock,
                    "this phone has no record of the PIN list's lock; sync first",
                )
            })?;
            list.verify_for(&meta.issuer_key, &meta.lock_id).map_err(|_| {
                LatchkeyError::refused_locally(
                    DiagnosisCode::KeyRejected,
                    "PIN list is not signed by the issuer of the lock it targets",
                )
            })?;
            let mut changes = notes.changes;
            changes.retain(|c| c.seq <= list.seq);
            Ok(store.pins().put(&StoredPinList {
                list,
                labels: notes.labels,
                holders: notes.holders,
                changes,
                received_at: now,
            })?)
        })
        .await?;
        self.0.refresh_quick_access_quietly().await;
        Ok(newer)
    }

    /// Stores a lock's PIN secret, with which this phone makes offline PINs
    /// (it also keys the PIN list's slot hashes, so only hosts may hold
    /// it). Only a host's (owner or admin) phone receives it, from the cloud
    /// over the authenticated sync channel; it is sealed at rest like every
    /// record.
    pub async fn add_pin_secret(&self, lock_id: LockId, secret: PinSecret) -> Result<(), LatchkeyError> {
        let store = self.0.store.clone();
        blocking(move || Ok(store.pins().put_pin_secret(&lock_id, &secret)?)).await
    }

    /// Makes an offline PIN for a stay from `start_unix` lasting
    /// `duration_s`, with no network: hour codes up to 24 hours (one-time
    /// if asked), day codes up to 28 days, in the lock's local time. The
    /// result says the exact window (widened to whole hours or days).
    pub async fn offline_pin(
        &self,
        lock_id: LockId,
        start_unix: u32,
        duration_s: u32,
        one_time: bool,
    ) -> Result<OfflinePin, LatchkeyError> {
        let store = self.0.store.clone();
        blocking(move || {
            let meta = store.locks().get_meta(&lock_id)?.ok_or_else(|| {
                LatchkeyError::refused_locally(DiagnosisCode::UnknownLock, "this phone has no record of that lock")
            })?;
            let secret = store.pins().pin_secret(&lock_id)?.ok_or_else(|| {
                LatchkeyError::refused_locally(
                    DiagnosisCode::NoKey,
                    "this phone holds no PIN secret for that lock (only a host's phone does)",
                )
            })?;
            plan_offline_pin(&secret, start_unix, duration_s, one_time, meta.utc_offset_min)
                .map_err(|e| LatchkeyError::refused_locally(DiagnosisCode::KeyRejected, e.to_string()))
        })
        .await
    }

    /// Where one lock stands with its keypad PINs.
    pub async fn status(&self, lock_id: LockId) -> Result<PinStatus, LatchkeyError> {
        let store = self.0.store.clone();
        blocking(move || Ok(read_pin_status(&store, &lock_id)?)).await
    }

    /// [`Pins::status`] for every lock this phone holds a PIN list
    /// for: the phone's PIN drift view.
    pub async fn list(&self) -> Result<Vec<PinStatus>, LatchkeyError> {
        let store = self.0.store.clone();
        blocking(move || {
            let mut out = Vec::new();
            for held in store.pins().list()? {
                out.push(read_pin_status(&store, &held.list.lock_id)?);
            }
            Ok(out)
        })
        .await
    }
}
