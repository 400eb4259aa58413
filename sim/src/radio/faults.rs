//! Injected packet drops, corrupted packets, link losses and a lock that
//! leaves range.

use std::collections::BTreeSet;

/// Faults to inject on one connection. Packets are numbered from 1 in the
/// order they go over the air, separately for each direction, over the
/// whole connection. Build one with the chained methods:
///
/// ```
/// use latchkey_sim::radio::FaultPlan;
/// // The lock receives the first request, acts, and the link drops
/// // before its answer: the phone never hears.
/// let plan = FaultPlan::none().disconnect_after_requests(1);
/// assert!(!plan.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultPlan {
    drop_up: BTreeSet<u64>,
    drop_down: BTreeSet<u64>,
    corrupt_down: BTreeSet<u64>,
    disconnect_after_up_packets: Option<u64>,
    disconnect_after_requests: Option<u64>,
    disconnect_after_down_packets: Option<u64>,
    out_of_range_after_requests: Option<u64>,
}

impl FaultPlan {
    /// No faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Whether the plan injects nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Loses the `n`th phone → lock packet (it uses air time; the lock
    /// never sees it).
    pub fn drop_up(mut self, n: u64) -> Self {
        self.drop_up.insert(n);
        self
    }

    /// Loses the `n`th lock → phone packet.
    pub fn drop_down(mut self, n: u64) -> Self {
        self.drop_down.insert(n);
        self
    }

    /// Delivers the `n`th lock → phone packet with its last byte's bits
    /// flipped (a packet with only a framing header gets its header
    /// flipped instead): data damaged above the link layer, which the
    /// link's CRC does not catch, as a buggy stack or a forger would
    /// deliver it. The phone's reassembly or the answer's MAC or signature
    /// check then fails, as it would on a real link.
    pub fn corrupt_down(mut self, n: u64) -> Self {
        self.corrupt_down.insert(n);
        self
    }

    /// Drops the link once `n` phone → lock packets went out: packet `n + 1`
    /// never arrives, so a longer request is never complete. With `n = 0`
    /// the link drops at the first packet.
    pub fn disconnect_after_up_packets(mut self, n: u64) -> Self {
        self.disconnect_after_up_packets = Some(n);
        self
    }

    /// Drops the link right after the lock received the last packet of the
    /// `n`th request frame: the lock processes it (and acts), its answer is
    /// lost. `n = 1` is the classic "unlock sent, no answer" case.
    pub fn disconnect_after_requests(mut self, n: u64) -> Self {
        self.disconnect_after_requests = Some(n);
        self
    }

    /// Drops the link once `k` lock → phone packets went out (`k = 0`: just
    /// before the first answer packet).
    pub fn disconnect_after_down_packets(mut self, k: u64) -> Self {
        self.disconnect_after_down_packets = Some(k);
        self
    }

    /// The lock receives the last packet of the `n`th request frame,
    /// processes it (and acts), and then leaves range: the link drops
    /// before its answer and the lock is neither heard nor connectable
    /// until [`crate::radio::SimRadio::set_in_range`] brings it back.
    /// The phone's retry finds nothing: "the lock may have acted".
    pub fn out_of_range_after_requests(mut self, n: u64) -> Self {
        self.out_of_range_after_requests = Some(n);
        self
    }

    pub(crate) fn drops_up(&self, n: u64) -> bool {
        self.drop_up.contains(&n)
    }

    pub(crate) fn drops_down(&self, n: u64) -> bool {
        self.drop_down.contains(&n)
    }

    /// Whether the link drops instead of carrying up packet number `n`.
    pub(crate) fn cuts_before_up(&self, n: u64) -> bool {
        self.disconnect_after_up_packets.is_some_and(|limit| n > limit)
    }

    /// Whether down packet number `n` arrives damaged.
    pub(crate) fn corrupts_down(&self, n: u64) -> bool {
        self.corrupt_down.contains(&n)
    }

    /// Whether the lock leaves range after it received request `n`.
    pub(crate) fn leaves_range_after_request(&self, n: u64) -> bool {
        self.out_of_range_after_requests == Some(n)
    }

    /// Whether the link drops after the lock received request `n`.
    pub(crate) fn cuts_after_request(&self, n: u64) -> bool {
        self.disconnect_after_requests == Some(n)
    }

    /// Whether the link drops instead of carrying down packet number `n`.
    pub(crate) fn cuts_before_down(&self, n: u64) -> bool {
        self.disconnect_after_down_packets.is_some_and(|limit| n > limit)
    }
}
