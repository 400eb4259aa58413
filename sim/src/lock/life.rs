//! A lock's life: out of the box unclaimed, claimed for an issuer, factory
//! reset back to unclaimed. What a reset wipes and keeps:
//!
//! | wiped | kept |
//! | --- | --- |
//! | issuer, groups, PIN secret, name | lock id, identity key, setup secret |
//! | cached certificates, fast keys, stored outcomes | running firmware |
//! | revocation list (its issuer id and seq kept as the floor for a re-commissioning by the same issuer) | bolt calibration |
//! | PIN list, used one-time slots and offline codes (the factory master PIN works again) | RTC, its trust, the newest token time |
//! | event log (a new epoch and chain) | |
//! | a firmware download; any session or claim | |

use super::budget::UnauthBudget;
use super::challenges::Challenges;
use super::config::{AsymOpCounts, LockConfig, LockError};
use super::credentials::Credentials;
use super::event_log::EventLog;
use super::firmware::FirmwareState;
use super::keypad::Keypad;
use super::mechanics::Mechanics;
use super::rtc::{Rtc, RTC_RESET_UNIX};
use super::{Connection, Owner, SimLock};
use crate::VirtualClock;
use latchkey_protocol::{
    EventKind, FirmwareVersion, KeyId, LockId, LockInfo, PublicKey, SetupCode, SetupSecret, SigningKey,
};

impl SimLock {
    /// A lock as it leaves the factory: unclaimed, its clock untrusted at
    /// the firmware's build time, its bolt not calibrated. `config` brings
    /// the vendor's firmware key, model and firmware version; its
    /// `pin_secret` and `groups` are ignored (an owner installs them).
    pub fn factory_new(
        identity: SigningKey,
        lock_id: LockId,
        setup_secret: SetupSecret,
        clock: VirtualClock,
        config: LockConfig,
    ) -> Result<Self, LockError> {
        config.validate()?;
        let now_ms = clock.now_ms();
        Ok(Self {
            identity_public: identity.public_key(),
            identity,
            lock_id,
            epoch: 1,
            owner: None,
            setup_secret,
            name: String::new(),
            previous_owner: None,
            lost_pin_seq: None,
            firmware: FirmwareState::new(config.firmware, config.model, config.vendor_key),
            rtc: Rtc::untrusted(RTC_RESET_UNIX, now_ms, config.rtc_drift_ppm, config.utc_offset_min),
            challenges: Challenges::new(config.challenge_rotation_ms, now_ms),
            creds: Credentials::new(
                config.cert_cache_capacity,
                config.fast_key_capacity,
                config.stored_outcome_capacity,
            ),
            log: EventLog::new(lock_id, 1, config.event_capacity),
            mech: Mechanics::new(config.mechanics(), config.battery_mv),
            keypad: Keypad::new(config.master_pin.as_ref(), None)?,
            conn: Connection::new(),
            ops: AsymOpCounts::default(),
            unauth: UnauthBudget::new(
                config.unauth_ops_burst,
                config.unauth_ops_refill_ms,
                config.unauth_ops_per_connection,
                now_ms,
            ),
            clock,
        })
    }

    /// The bench shortcut: a lock claimed for `issuer` at once, with its
    /// RTC at true time (trusted), a calibrated bolt, `config`'s groups and
    /// PIN secret, a random setup secret and identity key, epoch 1 and an
    /// empty log. Tests and the demo start from it; phones claim
    /// [`SimLock::factory_new`] locks over the radio.
    pub fn commission(
        issuer: PublicKey,
        lock_id: LockId,
        clock: VirtualClock,
        config: LockConfig,
    ) -> Result<Self, LockError> {
        Self::commission_with_identity(SigningKey::generate()?, issuer, lock_id, clock, config)
    }

    /// Like [`SimLock::commission`] with a given identity key (a lock whose
    /// key was provisioned at the factory, or a reproducible demo).
    pub fn commission_with_identity(
        identity: SigningKey,
        issuer: PublicKey,
        lock_id: LockId,
        clock: VirtualClock,
        config: LockConfig,
    ) -> Result<Self, LockError> {
        let secret = SetupSecret(latchkey_protocol::crypto::random_array()?);
        let (groups, pin_secret, master) = (
            config.groups.clone(),
            config.pin_secret.clone(),
            config.master_pin.clone(),
        );
        let mut lock = Self::factory_new(identity, lock_id, secret, clock, config)?;
        lock.keypad = Keypad::new(master.as_ref(), pin_secret)?;
        lock.owner = Some(Owner { issuer, groups });
        let now_ms = lock.now_ms();
        lock.rtc.set(lock.clock.unix_now(), now_ms);
        lock.mech.set_calibrated();
        Ok(lock)
    }

    /// What the label inside the battery cover says (reading it needs the
    /// lock in hand).
    pub fn label(&self) -> SetupCode {
        SetupCode {
            lock_id: self.lock_id,
            secret: self.setup_secret.clone(),
        }
    }

    /// Whether an owner has claimed the lock.
    pub fn is_claimed(&self) -> bool {
        self.owner.is_some()
    }

    /// The running firmware.
    pub fn firmware_version(&self) -> FirmwareVersion {
        self.firmware.running
    }

    /// The lock's life facts, as the session's `Info` answers them.
    pub fn info(&self) -> LockInfo {
        LockInfo {
            firmware: self.firmware.running,
            model: self.firmware.model,
            calibrated: self.mech.calibrated(),
            needs_lists: self.lost_pin_seq.is_some(),
            pin_seq: self.keypad.pin_seq(),
            certificates_cached: self.creds.cert_cache.len().min(255) as u8,
            fast_keys: self.creds.fast_keys.len().min(255) as u8,
            download: self.firmware.download(),
            name: self.name.clone(),
        }
    }

    /// Factory reset (the button inside the lock): back to unclaimed in a
    /// new epoch; see the module documentation for what is wiped and kept.
    /// The new log's first event, `factory_reset`, names the old epoch's
    /// newest seq and the newest seq any phone collected from it: the
    /// events between were never collected and are reported as a gap.
    pub fn factory_reset(&mut self) {
        let head = self.log.head_seq();
        let collected = self.log.fetched_through();
        if let Some(owner) = self.owner.take() {
            self.previous_owner = Some((owner.issuer.issuer_id(), self.creds.revocation_seq()));
        }
        self.epoch = self.epoch.saturating_add(1);
        self.name.clear();
        self.lost_pin_seq = None;
        self.creds.wipe();
        self.keypad.factory_reset();
        self.firmware.drop_download();
        self.log.restart(self.epoch);
        let mut key_id = KeyId::default();
        key_id.0[..4].copy_from_slice(&head.to_be_bytes());
        key_id.0[4..].copy_from_slice(&collected.to_be_bytes());
        self.record(EventKind::FactoryReset, key_id, 0, 0);
        self.conn = Connection::new();
        self.challenges.restart(self.now_ms());
    }
}
