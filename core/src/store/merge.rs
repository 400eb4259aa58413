//! Two accounts of one lock merged: the state the store holds and the
//! state another process (a widget's, through quick access) left after
//! its own contact with the lock. Each fact keeps its newer account, by
//! the time it was learned; the event cursors keep the further one;
//! battery readings are joined in time order. Applying the same account
//! twice changes nothing, so a merge interrupted by a crash can simply be
//! made again.

use super::history::push_battery_sample;
use super::locks::LockState;

/// `theirs` when it was learned later than `ours` (`at` reads the time).
fn newer<T: Copy>(ours: Option<T>, theirs: Option<T>, at: impl Fn(&T) -> u32) -> Option<T> {
    match (ours, theirs) {
        (Some(o), Some(t)) if at(&t) > at(&o) => Some(t),
        (None, t) => t,
        (o, _) => o,
    }
}

impl LockState {
    /// Takes in what `other` knows that is newer (see the module docs).
    /// The backup way in is the app's own record and never taken.
    pub(crate) fn merge_from(&mut self, other: &LockState) {
        let their_contact_is_newer = match (self.last_seen, other.last_seen) {
            (Some(o), Some(t)) => t.seen_at > o.seen_at,
            (None, Some(_)) => true,
            _ => false,
        };
        if their_contact_is_newer && other.epoch.is_some() {
            self.epoch = other.epoch;
        }
        self.last_seen = newer(self.last_seen, other.last_seen, |s| s.seen_at);
        self.last_status = newer(self.last_status, other.last_status, |s| s.observed_at);
        self.last_contact = newer(self.last_contact, other.last_contact, |c| c.observed_at);
        self.revocation_ack = newer(self.revocation_ack, other.revocation_ack, |a| a.acknowledged_at);
        self.clock_skew = newer(self.clock_skew, other.clock_skew, |s| s.measured_at);
        self.pin_ack = newer(self.pin_ack, other.pin_ack, |a| a.acknowledged_at);
        self.keypad = newer(self.keypad, other.keypad, |k| k.observed_at);
        self.last_offline_unlock = newer(self.last_offline_unlock, other.last_offline_unlock, |u| u.at);
        for (epoch, seq) in &other.event_cursors {
            self.advance_event_cursor(*epoch, *seq);
        }
        if other.battery_history != self.battery_history {
            let mut all: Vec<_> = self
                .battery_history
                .iter()
                .chain(&other.battery_history)
                .copied()
                .collect();
            all.sort_by_key(|s| s.at);
            all.dedup_by_key(|s| s.at);
            self.battery_history.clear();
            for sample in all {
                push_battery_sample(&mut self.battery_history, sample);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{BatterySample, ClockSkew, RevocationAck, SeenAdvertisement};
    use latchkey_protocol::{Advertisement, Challenge};

    fn seen(at: u32, epoch: u32) -> SeenAdvertisement {
        SeenAdvertisement {
            advertisement: Advertisement {
                short_lock_id: [1, 2, 3, 4],
                epoch,
                challenge: Challenge([7; 8]),
                flags: 0,
                revocation_seq_low: 0,
            },
            rssi: -60,
            seen_at: at,
        }
    }

    #[test]
    fn the_newer_account_of_each_fact_wins_and_merging_twice_changes_nothing() {
        let mut ours = LockState {
            last_seen: Some(seen(100, 1)),
            epoch: Some(1),
            revocation_ack: Some(RevocationAck {
                seq: 5,
                acknowledged_at: 200,
            }),
            ..LockState::default()
        };
        ours.advance_event_cursor(1, 40);
        let mut theirs = LockState {
            last_seen: Some(seen(300, 2)),
            epoch: Some(2),
            clock_skew: Some(ClockSkew {
                lock_minus_phone_s: 3,
                measured_at: 300,
            }),
            revocation_ack: Some(RevocationAck {
                seq: 4,
                acknowledged_at: 150,
            }),
            battery_history: vec![BatterySample { at: 300, percent: 80 }],
            ..LockState::default()
        };
        theirs.advance_event_cursor(1, 30);
        theirs.advance_event_cursor(2, 7);
        ours.merge_from(&theirs);
        assert_eq!(ours.epoch, Some(2), "their contact is newer: the lock was reset");
        assert_eq!(ours.last_seen, Some(seen(300, 2)));
        assert_eq!(ours.revocation_ack.map(|a| a.seq), Some(5), "our ack is the newer one");
        assert_eq!(ours.event_cursor(1), 40, "a cursor never moves back");
        assert_eq!(ours.event_cursor(2), 7);
        assert_eq!(ours.clock_skew.map(|s| s.measured_at), Some(300));
        let once = ours.clone();
        ours.merge_from(&theirs);
        assert_eq!(ours, once);
    }
}
