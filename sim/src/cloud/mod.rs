//! The reference cloud (feature `cloud`): the vendor service a phone syncs
//! with, real enough to test the phone's sync engine end to end.
//!
//! - HTTPS only: axum on hyper over tokio-rustls (ring), with a test CA
//!   generated at every start ([`CloudServer::ca_pem`]); phones trust it
//!   through configuration, so tests exercise real certificate checks.
//! - Persistence in its own data directory (sled), flushed before every
//!   answer: the issuer key, locks, phones and their tokens, keys,
//!   revocation lists, acknowledged revocation seqs, keypad PIN lists with
//!   their change log and acknowledged PIN seqs, and received events.
//! - Events are idempotent by id, lock events also by (lock, epoch, seq)
//!   (a phone that crashed before moving its cursor re-collects them under
//!   new ids); arrival order is kept per lock.
//! - Chaos switches ([`ChaosConfig`]) for 503, 429 + Retry-After, drop
//!   after commit, stall mid-body, 401 and slow answers, from a seeded
//!   generator so runs are reproducible.
//!
//! docs/cloud-api.md documents the HTTP API, docs/openapi.json describes
//! it (served at `GET /openapi.json`; `openapi_tests/` holds it against
//! the router and the wire types). [`CloudServer`] is the handle tests,
//! the demo and `latchkey cloud` use: start, URL, CA, admin operations,
//! shutdown.

mod admin;
mod api;
mod caller;
mod chaos;
mod chaos_layer;
mod claims;
mod config;
mod error;
mod events;
mod extract;
mod handler;
mod hex;
mod keys;
mod life;
mod locks;
mod openapi;
#[cfg(test)]
mod openapi_tests;
mod pins;
mod route_table;
mod router;
mod serve;
mod state;
mod store;
#[cfg(test)]
mod tests;
mod tls;
pub mod wire;

pub use admin::{ChaosReport, IssuerInfo};
pub use chaos::{ChaosConfig, ChaosStats};
pub use config::{CloudClock, CloudConfig};
pub use error::{ApiError, CloudError};
pub use events::{MAX_EVENTS_PER_UPLOAD, MAX_EVENT_BYTES};
pub use extract::MAX_BODY_BYTES;
pub use keys::{DEFAULT_CERT_LIFETIME_S, TIME_TOKEN_VALID_FOR_S};
pub use life::losses_of;
pub use openapi::OPENAPI_JSON;

use crate::authority::KeyAuthority;
use latchkey_protocol::{KeyId, LockId, PublicKey};
use state::Cloud;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use wire::{
    DriftInfo, FirmwareRelease, IssueKeyRequest, KeyInfo, LockInfo, PhoneToken, PinChangeInfo, PinChangeRequest,
    PinDriftInfo, PublishFirmware, ReceivedEvent, RevokeResponse,
};

/// Unique events stored and duplicate deliveries received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventCounts {
    /// Events stored once each.
    pub unique: u64,
    /// Deliveries of events the cloud already held (answered `duplicate`).
    pub duplicates: u64,
}

/// A running reference cloud.
pub struct CloudServer {
    cloud: Arc<Cloud>,
    addr: SocketAddr,
    ca_pem: String,
    server_spki_sha256: [u8; 32],
    shutdown: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for CloudServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl CloudServer {
    /// Opens the data directory, generates the test CA and starts serving
    /// on the tokio runtime this is called on.
    pub async fn start(config: CloudConfig) -> Result<Self, CloudError> {
        let cloud = Arc::new(Cloud::open(&config)?);
        let pki = tls::TestPki::generate(&config.server_names)?;
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|e| CloudError::Network(format!("can't listen on {}: {e}", config.bind)))?;
        let addr = listener.local_addr().map_err(|e| CloudError::Network(e.to_string()))?;
        let (shutdown, watch_shutdown) = watch::channel(false);
        let acceptor = tokio_rustls::TlsAcceptor::from(pki.server_config.clone());
        let app = router::router(cloud.clone());
        let task = tokio::spawn(serve::serve(listener, acceptor, app, watch_shutdown));
        Ok(Self {
            cloud,
            addr,
            ca_pem: pki.ca_pem,
            server_spki_sha256: pki.server_spki_sha256,
            shutdown,
            task: Mutex::new(Some(task)),
        })
    }

    /// `https://127.0.0.1:PORT` (the loopback address when bound to all).
    pub fn base_url(&self) -> String {
        let ip = if self.addr.ip().is_unspecified() {
            std::net::IpAddr::from([127, 0, 0, 1])
        } else {
            self.addr.ip()
        };
        format!("https://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The test CA certificate (PEM) phones must trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// SHA-256 of the server certificate's SubjectPublicKeyInfo (a pin).
    pub fn server_spki_sha256(&self) -> [u8; 32] {
        self.server_spki_sha256
    }

    /// The admin bearer token for `/admin/…`.
    pub fn admin_token(&self) -> &str {
        self.cloud.admin_token()
    }

    /// The issuer public key locks must be commissioned with.
    pub fn issuer_key(&self) -> PublicKey {
        self.cloud.authority.public_key()
    }

    /// A copy of the issuer, so a simulated world can commission locks and
    /// sign as this cloud does.
    pub fn authority(&self) -> Result<KeyAuthority, CloudError> {
        KeyAuthority::from_pkcs8(self.cloud.authority.pkcs8()).map_err(|e| CloudError::Storage(e.to_string()))
    }

    /// Registers a lock's commissioning record.
    pub fn register_lock(&self, lock: &LockInfo) -> Result<LockInfo, CloudError> {
        Ok(self.cloud.register_lock(lock)?)
    }

    /// Hosts a firmware image for phones to carry (what
    /// `POST /admin/firmware` does).
    pub fn publish_firmware(&self, request: &PublishFirmware) -> Result<FirmwareRelease, CloudError> {
        Ok(self.cloud.publish_firmware(request)?)
    }

    /// Registers a phone by name and holder key; returns its bearer token.
    pub fn register_phone(&self, name: &str, holder_key: PublicKey, host: bool) -> Result<PhoneToken, CloudError> {
        Ok(self.cloud.register_phone(name, holder_key, host)?)
    }

    /// Gives a phone a new token; the old one is refused from now on.
    pub fn rotate_token(&self, name: &str) -> Result<PhoneToken, CloudError> {
        Ok(self.cloud.rotate_token(name)?)
    }

    /// Removes a phone (its token is refused from now on; its keys stay).
    pub fn remove_phone(&self, name: &str) -> Result<(), CloudError> {
        Ok(self.cloud.remove_phone(name)?)
    }

    /// Issues a key (as a host would through `POST /v1/keys`).
    pub fn issue_key(&self, request: &IssueKeyRequest) -> Result<KeyInfo, CloudError> {
        Ok(self.cloud.issue_key(request)?)
    }

    /// Revokes a key and signs the next revocation list of its lock.
    pub fn revoke_key(&self, key_id: &KeyId) -> Result<RevokeResponse, CloudError> {
        Ok(self.cloud.revoke_key(key_id)?)
    }

    /// Received events of one lock, or all, in arrival order.
    pub fn received_events(&self, lock_id: Option<&LockId>) -> Result<Vec<ReceivedEvent>, CloudError> {
        Ok(self.cloud.received(lock_id)?)
    }

    /// How many events were stored, and how many deliveries were duplicates.
    pub fn event_counts(&self) -> Result<EventCounts, CloudError> {
        let (unique, duplicates) = self.cloud.event_counts()?;
        Ok(EventCounts { unique, duplicates })
    }

    /// Credential drift of every lock.
    pub fn drift(&self) -> Result<Vec<DriftInfo>, CloudError> {
        Ok(self.cloud.drift()?)
    }

    /// Creates or changes a keypad PIN of a lock and signs its next PIN
    /// list (as a host would through `POST /v1/locks/{id}/pins`).
    pub fn set_pin(&self, lock_id: &LockId, request: &PinChangeRequest) -> Result<PinChangeInfo, CloudError> {
        Ok(self.cloud.set_pin(lock_id, request)?)
    }

    /// Deletes a keypad PIN of a lock and signs its next PIN list.
    pub fn delete_pin(&self, lock_id: &LockId, slot: u8) -> Result<PinChangeInfo, CloudError> {
        Ok(self.cloud.delete_pin(lock_id, slot)?)
    }

    /// PIN drift of every lock with managed PINs: the changes each lock
    /// lacks, and when a phone last talked to it.
    pub fn pin_drift(&self) -> Result<Vec<PinDriftInfo>, CloudError> {
        Ok(self.cloud.pin_drift()?)
    }

    /// Sets the chaos switches (reseeds and zeroes the counters).
    pub fn set_chaos(&self, config: ChaosConfig) {
        self.cloud.chaos.set(config);
    }

    /// Faults injected since the switches were last set.
    pub fn chaos_stats(&self) -> ChaosStats {
        self.cloud.chaos.stats()
    }

    /// From now on, answers phone requests to `path` (e.g. `/v1/events`)
    /// with HTTP `status` and the error body `{"code": code, …}` before
    /// doing anything; with `body_contains`, only requests whose body
    /// contains that text. Stays until [`CloudServer::stop_refusing`] (the
    /// random switches of [`CloudServer::set_chaos`] leave it alone);
    /// refused requests draw no random fault.
    pub fn refuse(&self, path: &str, status: u16, code: &str, body_contains: Option<&str>) {
        self.cloud.chaos.refuse(path, status, code, body_contains);
    }

    /// Ends the refusal set by [`CloudServer::refuse`].
    pub fn stop_refusing(&self) {
        self.cloud.chaos.stop_refusing();
    }

    /// Requests answered by a refusal since the cloud started.
    pub fn refused_requests(&self) -> u64 {
        self.cloud.chaos.refused()
    }

    /// Stops serving and waits until every connection is closed.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let task = self.task.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    /// Serves until Ctrl-C (SIGINT) or SIGTERM, then shuts down.
    pub async fn run_until_signal(self) -> Result<(), CloudError> {
        wait_for_signal().await?;
        self.shutdown().await;
        Ok(())
    }
}

impl Drop for CloudServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

#[cfg(unix)]
async fn wait_for_signal() -> Result<(), CloudError> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).map_err(|e| CloudError::Network(e.to_string()))?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.map_err(|e| CloudError::Network(e.to_string())),
        _ = term.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() -> Result<(), CloudError> {
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| CloudError::Network(e.to_string()))
}
