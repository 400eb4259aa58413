//! Plays a connection's events in virtual time: carries scheduled packets,
//! runs the lock's CPU, injects faults.

use std::collections::VecDeque;
use std::sync::Arc;

use latchkey_protocol::framing;

use super::devices::Device;
use super::faults::FaultPlan;
use super::params::LinkParams;
use super::stats::{LinkStats, StatsRecorder};
use super::timing::{advance_to, lock_cost_ms, LinkTimer, Way};
use crate::VirtualClock;

/// Header bits of a packet that starts or ends a frame (see
/// [`latchkey_protocol::framing`]).
const FIRST_PACKET: u8 = 0x80;
const LAST_PACKET: u8 = 0x40;

/// A packet waiting for its connection event.
struct Scheduled {
    event: u64,
    number: u64,
    packet: Vec<u8>,
}

/// The state of one connection, independent of who is calling.
pub(crate) struct LinkEngine {
    pub(crate) params: LinkParams,
    pub(crate) clock: VirtualClock,
    pub(crate) device: Arc<Device>,
    pub(crate) faults: FaultPlan,
    timer: LinkTimer,
    stats: StatsRecorder,
    up_queue: VecDeque<Scheduled>,
    down_queue: VecDeque<Scheduled>,
    /// Packets the phone received and has not read yet.
    pub(crate) inbox: VecDeque<Vec<u8>>,
    up_written: u64,
    up_sent: u64,
    down_queued: u64,
    down_sent: u64,
    requests_received: u64,
    next_event: u64,
    asym_seen: u64,
    lost_at: Option<u64>,
}

impl LinkEngine {
    /// A link to `device` established now.
    pub(crate) fn new(device: Arc<Device>, clock: VirtualClock, params: LinkParams, faults: FaultPlan) -> Self {
        let anchor = clock.now_ms();
        let timer = LinkTimer::new(&params, anchor);
        let asym_seen = device.with_peripheral(|p| p.asym_ops());
        Self {
            params,
            next_event: timer.first_event_after(anchor),
            timer,
            stats: StatsRecorder::new(anchor),
            clock,
            device,
            faults,
            up_queue: VecDeque::new(),
            down_queue: VecDeque::new(),
            inbox: VecDeque::new(),
            up_written: 0,
            up_sent: 0,
            down_queued: 0,
            down_sent: 0,
            requests_received: 0,
            asym_seen,
            lost_at: None,
        }
    }

    /// When the connection was established.
    pub(crate) fn established_at_ms(&self) -> u64 {
        self.timer.anchor_ms()
    }

    /// The counters so far.
    pub(crate) fn stats(&self) -> LinkStats {
        self.stats.snapshot()
    }

    /// When the phone learns (or learned) that the link dropped.
    pub(crate) fn loss_noticed_at(&self) -> Option<u64> {
        self.lost_at
            .map(|at| at + u64::from(self.params.supervision_timeout_ms))
    }

    /// Queues a phone → lock packet for the next free slot. A packet
    /// written after the link dropped (unnoticed yet) goes nowhere.
    pub(crate) fn queue_up(&mut self, packet: Vec<u8>) {
        if self.lost_at.is_some() {
            return;
        }
        let event = self.timer.slot(Way::Up, self.clock.now_ms(), false);
        self.up_written += 1;
        self.up_queue.push_back(Scheduled {
            event,
            number: self.up_written,
            packet,
        });
    }

    /// Plays the next connection event if it happens by `deadline`;
    /// otherwise moves the clock to `deadline` and returns false.
    pub(crate) fn step(&mut self, deadline: u64) -> bool {
        let at = self.timer.event_time(self.next_event);
        if self.lost_at.is_some() || at > deadline {
            advance_to(&self.clock, deadline);
            return false;
        }
        advance_to(&self.clock, at);
        let index = self.next_event;
        self.next_event += 1;
        self.play_event(index);
        true
    }

    /// The phone closes the link: the lock is told, queued packets vanish.
    pub(crate) fn close(&mut self) {
        if self.lost_at.is_none() {
            self.drop_link();
        }
    }

    fn play_event(&mut self, index: u64) {
        if !self.device.reachable() {
            self.drop_link();
            return;
        }
        // The central transmits first in an event, then the peripheral.
        while self.up_queue.front().is_some_and(|p| p.event <= index) {
            let Some(sent) = self.up_queue.pop_front() else { break };
            if !self.carry_up(sent) {
                return;
            }
        }
        while self.down_queue.front().is_some_and(|p| p.event <= index) {
            let Some(sent) = self.down_queue.pop_front() else { break };
            if !self.carry_down(sent) {
                return;
            }
        }
        let (answer, ops) = self.peripheral_call(|p| p.on_tick());
        self.lock_did(answer.is_some(), ops, answer);
    }

    /// Carries one packet to the lock; false when the link dropped.
    fn carry_up(&mut self, sent: Scheduled) -> bool {
        if self.faults.cuts_before_up(self.up_sent + 1) {
            self.drop_link();
            return false;
        }
        self.up_sent += 1;
        self.stats
            .packet_up(sent.packet.len(), sent.packet.len().saturating_sub(1));
        if self.faults.drops_up(sent.number) {
            return true;
        }
        let ends_frame = ends_frame(&sent.packet);
        let (answer, ops) = self.peripheral_call(|p| p.on_packet(&sent.packet));
        if ends_frame {
            self.stats.frame_up_arrived();
        }
        self.lock_did(ends_frame || answer.is_some(), ops, answer);
        if ends_frame {
            self.requests_received += 1;
            if self.faults.leaves_range_after_request(self.requests_received) {
                self.device.set_in_range(false);
                self.drop_link();
                return false;
            }
            if self.faults.cuts_after_request(self.requests_received) {
                self.drop_link();
                return false;
            }
        }
        true
    }

    /// Carries one packet to the phone; false when the link dropped.
    fn carry_down(&mut self, sent: Scheduled) -> bool {
        if self.faults.cuts_before_down(self.down_sent + 1) {
            self.drop_link();
            return false;
        }
        self.down_sent += 1;
        self.stats
            .packet_down(sent.packet.len(), sent.packet.len().saturating_sub(1));
        if self.faults.drops_down(sent.number) {
            return true;
        }
        let mut packet = sent.packet;
        if self.faults.corrupts_down(sent.number) {
            corrupt(&mut packet);
        }
        if ends_frame(&packet) {
            self.stats.frame_down_arrived(self.clock.now_ms());
        }
        self.inbox.push_back(packet);
        true
    }

    /// Charges the lock's CPU for what it just did and schedules its
    /// answer, fragmented at the MTU, for when that work is done.
    fn lock_did(&mut self, frame_work: bool, asym_ops: u64, answer: Option<Vec<u8>>) {
        self.stats.lock_asym_ops(asym_ops);
        let cost = lock_cost_ms(&self.params, frame_work, asym_ops);
        if cost == 0 && answer.is_none() {
            return;
        }
        let ready = self.timer.lock_work(self.clock.now_ms(), cost);
        let Some(frame) = answer else { return };
        let packets = fragment_unbounded(&frame, self.params.mtu);
        for packet in packets {
            let event = self.timer.slot(Way::Down, ready, false);
            self.down_queued += 1;
            self.down_queue.push_back(Scheduled {
                event,
                number: self.down_queued,
                packet,
            });
        }
    }

    /// Calls into the peripheral and reports the asymmetric operations the
    /// call performed.
    fn peripheral_call<R>(&mut self, f: impl FnOnce(&mut dyn crate::Peripheral) -> R) -> (R, u64) {
        let (result, total) = self.device.with_peripheral(|p| {
            let result = f(p);
            (result, p.asym_ops())
        });
        let ops = total.saturating_sub(self.asym_seen);
        self.asym_seen = total;
        (result, ops)
    }

    /// The link drops now; the lock is told at once, the phone after the
    /// supervision timeout.
    fn drop_link(&mut self) {
        self.lost_at = Some(self.clock.now_ms());
        self.up_queue.clear();
        self.down_queue.clear();
        self.device.with_peripheral(|p| p.on_disconnect());
        self.device.set_connected(false);
    }
}

/// Fragments like [`framing::fragment`], but also a frame over
/// [`framing::MAX_FRAME`]: a peripheral that answers with one has a bug,
/// and the phone's reassembly must get the chance to report it, as it
/// would with real firmware.
fn fragment_unbounded(frame: &[u8], mtu: u16) -> Vec<Vec<u8>> {
    if let Ok(packets) = framing::fragment(frame, mtu) {
        return packets;
    }
    let chunks: Vec<&[u8]> = frame.chunks(framing::data_per_packet(mtu)).collect();
    let last = chunks.len().saturating_sub(1);
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let mut header = (i % 64) as u8;
            if i == 0 {
                header |= FIRST_PACKET;
            }
            if i == last {
                header |= LAST_PACKET;
            }
            let mut packet = vec![header];
            packet.extend_from_slice(chunk);
            packet
        })
        .collect()
}

/// Flips every bit of the packet's last byte: payload when there is any
/// (the MAC or signature at the end of an answer), else the header.
fn corrupt(packet: &mut [u8]) {
    if let Some(last) = packet.last_mut() {
        *last ^= 0xff;
    }
}

fn ends_frame(packet: &[u8]) -> bool {
    packet.first().is_some_and(|header| header & LAST_PACKET != 0)
}
