//! What went wrong in BlueZ/btleplug, in terms the diagnosis engine can
//! explain.
//!
//! btleplug wraps BlueZ's D-Bus errors in a boxed error, so the D-Bus error
//! name (`org.bluez.Error.Blocked`, `org.freedesktop.DBus.Error.ServiceUnknown`…)
//! survives only in the error's debug text; [`Cause::of`] reads it from
//! there. The names are stable API of D-Bus and BlueZ.

use super::super::TransportError;
use std::time::Duration;

/// The cause of a btleplug failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cause {
    /// The D-Bus system bus cannot be reached.
    NoBus(String),
    /// Nothing owns `org.bluez` on the bus: bluetoothd is not running.
    NoBluez,
    /// rfkill blocks the adapter (`org.bluez.Error.Blocked`).
    Blocked,
    /// The adapter is off or still starting (`org.bluez.Error.NotReady`).
    NotReady,
    /// The bus or BlueZ refused this process.
    Denied(String),
    /// The device or its connection is gone (removed or disconnected).
    Gone(String),
    /// The peripheral's own end of the call vanished mid-call: a mock
    /// BlueZ forwards GATT calls to the peripheral's D-Bus client, and
    /// reports that client's name as gone. The call reached the peripheral.
    PeerVanished(String),
    /// BlueZ or btleplug gave up waiting.
    TimedOut,
    /// Anything else.
    Other(String),
}

impl Cause {
    /// Classifies a btleplug error.
    pub(crate) fn of(error: &btleplug::Error) -> Self {
        match error {
            btleplug::Error::PermissionDenied => Self::Denied("permission denied".into()),
            btleplug::Error::NotConnected | btleplug::Error::DeviceNotFound => Self::Gone(error.to_string()),
            btleplug::Error::TimedOut(_) => Self::TimedOut,
            other => Self::from_text(&format!("{other:?}"), &other.to_string()),
        }
    }

    /// Classifies by the D-Bus error name found in `debug` (a debug
    /// rendering that includes it); `message` is what a person reads.
    pub(crate) fn from_text(debug: &str, message: &str) -> Self {
        let name = dbus_error_name(debug).unwrap_or_default();
        let message = message.to_string();
        match name {
            "org.freedesktop.DBus.Error.NoServer"
            | "org.freedesktop.DBus.Error.FileNotFound"
            | "org.freedesktop.DBus.Error.BadAddress"
            | "org.freedesktop.DBus.Error.Disconnected"
            | "org.freedesktop.DBus.Error.NoNetwork" => Self::NoBus(message),
            // The same error when a peripheral's own D-Bus client vanished
            // (a mock BlueZ forwards it); only org.bluez missing means no
            // bluetoothd.
            "org.freedesktop.DBus.Error.ServiceUnknown" | "org.freedesktop.DBus.Error.NameHasNoOwner"
                if message.contains("org.bluez") =>
            {
                Self::NoBluez
            }
            "org.freedesktop.DBus.Error.ServiceUnknown" | "org.freedesktop.DBus.Error.NameHasNoOwner" => {
                Self::PeerVanished(message)
            }
            "org.freedesktop.DBus.Error.UnknownObject"
            | "org.freedesktop.DBus.Error.UnknownMethod"
            | "org.bluez.Error.DoesNotExist"
            | "org.bluez.Error.NotConnected" => Self::Gone(message),
            "org.bluez.Error.Blocked" => Self::Blocked,
            "org.bluez.Error.NotReady" => Self::NotReady,
            "org.freedesktop.DBus.Error.AccessDenied"
            | "org.bluez.Error.NotPermitted"
            | "org.bluez.Error.NotAuthorized" => Self::Denied(message),
            "org.freedesktop.DBus.Error.NoReply" | "org.freedesktop.DBus.Error.Timeout" => Self::TimedOut,
            _ if message.contains("Not connected") => Self::Gone(message),
            _ => Self::Other(if name.is_empty() {
                message
            } else {
                format!("{message} ({name})")
            }),
        }
    }

    /// Whether a GATT write that failed this way may still have reached the
    /// peripheral (and moved the bolt): a timeout or a vanished peer may
    /// come after delivery, and so may any failure of a write with
    /// response (the lock may have acted before its response was lost).
    /// Only refusals of the stack itself, and a lost link for a write
    /// without response (not queued), mean it was never sent.
    pub(crate) fn write_may_have_arrived(&self, with_response: bool) -> bool {
        match self {
            Self::TimedOut | Self::PeerVanished(_) => true,
            Self::Gone(_) | Self::Other(_) => with_response,
            Self::NoBus(_) | Self::NoBluez | Self::Blocked | Self::NotReady | Self::Denied(_) => false,
        }
    }

    /// The transport error for this cause during a step that waited at
    /// most `timeout` on `adapter`.
    pub(crate) fn into_error(self, adapter: &str, timeout: Duration) -> TransportError {
        match self {
            Self::NoBus(detail) => TransportError::Unavailable(format!(
                "no D-Bus system bus ({detail}): BlueZ is reached over it; check that dbus is running"
            )),
            Self::NoBluez => TransportError::Unavailable(
                "bluetoothd is not running (org.bluez is not on the system bus): start the bluetooth service".into(),
            ),
            // rfkill is what desktop "Bluetooth off" switches and airplane
            // mode use; its fix is unblocking, not powering on, so it keeps
            // its own variant (and diagnosis).
            Self::Blocked => TransportError::Blocked(adapter.to_string()),
            Self::NotReady => TransportError::NotReady(adapter.to_string()),
            Self::Denied(detail) => TransportError::PermissionDenied(format!(
                "BlueZ refused access to {adapter} ({detail}): the user may need the bluetooth group or a polkit rule"
            )),
            Self::Gone(_) | Self::PeerVanished(_) => TransportError::Disconnected,
            Self::TimedOut => TransportError::Timeout(timeout),
            Self::Other(detail) => TransportError::Other(format!("BlueZ on {adapter}: {detail}")),
        }
    }
}

/// The first D-Bus error name (`org.….Error.…`) in `text`.
fn dbus_error_name(text: &str) -> Option<&str> {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '_';
    let mut rest = text;
    while let Some(start) = rest.find("org.") {
        let candidate = &rest[start..];
        let end = candidate.find(|c| !is_name_char(c)).unwrap_or(candidate.len());
        let name = candidate[..end].trim_end_matches('.');
        if name.contains(".Error.") {
            return Some(name);
        }
        rest = &candidate[end.max(4)..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dbus(name: &str, message: &str) -> Cause {
        // How btleplug renders a wrapped D-Bus error with {:?}.
        let debug = format!("Other(DbusError(D-Bus error: {message} ({name})))");
        Cause::from_text(&debug, message)
    }

    #[test]
    fn no_system_bus_is_unavailable() {
        let cause = dbus(
            "org.freedesktop.DBus.Error.FileNotFound",
            "Failed to connect to socket /run/dbus/system_bus_socket: No such file or directory",
        );
        assert!(matches!(cause, Cause::NoBus(_)));
        let error = cause.into_error("hci0", Duration::ZERO);
        assert!(matches!(&error, TransportError::Unavailable(s) if s.contains("no D-Bus system bus")));
    }

    #[test]
    fn missing_bluetoothd_is_unavailable_but_a_vanished_peer_is_a_disconnect() {
        let missing = dbus(
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "The name org.bluez was not provided by any .service files",
        );
        assert_eq!(missing, Cause::NoBluez);
        assert!(
            matches!(missing.into_error("hci0", Duration::ZERO), TransportError::Unavailable(s) if s.contains("bluetoothd"))
        );
        let vanished = dbus(
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "The name :1.42 was not provided by any .service files",
        );
        assert!(matches!(vanished, Cause::PeerVanished(_)));
        assert_eq!(
            vanished.into_error("hci0", Duration::ZERO),
            TransportError::Disconnected
        );
    }

    #[test]
    fn rfkill_is_blocked_and_not_ready_is_starting() {
        let blocked = dbus("org.bluez.Error.Blocked", "Operation not possible due to RF-kill");
        assert_eq!(
            blocked.into_error("hci0", Duration::ZERO),
            TransportError::Blocked("hci0".into())
        );
        let starting = dbus("org.bluez.Error.NotReady", "Resource Not Ready");
        assert_eq!(
            starting.into_error("hci0", Duration::ZERO),
            TransportError::NotReady("hci0".into())
        );
    }

    #[test]
    fn access_denied_is_a_permission_problem() {
        let error =
            dbus("org.freedesktop.DBus.Error.AccessDenied", "Rejected send message").into_error("hci0", Duration::ZERO);
        assert!(matches!(error, TransportError::PermissionDenied(s) if s.contains("hci0")));
    }

    #[test]
    fn a_removed_device_is_a_disconnect_and_a_no_reply_a_timeout() {
        let gone = dbus(
            "org.freedesktop.DBus.Error.UnknownObject",
            "Unknown object '/org/bluez/hci0/dev_X'",
        );
        assert_eq!(gone.into_error("hci0", Duration::ZERO), TransportError::Disconnected);
        let slow = dbus("org.freedesktop.DBus.Error.NoReply", "Did not receive a reply");
        assert_eq!(
            slow.into_error("hci0", Duration::from_secs(2)),
            TransportError::Timeout(Duration::from_secs(2))
        );
    }

    #[test]
    fn unknown_errors_keep_their_name_and_text() {
        let other = dbus("org.bluez.Error.InProgress", "Operation already in progress");
        assert!(
            matches!(other.into_error("hci0", Duration::ZERO), TransportError::Other(s) if s.contains("InProgress") && s.contains("already"))
        );
        assert_eq!(dbus_error_name("no names here"), None);
        assert_eq!(dbus_error_name("org.example without error"), None);
    }

    #[test]
    fn a_write_may_have_arrived_unless_the_stack_refused_it_or_never_queued_it() {
        let no_reply = dbus(
            "org.freedesktop.DBus.Error.NoReply",
            "recipient disconnected without replying",
        );
        let peer_gone = dbus(
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "The name :1.42 was not provided",
        );
        let not_connected = dbus("org.bluez.Error.NotConnected", "Not connected");
        let att_error = dbus("org.bluez.Error.Failed", "Operation failed with ATT error: 0x0e");
        let blocked = dbus("org.bluez.Error.Blocked", "Operation not possible due to RF-kill");
        for with_response in [false, true] {
            assert!(no_reply.write_may_have_arrived(with_response));
            assert!(peer_gone.write_may_have_arrived(with_response));
            assert!(!blocked.write_may_have_arrived(with_response));
        }
        assert!(!not_connected.write_may_have_arrived(false));
        assert!(not_connected.write_may_have_arrived(true));
        assert!(!att_error.write_may_have_arrived(false));
        assert!(att_error.write_may_have_arrived(true));
    }

    #[test]
    fn btleplug_variants_map_directly() {
        assert!(matches!(Cause::of(&btleplug::Error::NotConnected), Cause::Gone(_)));
        assert_eq!(Cause::of(&btleplug::Error::TimedOut(Duration::ZERO)), Cause::TimedOut);
        assert!(matches!(
            Cause::of(&btleplug::Error::PermissionDenied),
            Cause::Denied(_)
        ));
    }
}
