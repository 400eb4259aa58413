//! Setting a lock up from this phone: `claim` a new lock with the setup
//! code on its label, `recommission` one after a factory reset with what
//! the phone already knows of it. Works offline; the cloud registers the
//! lock from the `lock_claimed` event when the phone is next online.

use super::{blocking, Setup};
use crate::error::{DiagnosisCode, LatchkeyError};
use crate::outbox::OutboxEvent;
use crate::setup::{run, Claimed, SetupPlan};
use crate::store::{FirmwareRecord, LockMeta, PinAck, RevocationAck, StoredSetupSecret};
use crate::unlock::ProgressListener;
use latchkey_protocol::{Configure, FirmwareVersion, LockId, PinSecret, PublicKey, SetupCode, SetupSecret};

/// What an owner installs when claiming a new lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimSettings {
    /// The name the lock gets (at most 32 bytes are kept on the lock).
    pub name: String,
    /// The account's issuer key.
    pub issuer_key: PublicKey,
    /// The lock's PIN secret, when the owner's phone has it (keypad list
    /// PINs and offline PINs need it; without it the keypad takes only
    /// its factory master PIN).
    pub pin_secret: Option<PinSecret>,
    /// Local time offset from UTC, minutes.
    pub utc_offset_min: i16,
    /// Lock groups it joins.
    pub groups: Vec<LockId>,
}

/// A lock set up by this phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupReport {
    /// The lock.
    pub lock_id: LockId,
    /// Its name.
    pub name: String,
    /// Its epoch.
    pub epoch: u32,
    /// The firmware it runs.
    pub firmware: FirmwareVersion,
    /// The revocation list installed with the setup (0: none).
    pub revocation_seq: u32,
    /// The PIN list installed with the setup (0: none).
    pub pin_seq: u32,
    /// It had an owner before (a reset lock brought back).
    pub recommissioned: bool,
}

impl Setup<'_> {
    /// Claims the new (or reset) lock on `code`'s label for `settings`'
    /// issuer: proves the setup secret, installs the issuer key, this
    /// phone's time, the name and groups, calibrates the bolt when it
    /// never was, and queues the lock's registration for the cloud.
    pub async fn claim(
        &self,
        code: SetupCode,
        settings: ClaimSettings,
        listener: &dyn ProgressListener,
    ) -> Result<SetupReport, LatchkeyError> {
        let lock_id = code.lock_id;
        let plan = SetupPlan {
            configure: self.configure(&settings),
            code,
            revocations: None,
            pins: None,
        };
        self.run(plan, settings, listener, false)
            .await
            .inspect_err(|e| self.claimed_elsewhere(lock_id, e))
    }

    /// Brings a reset lock this phone knows back in one flow: its issuer,
    /// this phone's time, name, groups, PIN secret (host phones) and the
    /// newest revocation and PIN lists the phone holds. `code` defaults to
    /// the label this phone kept when it set the lock up.
    pub async fn recommission(
        &self,
        lock_id: LockId,
        code: Option<SetupCode>,
        listener: &dyn ProgressListener,
    ) -> Result<SetupReport, LatchkeyError> {
        let store = self.0.store.clone();
        let (meta, kept, revocations, pins, pin_secret) = blocking(move || {
            let meta = store.locks().get_meta(&lock_id)?.ok_or_else(|| {
                LatchkeyError::refused_locally(DiagnosisCode::UnknownLock, "this phone has no record of that lock")
            })?;
            let kept = store.locks().state(&lock_id)?.life.setup_secret;
            let revocations = store
                .revocations()
                .for_lock(&lock_id, &meta.groups)?
                .into_iter()
                .max_by_key(|l| (l.lock_id == lock_id, l.seq));
            let pins = store.pins().newest(&lock_id)?.map(|s| s.list);
            let pin_secret = store.pins().pin_secret(&lock_id)?;
            Ok((meta, kept, revocations, pins, pin_secret))
        })
        .await?;
        let code = match (code, kept) {
            (Some(code), _) => code,
            (None, Some(StoredSetupSecret(bytes))) => SetupCode {
                lock_id,
                secret: SetupSecret(bytes),
            },
            (None, None) => {
                return Err(LatchkeyError::refused_locally(
                    DiagnosisCode::SetupCodeWrong,
                    "this phone did not keep the lock's setup code: scan the label inside its battery cover",
                ))
            }
        };
        let settings = ClaimSettings {
            name: meta.name.clone(),
            issuer_key: meta.issuer_key,
            pin_secret,
            utc_offset_min: meta.utc_offset_min,
            groups: meta.groups.clone(),
        };
        let plan = SetupPlan {
            configure: self.configure(&settings),
            code,
            revocations,
            pins,
        };
        self.run(plan, settings, listener, true).await
    }

    fn configure(&self, s: &ClaimSettings) -> Configure {
        Configure {
            issuer: s.issuer_key,
            pin_secret: s.pin_secret.clone(),
            utc_offset_min: s.utc_offset_min,
            phone_time: self.0.clock.now_unix(),
            groups: s.groups.clone(),
            name: s.name.clone(),
        }
    }

    async fn run(
        &self,
        plan: SetupPlan,
        settings: ClaimSettings,
        listener: &dyn ProgressListener,
        recommissioned: bool,
    ) -> Result<SetupReport, LatchkeyError> {
        let claimed = run(self.0.transport.as_ref(), &plan, &self.0.policy, listener).await?;
        let (store, outbox, at) = (self.0.store.clone(), self.0.outbox.clone(), self.0.clock.now_unix());
        let report =
            blocking(move || remember(&store, &outbox, &plan, &settings, &claimed, at, recommissioned)).await?;
        if let Some(engine) = self.0.sync.get() {
            engine.notify_new_events();
        }
        Ok(report)
    }

    /// Notes, for the diagnostics, that another account holds the lock.
    fn claimed_elsewhere(&self, lock_id: LockId, e: &LatchkeyError) {
        if e.diagnosis() == DiagnosisCode::LockClaimedElsewhere {
            let at = self.0.clock.now_unix();
            let _ = self
                .0
                .store
                .locks()
                .update_state(&lock_id, |s| s.life.claimed_elsewhere_at = Some(at));
        }
    }
}

/// Everything the claim taught the phone, and the registration for the
/// cloud (one flushed append).
fn remember(
    store: &crate::store::Store,
    outbox: &crate::outbox::Outbox,
    plan: &SetupPlan,
    settings: &ClaimSettings,
    claimed: &Claimed,
    at: u32,
    recommissioned: bool,
) -> Result<SetupReport, LatchkeyError> {
    let (offer, receipt) = (&claimed.offer, &claimed.receipt);
    let lock_id = offer.lock_id;
    store.locks().put_meta(&LockMeta {
        lock_id,
        name: settings.name.clone(),
        identity_key: offer.identity_key,
        issuer_key: settings.issuer_key,
        utc_offset_min: settings.utc_offset_min,
        groups: settings.groups.clone(),
    })?;
    if let Some(secret) = &settings.pin_secret {
        store.pins().put_pin_secret(&lock_id, secret)?;
    }
    if receipt.pin_seq > 0 {
        store.pins().record_ack(&lock_id, receipt.pin_seq)?;
    }
    store.locks().update_state(&lock_id, |s| {
        s.epoch = Some(receipt.epoch);
        s.revocation_ack = (receipt.revocation_seq > 0).then_some(RevocationAck {
            seq: receipt.revocation_seq,
            acknowledged_at: at,
        });
        s.pin_ack = (receipt.pin_seq > 0).then_some(PinAck {
            seq: receipt.pin_seq,
            acknowledged_at: at,
            epoch: receipt.epoch,
        });
        s.life.firmware = Some(FirmwareRecord {
            version: receipt.firmware.0,
            model: offer.model,
            download: None,
            needs_lists: false,
            observed_at: at,
        });
        s.life.claimed_elsewhere_at = None;
        s.life.setup_secret = Some(StoredSetupSecret(plan.code.secret.0));
    })?;
    outbox.append_batch(vec![OutboxEvent::LockClaimed {
        lock_id,
        name: settings.name.clone(),
        identity_key: offer.identity_key,
        utc_offset_min: settings.utc_offset_min,
        groups: settings.groups.clone(),
        receipt: receipt.encode(),
        at,
    }])?;
    Ok(SetupReport {
        lock_id,
        name: settings.name.clone(),
        epoch: receipt.epoch,
        firmware: receipt.firmware,
        revocation_seq: receipt.revocation_seq,
        pin_seq: receipt.pin_seq,
        recommissioned,
    })
}
