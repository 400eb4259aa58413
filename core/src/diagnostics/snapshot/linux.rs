//! Linux (BlueZ) facts, and a probe that reads what it can without D-Bus:
//! the system bus socket, adapters in sysfs and rfkill switches. Whether
//! bluetoothd runs and whether the adapter is powered need D-Bus, so the
//! probe reports them as unknown rather than guess.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// The BlueZ stack's state, summarised as the first thing that stops it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BluezState {
    /// Adapter present, powered, bluetoothd answering.
    Ready,
    /// No D-Bus system bus (containers, minimal systems).
    NoSystemBus,
    /// The bus is there but `org.bluez` is not (bluetoothd not running).
    BluetoothdMissing,
    /// bluetoothd runs but has no adapter.
    AdapterAbsent,
    /// The adapter is powered off.
    PoweredOff,
    /// rfkill blocks Bluetooth (`org.bluez.Error.Blocked`).
    RfkillBlocked,
    /// The adapter is not ready yet (`org.bluez.Error.NotReady`).
    NotReady,
    /// Not checked.
    #[default]
    Unknown,
}

/// What a desktop app or the CLI reads about BlueZ.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinuxSnapshot {
    /// The stack's state.
    pub bluez: BluezState,
    /// With [`BluezState::RfkillBlocked`]: a hardware switch blocks it
    /// (software can't undo it).
    pub rfkill_hard_blocked: Option<bool>,
}

/// One fact the probe looked at, for an honest report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeFact {
    /// What was checked.
    pub fact: String,
    /// `yes`, `no` or `unknown`.
    pub value: String,
    /// How it was checked, or why it could not be.
    pub how: String,
}

/// The probe's result: the snapshot and what it was based on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinuxProbe {
    /// The snapshot to diagnose.
    pub snapshot: LinuxSnapshot,
    /// Every fact looked at, including the ones that stay unknown.
    pub facts: Vec<ProbeFact>,
}

fn fact(fact: &str, value: Option<bool>, how: &str) -> ProbeFact {
    let value = match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    };
    ProbeFact {
        fact: fact.into(),
        value: value.into(),
        how: how.into(),
    }
}

/// Whether one of the `;`-separated D-Bus addresses can be there: a
/// `unix:path=` socket must exist (under `root`); other transports
/// (abstract sockets, TCP) can't be checked without connecting.
fn bus_address_may_answer(root: &Path, address: &str) -> bool {
    address.split(';').any(|one| {
        let Some(params) = one.strip_prefix("unix:") else {
            return !one.is_empty();
        };
        match params.split(',').find_map(|kv| kv.strip_prefix("path=")) {
            Some(path) => root.join(path.trim_start_matches('/')).exists(),
            None => true,
        }
    })
}

/// Reads what can be known without D-Bus under `root` (`/` on a real
/// system; a temporary tree in tests). `system_bus_address` is the value of
/// `DBUS_SYSTEM_BUS_ADDRESS`, if set.
pub fn probe_linux(root: &Path, system_bus_address: Option<&str>) -> LinuxProbe {
    let bus = match system_bus_address.map(str::trim).filter(|a| !a.is_empty()) {
        Some(address) => bus_address_may_answer(root, address),
        None => root.join("run/dbus/system_bus_socket").exists(),
    };
    let adapters = std::fs::read_dir(root.join("sys/class/bluetooth"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with("hci"))
                .count()
        })
        .unwrap_or(0);
    let rfkill = read_rfkill(root);
    let blocked = !rfkill.is_empty() && rfkill.iter().all(|(soft, hard)| *soft || *hard);
    let hard = rfkill.iter().any(|(_, hard)| *hard);

    let bluez = if adapters == 0 {
        BluezState::AdapterAbsent
    } else if blocked {
        BluezState::RfkillBlocked
    } else if !bus {
        BluezState::NoSystemBus
    } else {
        BluezState::Unknown
    };
    let facts = vec![
        fact(
            "Bluetooth adapter present",
            Some(adapters > 0),
            "hci* entries in /sys/class/bluetooth",
        ),
        fact(
            "Bluetooth blocked by rfkill",
            (!rfkill.is_empty()).then_some(blocked),
            "soft/hard in /sys/class/rfkill/*/ of type bluetooth",
        ),
        fact(
            "D-Bus system bus present",
            Some(bus),
            "DBUS_SYSTEM_BUS_ADDRESS or /run/dbus/system_bus_socket",
        ),
        fact(
            "bluetoothd (org.bluez) answering",
            None,
            "needs a D-Bus call, not made by this check",
        ),
        fact("adapter powered on", None, "needs a D-Bus call, not made by this check"),
    ];
    LinuxProbe {
        snapshot: LinuxSnapshot {
            bluez,
            rfkill_hard_blocked: blocked.then_some(hard),
        },
        facts,
    }
}

/// (soft, hard) blocked flags of every Bluetooth rfkill switch.
fn read_rfkill(root: &Path) -> Vec<(bool, bool)> {
    let Ok(dir) = std::fs::read_dir(root.join("sys/class/rfkill")) else {
        return Vec::new();
    };
    let read = |p: &Path, name: &str| std::fs::read_to_string(p.join(name)).unwrap_or_default();
    dir.filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| read(p, "type").trim() == "bluetooth")
        .map(|p| (read(&p, "soft").trim() == "1", read(&p, "hard").trim() == "1"))
        .collect()
}
