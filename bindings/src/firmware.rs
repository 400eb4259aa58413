//! Firmware at the door: `client.firmware()` reads which firmware a lock
//! runs and delivers the newest image the sync engine fetched for its
//! model, offline, resuming where the lock stands; every step reaches an
//! optional [`ProgressListener`] (`Transferring` while the image goes
//! over). What the new firmware kept comes back in words.
//!
//! ```kotlin
//! client.firmware().check(lockId, null)                 // at the door: the lock's model and version
//! client.sync()!!.syncNow()                             // online: images for that model
//! val update = client.firmware().update(lockId, ui)     // at the door, offline
//! show(update.report)    // "The update from 1.0.0 to 1.1.0 kept … It did not keep …"
//! ```

use crate::errors::{CommandError, CredentialError};
use crate::platform::progress::ProgressListener;
use crate::platform::ProgressBridge;
use crate::session::Session;
use latchkey_core::client::FirmwareStatus as CoreStatus;
use latchkey_core::store::UpdateReport;
use latchkey_protocol::{FirmwareVersion, LockId};

/// What the phone knows of one lock's firmware.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FirmwareStatus {
    /// The version the lock runs, as it last said (none: never asked).
    pub running: Option<String>,
    /// Bytes the lock holds of an image it has not installed yet (a
    /// delivery that stopped: the next update goes on from there).
    pub download_held: Option<u32>,
    /// That image's size in bytes.
    pub download_size: Option<u32>,
    /// The newest image this phone carries for the lock's model.
    pub available: Option<String>,
    /// The phone carries a newer image than the lock runs.
    pub update_available: bool,
    /// What the vendor says the available image does not keep
    /// (`pin_list`, `certificates`, `clock_trust`).
    pub available_losses: Vec<String>,
    /// The last update this phone delivered, in words.
    pub last_update: Option<String>,
    /// The result code of the last image the lock refused.
    pub rejected: Option<String>,
}

/// How an update ended.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FirmwareUpdate {
    /// The version before.
    pub before: String,
    /// The version the lock runs now.
    pub running: String,
    /// What the new firmware kept, in English words (none: nothing was
    /// installed); `still_missing` is what an app words itself.
    pub report: Option<String>,
    /// What it did not keep that no phone has put back yet, by name
    /// (`pin_list`, `revocation_list`, `clock_trust`, `certificates`,
    /// `event_log`): `MessageCatalog.text(locale, "value.lost.<name>")`
    /// words each in the app's language.
    pub still_missing: Vec<String>,
}

fn version(v: u32) -> String {
    FirmwareVersion(v).to_string()
}

impl From<CoreStatus> for FirmwareStatus {
    fn from(s: CoreStatus) -> Self {
        Self {
            running: s.lock.map(|f| version(f.version)),
            download_held: s.lock.and_then(|f| f.download).map(|(_, held, _)| held),
            download_size: s.lock.and_then(|f| f.download).map(|(_, _, size)| size),
            available: s.available.map(|v| v.to_string()),
            update_available: s.update_available(),
            available_losses: s.available_losses.names().into_iter().map(String::from).collect(),
            last_update: s.last_update.as_ref().map(UpdateReport::describe),
            rejected: s.rejected.map(|r| r.code.name().to_string()),
        }
    }
}

/// Firmware reads and updates: `client.firmware()`.
#[derive(uniffi::Object)]
pub struct FirmwareClient {
    session: Session,
}

impl FirmwareClient {
    pub(crate) fn new(session: Session) -> Self {
        Self { session }
    }
}

fn lock_id(raw: &str) -> Result<LockId, CommandError> {
    LockId::from_hex(raw).ok_or_else(|| CommandError::bad_lock_id(raw))
}

#[uniffi::export(async_runtime = "tokio")]
impl FirmwareClient {
    /// What the phone knows of the lock's firmware (no radio).
    pub async fn status(&self, lock_id: String) -> Result<FirmwareStatus, CredentialError> {
        let id = LockId::from_hex(&lock_id).ok_or_else(|| CredentialError::invalid("lock id", "not 32 hex digits"))?;
        let client = self.session.client::<CredentialError>()?;
        Ok(client.firmware().status(id).await?.into())
    }

    /// Reads at the door which firmware the lock runs and which model it
    /// is (one status command); the next sync fetches images for that
    /// model.
    pub async fn check(
        &self,
        lock_id: String,
        listener: Option<Box<dyn ProgressListener>>,
    ) -> Result<FirmwareStatus, CommandError> {
        let id = self::lock_id(&lock_id)?;
        let client = self.session.client::<CommandError>()?;
        let bridge = ProgressBridge::new(listener);
        let result = client.firmware().check(id, &bridge).await;
        bridge.flush().await;
        Ok(result?.into())
    }

    /// Delivers the newest image this phone carries and installs it,
    /// offline, resuming where the lock stands; then checks what the new
    /// firmware kept and puts back what this phone carries. With nothing
    /// newer carried, it only reads what the lock runs.
    pub async fn update(
        &self,
        lock_id: String,
        listener: Option<Box<dyn ProgressListener>>,
    ) -> Result<FirmwareUpdate, CommandError> {
        let id = self::lock_id(&lock_id)?;
        let client = self.session.client::<CommandError>()?;
        let bridge = ProgressBridge::new(listener);
        let result = client.firmware().update(id, &bridge).await;
        bridge.flush().await;
        let u = result?;
        Ok(FirmwareUpdate {
            before: u.before.to_string(),
            running: u.running.to_string(),
            still_missing: u
                .report
                .iter()
                .flat_map(|r| r.unrepaired())
                .map(|i| i.name().to_string())
                .collect(),
            report: u.report.as_ref().map(UpdateReport::describe),
        })
    }
}
