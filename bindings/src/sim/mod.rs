//! The built-in simulated world, exported for Kotlin/Swift tests and demo
//! apps (cargo feature `sim`; release builds leave it out).
//!
//! [`SimulatedWorld`] wraps latchkey-core's `SimWorld`: a virtual clock
//! that starts at the system's time, a key authority, a simulated radio and
//! commissioned locks. A client built with
//! `LatchkeyClientBuilder.simulatedWorld(world)` runs in its virtual time
//! and, unless the app sets its own transport, talks to the locks over the
//! built-in simulated radio. A foreign `BleCentral` (the glue under test)
//! can reach the same locks packet by packet through
//! [`SimulatedWorld::scan`] and [`SimulatedWorld::connect`]
//! ([`SimulatedLink`]).

mod cloud;
mod error;
mod firmware;
mod keypad;
mod link;
mod setup;
mod signer;

pub use cloud::SimulatedCloud;
pub use error::SimulationError;
pub use keypad::{SimulatedKeypadOutcome, SimulatedPin};
pub use link::{SimulatedAnswer, SimulatedLink};
pub use setup::SimulatedNewLock;
pub use signer::{simulated_signer_check, SignerCheck};

/// Nearby sessions in a simulated world: the virtual radio answers a
/// scan at once, so short windows keep tests quick (each still advances
/// the world's clock by its window).
pub(crate) const NEARBY_IN_VIRTUAL_TIME: latchkey_core::watch::NearbyPolicy = latchkey_core::watch::NearbyPolicy {
    window: std::time::Duration::from_millis(500),
    period: std::time::Duration::from_millis(500),
    kept_for_missed_windows: 1,
};

use crate::records::LockMetadata;
use error::invalid;
use latchkey_core::clock::PhoneClock;
use latchkey_protocol::{BoltState, KeyGrant, KeyId, PublicKey, Role};
use latchkey_sim::lock::{Fault, LockConfig};
use latchkey_sim::radio::{LinkParams, ScanResult};
use latchkey_testkit::SimTransport;
use latchkey_testkit::{SimLockHandle, SimWorld};
use link::radio_error;
use std::sync::{Arc, Mutex, MutexGuard};

/// One advertisement heard on the simulated radio, as a platform scan
/// callback carries it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SimulatedAdvertisement {
    /// The device's address.
    pub address: String,
    /// Signal strength, dBm.
    pub rssi: i16,
    /// The manufacturer data's company id.
    pub company_id: u16,
    /// The manufacturer data after the company id.
    pub manufacturer_data: Vec<u8>,
}

/// A commissioned simulated lock.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SimulatedLock {
    /// Its id (hex).
    pub lock_id: String,
    /// Its radio address.
    pub address: String,
    /// What the cloud would tell a phone about it.
    pub metadata: LockMetadata,
}

/// The variable part of a key the simulated authority issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct SimulatedGrant {
    /// What the holder is.
    pub role: Role,
    /// First second of validity (unix seconds, virtual time).
    pub not_before: u32,
    /// First second after validity.
    pub not_after: u32,
    /// Usable with no network.
    pub offline_allowed: bool,
}

/// Hardware faults a test can inject into a simulated lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SimulatedFault {
    /// The motor stalls on every move until cleared.
    JammedBolt,
    /// Locking leaves the bolt part-way out.
    MisalignedStrike,
    /// The door opens: locking is refused with `door_ajar`.
    DoorOpen,
    /// The door closes.
    DoorClosed,
}

/// Clock, key authority, radio and locks, in virtual time.
#[derive(uniffi::Object)]
pub struct SimulatedWorld {
    world: SimWorld,
    locks: Mutex<Vec<SimLockHandle>>,
}

impl SimulatedWorld {
    fn locks(&self) -> MutexGuard<'_, Vec<SimLockHandle>> {
        self.locks.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn add_handle(&self, handle: SimLockHandle) {
        self.locks().push(handle);
    }

    fn handle(&self, lock_id: &str) -> Result<SimLockHandle, SimulationError> {
        self.locks()
            .iter()
            .find(|l| l.id().to_hex() == lock_id.to_ascii_lowercase())
            .cloned()
            .ok_or_else(|| SimulationError::UnknownLock {
                lock_id: lock_id.to_string(),
            })
    }

    /// The world itself (the cloud shares its authority and clock).
    pub(crate) fn world(&self) -> &SimWorld {
        &self.world
    }

    /// The world's virtual clock as a phone clock.
    pub(crate) fn clock(&self) -> Arc<dyn PhoneClock> {
        self.world.phone_clock()
    }

    /// A phone's adapter on the world's radio (iOS-like MTU 185 link).
    pub(crate) fn radio_transport(&self) -> SimTransport {
        self.world.transport(LinkParams::mtu185())
    }
}

#[uniffi::export]
impl SimulatedWorld {
    /// A world whose virtual time starts at the system's current time.
    #[uniffi::constructor]
    pub fn new() -> Result<Arc<Self>, SimulationError> {
        let start = latchkey_core::clock::SystemClock.now_unix();
        Ok(Arc::new(Self {
            world: SimWorld::new(start).map_err(invalid)?,
            locks: Mutex::new(Vec::new()),
        }))
    }

    /// Virtual time now (unix seconds).
    pub fn now_unix(&self) -> u32 {
        self.world.clock.unix_now()
    }

    /// Moves virtual time forward (locks and phones built on this world).
    pub fn advance_time(&self, seconds: u64) {
        self.world.clock.advance_secs(seconds);
    }

    /// Commissions a lock with the authority's key and puts it on the radio.
    pub fn commission_lock(&self, name: String) -> Result<SimulatedLock, SimulationError> {
        let handle = self.world.add_lock(&name, LockConfig::default()).map_err(invalid)?;
        let lock = SimulatedLock {
            lock_id: handle.id().to_hex(),
            address: handle.address.clone(),
            metadata: (&handle.meta).into(),
        };
        self.locks().push(handle);
        Ok(lock)
    }

    /// Issues a key for the phone holding `holder_public_key` (SEC1) to a
    /// lock; returns its wire encoding, as the cloud would send it.
    pub fn issue_key(
        &self,
        lock_id: String,
        holder_public_key: Vec<u8>,
        grant: SimulatedGrant,
    ) -> Result<Vec<u8>, SimulationError> {
        let lock = self.handle(&lock_id)?;
        let key = self
            .world
            .authority
            .issue_key(KeyGrant {
                key_id: KeyId::random().map_err(invalid)?,
                lock_id: lock.id(),
                lock_group: false,
                holder: PublicKey::from_sec1(&holder_public_key).map_err(invalid)?,
                role: grant.role,
                not_before: grant.not_before,
                not_after: grant.not_after,
                schedule: None,
                offline_allowed: grant.offline_allowed,
                serial: 1,
            })
            .map_err(invalid)?;
        Ok(key.encode())
    }

    /// Signs a revocation list for a lock naming `revoked_key_ids` (hex);
    /// returns its wire encoding.
    pub fn revocation_list(
        &self,
        lock_id: String,
        seq: u32,
        revoked_key_ids: Vec<String>,
    ) -> Result<Vec<u8>, SimulationError> {
        let lock = self.handle(&lock_id)?;
        let revoked = revoked_key_ids
            .iter()
            .map(|k| KeyId::from_hex(k).ok_or_else(|| invalid(format!("`{k}` is not a key id"))))
            .collect::<Result<Vec<_>, _>>()?;
        let list = self
            .world
            .authority
            .revocation_list(lock.id(), false, seq, self.now_unix(), revoked)
            .map_err(invalid)?;
        Ok(list.encode())
    }

    /// How many times the lock's motor moved the bolt.
    pub fn actuation_count(&self, lock_id: String) -> Result<u64, SimulationError> {
        Ok(self.handle(&lock_id)?.lock().actuation_count())
    }

    /// The bolt's position.
    pub fn bolt(&self, lock_id: String) -> Result<BoltState, SimulationError> {
        Ok(self.handle(&lock_id)?.lock().status().bolt)
    }

    /// Events in the lock's own log.
    pub fn event_count(&self, lock_id: String) -> Result<u64, SimulationError> {
        Ok(self.handle(&lock_id)?.lock().events().len() as u64)
    }

    /// Moves the lock into or out of radio range.
    pub fn set_in_range(&self, lock_id: String, in_range: bool) -> Result<(), SimulationError> {
        let lock = self.handle(&lock_id)?;
        self.world.radio.set_in_range(&lock.address, in_range).map_err(invalid)
    }

    /// Injects a hardware fault.
    pub fn inject_fault(&self, lock_id: String, fault: SimulatedFault) -> Result<(), SimulationError> {
        let fault = match fault {
            SimulatedFault::JammedBolt => Fault::JammedBolt,
            SimulatedFault::MisalignedStrike => Fault::MisalignedStrike,
            SimulatedFault::DoorOpen => Fault::DoorOpen,
            SimulatedFault::DoorClosed => Fault::DoorClosed,
        };
        self.handle(&lock_id)?.lock().inject(fault);
        Ok(())
    }

    /// Clears every injected fault.
    pub fn clear_faults(&self, lock_id: String) -> Result<(), SimulationError> {
        self.handle(&lock_id)?.lock().clear_faults();
        Ok(())
    }

    /// Listens on the simulated radio for up to `listen_ms` of virtual
    /// time, as a platform scan would, and returns the advertisements with
    /// `company_id` whose manufacturer data starts with `prefix` (stopping
    /// at the first one when `stop_at_first_match`).
    pub fn scan(
        &self,
        company_id: u16,
        prefix: Vec<u8>,
        listen_ms: u64,
        stop_at_first_match: bool,
    ) -> Vec<SimulatedAdvertisement> {
        let wanted = |r: &ScanResult| r.company_id == company_id && r.manufacturer_data.starts_with(&prefix);
        self.world
            .radio
            .scan_until(listen_ms, |r| stop_at_first_match && wanted(r))
            .into_iter()
            .filter(wanted)
            .map(|r| SimulatedAdvertisement {
                address: r.address,
                rssi: r.rssi,
                company_id: r.company_id,
                manufacturer_data: r.manufacturer_data,
            })
            .collect()
    }

    /// Panics on purpose, so a test can check that a Rust panic reaches the
    /// app as an exception (the library is never built to abort).
    pub fn simulate_panic(&self, message: String) {
        panic!("{message}");
    }

    /// Opens a simulated link to `address` (MTU 185), for a foreign
    /// central to move packets over.
    pub fn connect(&self, address: String) -> Result<Arc<SimulatedLink>, SimulationError> {
        self.connect_with_mtu(address, LinkParams::mtu185().mtu)
    }

    /// [`SimulatedWorld::connect`] at ATT MTU `mtu` (23–517; Android asks
    /// for 517), so a test can check what a central writes on a large MTU.
    pub fn connect_with_mtu(&self, address: String, mtu: u16) -> Result<Arc<SimulatedLink>, SimulationError> {
        let connection = self
            .world
            .radio
            .connect(&address, LinkParams::with_mtu(mtu))
            .map_err(radio_error)?;
        Ok(Arc::new(SimulatedLink::new(connection)))
    }
}
