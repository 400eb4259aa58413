//! Setting locks up: `client.setup()` claims a new lock with the setup
//! code on its label and re-commissions a reset one, offline; every step
//! reaches an optional [`ProgressListener`] (`Setup`). What a claim
//! installs for the account comes from the cloud beforehand
//! (`client.sync().commissioning(lockId)`, online).
//!
//! ```kotlin
//! val (issuer, pinSecret) = client.sync()!!.commissioning(lockId)   // at home, online
//! client.setup().claim(scannedQr, ClaimSettings("Garden gate", issuer, pinSecret, 60, listOf()), ui)
//! client.setup().recommission(lockId, null, ui)                     // after a factory reset
//! ```

use crate::errors::CommandError;
use crate::platform::progress::ProgressListener;
use crate::platform::ProgressBridge;
use crate::session::Session;
use latchkey_core::client::ClaimSettings as CoreSettings;
use latchkey_core::LatchkeyError;
use latchkey_protocol::{hex, LockId, PinSecret, PublicKey, SetupCode};

/// What an owner installs when claiming a lock (hex of keys and ids).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ClaimSettings {
    /// The lock's name.
    pub name: String,
    /// The account's issuer key (128 hex digits; `commissioning` gives it).
    pub issuer_key: String,
    /// The lock's PIN secret (64 hex digits), when the phone has it.
    pub pin_secret: Option<String>,
    /// Local time offset from UTC, minutes.
    pub utc_offset_min: i16,
    /// Lock groups it joins (hex ids).
    pub groups: Vec<String>,
}

/// A lock set up by this phone.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SetupReport {
    /// The lock (hex id).
    pub lock_id: String,
    /// Its name.
    pub name: String,
    /// Its epoch (1 for a new lock, more after resets).
    pub epoch: u32,
    /// The firmware it runs (`"1.0.0"`).
    pub firmware: String,
    /// Revocation and PIN list seqs installed with the setup (0: none).
    pub revocation_seq: u32,
    /// PIN list seq installed (0: none).
    pub pin_seq: u32,
    /// It had an owner before (a reset lock brought back).
    pub recommissioned: bool,
}

/// Claiming and re-commissioning locks: `client.setup()`.
#[derive(uniffi::Object)]
pub struct SetupClient {
    session: Session,
}

impl SetupClient {
    pub(crate) fn new(session: Session) -> Self {
        Self { session }
    }
}

fn lock_id(raw: &str) -> Result<LockId, CommandError> {
    LockId::from_hex(raw).ok_or_else(|| CommandError::bad_lock_id(raw))
}

fn refused(reason: &str) -> CommandError {
    CommandError::from(LatchkeyError::refused_locally(
        latchkey_core::DiagnosisCode::SetupCodeWrong,
        reason,
    ))
}

fn settings(s: ClaimSettings) -> Result<CoreSettings, CommandError> {
    let bad = || refused("the claim settings are not hex of an issuer key, PIN secret and lock ids");
    let issuer_key = hex::decode(&s.issuer_key).and_then(|b| Some(PublicKey(b.try_into().ok()?)));
    let pin_secret = match s.pin_secret {
        Some(h) => Some(
            hex::decode(&h)
                .and_then(|b| Some(PinSecret(b.try_into().ok()?)))
                .ok_or_else(bad)?,
        ),
        None => None,
    };
    let groups: Option<Vec<LockId>> = s.groups.iter().map(|g| LockId::from_hex(g)).collect();
    Ok(CoreSettings {
        name: s.name,
        issuer_key: issuer_key.ok_or_else(bad)?,
        pin_secret,
        utc_offset_min: s.utc_offset_min,
        groups: groups.ok_or_else(bad)?,
    })
}

fn report(r: latchkey_core::client::SetupReport) -> SetupReport {
    SetupReport {
        lock_id: r.lock_id.to_hex(),
        name: r.name,
        epoch: r.epoch,
        firmware: r.firmware.to_string(),
        revocation_seq: r.revocation_seq,
        pin_seq: r.pin_seq,
        recommissioned: r.recommissioned,
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl SetupClient {
    /// Claims the new (or reset) lock on `setup_code`'s label (the QR
    /// code's text, `LK1.…`) for `settings`' account, offline: proves the
    /// setup secret, installs the issuer key, this phone's time, name and
    /// groups, calibrates the bolt; the cloud registers the lock when the
    /// phone is next online.
    pub async fn claim(
        &self,
        setup_code: String,
        settings: ClaimSettings,
        listener: Option<Box<dyn ProgressListener>>,
    ) -> Result<SetupReport, CommandError> {
        let code = SetupCode::parse(&setup_code).ok_or_else(|| refused("that is not a lock's setup code"))?;
        let settings = self::settings(settings)?;
        let client = self.session.client::<CommandError>()?;
        let bridge = ProgressBridge::new(listener);
        let result = client.setup().claim(code, settings, &bridge).await;
        bridge.flush().await;
        Ok(report(result?))
    }

    /// Brings a reset lock (hex id) this phone knows back in one flow:
    /// issuer, time, name, groups, PIN secret and the newest lists.
    /// `setup_code` defaults to the label kept when this phone set it up.
    pub async fn recommission(
        &self,
        lock_id: String,
        setup_code: Option<String>,
        listener: Option<Box<dyn ProgressListener>>,
    ) -> Result<SetupReport, CommandError> {
        let id = self::lock_id(&lock_id)?;
        let code = match setup_code {
            Some(text) => Some(SetupCode::parse(&text).ok_or_else(|| refused("that is not a lock's setup code"))?),
            None => None,
        };
        let client = self.session.client::<CommandError>()?;
        let bridge = ProgressBridge::new(listener);
        let result = client.setup().recommission(id, code, &bridge).await;
        bridge.flush().await;
        Ok(report(result?))
    }
}
