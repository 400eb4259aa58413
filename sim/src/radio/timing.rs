//! The timing rules of the link model, shared by live connections and by
//! replayed sequences so both produce the same figures.

use super::params::LinkParams;
use crate::VirtualClock;

/// Which way a packet travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Way {
    /// Phone → lock.
    Up,
    /// Lock → phone.
    Down,
}

/// Usage of one direction's slots in the latest event it used.
#[derive(Debug, Clone, Copy, Default)]
struct Lane {
    /// Index of the latest event this direction used (0: none yet).
    event: u64,
    /// Packets already placed in that event.
    used: u32,
    /// An acknowledged packet took that event: nothing else may join it.
    closed: bool,
}

/// Connection events, per-direction slots and the lock's CPU.
#[derive(Debug, Clone)]
pub(crate) struct LinkTimer {
    anchor_ms: u64,
    interval_ms: u64,
    per_event: u32,
    up: Lane,
    down: Lane,
    lock_free_at: u64,
}

impl LinkTimer {
    /// A timer for a connection established at `anchor_ms`.
    pub(crate) fn new(params: &LinkParams, anchor_ms: u64) -> Self {
        let params = params.normalized();
        Self {
            anchor_ms,
            interval_ms: u64::from(params.connection_interval_ms),
            per_event: params.packets_per_event,
            up: Lane::default(),
            down: Lane::default(),
            lock_free_at: anchor_ms,
        }
    }

    /// When the connection was established.
    pub(crate) fn anchor_ms(&self) -> u64 {
        self.anchor_ms
    }

    /// Virtual time of connection event `index`.
    pub(crate) fn event_time(&self, index: u64) -> u64 {
        self.anchor_ms + index * self.interval_ms
    }

    /// The first connection event strictly after `t` (rule 2).
    pub(crate) fn first_event_after(&self, t: u64) -> u64 {
        t.saturating_sub(self.anchor_ms) / self.interval_ms + 1
    }

    /// Places one packet that is ready at `ready_at` and returns the index
    /// of the event that carries it (rule 3). Packets of one direction
    /// leave in the order they were placed.
    pub(crate) fn slot(&mut self, way: Way, ready_at: u64, acknowledged: bool) -> u64 {
        let earliest = self.first_event_after(ready_at);
        let per_event = self.per_event;
        let lane = match way {
            Way::Up => &mut self.up,
            Way::Down => &mut self.down,
        };
        let mut event = earliest.max(lane.event);
        let full = lane.closed || lane.used >= per_event || (acknowledged && lane.used > 0);
        if event == lane.event && full {
            event += 1;
        }
        if event != lane.event {
            *lane = Lane::default();
            lane.event = event;
        }
        lane.used += 1;
        lane.closed = acknowledged;
        event
    }

    /// The lock starts `cost_ms` of work at `at` (or when it is done with
    /// earlier work) and returns when it finishes (rule 4).
    pub(crate) fn lock_work(&mut self, at: u64, cost_ms: u64) -> u64 {
        self.lock_free_at = self.lock_free_at.max(at) + cost_ms;
        self.lock_free_at
    }

    /// When the lock is done with all the work it was given.
    pub(crate) fn lock_free_at(&self) -> u64 {
        self.lock_free_at
    }
}

/// Lock CPU time for a piece of work: the frame's symmetric processing (if
/// it completed a frame or produced one) plus the asymmetric operations.
pub(crate) fn lock_cost_ms(params: &LinkParams, frame_work: bool, asym_ops: u64) -> u64 {
    let frame = if frame_work {
        u64::from(params.frame_processing_ms)
    } else {
        0
    };
    frame + asym_ops.saturating_mul(u64::from(params.asym_op_ms))
}

/// Moves the clock forward to `t` (never back: another user of the clock
/// may already be past it).
pub(crate) fn advance_to(clock: &VirtualClock, t: u64) {
    let now = clock.now_ms();
    if t > now {
        clock.advance_ms(t - now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timer(per_event: u32) -> LinkTimer {
        let params = LinkParams {
            packets_per_event: per_event,
            ..LinkParams::mtu185()
        };
        LinkTimer::new(&params, 1_000)
    }

    #[test]
    fn a_packet_ready_at_an_event_waits_for_the_next_one() {
        let t = timer(4);
        assert_eq!(t.first_event_after(1_000), 1);
        assert_eq!(t.first_event_after(1_029), 1);
        assert_eq!(t.first_event_after(1_030), 2);
        assert_eq!(t.event_time(2), 1_060);
    }

    #[test]
    fn unacknowledged_packets_share_an_event_up_to_the_limit() {
        let mut t = timer(2);
        let events: Vec<u64> = (0..5).map(|_| t.slot(Way::Up, 1_000, false)).collect();
        assert_eq!(events, vec![1, 1, 2, 2, 3]);
        // The other direction has its own slots.
        assert_eq!(t.slot(Way::Down, 1_000, false), 1);
    }

    #[test]
    fn acknowledged_packets_take_an_event_each() {
        let mut t = timer(4);
        let events: Vec<u64> = (0..3).map(|_| t.slot(Way::Down, 1_000, true)).collect();
        assert_eq!(events, vec![1, 2, 3]);
        assert_eq!(t.slot(Way::Down, 1_000, false), 4);
        assert_eq!(t.slot(Way::Down, 1_000, true), 5);
    }

    #[test]
    fn the_lock_works_on_one_thing_at_a_time() {
        let mut t = timer(4);
        assert_eq!(t.lock_work(1_030, 41), 1_071);
        assert_eq!(t.lock_work(1_060, 1), 1_072);
        assert_eq!(t.lock_work(2_000, 0), 2_000);
    }
}
