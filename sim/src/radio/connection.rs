//! One open link from the phone to a simulated peripheral.

use std::sync::Arc;

use latchkey_protocol::framing::{self, Reassembler};

use super::devices::Device;
use super::engine::LinkEngine;
use super::error::LinkError;
use super::faults::FaultPlan;
use super::params::LinkParams;
use super::stats::LinkStats;
use super::timing::advance_to;
use crate::VirtualClock;

/// The phone's end of a simulated BLE connection: frames or raw packets
/// written to the lock's RX characteristic (without response), packets
/// notified on TX. Dropping it disconnects.
pub struct SimConnection {
    engine: LinkEngine,
    reassembler: Reassembler,
    closed: bool,
}

impl SimConnection {
    pub(crate) fn open(device: Arc<Device>, clock: VirtualClock, params: LinkParams, faults: FaultPlan) -> Self {
        Self {
            engine: LinkEngine::new(device, clock, params, faults),
            reassembler: Reassembler::default(),
            closed: false,
        }
    }

    /// The peripheral's address.
    pub fn address(&self) -> &str {
        &self.engine.device.address
    }

    /// The link's parameters (after clamping to valid ranges).
    pub fn params(&self) -> &LinkParams {
        &self.engine.params
    }

    /// The negotiated ATT MTU.
    pub fn mtu(&self) -> u16 {
        self.engine.params.mtu
    }

    /// Virtual time now, in ms.
    pub fn now_ms(&self) -> u64 {
        self.engine.clock.now_ms()
    }

    /// Virtual time the connection was established, in ms.
    pub fn established_at_ms(&self) -> u64 {
        self.engine.established_at_ms()
    }

    /// Counters of this connection so far.
    pub fn stats(&self) -> LinkStats {
        self.engine.stats()
    }

    /// Replaces the faults to inject from now on (packet numbers still
    /// count from the start of the connection).
    pub fn set_faults(&mut self, faults: FaultPlan) {
        self.engine.faults = faults;
    }

    /// Whether the phone believes the link is up: false once it closed the
    /// link, or once the supervision timeout revealed a loss.
    pub fn is_connected(&self) -> bool {
        !self.closed && self.engine.loss_noticed_at().is_none_or(|at| self.now_ms() < at)
    }

    /// Fragments `frame` at the MTU and queues its packets.
    pub fn send_frame(&mut self, frame: &[u8]) -> Result<(), LinkError> {
        self.usable()?;
        for packet in framing::fragment(frame, self.mtu())? {
            self.write_packet(&packet)?;
        }
        Ok(())
    }

    /// Queues one packet (a framing header and data, at most `mtu - 3`
    /// bytes) for the lock's RX characteristic. Like a write without
    /// response, it returns before the packet is on the air; it goes out
    /// when the phone next waits. After an unnoticed link loss it is
    /// silently lost, as on a real phone.
    pub fn write_packet(&mut self, packet: &[u8]) -> Result<(), LinkError> {
        self.usable()?;
        let limit = self.engine.params.max_packet_len();
        if packet.len() > limit {
            return Err(LinkError::PacketTooLarge {
                size: packet.len(),
                limit,
            });
        }
        self.engine.queue_up(packet.to_vec());
        Ok(())
    }

    /// Waits up to `timeout_ms` for the next packet notified by the lock,
    /// playing connection events meanwhile; the clock stops at the event
    /// that delivered it, or after `timeout_ms`.
    pub fn next_notification(&mut self, timeout_ms: u64) -> Result<Vec<u8>, LinkError> {
        // Packets that arrived before a loss are still handed over.
        if self.closed {
            return Err(LinkError::NotConnected);
        }
        let start = self.now_ms();
        let deadline = start.saturating_add(timeout_ms);
        loop {
            if let Some(packet) = self.engine.inbox.pop_front() {
                return Ok(packet);
            }
            if let Some(noticed) = self.engine.loss_noticed_at() {
                if noticed <= deadline {
                    advance_to(&self.engine.clock, noticed);
                    self.reassembler.reset();
                    return Err(LinkError::Disconnected);
                }
            }
            if !self.engine.step(deadline) {
                return Err(LinkError::Timeout {
                    waited_ms: self.now_ms() - start,
                });
            }
        }
    }

    /// Waits up to `timeout_ms` for the next complete frame from the lock.
    /// A broken frame (lost or out-of-order packet, oversize, reassembly
    /// timeout) is a [`LinkError::Framing`] error.
    pub fn recv_frame(&mut self, timeout_ms: u64) -> Result<Vec<u8>, LinkError> {
        let start = self.now_ms();
        let deadline = start.saturating_add(timeout_ms);
        loop {
            let remaining = deadline.saturating_sub(self.now_ms());
            match self.next_notification(remaining) {
                Ok(packet) => {
                    if let Some(frame) = self.reassembler.push(&packet, self.now_ms())? {
                        return Ok(frame);
                    }
                }
                Err(LinkError::Timeout { .. }) => {
                    self.reassembler.check_timeout(self.now_ms())?;
                    return Err(LinkError::Timeout {
                        waited_ms: self.now_ms() - start,
                    });
                }
                Err(other) => return Err(other),
            }
        }
    }

    /// Lets `ms` of virtual time pass on the link (queued packets move,
    /// the lock's timers run). Notifications that arrive stay queued for
    /// [`SimConnection::next_notification`].
    pub fn wait_ms(&mut self, ms: u64) {
        let deadline = self.now_ms().saturating_add(ms);
        while self.engine.step(deadline) {}
    }

    /// Closes the link (idempotent). Packets not yet on the air are lost;
    /// the lock is told at once.
    pub fn disconnect(&mut self) {
        if !self.closed {
            self.closed = true;
            self.engine.close();
            self.reassembler.reset();
        }
    }

    fn usable(&self) -> Result<(), LinkError> {
        if self.closed {
            return Err(LinkError::NotConnected);
        }
        match self.engine.loss_noticed_at() {
            Some(at) if self.now_ms() >= at => Err(LinkError::Disconnected),
            _ => Ok(()),
        }
    }
}

impl Drop for SimConnection {
    fn drop(&mut self) {
        self.disconnect();
    }
}

impl std::fmt::Debug for SimConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimConnection")
            .field("address", &self.address())
            .field("mtu", &self.mtu())
            .field("connected", &self.is_connected())
            .field("stats", &self.stats())
            .finish()
    }
}
