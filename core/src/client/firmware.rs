//! Firmware updates carried by the phone: images fetched while online
//! (`add_image`), what the phone knows of a lock's firmware (`status`),
//! and an update delivered at the door with no network (`update`):
//! resumed where the lock stands, over as many connections as it takes,
//! then checked for what the new firmware kept.

use super::firmware_state::{clock_lost, compare};
use super::{blocking, Firmware};
use crate::client::CommandReport;
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::store::{FirmwareRecord, FirmwareRejection, StoredImage, UpdateReport};
use crate::unlock::{FirmwareOutcome, FirmwareStep, HousekeepingResult, ProgressListener};
use latchkey_protocol::{Command, FirmwareLosses, FirmwareManifest, FirmwareVersion, LockId, ResultCode};
use std::sync::Arc;

/// Connections an update may take before it gives up for now (a session
/// lasts 60 s; each one carries on where the last stopped).
const MAX_DELIVERIES: usize = 12;
/// Connections in a row that may end before the lock took a byte.
const MAX_STUCK: usize = 3;

/// What the phone knows of one lock's firmware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmwareStatus {
    /// The lock's firmware as it last said (`None`: never asked).
    pub lock: Option<FirmwareRecord>,
    /// The newest image the phone carries for the lock's model.
    pub available: Option<FirmwareVersion>,
    /// What the vendor says the available image does not keep.
    pub available_losses: FirmwareLosses,
    /// The last update this phone delivered, and what it kept.
    pub last_update: Option<UpdateReport>,
    /// The last image the lock refused.
    pub rejected: Option<FirmwareRejection>,
}

impl FirmwareStatus {
    /// The phone carries a newer image than the lock runs.
    pub fn update_available(&self) -> bool {
        match (self.lock, self.available) {
            (Some(lock), Some(available)) => available > lock.running(),
            _ => false,
        }
    }
}

/// How an update ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmwareUpdate {
    /// The version the lock runs now.
    pub running: FirmwareVersion,
    /// The version it ran before (the same when nothing was installed).
    pub before: FirmwareVersion,
    /// What the new firmware kept (when one was installed).
    pub report: Option<UpdateReport>,
}

impl Firmware<'_> {
    /// Keeps an image (from the cloud) for locks of its model, if it is the
    /// newest held; `known_losses` is what the vendor says it does not keep.
    /// The image must be the one its manifest names; the lock checks the
    /// vendor's signature again before it installs anything.
    pub async fn add_image(
        &self,
        manifest: FirmwareManifest,
        image: Vec<u8>,
        known_losses: FirmwareLosses,
    ) -> Result<bool, LatchkeyError> {
        if !manifest.matches(&image) {
            return Err(LatchkeyError::refused_locally(
                DiagnosisCode::FirmwareRejected,
                "the firmware image does not match its manifest (damaged on the way); download it again",
            ));
        }
        let store = self.0.store.clone();
        let stored = StoredImage {
            manifest,
            image,
            known_losses: known_losses.0,
            added_at: self.0.clock.now_unix(),
        };
        blocking(move || Ok(store.firmware().put(&stored)?)).await
    }

    /// What the phone knows of `lock_id`'s firmware (no radio).
    pub async fn status(&self, lock_id: LockId) -> Result<FirmwareStatus, LatchkeyError> {
        let store = self.0.store.clone();
        blocking(move || {
            let state = store.locks().state(&lock_id)?;
            let image = match state.life.firmware {
                Some(f) => store.firmware().get(f.model)?,
                None => None,
            };
            Ok(FirmwareStatus {
                lock: state.life.firmware,
                available: image.as_ref().map(|i| i.manifest.version),
                available_losses: image.as_ref().map(|i| i.losses()).unwrap_or_default(),
                last_update: state.life.last_update,
                rejected: state.life.firmware_rejected,
            })
        })
        .await
    }

    /// Reads at the door which firmware the lock runs (and any download it
    /// holds), with one status command, and returns what the phone then
    /// knows; the next sync fetches images for the lock's model.
    pub async fn check(
        &self,
        lock_id: LockId,
        listener: &dyn ProgressListener,
    ) -> Result<FirmwareStatus, LatchkeyError> {
        let (look, session) = pass(self, lock_id, FirmwareStep::Check, listener).await;
        look?;
        if let Some(code) = session.and_then(|s| s.firmware).and_then(|f| f.refused) {
            return Err(refused(Some(code)));
        }
        self.status(lock_id).await
    }

    /// Delivers the newest image the phone carries for the lock's model and
    /// installs it, with no network needed: over as many connections as it
    /// takes, each resuming where the lock stands; then reconnects to check
    /// what the new firmware kept, putting back what this phone carries.
    pub async fn update(
        &self,
        lock_id: LockId,
        listener: &dyn ProgressListener,
    ) -> Result<FirmwareUpdate, LatchkeyError> {
        let (look, session) = pass(self, lock_id, FirmwareStep::Check, listener).await;
        look?;
        let first = session.and_then(|s| s.firmware).unwrap_or_default();
        let before = first.info.as_ref().ok_or_else(|| refused(first.refused))?;
        let store = self.0.store.clone();
        let model = before.model;
        let image = blocking(move || Ok(store.firmware().get(model)?)).await?;
        let running = before.firmware;
        let Some(image) = image.filter(|i| i.manifest.version > running) else {
            return Ok(FirmwareUpdate {
                running,
                before: running,
                report: None,
            });
        };
        let release = Arc::new((image.manifest, image.image));
        let mut held = None;
        let mut stuck = 0;
        let mut pre: Option<FirmwareOutcome> = None;
        for _ in 0..MAX_DELIVERIES {
            let (result, session) = pass(self, lock_id, FirmwareStep::Deliver(release.clone()), listener).await;
            let outcome = session.and_then(|s| s.firmware).unwrap_or_default();
            if let Err(e) = result {
                return Err(interrupted(e, outcome.held.or(held)));
            }
            pre.get_or_insert_with(|| outcome.clone());
            if let Some(code) = outcome.refused {
                return Err(refused(Some(code)));
            }
            if outcome.installed.is_some() {
                let installed = outcome.installed.unwrap_or_default();
                return self
                    .verify_install(lock_id, pre.unwrap_or(outcome), installed, listener)
                    .await;
            }
            // A connection that ended before any chunk is tried again; one
            // that keeps taking nothing is given up on.
            if outcome.held.is_some() && outcome.held != held {
                (held, stuck) = (outcome.held, 0);
            } else {
                stuck += 1;
                if stuck >= MAX_STUCK {
                    return Err(interrupted(stalled(), held));
                }
            }
        }
        Err(interrupted(stalled(), held))
    }

    /// After an install: reconnect, read what the new firmware kept before
    /// anything is put back, let the session repair what it can, and
    /// record the report.
    async fn verify_install(
        &self,
        lock_id: LockId,
        before: FirmwareOutcome,
        installed: FirmwareVersion,
        listener: &dyn ProgressListener,
    ) -> Result<FirmwareUpdate, LatchkeyError> {
        let (report, session) = pass(self, lock_id, FirmwareStep::Check, listener).await;
        let housekeeping = session.unwrap_or_default();
        let after = housekeeping.firmware.clone().unwrap_or_default();
        let at = self.0.clock.now_unix();
        let update = match report {
            Ok(command) => compare(&before, &after, &housekeeping, Some(command.path), at),
            // The check's command was refused but its session answered:
            // what was kept is known, how the command got in is not.
            Err(_) if after.info.is_some() => compare(&before, &after, &housekeeping, None, at),
            // A lock whose new firmware dropped its clock's trust refuses
            // every key until a phone brings trusted time.
            Err(LatchkeyError::Refused {
                lock_result: Some(ResultCode::ClockUntrusted),
                ..
            }) => clock_lost(&before, installed, at),
            Err(e) => return Err(e),
        };
        let store = self.0.store.clone();
        let saved = update.clone();
        blocking(move || Ok(store.locks().update_state(&lock_id, |s| s.life.last_update = saved)?)).await?;
        let version = |o: &FirmwareOutcome| o.info.as_ref().map(|i| i.firmware);
        Ok(FirmwareUpdate {
            running: version(&after).unwrap_or(installed),
            before: version(&before).unwrap_or_default(),
            report: update,
        })
    }
}

/// One connection's worth of firmware work, under a status command. A
/// status whose answer was lost can't be replayed from the lock's store
/// (it keeps none), so a retry meets `counter_replay`: the pass is then
/// run once more as a new command.
async fn pass(
    firmware: &Firmware<'_>,
    lock_id: LockId,
    step: FirmwareStep,
    listener: &dyn ProgressListener,
) -> (Result<CommandReport, LatchkeyError>, Option<HousekeepingResult>) {
    let locks = firmware.0.locks();
    let first = locks.run(lock_id, Command::Status, Some(step.clone()), listener).await;
    match &first.0 {
        Err(LatchkeyError::Refused {
            lock_result: Some(ResultCode::CounterReplay),
            ..
        }) => locks.run(lock_id, Command::Status, Some(step), listener).await,
        _ => first,
    }
}

fn refused(code: Option<ResultCode>) -> LatchkeyError {
    match code {
        Some(code @ (ResultCode::FirmwareInvalid | ResultCode::FirmwareDowngrade)) => LatchkeyError::Refused {
            code: DiagnosisCode::FirmwareRejected,
            lock_result: Some(code),
            reason: format!("the lock refused the firmware image ({code}); its current firmware keeps running"),
        },
        Some(code) => LatchkeyError::refused_by_lock(code),
        None => LatchkeyError::Lock {
            code: DiagnosisCode::ProtocolMismatch,
            detail: "the lock did not say which firmware it runs".into(),
        },
    }
}

fn stalled() -> LatchkeyError {
    LatchkeyError::Lock {
        code: DiagnosisCode::FirmwareUpdateInterrupted,
        detail: "the lock took no more of the image".into(),
    }
}

/// A delivery that stopped: the lock keeps what it has.
fn interrupted(cause: LatchkeyError, held: Option<(u32, u32)>) -> LatchkeyError {
    let Some((held, size)) = held.filter(|(held, _)| *held > 0) else {
        return cause;
    };
    LatchkeyError::Lock {
        code: DiagnosisCode::FirmwareUpdateInterrupted,
        detail: format!(
            "the update stopped with {held} of {size} bytes on the lock ({cause}); the lock keeps them and runs its \
             current firmware; update again near the lock to go on from there"
        ),
    }
}
