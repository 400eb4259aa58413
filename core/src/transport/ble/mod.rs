//! Real Bluetooth LE through btleplug (feature `ble`): on Linux that is
//! BlueZ over the D-Bus system bus (`DBUS_SYSTEM_BUS_ADDRESS` picks another
//! bus, as the BlueZoo test harness does), on macOS/iOS CoreBluetooth.
//!
//! A command goes: pick the adapter ([`BleOptions::adapter`], or the first
//! one) → check it is powered → scan, decoding latchkey manufacturer data
//! in our own code → connect (with a timeout) → discover the latchkey
//! service and its RX/TX characteristics (a separate timeout) → subscribe
//! to TX → write packets to RX without response (with response when the
//! characteristic offers only that) → read notifications → unsubscribe and
//! disconnect.
//!
//! MTU: the ATT MTU BlueZ reports on the characteristics after discovery
//! (its `MTU` property; 23 when a stack does not report one), clamped to
//! 23–517. BlueZoo reports 512 and does not fragment, so MTU-23 framing is
//! covered by the radio-model tests.
//!
//! Power: with [`BleOptions::power_on`] off (the default) a powered-off
//! adapter is reported as [`TransportError::BluetoothOff`], leaving the
//! person's switch alone. With it on, btleplug powers the adapter on when
//! scanning starts, when it can. Only once the adapter then reads as
//! powered does [`BleTransport::powered_on_by_us`] say so (and
//! [`BleTransport::probe`] reports it in [`BluezState::Ready`]); a power-on
//! that rfkill refuses comes back as [`TransportError::Blocked`], one on an
//! adapter that is still starting as [`TransportError::NotReady`].
//!
//! Every failure maps to a [`TransportError`] whose diagnosis code fits:
//! no system bus, no bluetoothd and no adapter are `Unavailable` (the text
//! says which); powered off is `BluetoothOff` (`bluetooth_off`), rfkill
//! (`org.bluez.Error.Blocked`) is `Blocked` (`bluetooth_blocked`), an
//! adapter still starting (`org.bluez.Error.NotReady`) is `NotReady`
//! (`bluetooth_starting`); a bus or BlueZ refusal is `PermissionDenied`; a
//! connect that does not finish (look-up included) within its timeout is
//! `ConnectTimeout`; a service discovery that does not
//! finish is `Other("service discovery timed out…")`, a lock without the
//! latchkey service `Other("…no latchkey service…")` (both
//! `connection_failed`: nothing reached the lock); a device that vanishes
//! mid-command is `Disconnected` (`connection_failed`, or `outcome_unknown`
//! once the request was written). A write that failed but may still have
//! reached the lock (a timeout, a peer that vanished mid-call, any failed
//! write with response) counts as written: the answer wait then decides,
//! so the phone never says "nothing happened" after the bolt may have moved.

mod adapter;
mod errors;
mod link;
mod scan;

pub use adapter::BluezState;

use super::{Link, ScanFilter, ScannedLock, Transport, TransportError};
use async_trait::async_trait;
use btleplug::api::{CharPropFlags, Peripheral as _, WriteType};
use btleplug::platform::{Adapter, Peripheral};
use errors::Cause;
use latchkey_protocol::framing::MIN_MTU;
use latchkey_protocol::{RX_CHAR_UUID, SERVICE_UUID, TX_CHAR_UUID};
use link::BleLink;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Largest ATT MTU BLE allows.
const MAX_MTU: u16 = 517;
/// How long the clean-up after a timed-out connect may take: BlueZ may be
/// what hangs, and the caller is already waiting past its timeout.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(1);

/// How the transport uses the machine's Bluetooth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BleOptions {
    /// Adapter name (e.g. "hci0"); `None`: the first one BlueZ lists.
    pub adapter: Option<String>,
    /// Let btleplug power a powered-off adapter on when scanning starts.
    pub power_on: bool,
    /// How long service discovery may take after the link is up.
    pub discovery_timeout: Duration,
    /// How long a scan waits for a live advertisement before it trusts the
    /// payload BlueZ had cached for a lock (see the `scan` module).
    pub settle: Duration,
}

impl Default for BleOptions {
    fn default() -> Self {
        Self {
            adapter: None,
            power_on: false,
            discovery_timeout: Duration::from_secs(5),
            settle: Duration::from_millis(1500),
        }
    }
}

impl BleOptions {
    /// The defaults on a named adapter.
    pub fn on_adapter(name: &str) -> Self {
        Self {
            adapter: Some(name.to_string()),
            ..Self::default()
        }
    }
}

/// A btleplug central as a latchkey [`Transport`].
pub struct BleTransport {
    options: BleOptions,
    /// The open adapter, kept between commands; dropped after a failure
    /// that may mean BlueZ restarted.
    adapter: Mutex<Option<(Adapter, String)>>,
    powered_on_by_us: AtomicBool,
}

impl BleTransport {
    /// A transport using the machine's Bluetooth as `options` say. Nothing
    /// is opened until the first command.
    pub fn new(options: BleOptions) -> Self {
        Self {
            options,
            adapter: Mutex::new(None),
            powered_on_by_us: AtomicBool::new(false),
        }
    }

    /// Whether this transport switched a powered-off adapter on (with
    /// [`BleOptions::power_on`]) and the adapter then came up powered. Tell
    /// the person: their Bluetooth switch changed.
    pub fn powered_on_by_us(&self) -> bool {
        self.powered_on_by_us.load(Ordering::SeqCst)
    }

    /// Bluetooth on this machine right now, for the diagnostics snapshot.
    pub async fn probe(&self) -> BluezState {
        match adapter::open(self.options.adapter.as_deref()).await {
            Ok((adapter, name)) if adapter::powered(&adapter).await => BluezState::Ready {
                adapter: name,
                powered_on_by_us: self.powered_on_by_us(),
            },
            Ok((_, name)) => BluezState::PoweredOff { adapter: name },
            Err(state) => state,
        }
    }

    async fn adapter(&self) -> Result<(Adapter, String), TransportError> {
        let mut cached = self.adapter.lock().await;
        if let Some(open) = cached.as_ref() {
            return Ok(open.clone());
        }
        let open = adapter::open(self.options.adapter.as_deref()).await.map_err(|state| {
            state
                .to_error()
                .unwrap_or_else(|| TransportError::Other(format!("{state:?}")))
        })?;
        *cached = Some(open.clone());
        Ok(open)
    }

    /// Forgets the adapter after a failure that may mean BlueZ or the bus
    /// went away, so the next command starts over.
    async fn forget_adapter_after(&self, error: &TransportError) {
        if matches!(
            error,
            TransportError::Unavailable(_)
                | TransportError::BluetoothOff
                | TransportError::Blocked(_)
                | TransportError::NotReady(_)
        ) {
            *self.adapter.lock().await = None;
        }
    }

    async fn scan_inner(&self, filter: &ScanFilter, timeout: Duration) -> Result<Vec<ScannedLock>, TransportError> {
        let (adapter, name) = self.adapter().await?;
        let was_off = !adapter::powered(&adapter).await;
        if was_off && !self.options.power_on {
            return Err(TransportError::BluetoothOff);
        }
        let deadline = tokio::time::Instant::now() + timeout;
        // btleplug's scan start powers the adapter on (it always does; the
        // check above is what keeps it from doing so uninvited).
        let result = scan::run(&adapter, filter, deadline, self.options.settle)
            .await
            .map_err(|e| Cause::of(&e).into_error(&name, timeout));
        // Claimed only once it worked: a refused power-on is an error above.
        if was_off && adapter::powered(&adapter).await {
            self.powered_on_by_us.store(true, Ordering::SeqCst);
            crate::log_line!(Info, target: "latchkey::ble", "Bluetooth adapter {name} was off; latchkey switched it on");
        }
        result
    }

    async fn connect_inner(&self, address: &str, timeout: Duration) -> Result<BleLink, TransportError> {
        let (adapter, name) = self.adapter().await?;
        let fail = |e: btleplug::Error| connect_failure(Cause::of(&e), &name, timeout);
        // The whole step is under the timeout, the look-up included: a
        // stack that hangs may hang on any of these calls.
        let mut found = None;
        let connecting = tokio::time::timeout(timeout, async {
            let peripheral = find(&adapter, address)
                .await
                .map_err(fail)?
                .ok_or(TransportError::NotFound(Duration::ZERO))?;
            found = Some(peripheral.clone());
            // Subscribe to disconnections before connecting, so none is missed.
            let disconnects = BleLink::disconnects_of(&adapter, &peripheral).await.map_err(fail)?;
            peripheral.connect().await.map_err(fail)?;
            Ok((peripheral, disconnects))
        })
        .await;
        let (peripheral, disconnects) = match connecting {
            Ok(connected) => connected?,
            Err(_) => {
                let Some(peripheral) = found else {
                    return Err(TransportError::ConnectTimeout(timeout));
                };
                // A stack that did not answer the connect may not answer
                // these either: bounded, and "unknown" counts as not up.
                let up = tokio::time::timeout(CLEANUP_TIMEOUT, peripheral.is_connected())
                    .await
                    .ok()
                    .and_then(Result::ok);
                let _ = tokio::time::timeout(CLEANUP_TIMEOUT, peripheral.disconnect()).await;
                return Err(after_connect_timeout(up, timeout));
            }
        };
        let discovery = self.options.discovery_timeout;
        let link = tokio::time::timeout(discovery, open_service(peripheral.clone(), name.clone(), disconnects))
            .await
            .unwrap_or_else(|_| Err(discovery_timeout(discovery)));
        if link.is_err() {
            let _ = tokio::time::timeout(CLEANUP_TIMEOUT, peripheral.disconnect()).await;
        }
        link
    }
}

/// The error for a connect that did not finish within `timeout`; `up`:
/// whether the link was up by then (`None`: the stack did not say).
fn after_connect_timeout(up: Option<bool>, timeout: Duration) -> TransportError {
    match up {
        // BlueZ connects, then resolves services before it answers: a
        // link that is up means discovery is what stalled.
        Some(true) => discovery_timeout(timeout),
        Some(false) | None => TransportError::ConnectTimeout(timeout),
    }
}

/// A service discovery that did not finish within `after`. No dedicated
/// variant: it diagnoses as `connection_failed` (nothing reached the
/// lock), and the text says which step stalled.
fn discovery_timeout(after: Duration) -> TransportError {
    TransportError::Other(format!(
        "service discovery timed out after {after:?}: the lock accepted the connection but did not list its services"
    ))
}

fn connect_failure(cause: Cause, adapter: &str, timeout: Duration) -> TransportError {
    match cause {
        Cause::TimedOut => TransportError::ConnectTimeout(timeout),
        // The device disappeared between scan and connect.
        Cause::Gone(_) => TransportError::ConnectTimeout(timeout),
        other => other.into_error(adapter, timeout),
    }
}

/// The peripheral with this address, if BlueZ knows it.
async fn find(adapter: &Adapter, address: &str) -> Result<Option<Peripheral>, btleplug::Error> {
    use btleplug::api::Central as _;
    let peripherals = adapter.peripherals().await?;
    Ok(peripherals
        .into_iter()
        .find(|p| p.address().to_string().eq_ignore_ascii_case(address)))
}

/// Discovers the latchkey service and subscribes to TX.
async fn open_service(
    peripheral: Peripheral,
    adapter_name: String,
    disconnects: futures::stream::BoxStream<'static, ()>,
) -> Result<BleLink, TransportError> {
    let fail = |e: btleplug::Error| Cause::of(&e).into_error(&adapter_name, Duration::ZERO);
    peripheral.discover_services().await.map_err(fail)?;
    let service = parse_uuid(SERVICE_UUID);
    let chars = peripheral.characteristics();
    let find_char = |uuid: &str| {
        let uuid = parse_uuid(uuid);
        chars
            .iter()
            .find(|c| c.service_uuid == service && c.uuid == uuid)
            .cloned()
    };
    let (Some(rx), Some(tx)) = (find_char(RX_CHAR_UUID), find_char(TX_CHAR_UUID)) else {
        return Err(TransportError::Other(
            "the device has no latchkey service with RX and TX: not a latchkey lock, or its firmware is not serving"
                .into(),
        ));
    };
    let write_type = if rx.properties.contains(CharPropFlags::WRITE_WITHOUT_RESPONSE) {
        WriteType::WithoutResponse
    } else {
        WriteType::WithResponse
    };
    let notifications = peripheral.notifications().await.map_err(fail)?;
    peripheral.subscribe(&tx).await.map_err(fail)?;
    let mtu = peripheral.mtu().clamp(MIN_MTU, MAX_MTU);
    Ok(BleLink {
        adapter_name,
        peripheral,
        rx,
        tx,
        write_type,
        mtu,
        notifications,
        disconnects,
        opened: Instant::now(),
        closed: false,
        lost: false,
    })
}

/// Parses one of the protocol's UUID constants (compile-time strings; the
/// tests prove they parse).
fn parse_uuid(s: &str) -> uuid::Uuid {
    s.parse().unwrap_or_default()
}

#[async_trait]
impl Transport for BleTransport {
    async fn scan(&self, filter: &ScanFilter, timeout: Duration) -> Result<Vec<ScannedLock>, TransportError> {
        let result = self.scan_inner(filter, timeout).await;
        if let Err(e) = &result {
            self.forget_adapter_after(e).await;
        }
        result
    }

    async fn connect(&self, address: &str, timeout: Duration) -> Result<Box<dyn Link>, TransportError> {
        match self.connect_inner(address, timeout).await {
            Ok(link) => Ok(Box::new(link)),
            Err(e) => {
                self.forget_adapter_after(&e).await;
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DiagnosisCode, LatchkeyError};

    #[test]
    fn connect_and_discovery_timeouts_say_which_step_stalled_and_diagnose_as_connection_failed() {
        let t = Duration::from_secs(3);
        let connect = after_connect_timeout(Some(false), t);
        assert_eq!(connect, TransportError::ConnectTimeout(t));
        assert_eq!(after_connect_timeout(None, t), TransportError::ConnectTimeout(t));
        assert_eq!(
            connect_failure(Cause::TimedOut, "hci0", t),
            TransportError::ConnectTimeout(t)
        );
        let discovery = after_connect_timeout(Some(true), t);
        assert_eq!(discovery, discovery_timeout(t));
        for (error, says) in [
            (connect, "connection timed out after 3s"),
            (discovery, "service discovery timed out after 3s"),
        ] {
            let error = LatchkeyError::from(error);
            assert_eq!(error.diagnosis(), DiagnosisCode::ConnectionFailed, "{error}");
            assert!(error.to_string().contains(says), "{error}");
        }
    }

    #[test]
    fn the_protocol_uuids_parse() {
        for uuid in [SERVICE_UUID, RX_CHAR_UUID, TX_CHAR_UUID] {
            assert_ne!(parse_uuid(uuid), uuid::Uuid::nil(), "{uuid}");
        }
    }

    #[test]
    fn only_latchkey_payloads_for_the_wanted_lock_pass_the_filter() {
        let ad = latchkey_protocol::Advertisement {
            short_lock_id: [1, 2, 3, 4],
            epoch: 1,
            challenge: latchkey_protocol::Challenge([7; 8]),
            flags: 0,
            revocation_seq_low: 0,
        };
        let data = |id: u16, bytes: Vec<u8>| std::collections::HashMap::from([(id, bytes)]);
        let wanted = ScanFilter {
            short_lock_id: Some([1, 2, 3, 4]),
            first_match: true,
        };
        let other = ScanFilter {
            short_lock_id: Some([9, 9, 9, 9]),
            first_match: true,
        };
        let company = latchkey_protocol::COMPANY_ID;
        assert_eq!(scan::decode(&wanted, &data(company, ad.encode())), Some(ad));
        assert_eq!(scan::decode(&other, &data(company, ad.encode())), None);
        assert_eq!(scan::decode(&wanted, &data(0x004c, ad.encode())), None);
        assert_eq!(scan::decode(&wanted, &data(company, vec![1, 2, 3])), None);
    }
}
