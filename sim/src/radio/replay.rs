//! Message sequences replayed on the link model without a peripheral, so
//! other locks' protocols can be measured on exactly the same model as
//! latchkey's.

use super::params::LinkParams;
use super::stats::{LinkStats, StatsRecorder};
use super::timing::{lock_cost_ms, LinkTimer, Way};

/// Which way a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Phone → lock.
    Up,
    /// Lock → phone.
    Down,
}

/// The GATT operation that carries a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketKind {
    /// Phone → lock, unacknowledged: up to `packets_per_event` per event.
    WriteWithoutResponse,
    /// Phone → lock, acknowledged (long writes included): one packet per
    /// event.
    WriteWithResponse,
    /// Lock → phone, unacknowledged: up to `packets_per_event` per event.
    Notification,
    /// Lock → phone, acknowledged: one packet per event.
    Indication,
}

impl PacketKind {
    /// Which way this operation carries data.
    pub const fn direction(self) -> Direction {
        match self {
            PacketKind::WriteWithoutResponse | PacketKind::WriteWithResponse => Direction::Up,
            PacketKind::Notification | PacketKind::Indication => Direction::Down,
        }
    }

    /// Whether each packet must be confirmed before the next.
    pub const fn acknowledged(self) -> bool {
        matches!(self, PacketKind::WriteWithResponse | PacketKind::Indication)
    }
}

/// One message of a replayed sequence. Each message starts when the one
/// before it is done: a phone → lock message when the phone received the
/// previous message, a lock → phone message when the lock finished its
/// work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// How the message is carried (which also says its direction).
    pub kind: PacketKind,
    /// Message size in bytes.
    pub bytes: usize,
    /// Asymmetric operations the lock performs for this message: on
    /// receiving it (phone → lock) or to produce it (lock → phone).
    pub lock_asym_ops: u32,
}

impl Step {
    /// A message written without response.
    pub const fn write(bytes: usize) -> Self {
        Self::new(PacketKind::WriteWithoutResponse, bytes)
    }

    /// A message written with response.
    pub const fn write_with_response(bytes: usize) -> Self {
        Self::new(PacketKind::WriteWithResponse, bytes)
    }

    /// A notified message.
    pub const fn notify(bytes: usize) -> Self {
        Self::new(PacketKind::Notification, bytes)
    }

    /// An indicated message.
    pub const fn indicate(bytes: usize) -> Self {
        Self::new(PacketKind::Indication, bytes)
    }

    /// The same message costing the lock `ops` asymmetric operations.
    pub const fn with_asym_ops(self, ops: u32) -> Self {
        Self {
            lock_asym_ops: ops,
            ..self
        }
    }

    /// Which way the message travels.
    pub const fn direction(&self) -> Direction {
        self.kind.direction()
    }

    const fn new(kind: PacketKind, bytes: usize) -> Self {
        Self {
            kind,
            bytes,
            lock_asym_ops: 0,
        }
    }
}

/// Nuki Smart Lock BLE API v2.1, a lock action with an established
/// authorization: Request Data (challenge) written (56 B), Challenge
/// indicated (86 B), Lock Action written (92 B), then Status ACCEPTED
/// (55 B), Keyturner States twice (69 B each) and Status COMPLETE (55 B)
/// indicated. The published GATT properties of Nuki's data
/// characteristics are "write (long), indicate", hence the kinds.
///
/// Lock asymmetric operations: 0. Nuki derives a shared key with
/// Curve25519 once, at pairing; every later message is sealed with that
/// key (symmetric crypto only).
///
/// The figure flatters Nuki: the model carries `mtu - 3` bytes per packet
/// although Nuki's characteristic values are documented as 20 bytes at
/// most, and it charges one event per acknowledged packet with no Execute
/// Write for long writes.
pub fn nuki_like() -> &'static [Step] {
    const STEPS: [Step; 7] = [
        Step::write_with_response(56),
        Step::indicate(86),
        Step::write_with_response(92),
        Step::indicate(55),
        Step::indicate(69),
        Step::indicate(69),
        Step::indicate(55),
    ];
    &STEPS
}

/// Tedee's PTLS session setup followed by one lock command: client hello
/// written (153 B), server hello notified (101 B), a 9-byte write, server
/// verify notified (134 B), client verify written (about 320 B), a
/// notification of about 20 B closing the handshake, then the command
/// (19 B) and its result (about 18 B).
///
/// Lock asymmetric operations: 3, a lower bound: one ECDH for the server
/// hello, one ECDSA signature for the server verify, one ECDSA
/// verification of the client verify. Ephemeral key generation and any
/// check of the client's certificate chain are not counted.
///
/// Writes are modelled without response (the cheaper choice), so this too
/// flatters the reference.
pub fn tedee_like() -> &'static [Step] {
    const STEPS: [Step; 8] = [
        Step::write(153),
        Step::notify(101).with_asym_ops(1),
        Step::write(9),
        Step::notify(134).with_asym_ops(1),
        Step::write(320).with_asym_ops(1),
        Step::notify(20),
        Step::write(19),
        Step::notify(18),
    ];
    &STEPS
}

/// Costs a sequence of opaque messages on the link model: each message is
/// split into packets of `mtu - 3` bytes (no latchkey framing header: the
/// replayed protocols carry their own lengths) and timed like a live
/// connection established at virtual time 0.
pub fn replay_sequence(params: &LinkParams, steps: &[Step]) -> LinkStats {
    replay_with(params, steps, 0)
}

/// Like [`replay_sequence`], but with latchkey's framing (one header byte
/// per packet, `mtu - 4` data bytes): the figures then equal those of a
/// live [`crate::radio::SimConnection`] exchanging frames of these sizes.
pub fn replay_framed(params: &LinkParams, steps: &[Step]) -> LinkStats {
    replay_with(params, steps, 1)
}

fn replay_with(params: &LinkParams, steps: &[Step], header_bytes: usize) -> LinkStats {
    let params = params.normalized();
    let data_per_packet = params.max_packet_len() - header_bytes;
    let mut timer = LinkTimer::new(&params, 0);
    let mut stats = StatsRecorder::new(0);
    let mut phone_ready = 0;
    for step in steps {
        let ops = u64::from(step.lock_asym_ops);
        let way = match step.direction() {
            Direction::Up => Way::Up,
            Direction::Down => Way::Down,
        };
        let ready = match way {
            Way::Up => phone_ready,
            Way::Down => timer.lock_work(timer.lock_free_at(), lock_cost_ms(&params, false, ops)),
        };
        let packets = step.bytes.div_ceil(data_per_packet).max(1);
        let mut last_event = 0;
        let mut left = step.bytes;
        for _ in 0..packets {
            let data = left.min(data_per_packet);
            left -= data;
            last_event = timer.slot(way, ready, step.kind.acknowledged());
            match way {
                Way::Up => stats.packet_up(data + header_bytes, data),
                Way::Down => stats.packet_down(data + header_bytes, data),
            }
        }
        let arrival = timer.event_time(last_event);
        match way {
            Way::Up => {
                stats.frame_up_arrived();
                timer.lock_work(arrival, lock_cost_ms(&params, true, ops));
            }
            Way::Down => {
                stats.frame_down_arrived(arrival);
                phone_ready = phone_ready.max(arrival);
            }
        }
        stats.lock_asym_ops(ops);
    }
    stats.snapshot()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_follow_the_gatt_operation() {
        assert!(nuki_like().iter().take(1).all(|s| s.direction() == Direction::Up));
        assert_eq!(tedee_like()[1].direction(), Direction::Down);
        assert!(PacketKind::Indication.acknowledged());
        assert!(!PacketKind::Notification.acknowledged());
    }

    #[test]
    fn nuki_at_mtu_185_takes_seven_events() {
        // One packet per message; W@30, I@60, W@90, then four indications
        // one event each: 120, 150, 180, 210.
        let stats = replay_sequence(&LinkParams::mtu185(), nuki_like());
        assert_eq!(stats.exchange_ms, 210);
        assert_eq!(stats.round_trips, 2);
        assert_eq!(stats.bytes_up, 56 + 92);
        assert_eq!(stats.bytes_down, 86 + 55 + 69 + 69 + 55);
        assert_eq!(stats.lock_asym_ops, 0);
    }
}
