//! One simulated BLE connection, for a test's foreign `BleCentral` (the
//! Kotlin or Swift glue under test) to move packets over, as the platform
//! would: a write goes to the lock's RX characteristic, and the lock's
//! answer comes back as the notifications the platform would deliver.

use super::error::SimulationError;
use latchkey_protocol::framing::LAST_PACKET;
use latchkey_sim::radio::{LinkError, SimConnection};
use std::sync::Mutex;

/// The simulator's link error, for a test.
pub(crate) fn radio_error(e: LinkError) -> SimulationError {
    SimulationError::Radio { reason: e.to_string() }
}

/// How long the air must stay quiet after a whole frame before the answer
/// counts as complete (four connection intervals).
const QUIET_MS: u64 = 120;

/// What the lock sent back after a write.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SimulatedAnswer {
    /// The notifications, in order (empty when the packet did not end a
    /// request, or the lock did not answer in time).
    pub notifications: Vec<Vec<u8>>,
    /// The link dropped (deliver a disconnect, as the platform would).
    pub disconnected: bool,
}

/// One simulated connection. Virtual time: nothing sleeps.
#[derive(uniffi::Object)]
pub struct SimulatedLink {
    connection: Mutex<Option<SimConnection>>,
}

impl SimulatedLink {
    pub(crate) fn new(connection: SimConnection) -> Self {
        Self {
            connection: Mutex::new(Some(connection)),
        }
    }
}

#[uniffi::export]
impl SimulatedLink {
    /// The ATT MTU the lock negotiates (what `onMtuChanged` reports).
    pub fn mtu(&self) -> u16 {
        let guard = self.connection.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .as_ref()
            .map_or(latchkey_protocol::framing::MIN_MTU, SimConnection::mtu)
    }

    /// Writes one packet to the lock's RX characteristic. When it is the
    /// last packet of a request, waits up to `answer_wait_ms` of virtual
    /// time for the lock's answer and returns every notification until the
    /// air is quiet again.
    pub fn write(&self, packet: Vec<u8>, answer_wait_ms: u64) -> Result<SimulatedAnswer, SimulationError> {
        let mut guard = self.connection.lock().unwrap_or_else(|p| p.into_inner());
        let connection = guard.as_mut().ok_or_else(|| SimulationError::Radio {
            reason: "the link is closed".into(),
        })?;
        connection.write_packet(&packet).map_err(radio_error)?;
        let mut answer = SimulatedAnswer {
            notifications: Vec::new(),
            disconnected: false,
        };
        if packet.first().is_none_or(|h| h & LAST_PACKET == 0) {
            return Ok(answer);
        }
        // The first packet may take the lock a while; after each whole
        // frame, more may follow (a streamed answer) until the air is quiet.
        let mut wait = answer_wait_ms;
        loop {
            match connection.next_notification(wait) {
                Ok(packet) => {
                    let last = packet.first().is_some_and(|h| h & LAST_PACKET != 0);
                    answer.notifications.push(packet);
                    wait = if last { QUIET_MS } else { answer_wait_ms };
                }
                Err(LinkError::Timeout { .. }) => return Ok(answer),
                Err(_) => {
                    answer.disconnected = true;
                    return Ok(answer);
                }
            }
        }
    }

    /// Closes the link (idempotent).
    pub fn disconnect(&self) {
        if let Some(mut c) = self.connection.lock().unwrap_or_else(|p| p.into_inner()).take() {
            c.disconnect();
        }
    }

    /// Whether the link is still open.
    pub fn is_connected(&self) -> bool {
        let guard = self.connection.lock().unwrap_or_else(|p| p.into_inner());
        guard.as_ref().is_some_and(SimConnection::is_connected)
    }
}
