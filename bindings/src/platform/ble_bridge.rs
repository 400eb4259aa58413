//! Adapts the app's [`BleTransport`] to the core's `Transport` and `Link`:
//! decodes advertisements, maps errors, and puts a Rust-side deadline on
//! every platform call so a stuck platform callback can't hang a command.

use super::ble::{BleConnection, BleError, BleScanRequest, BleTransport};
use async_trait::async_trait;
use latchkey_core::transport::{Link, ScanFilter, ScannedLock, Transport, TransportError};
use latchkey_protocol::{Advertisement, Challenge, COMPANY_ID, SERVICE_UUID};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Extra time the platform gets beyond the timeout it was given before
/// the bridge gives up on it.
const GRACE: Duration = Duration::from_secs(2);
/// How long one packet write may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// The app's transport as a core [`Transport`].
pub(crate) struct ForeignTransport {
    inner: Arc<dyn BleTransport>,
}

impl ForeignTransport {
    pub(crate) fn new(inner: Arc<dyn BleTransport>) -> Self {
        Self { inner }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The platform's error as the core's, given the timeout the step had.
fn map_error(e: BleError, timeout: Duration) -> TransportError {
    match e {
        BleError::BluetoothOff => TransportError::BluetoothOff,
        BleError::PermissionDenied { permission } => TransportError::PermissionDenied(permission),
        BleError::Unavailable { reason } => TransportError::Unavailable(reason),
        BleError::ConnectTimeout => TransportError::ConnectTimeout(timeout),
        BleError::Timeout => TransportError::Timeout(timeout),
        BleError::Disconnected => TransportError::Disconnected,
        BleError::Other { reason } => TransportError::Other(reason),
    }
}

/// Runs a platform call with a deadline of `timeout` plus [`GRACE`].
async fn guarded<T>(
    timeout: Duration,
    on_elapsed: TransportError,
    call: impl Future<Output = Result<T, BleError>>,
) -> Result<T, TransportError> {
    match tokio::time::timeout(timeout.saturating_add(GRACE), call).await {
        Ok(result) => result.map_err(|e| {
            log::debug!(target: "latchkey::ble", "platform Bluetooth step failed: {e}");
            map_error(e, timeout)
        }),
        Err(_) => {
            log::warn!(target: "latchkey::ble", "platform Bluetooth step did not return within {timeout:?}");
            Err(on_elapsed)
        }
    }
}

/// The manufacturer-data prefix of one lock's advertisement: the format
/// version and its short id, taken from the protocol's own encoding.
fn prefix_for(short_lock_id: [u8; 4]) -> Vec<u8> {
    let probe = Advertisement {
        short_lock_id,
        epoch: 0,
        challenge: Challenge::default(),
        flags: 0,
        revocation_seq_low: 0,
    };
    probe.encode()[..5].to_vec()
}

#[async_trait]
impl Transport for ForeignTransport {
    async fn scan(&self, filter: &ScanFilter, timeout: Duration) -> Result<Vec<ScannedLock>, TransportError> {
        let request = BleScanRequest {
            service_uuid: SERVICE_UUID.to_string(),
            company_id: COMPANY_ID,
            manufacturer_data_prefix: filter.short_lock_id.map(prefix_for).unwrap_or_default(),
            stop_at_first_match: filter.first_match,
            timeout_ms: millis(timeout),
        };
        let seen = guarded(timeout, TransportError::NotFound(timeout), self.inner.scan(request)).await?;
        let mut found: Vec<ScannedLock> = Vec::new();
        for ad in seen.into_iter().filter(|a| a.company_id == COMPANY_ID) {
            let Ok(advertisement) = Advertisement::decode(&ad.manufacturer_data) else {
                continue;
            };
            if filter.short_lock_id.is_some_and(|id| id != advertisement.short_lock_id) {
                continue;
            }
            let lock = ScannedLock {
                address: ad.address,
                rssi: ad.rssi,
                advertisement,
            };
            // Keep the newest advertisement per device (the challenge rotates).
            match found.iter_mut().find(|f| f.address == lock.address) {
                Some(existing) => *existing = lock,
                None => found.push(lock),
            }
        }
        Ok(found)
    }

    async fn connect(&self, address: &str, timeout: Duration) -> Result<Box<dyn Link>, TransportError> {
        let connection = self
            .inner
            .connection(address.to_string())
            .map_err(|e| map_error(e, timeout))?;
        // From here on the link owns the connection: dropping it (a cancelled
        // or failed connect included) closes the platform's connection.
        let mut link = ForeignLink {
            mtu: 0,
            connection,
            opened: Instant::now(),
            open: true,
            runtime: tokio::runtime::Handle::try_current().ok(),
        };
        let call = link.connection.connect(millis(timeout));
        if let Err(e) = guarded(timeout, TransportError::ConnectTimeout(timeout), call).await {
            link.disconnect().await;
            return Err(e);
        }
        link.mtu = link.connection.mtu();
        link.opened = Instant::now();
        Ok(Box::new(link))
    }
}

/// One platform connection as a core [`Link`].
struct ForeignLink {
    connection: Arc<dyn BleConnection>,
    mtu: u16,
    opened: Instant,
    open: bool,
    /// Where to run the platform's disconnect when a cancelled command
    /// drops the link (drop happens on the caller's thread).
    runtime: Option<tokio::runtime::Handle>,
}

#[async_trait]
impl Link for ForeignLink {
    fn mtu(&self) -> u16 {
        self.mtu
    }

    /// A write the platform did not confirm in time may still have gone
    /// out, so it counts as written: the wait for the answer then decides,
    /// and a lost answer is reported as "the lock may have acted" rather
    /// than "nothing happened at the door". A write the platform refused
    /// (disconnected, failed) did not go out.
    async fn write(&mut self, packet: &[u8]) -> Result<(), TransportError> {
        let call = self.connection.write(packet.to_vec());
        match guarded(WRITE_TIMEOUT, TransportError::Timeout(WRITE_TIMEOUT), call).await {
            Err(TransportError::Timeout(_)) => {
                log::debug!(target: "latchkey::ble", "platform write unconfirmed; waiting for the lock's answer");
                Ok(())
            }
            other => other,
        }
    }

    async fn next_notification(&mut self, timeout: Duration) -> Result<Vec<u8>, TransportError> {
        let call = self.connection.next_notification(millis(timeout));
        guarded(timeout, TransportError::Timeout(timeout), call).await
    }

    fn now_ms(&self) -> u64 {
        millis(self.opened.elapsed())
    }

    async fn disconnect(&mut self) {
        if std::mem::take(&mut self.open) {
            if let Err(e) = self.connection.disconnect().await {
                log::debug!(target: "latchkey::ble", "platform disconnect failed: {e}");
            }
        }
    }
}

impl Drop for ForeignLink {
    fn drop(&mut self) {
        if !self.open {
            return;
        }
        // The command was cancelled mid-connection: close the platform's
        // connection so the lock and the radio are free again.
        log::debug!(target: "latchkey::ble", "command dropped with the connection open; disconnecting");
        let connection = self.connection.clone();
        if let Some(runtime) = &self.runtime {
            runtime.spawn(async move {
                let _ = connection.disconnect().await;
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A platform connection whose writes all end with `result`.
    struct Writes(fn() -> Result<(), BleError>);

    #[async_trait]
    impl BleConnection for Writes {
        async fn connect(&self, _timeout_ms: u64) -> Result<(), BleError> {
            Ok(())
        }
        fn mtu(&self) -> u16 {
            185
        }
        async fn write(&self, _packet: Vec<u8>) -> Result<(), BleError> {
            (self.0)()
        }
        async fn next_notification(&self, _timeout_ms: u64) -> Result<Vec<u8>, BleError> {
            Err(BleError::Timeout)
        }
        async fn disconnect(&self) -> Result<(), BleError> {
            Ok(())
        }
    }

    fn link(result: fn() -> Result<(), BleError>) -> ForeignLink {
        ForeignLink {
            connection: Arc::new(Writes(result)),
            mtu: 185,
            opened: Instant::now(),
            open: true,
            runtime: None,
        }
    }

    #[tokio::test]
    async fn a_write_the_platform_could_not_confirm_counts_as_possibly_sent() {
        assert_eq!(link(|| Err(BleError::Timeout)).write(b"x").await, Ok(()));
    }

    #[tokio::test]
    async fn a_write_the_platform_refused_did_not_go_out() {
        let refused = link(|| Err(BleError::Disconnected)).write(b"x").await;
        assert_eq!(refused, Err(TransportError::Disconnected));
    }
}
