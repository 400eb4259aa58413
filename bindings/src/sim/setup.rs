//! Setting locks up in the simulated world: a lock fresh from the factory
//! (its label's setup code to claim it with), a factory reset, and a host
//! registered with the reference cloud (it may ask what a claim installs).

use super::error::{invalid, SimulationError};
use super::{SimulatedCloud, SimulatedWorld};
use latchkey_protocol::PublicKey;
use latchkey_sim::lock::LockConfig;

/// A simulated lock as it leaves the factory, unclaimed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SimulatedNewLock {
    /// Its id (hex).
    pub lock_id: String,
    /// Its radio address.
    pub address: String,
    /// The text of the QR code on its label (`LK1.…`).
    pub label: String,
}

#[uniffi::export]
impl SimulatedWorld {
    /// Puts a lock fresh from the factory on the radio (unclaimed; the
    /// world's vendor's firmware 1.0.0).
    pub fn add_new_lock(&self, name: String) -> Result<SimulatedNewLock, SimulationError> {
        let handle = self
            .world()
            .add_new_lock(&name, LockConfig::default())
            .map_err(invalid)?;
        let new = SimulatedNewLock {
            lock_id: handle.id().to_hex(),
            address: handle.address.clone(),
            label: handle.lock().label().to_text(),
        };
        self.add_handle(handle);
        Ok(new)
    }

    /// Factory-resets a lock: it forgets its owner, keys, lists and log
    /// and is unclaimed again.
    pub fn factory_reset(&self, lock_id: String) -> Result<(), SimulationError> {
        self.handle(&lock_id)?.lock().factory_reset();
        Ok(())
    }
}

#[uniffi::export]
impl SimulatedCloud {
    /// Registers a host's phone (it may ask what claiming a lock installs
    /// and manage keys); returns its bearer token.
    pub fn register_host(&self, name: String, holder_public_key: Vec<u8>) -> Result<String, SimulationError> {
        let holder = PublicKey::from_sec1(&holder_public_key).map_err(invalid)?;
        Ok(self
            .server()?
            .register_phone(&name, holder, true)
            .map_err(invalid)?
            .token)
    }
}
