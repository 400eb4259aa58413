//! The engine's HTTP client lifetime: one client while the network stays
//! up, a fresh one whenever connectivity comes back (a pool poisoned by a
//! dead network must not be reused).

use super::engine::Inner;
use super::{Connectivity, ManualTimer, StaticToken, SyncConfig, TrustRoots};
use crate::clock::SystemClock;
use crate::transport::{Link, ScanFilter, ScannedLock, Transport, TransportError};
use crate::{Client, ClientBuilder};
use async_trait::async_trait;
use std::sync::Arc;
use std::time::Duration;

/// A phone with no Bluetooth: sync never touches the radio.
struct NoRadio;

#[async_trait]
impl Transport for NoRadio {
    async fn scan(&self, _: &ScanFilter, _: Duration) -> Result<Vec<ScannedLock>, TransportError> {
        Err(TransportError::BluetoothOff)
    }

    async fn connect(&self, _: &str, _: Duration) -> Result<Box<dyn Link>, TransportError> {
        Err(TransportError::BluetoothOff)
    }
}

/// An engine's insides over a client with no radio; the client is
/// returned too, since the engine holds it only weakly.
fn engine(dir: &std::path::Path) -> (Arc<Client>, Inner) {
    let client = ClientBuilder::new(dir)
        .transport(Arc::new(NoRadio))
        .allow_software_keys()
        .open()
        .unwrap();
    // No request is made: the roots only have to make a valid configuration.
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    let inner = Inner::new(
        Arc::downgrade(&client),
        SyncConfig::new("https://cloud.invalid", TrustRoots::Platform),
        tls,
        Arc::new(StaticToken::new("token")),
        Arc::new(SystemClock),
        Arc::new(ManualTimer::new()),
    );
    (client, inner)
}

#[test]
fn the_http_client_is_rebuilt_when_connectivity_comes_back_and_only_then() {
    let dir = tempfile::tempdir().unwrap();
    let (_client, inner) = engine(dir.path());
    inner.set_connectivity(Connectivity::ONLINE);
    inner.api().unwrap();
    inner.api().unwrap();
    assert_eq!(inner.client_builds(), 1, "one client while the network stays up");

    // Another report of the same state (say, metered now) is no return.
    inner.set_connectivity(Connectivity {
        online: true,
        metered: true,
    });
    inner.api().unwrap();
    assert_eq!(inner.client_builds(), 1);

    inner.set_connectivity(Connectivity::OFFLINE);
    inner.set_connectivity(Connectivity::ONLINE);
    inner.api().unwrap();
    assert_eq!(
        inner.client_builds(),
        2,
        "the pool from before the outage is not reused"
    );
    inner.api().unwrap();
    assert_eq!(inner.client_builds(), 2);
}
