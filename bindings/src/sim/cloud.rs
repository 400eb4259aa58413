//! The reference cloud (latchkey-sim's `cloud` feature) in the test
//! build: real HTTPS with a fresh test CA, on 127.0.0.1, sharing a
//! [`SimulatedWorld`]'s key authority (so its keys open the world's locks)
//! and virtual clock. Tests play the host and the vendor's back office
//! with it: register locks and phones, issue keys, count received events.

use super::error::{invalid, SimulationError};
use super::{SimulatedLock, SimulatedWorld};
use latchkey_protocol::{LockId, PublicKey, Role};
use latchkey_sim::cloud::wire::{IssueKeyRequest, LockInfo};
use latchkey_sim::cloud::{CloudClock, CloudConfig, CloudServer};
use std::sync::{Arc, Mutex};

/// A running reference cloud.
#[derive(uniffi::Object)]
pub struct SimulatedCloud {
    server: Mutex<Option<Arc<CloudServer>>>,
    base_url: String,
    ca_pem: String,
}

impl SimulatedCloud {
    pub(super) fn server(&self) -> Result<Arc<CloudServer>, SimulationError> {
        self.server
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| invalid("the cloud was shut down"))
    }
}

fn lock_id(hex: &str) -> Result<LockId, SimulationError> {
    LockId::from_hex(hex).ok_or_else(|| invalid(format!("`{hex}` is not a lock id")))
}

#[uniffi::export(async_runtime = "tokio")]
impl SimulatedCloud {
    /// Starts a cloud keeping its database in `data_dir`, signing with
    /// `world`'s authority on `world`'s clock.
    #[uniffi::constructor]
    pub async fn start(world: Arc<SimulatedWorld>, data_dir: String) -> Result<Arc<Self>, SimulationError> {
        let w = world.world();
        let mut config = CloudConfig::local(data_dir).with_clock(CloudClock::Virtual(w.clock.clone()));
        config.issuer_pkcs8 = Some(w.authority.pkcs8().to_vec());
        let server = CloudServer::start(config).await.map_err(invalid)?;
        Ok(Arc::new(Self {
            base_url: server.base_url(),
            ca_pem: server.ca_pem().to_string(),
            server: Mutex::new(Some(Arc::new(server))),
        }))
    }

    /// `https://127.0.0.1:<port>`: the client's `cloud_base_url`.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The test CA (PEM): the client's `tls_root_certificates_pem`.
    pub fn ca_pem(&self) -> String {
        self.ca_pem.clone()
    }

    /// Registers a commissioned lock, as the installer's app would.
    pub fn register_lock(&self, lock: SimulatedLock) -> Result<(), SimulationError> {
        let m = lock.metadata;
        let key = |bytes: &[u8]| PublicKey::from_sec1(bytes).map_err(invalid);
        let info = LockInfo {
            lock_id: lock_id(&m.lock_id)?,
            name: m.name,
            identity_key: key(&m.identity_key)?,
            issuer_key: key(&m.issuer_key)?,
            utc_offset_min: m.utc_offset_min,
            groups: m.groups.iter().map(|g| lock_id(g)).collect::<Result<_, _>>()?,
        };
        self.server()?.register_lock(&info).map_err(invalid)?;
        Ok(())
    }

    /// Registers a phone by name and holder key (SEC1); returns its bearer
    /// token, for the client's `AuthProvider`.
    pub fn register_phone(&self, name: String, holder_public_key: Vec<u8>) -> Result<String, SimulationError> {
        let holder = PublicKey::from_sec1(&holder_public_key).map_err(invalid)?;
        Ok(self
            .server()?
            .register_phone(&name, holder, false)
            .map_err(invalid)?
            .token)
    }

    /// Issues a key to the phone named `phone` (it arrives at its next
    /// sync); returns the key id (hex).
    pub fn issue_key(
        &self,
        lock_id: String,
        phone: String,
        role: Role,
        not_before: u32,
        not_after: u32,
        offline_allowed: bool,
    ) -> Result<String, SimulationError> {
        let request = IssueKeyRequest {
            lock_id: self::lock_id(&lock_id)?,
            phone,
            role: role.name().to_string(),
            not_before,
            not_after,
            schedule: None,
            offline_allowed,
            label: String::new(),
            cert_lifetime_s: None,
        };
        Ok(self.server()?.issue_key(&request).map_err(invalid)?.key_id.to_hex())
    }

    /// The kinds (`unlock_attempt`, `lock_event`, …) of the events the
    /// cloud stored for a lock (hex id), or for all when `None`, in
    /// arrival order.
    pub fn received_event_kinds(&self, lock_id: Option<String>) -> Result<Vec<String>, SimulationError> {
        let id = lock_id.as_deref().map(self::lock_id).transpose()?;
        let events = self.server()?.received_events(id.as_ref()).map_err(invalid)?;
        Ok(events
            .iter()
            .map(|e| e.event.get("kind").and_then(|k| k.as_str()).unwrap_or("?").to_string())
            .collect())
    }

    /// Stops serving (idempotent).
    pub async fn shutdown(&self) {
        let server = self.server.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(server) = server.and_then(|s| Arc::try_unwrap(s).ok()) {
            server.shutdown().await;
        }
    }
}
