//! The parameters of one simulated BLE link.

use latchkey_protocol::framing::MIN_MTU;

/// Largest ATT MTU the Bluetooth core specification allows.
const MAX_MTU: u16 = 517;

/// Everything the timing model needs to know about a link. The module
/// documentation of [`crate::radio`] explains how each figure is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkParams {
    /// Negotiated ATT MTU (23..=517; values outside are clamped). A packet
    /// carries at most `mtu - 3` bytes.
    pub mtu: u16,
    /// Time between connection events, in ms (at least 1).
    pub connection_interval_ms: u32,
    /// Write-without-response or notification packets one side can send in
    /// one connection event (at least 1).
    pub packets_per_event: u32,
    /// Lock CPU time per asymmetric operation (ECDSA sign or verify, ECDH).
    pub asym_op_ms: u32,
    /// Lock CPU time for the symmetric work on each complete frame
    /// (decoding, HMAC or AES-GCM, bookkeeping).
    pub frame_processing_ms: u32,
    /// Connection events spent establishing the connection before the
    /// first request can go out: the first event after the connect
    /// request, the ATT MTU exchange (2) and enabling notifications (2).
    /// Not part of [`crate::radio::LinkStats::exchange_ms`].
    pub connect_events: u32,
    /// How long after the link drops the phone notices (the BLE
    /// supervision timeout).
    pub supervision_timeout_ms: u32,
    /// How long a connection attempt to an absent peripheral takes to fail.
    pub connect_timeout_ms: u32,
}

impl LinkParams {
    /// Default connection interval, in ms.
    pub const DEFAULT_CONNECTION_INTERVAL_MS: u32 = 30;
    /// Default packets per direction per connection event.
    pub const DEFAULT_PACKETS_PER_EVENT: u32 = 4;
    /// Default lock CPU time per asymmetric operation, in ms.
    pub const DEFAULT_ASYM_OP_MS: u32 = 20;
    /// Default lock CPU time per frame, in ms.
    pub const DEFAULT_FRAME_PROCESSING_MS: u32 = 1;
    /// Default connection establishment cost, in connection events.
    pub const DEFAULT_CONNECT_EVENTS: u32 = 5;
    /// Default supervision timeout, in ms (Apple's accessory guidelines
    /// allow 2 to 6 s; locks pick the short end to notice loss quickly).
    pub const DEFAULT_SUPERVISION_TIMEOUT_MS: u32 = 2_000;
    /// Default time a connection attempt to an absent device takes to fail.
    pub const DEFAULT_CONNECT_TIMEOUT_MS: u32 = 5_000;

    /// The default link at a given ATT MTU.
    pub const fn with_mtu(mtu: u16) -> Self {
        Self {
            mtu,
            connection_interval_ms: Self::DEFAULT_CONNECTION_INTERVAL_MS,
            packets_per_event: Self::DEFAULT_PACKETS_PER_EVENT,
            asym_op_ms: Self::DEFAULT_ASYM_OP_MS,
            frame_processing_ms: Self::DEFAULT_FRAME_PROCESSING_MS,
            connect_events: Self::DEFAULT_CONNECT_EVENTS,
            supervision_timeout_ms: Self::DEFAULT_SUPERVISION_TIMEOUT_MS,
            connect_timeout_ms: Self::DEFAULT_CONNECT_TIMEOUT_MS,
        }
    }

    /// MTU 23: the minimum every central supports (20 bytes per packet).
    pub const fn mtu23() -> Self {
        Self::with_mtu(23)
    }

    /// MTU 185: what iOS negotiates.
    pub const fn mtu185() -> Self {
        Self::with_mtu(185)
    }

    /// MTU 247: what Android phones with data length extension reach.
    pub const fn mtu247() -> Self {
        Self::with_mtu(247)
    }

    /// Bytes of one packet (the ATT value): `mtu - 3`.
    pub fn max_packet_len(&self) -> usize {
        usize::from(self.normalized().mtu) - 3
    }

    /// The same parameters with every figure moved into its valid range.
    pub(crate) fn normalized(&self) -> Self {
        Self {
            mtu: self.mtu.clamp(MIN_MTU, MAX_MTU),
            connection_interval_ms: self.connection_interval_ms.max(1),
            packets_per_event: self.packets_per_event.max(1),
            ..*self
        }
    }
}

impl Default for LinkParams {
    /// MTU 185 with every other figure at its default.
    fn default() -> Self {
        Self::mtu185()
    }
}
