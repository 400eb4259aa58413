//! The platform half of a diagnosis: this computer's Bluetooth facts, as
//! the desktop "app" gathers them for latchkey-core's snapshot. On Linux:
//! adapters and rfkill in sysfs and the D-Bus socket; with `--ble`, also
//! BlueZ itself over D-Bus (bluetoothd answering, adapter powered), through
//! btleplug. What was not looked at is reported as unknown, never guessed.

use crate::tech::site::{Site, Target};
use latchkey_core::diagnostics::{BluezState, DeviceSnapshot, LinuxSnapshot, PlatformSnapshot, ProbeFact};

/// A platform snapshot and what it is based on.
pub struct Platform {
    /// The snapshot to diagnose.
    pub snapshot: PlatformSnapshot,
    /// Every fact looked at, including those that stay unknown.
    pub facts: Vec<ProbeFact>,
    /// Where it came from.
    pub source: String,
}

/// The platform for a command's site: this computer when the lock is
/// real; for the simulated site, a phone whose Bluetooth works (the
/// simulated radio does not depend on this computer's).
pub async fn for_site(site: &Site, target: &Target) -> Platform {
    if site.real {
        return this_computer(target).await;
    }
    Platform {
        snapshot: PlatformSnapshot::new(DeviceSnapshot::Linux(LinuxSnapshot {
            bluez: BluezState::Ready,
            rfkill_hard_blocked: None,
        })),
        facts: Vec::new(),
        source: "simulated phone (Bluetooth working)".into(),
    }
}

/// This computer's Bluetooth, as far as this build can see it.
pub async fn this_computer(target: &Target) -> Platform {
    #[cfg(target_os = "macos")]
    {
        let _ = target;
        let host_app = match std::env::var("TERM_PROGRAM").as_deref() {
            Ok("Apple_Terminal") => Some("Terminal".to_string()),
            Ok("iTerm.app") => Some("iTerm".to_string()),
            _ => None,
        };
        let device = DeviceSnapshot::Macos(latchkey_core::diagnostics::MacosSnapshot {
            state: None,
            authorization: None,
            host_app,
        });
        Platform {
            snapshot: PlatformSnapshot::new(device),
            facts: vec![fact(
                "CoreBluetooth state and authorization",
                "unknown",
                "not read by this build (needs CoreBluetooth)",
            )],
            source: "this computer".into(),
        }
    }
    #[cfg(not(target_os = "macos"))]
    {
        let bus = std::env::var("DBUS_SYSTEM_BUS_ADDRESS").ok();
        let mut probe = latchkey_core::diagnostics::probe_linux(std::path::Path::new("/"), bus.as_deref());
        if !cfg!(target_os = "linux") {
            probe.snapshot = Default::default();
            probe.facts = vec![fact("Bluetooth", "unknown", "this operating system is not probed")];
        }
        let mut source = "this computer (sysfs)".to_string();
        if target.ble {
            ask_bluez(target, &mut probe).await;
            source = "this computer (sysfs and BlueZ over D-Bus)".into();
        }
        Platform {
            snapshot: PlatformSnapshot::new(DeviceSnapshot::Linux(probe.snapshot)),
            facts: probe.facts,
            source,
        }
    }
}

/// Completes the sysfs probe with what BlueZ answers over D-Bus.
#[cfg(all(feature = "ble", not(target_os = "macos")))]
async fn ask_bluez(target: &Target, probe: &mut latchkey_core::diagnostics::LinuxProbe) {
    use latchkey_core::transport::ble::{BleTransport, BluezState as Bus};
    let answer = BleTransport::new(crate::tech::site::ble_options(target)).probe().await;
    let how = "asked BlueZ over the D-Bus system bus (btleplug)";
    let (bluetoothd, powered) = match &answer {
        Bus::Ready { .. } => ("yes", "yes"),
        Bus::PoweredOff { .. } => ("yes", "no"),
        Bus::NoAdapter { .. } => ("yes", "unknown"),
        Bus::BluetoothdNotRunning => ("no", "unknown"),
        // The bus itself did not answer: nothing is known about bluetoothd.
        _ => ("unknown", "unknown"),
    };
    for f in probe.facts.iter_mut() {
        match f.fact.as_str() {
            "bluetoothd (org.bluez) answering" => *f = fact(&f.fact, bluetoothd, how),
            "adapter powered on" => *f = fact(&f.fact, powered, how),
            _ => {}
        }
    }
    let sysfs = probe.snapshot.bluez;
    probe.snapshot.bluez = match answer {
        Bus::Ready { .. } => BluezState::Ready,
        // rfkill is the more precise reason for a powered-off adapter.
        Bus::PoweredOff { .. } if sysfs == BluezState::RfkillBlocked => sysfs,
        Bus::PoweredOff { .. } => BluezState::PoweredOff,
        Bus::NoAdapter { .. } => BluezState::AdapterAbsent,
        Bus::BluetoothdNotRunning => BluezState::BluetoothdMissing,
        Bus::NoSystemBus { .. } => BluezState::NoSystemBus,
        Bus::PermissionDenied { detail } | Bus::Failed { detail } => {
            probe.facts.push(fact("BlueZ answered", "no", &detail));
            sysfs
        }
    };
}

#[cfg(all(not(feature = "ble"), not(target_os = "macos")))]
async fn ask_bluez(_target: &Target, probe: &mut latchkey_core::diagnostics::LinuxProbe) {
    probe.facts.push(fact(
        "BlueZ over D-Bus",
        "unknown",
        "this latchkey was built without Bluetooth support (`--features ble`)",
    ));
}

fn fact(fact: &str, value: &str, how: &str) -> ProbeFact {
    ProbeFact {
        fact: fact.into(),
        value: value.into(),
        how: how.into(),
    }
}
