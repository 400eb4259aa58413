//! What one exchange cost on the link.

/// Counters of one connection (or one replayed sequence).
///
/// Packets and bytes count what went over the air, including packets a
/// fault then lost. Frames, round trips and [`LinkStats::exchange_ms`]
/// count frames whose last packet reached the other side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Phone → lock frames answered by a lock → phone frame. Several lock
    /// frames in a row answer one request once.
    pub round_trips: u32,
    /// Phone → lock frames whose last packet reached the lock.
    pub frames_up: u32,
    /// Lock → phone frames whose last packet reached the phone.
    pub frames_down: u32,
    /// Phone → lock packets sent.
    pub packets_up: u32,
    /// Lock → phone packets sent.
    pub packets_down: u32,
    /// Phone → lock frame bytes (the protocol messages, no packet headers).
    pub bytes_up: u64,
    /// Lock → phone frame bytes.
    pub bytes_down: u64,
    /// Phone → lock packet bytes: the ATT values, framing headers included
    /// (add 3 bytes of ATT header per packet for what the MTU limits).
    pub packet_bytes_up: u64,
    /// Lock → phone packet bytes, framing headers included.
    pub packet_bytes_down: u64,
    /// Asymmetric operations the lock performed during the connection.
    pub lock_asym_ops: u64,
    /// Virtual ms from the connection being established to the last frame
    /// the phone received (0 when it received none).
    pub exchange_ms: u64,
}

impl LinkStats {
    /// Phone → lock bytes including the 3-byte ATT header of each packet.
    pub fn att_bytes_up(&self) -> u64 {
        self.packet_bytes_up + 3 * u64::from(self.packets_up)
    }

    /// Lock → phone bytes including the 3-byte ATT header of each packet.
    pub fn att_bytes_down(&self) -> u64 {
        self.packet_bytes_down + 3 * u64::from(self.packets_down)
    }
}

/// Keeps [`LinkStats`] up to date as packets move.
#[derive(Debug, Clone)]
pub(crate) struct StatsRecorder {
    stats: LinkStats,
    anchor_ms: u64,
    awaiting_answer: bool,
}

impl StatsRecorder {
    /// Counters for a connection established at `anchor_ms`.
    pub(crate) fn new(anchor_ms: u64) -> Self {
        Self {
            stats: LinkStats::default(),
            anchor_ms,
            awaiting_answer: false,
        }
    }

    /// The counters so far.
    pub(crate) fn snapshot(&self) -> LinkStats {
        self.stats
    }

    /// A phone → lock packet went out.
    pub(crate) fn packet_up(&mut self, packet_bytes: usize, frame_bytes: usize) {
        self.stats.packets_up += 1;
        self.stats.packet_bytes_up += packet_bytes as u64;
        self.stats.bytes_up += frame_bytes as u64;
    }

    /// A lock → phone packet went out.
    pub(crate) fn packet_down(&mut self, packet_bytes: usize, frame_bytes: usize) {
        self.stats.packets_down += 1;
        self.stats.packet_bytes_down += packet_bytes as u64;
        self.stats.bytes_down += frame_bytes as u64;
    }

    /// The lock holds a complete request.
    pub(crate) fn frame_up_arrived(&mut self) {
        self.stats.frames_up += 1;
        self.awaiting_answer = true;
    }

    /// The phone holds a complete frame at `at_ms`.
    pub(crate) fn frame_down_arrived(&mut self, at_ms: u64) {
        self.stats.frames_down += 1;
        if std::mem::take(&mut self.awaiting_answer) {
            self.stats.round_trips += 1;
        }
        self.stats.exchange_ms = at_ms.saturating_sub(self.anchor_ms);
    }

    /// The lock performed `ops` asymmetric operations.
    pub(crate) fn lock_asym_ops(&mut self, ops: u64) {
        self.stats.lock_asym_ops += ops;
    }
}
