//! The handle's calls made on demand rather than by a pass: the status
//! picture, the dead letters, a time token at the door, and a host's key
//! and PIN calls. Each is a free function of `host.rs`, `pins/` or
//! `status.rs`; here they get the engine's API handle (nothing is
//! attempted offline) and their errors become the public [`SyncError`].

use super::common::on_disk;
use super::error::{Failure, SyncError};
use super::handle::SyncEngine;
use super::host::{self, CloudKey, IssueKey};
use super::life::{self, Commissioning};
use super::pins::{self, PinChange};
use super::status::{LocalPicture, SyncStatus};
use super::wire::{CloudLockDrift, CloudPinChange, CloudPinDrift};
use crate::outbox::DeadLetter;
use latchkey_protocol::{Challenge, KeyId, LockId, TimeToken};

impl SyncEngine {
    /// The standing picture for a status screen.
    pub async fn status(&self) -> Result<SyncStatus, SyncError> {
        let client = self.inner.client().map_err(|f| f.public())?;
        let local = LocalPicture::read(&client).await.map_err(|f| f.public())?;
        Ok(local.with(self.inner.standing()))
    }

    /// Events the cloud refused for good, with the reasons.
    pub async fn dead_letters(&self) -> Result<Vec<DeadLetter>, SyncError> {
        let outbox = self.inner.client().map_err(|f| f.public())?.outbox().clone();
        on_disk(move || outbox.dead_letters())
            .await
            .map_err(|f: Failure| f.public())
    }

    /// Fetches a time token bound to the challenge the phone just read from
    /// the lock's advertisement, and stores it for the next command (which
    /// then sets the lock's clock either way, not only forward).
    pub async fn time_token_at_door(&self, lock_id: &LockId, challenge: &Challenge) -> Result<TimeToken, SyncError> {
        let api = self.inner.on_demand()?;
        let client = self.inner.client().map_err(|f| f.public())?;
        host::time_token_at_door(&api, &client, lock_id, challenge)
            .await
            .map_err(|f| f.public())
    }

    /// Host: what this phone installs when it claims `lock_id` for the
    /// account (its issuer key and the lock's PIN secret). Fetch it before
    /// going to a new lock: the claim itself needs no network.
    pub async fn commissioning(&self, lock_id: &LockId) -> Result<Commissioning, SyncError> {
        let api = self.inner.on_demand()?;
        life::commissioning(&api, lock_id).await.map_err(|f| f.public())
    }

    /// Host: asks the cloud to issue a key to a registered phone.
    pub async fn issue_key(&self, request: &IssueKey) -> Result<CloudKey, SyncError> {
        let api = self.inner.on_demand()?;
        host::issue_key(&api, request).await.map_err(|f| f.public())
    }

    /// Host: revokes a key; returns the seq of the lock's new list.
    pub async fn revoke_key(&self, key_id: &KeyId) -> Result<u32, SyncError> {
        let api = self.inner.on_demand()?;
        host::revoke_key(&api, key_id).await.map_err(|f| f.public())
    }

    /// Host: credential drift of every lock, as the cloud sees it.
    pub async fn cloud_drift(&self) -> Result<Vec<CloudLockDrift>, SyncError> {
        let api = self.inner.on_demand()?;
        host::cloud_drift(&api).await.map_err(|f| f.public())
    }

    /// Host: creates or changes a keypad PIN of a lock in the cloud (what
    /// `change` leaves `None` stays as it is), which signs the lock's next
    /// PIN list; any phone that syncs and then visits the lock delivers it.
    pub async fn change_pin(&self, lock_id: &LockId, change: &PinChange) -> Result<CloudPinChange, SyncError> {
        let api = self.inner.on_demand()?;
        pins::change_pin(&api, lock_id, change).await.map_err(|f| f.public())
    }

    /// Host: deletes a keypad PIN of a lock in the cloud, which signs the
    /// lock's next PIN list; the lock still accepts the PIN until a phone
    /// delivers that list.
    pub async fn delete_pin(&self, lock_id: &LockId, slot: u8) -> Result<CloudPinChange, SyncError> {
        let api = self.inner.on_demand()?;
        pins::delete_pin(&api, lock_id, slot).await.map_err(|f| f.public())
    }

    /// Host: per lock, the PIN changes the lock has not received yet, who
    /// last reported its list and when a phone last talked to it ("deleted
    /// on Monday, lock still accepts it: last contact Sunday").
    pub async fn pin_drift(&self) -> Result<Vec<CloudPinDrift>, SyncError> {
        let api = self.inner.on_demand()?;
        pins::pin_drift(&api).await.map_err(|f| f.public())
    }
}
