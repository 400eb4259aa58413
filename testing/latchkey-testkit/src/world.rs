//! A whole simulated world: a virtual clock, a key authority, a radio and
//! commissioned locks, plus phones wired to them.

use crate::clock::WorldClock;
use crate::transport::SimTransport;
use latchkey_core::client::ClaimSettings;
use latchkey_core::clock::PhoneClock;
use latchkey_core::store::LockMeta;
use latchkey_core::{Client, ClientBuilder, LatchkeyError};
use latchkey_protocol::{DigitalKey, KeyGrant, KeyId, LockId, Role, Schedule, SetupSecret, SigningKey};
use latchkey_sim::authority::KeyAuthority;
use latchkey_sim::lock::{LockConfig, SimLock};
use latchkey_sim::radio::{LinkParams, SimRadio};
use latchkey_sim::vendor::FirmwareVendor;
use latchkey_sim::{Peripheral, VirtualClock};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// One commissioned lock on the simulated radio.
#[derive(Clone)]
pub struct SimLockHandle {
    lock: Arc<Mutex<SimLock>>,
    /// Its radio address.
    pub address: String,
    /// What the cloud would tell a phone about it.
    pub meta: LockMeta,
}

impl SimLockHandle {
    /// The lock model, to inspect it or inject faults.
    pub fn lock(&self) -> MutexGuard<'_, SimLock> {
        self.lock.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The lock's id.
    pub fn id(&self) -> LockId {
        self.meta.lock_id
    }
}

/// Clock, key authority, lock maker, radio and locks.
pub struct SimWorld {
    /// Shared virtual time.
    pub clock: VirtualClock,
    /// The property's key authority.
    pub authority: KeyAuthority,
    /// The maker of the locks: its key signs their firmware.
    pub vendor: FirmwareVendor,
    /// The radio all locks and phones share.
    pub radio: SimRadio,
}

fn fail(e: impl ToString) -> LatchkeyError {
    LatchkeyError::Storage(e.to_string())
}

impl SimWorld {
    /// A world whose true time starts at `start_unix`.
    pub fn new(start_unix: u32) -> Result<Self, LatchkeyError> {
        let clock = VirtualClock::starting_at(start_unix);
        Ok(Self {
            radio: SimRadio::new(clock.clone()),
            authority: KeyAuthority::generate().map_err(fail)?,
            vendor: FirmwareVendor::generate().map_err(fail)?,
            clock,
        })
    }

    /// Commissions a lock with the authority's key and puts it on the radio.
    /// Unless `config` brings its own, the lock gets the PIN secret
    /// the authority derives for it.
    pub fn add_lock(&self, name: &str, mut config: LockConfig) -> Result<SimLockHandle, LatchkeyError> {
        let lock_id = LockId::random().map_err(|e| LatchkeyError::Storage(e.to_string()))?;
        config.vendor_key = config.vendor_key.or(Some(self.vendor.public_key()));
        if config.pin_secret.is_none() {
            let secret = self.authority.pin_secret(&lock_id);
            config.pin_secret = Some(secret.map_err(|e| LatchkeyError::Storage(e.to_string()))?);
        }
        let utc_offset_min = config.utc_offset_min;
        let groups = config.groups.clone();
        let lock = SimLock::commission(self.authority.public_key(), lock_id, self.clock.clone(), config)
            .map_err(|e| LatchkeyError::Storage(e.to_string()))?;
        Ok(self.on_radio(lock, name, utc_offset_min, groups))
    }

    /// A lock as it leaves the factory, unclaimed, on the radio (it takes
    /// the world's vendor's firmware). Its label is [`SimLock::label`];
    /// `meta` is what it will be once claimed for the world's authority.
    pub fn add_new_lock(&self, name: &str, mut config: LockConfig) -> Result<SimLockHandle, LatchkeyError> {
        config.vendor_key = config.vendor_key.or(Some(self.vendor.public_key()));
        let secret = SetupSecret(latchkey_protocol::crypto::random_array().map_err(fail)?);
        let (utc_offset_min, groups) = (config.utc_offset_min, config.groups.clone());
        let lock = SimLock::factory_new(
            SigningKey::generate().map_err(fail)?,
            LockId::random().map_err(fail)?,
            secret,
            self.clock.clone(),
            config,
        )
        .map_err(fail)?;
        Ok(self.on_radio(lock, name, utc_offset_min, groups))
    }

    fn on_radio(&self, lock: SimLock, name: &str, utc_offset_min: i16, groups: Vec<LockId>) -> SimLockHandle {
        let lock_id = lock.lock_id();
        let meta = LockMeta {
            lock_id,
            name: name.to_string(),
            identity_key: lock.identity_public_key(),
            issuer_key: self.authority.public_key(),
            utc_offset_min,
            groups,
        };
        let lock = Arc::new(Mutex::new(lock));
        let address = format!("sim:{}", &lock_id.to_hex()[..8]);
        let peripheral: Arc<Mutex<dyn Peripheral>> = lock.clone();
        self.radio.add_peripheral(address.clone(), -60, peripheral);
        SimLockHandle { lock, address, meta }
    }

    /// What an owner's phone installs when it claims `lock` for the world's
    /// authority (its PIN secret included).
    pub fn claim_settings(&self, lock: &SimLockHandle) -> Result<ClaimSettings, LatchkeyError> {
        Ok(ClaimSettings {
            name: lock.meta.name.clone(),
            issuer_key: self.authority.public_key(),
            pin_secret: Some(self.authority.pin_secret(&lock.id()).map_err(fail)?),
            utc_offset_min: lock.meta.utc_offset_min,
            groups: lock.meta.groups.clone(),
        })
    }

    /// The world's virtual time as a phone's clock.
    pub fn phone_clock(&self) -> Arc<dyn PhoneClock> {
        Arc::new(WorldClock(self.clock.clone()))
    }

    /// A transport for a phone in this world.
    pub fn transport(&self, params: LinkParams) -> SimTransport {
        SimTransport::new(self.radio.clone(), params)
    }

    /// A phone with its own encrypted store in `dir`, a software key store
    /// and signer, on this world's radio and clock, knowing `locks`.
    pub async fn phone(
        &self,
        dir: &Path,
        params: LinkParams,
        locks: &[&SimLockHandle],
    ) -> Result<Arc<Client>, LatchkeyError> {
        self.phone_with(dir, params, locks, |b| b).await
    }

    /// [`SimWorld::phone`] with more settings on its builder (a command
    /// policy, an outbox cap).
    pub async fn phone_with(
        &self,
        dir: &Path,
        params: LinkParams,
        locks: &[&SimLockHandle],
        settings: impl FnOnce(ClientBuilder) -> ClientBuilder,
    ) -> Result<Arc<Client>, LatchkeyError> {
        let builder = ClientBuilder::new(dir)
            .allow_software_keys()
            .transport(Arc::new(self.transport(params)))
            .clock(self.phone_clock());
        let phone = settings(builder).build().await?;
        for lock in locks {
            phone.keys().add_lock(lock.meta.clone()).await?;
        }
        Ok(phone)
    }

    /// Issues a key for `phone` to `lock`.
    pub fn issue(&self, phone: &Client, lock: &SimLockHandle, grant: GrantSpec) -> Result<DigitalKey, LatchkeyError> {
        self.authority
            .issue_key(KeyGrant {
                key_id: KeyId::random().map_err(|e| LatchkeyError::Storage(e.to_string()))?,
                lock_id: lock.id(),
                lock_group: false,
                holder: phone.holder_key(),
                role: grant.role,
                not_before: grant.not_before,
                not_after: grant.not_after,
                schedule: grant.schedule,
                offline_allowed: grant.offline_allowed,
                serial: 1,
            })
            .map_err(|e| LatchkeyError::Storage(e.to_string()))
    }
}

/// The variable part of a key grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrantSpec {
    /// What the holder is.
    pub role: Role,
    /// First second of validity.
    pub not_before: u32,
    /// First second after validity.
    pub not_after: u32,
    /// Weekly schedule.
    pub schedule: Option<Schedule>,
    /// Usable with no network.
    pub offline_allowed: bool,
}

impl GrantSpec {
    /// A resident key valid from `now` for 30 days, offline-allowed.
    pub fn resident(now: u32) -> Self {
        Self {
            role: Role::Resident,
            not_before: now.saturating_sub(60),
            not_after: now + 30 * 86_400,
            schedule: None,
            offline_allowed: true,
        }
    }

    /// A guest key for a stay from `check_in` to `check_out`.
    pub fn guest(check_in: u32, check_out: u32, schedule: Option<Schedule>) -> Self {
        Self {
            role: Role::Guest,
            not_before: check_in,
            not_after: check_out,
            schedule,
            offline_allowed: true,
        }
    }
}
