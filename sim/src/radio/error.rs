//! What can go wrong on the simulated link.

use latchkey_protocol::ProtocolError;

/// Why a radio operation failed. Each variant matches something a real
/// phone's BLE stack reports, so a transport can map it one to one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// No peripheral with this address was ever added to the radio.
    #[error("no device with address {0}")]
    UnknownDevice(String),
    /// The peripheral is out of range or powered off.
    #[error("device {0} is out of range or powered off")]
    OutOfRange(String),
    /// The peripheral already has a connection (it serves one central).
    #[error("device {0} is already connected")]
    AlreadyConnected(String),
    /// This side closed the connection; it cannot be used any more.
    #[error("the connection was closed by this side")]
    NotConnected,
    /// The link was lost (fault, peripheral gone or powered off).
    #[error("the connection to the device was lost")]
    Disconnected,
    /// Nothing arrived in time.
    #[error("nothing received within {waited_ms} ms")]
    Timeout {
        /// How long the caller waited, in virtual ms.
        waited_ms: u64,
    },
    /// A packet longer than the MTU allows (`mtu - 3` bytes).
    #[error("packet of {size} bytes exceeds the {limit}-byte limit of this link's MTU")]
    PacketTooLarge {
        /// Length of the packet.
        size: usize,
        /// Largest packet the link carries.
        limit: usize,
    },
    /// Fragmenting or reassembling a frame failed.
    #[error("framing failed: {0}")]
    Framing(#[from] ProtocolError),
}
