//! Reaching BlueZ and picking the adapter: the D-Bus system bus, the
//! `org.bluez` service, the adapter by name, and its power state.

use super::super::TransportError;
use super::errors::Cause;
use btleplug::api::{Central, CentralState, Manager as _};
use btleplug::platform::{Adapter, Manager};
use std::time::Duration;

/// How Bluetooth looks on this Linux machine, for the diagnostics
/// snapshot (issue: desktop "no bus, bluetoothd missing, adapter absent,
/// powered off").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BluezState {
    /// The adapter is present and powered.
    Ready {
        /// Its name, e.g. "hci0".
        adapter: String,
        /// Whether this transport switched it on (see
        /// [`BleTransport::powered_on_by_us`](super::BleTransport::powered_on_by_us)).
        powered_on_by_us: bool,
    },
    /// The adapter is present but powered off.
    PoweredOff {
        /// Its name.
        adapter: String,
    },
    /// The requested adapter (or any adapter) is absent.
    NoAdapter {
        /// The adapter asked for, if one was named.
        wanted: Option<String>,
        /// The adapters BlueZ has.
        present: Vec<String>,
    },
    /// bluetoothd is not running: nothing owns `org.bluez`.
    BluetoothdNotRunning,
    /// The D-Bus system bus cannot be reached.
    NoSystemBus {
        /// What connecting said.
        detail: String,
    },
    /// The bus or BlueZ refused this process.
    PermissionDenied {
        /// What was refused.
        detail: String,
    },
    /// Something else failed.
    Failed {
        /// What failed.
        detail: String,
    },
}

/// The adapter's name as BlueZ knows it ("hci0"): btleplug's adapter info
/// reads "hci0 (usb:v1D6Bp0246d0537)".
pub(crate) async fn adapter_name(adapter: &Adapter) -> Option<String> {
    let info = adapter.adapter_info().await.ok()?;
    info.split_whitespace().next().map(str::to_string)
}

/// A connected adapter: the one named, or the first BlueZ lists.
pub(crate) async fn open(wanted: Option<&str>) -> Result<(Adapter, String), BluezState> {
    let manager = Manager::new().await.map_err(|e| match Cause::of(&e) {
        Cause::Denied(detail) => BluezState::PermissionDenied { detail },
        Cause::NoBluez => BluezState::BluetoothdNotRunning,
        cause => BluezState::NoSystemBus {
            detail: match cause {
                Cause::NoBus(detail) | Cause::Other(detail) => detail,
                _ => e.to_string(),
            },
        },
    })?;
    let adapters = manager.adapters().await.map_err(|e| match Cause::of(&e) {
        Cause::NoBluez => BluezState::BluetoothdNotRunning,
        Cause::NoBus(detail) => BluezState::NoSystemBus { detail },
        Cause::Denied(detail) => BluezState::PermissionDenied { detail },
        _ => BluezState::Failed { detail: e.to_string() },
    })?;
    let mut present = Vec::new();
    for adapter in adapters {
        let name = adapter_name(&adapter).await.unwrap_or_default();
        if wanted.is_none_or(|w| w == name) {
            return Ok((adapter, name));
        }
        present.push(name);
    }
    present.sort();
    Err(BluezState::NoAdapter {
        wanted: wanted.map(str::to_string),
        present,
    })
}

/// Whether the adapter is powered.
pub(crate) async fn powered(adapter: &Adapter) -> bool {
    matches!(adapter.adapter_state().await, Ok(CentralState::PoweredOn))
}

impl BluezState {
    /// The transport error a command reports in this state (`None` when
    /// ready).
    pub fn to_error(&self) -> Option<TransportError> {
        Some(match self {
            Self::Ready { .. } => return None,
            Self::PoweredOff { .. } => TransportError::BluetoothOff,
            Self::NoAdapter { wanted, present } => TransportError::Unavailable(match (wanted, present.is_empty()) {
                (_, true) => "no Bluetooth adapter: BlueZ lists none".to_string(),
                (Some(w), false) => format!("no Bluetooth adapter {w} (present: {})", present.join(", ")),
                (None, false) => "no usable Bluetooth adapter".to_string(),
            }),
            Self::BluetoothdNotRunning => Cause::NoBluez.into_error("", Duration::ZERO),
            Self::NoSystemBus { detail } => Cause::NoBus(detail.clone()).into_error("", Duration::ZERO),
            Self::PermissionDenied { detail } => {
                Cause::Denied(detail.clone()).into_error("the adapter", Duration::ZERO)
            }
            Self::Failed { detail } => TransportError::Other(detail.clone()),
        })
    }
}
