//! The rotating challenge: the freshness value every AUTH and FAST answers.
//!
//! Two challenges are live at a time: the current one (advertised) and the
//! previous one, so a phone that read the advertisement just before a
//! rotation still succeeds. The current one rotates on a timer and as soon
//! as an authenticated request consumes it; only authenticated requests
//! consume, so junk cannot burn a legitimate phone's challenge.

use latchkey_protocol::crypto::sha256;
use latchkey_protocol::Challenge;

#[derive(Debug)]
pub(crate) struct Challenges {
    current: Challenge,
    /// When `current` was minted (a time token bound to it was signed
    /// after this).
    current_minted_ms: u64,
    previous: Option<(Challenge, u64)>,
    rotated_at_ms: u64,
    period_ms: u64,
    /// Feeds the fallback generator (see [`Challenges::fresh`]).
    minted: u64,
}

impl Challenges {
    pub(crate) fn new(period_ms: u64, now_ms: u64) -> Self {
        let mut c = Self {
            current: Challenge::default(),
            current_minted_ms: now_ms,
            previous: None,
            rotated_at_ms: now_ms,
            period_ms: period_ms.max(1),
            minted: 0,
        };
        c.current = c.fresh();
        c
    }

    /// A new unpredictable challenge. If the system generator ever failed,
    /// firmware must not halt: it derives a distinct value from the
    /// previous one instead (unique, though no longer unpredictable).
    fn fresh(&mut self) -> Challenge {
        self.minted += 1;
        Challenge::random().unwrap_or_else(|_| {
            let h = sha256(&[&self.current.0, &self.minted.to_be_bytes()]);
            let mut out = [0u8; 8];
            out.copy_from_slice(&h[..8]);
            Challenge(out)
        })
    }

    /// Applies the timer: one elapsed period demotes current to previous;
    /// two or more retire both.
    pub(crate) fn refresh(&mut self, now_ms: u64) {
        let periods = now_ms.saturating_sub(self.rotated_at_ms) / self.period_ms;
        if periods == 0 {
            return;
        }
        self.previous = (periods == 1).then_some((self.current, self.current_minted_ms));
        self.current = self.fresh();
        self.current_minted_ms = now_ms;
        self.rotated_at_ms += periods * self.period_ms;
    }

    /// The advertised challenge.
    pub(crate) fn current(&self) -> Challenge {
        self.current
    }

    /// The live challenges, current first.
    pub(crate) fn live(&self) -> impl Iterator<Item = Challenge> {
        self.live_minted().map(|(c, _)| c)
    }

    /// The live challenges with the time each was minted, current first.
    pub(crate) fn live_minted(&self) -> impl Iterator<Item = (Challenge, u64)> {
        std::iter::once((self.current, self.current_minted_ms)).chain(self.previous)
    }

    /// When the live challenge `c` was minted.
    pub(crate) fn minted_ms(&self, c: &Challenge) -> Option<u64> {
        self.live_minted().find(|(l, _)| l == c).map(|(_, at)| at)
    }

    /// Whether `c` may still be answered.
    pub(crate) fn is_live(&self, c: &Challenge) -> bool {
        self.live().any(|l| l == *c)
    }

    /// Retires `c` after an authenticated request answered it; the current
    /// one is replaced at once (and its timer restarts).
    pub(crate) fn consume(&mut self, c: &Challenge, now_ms: u64) {
        if *c == self.current {
            self.current = self.fresh();
            self.current_minted_ms = now_ms;
            self.rotated_at_ms = now_ms;
        } else if self.previous.is_some_and(|(p, _)| p == *c) {
            self.previous = None;
        }
    }

    /// Forgets both (reset, power loss): nothing answered before counts.
    pub(crate) fn restart(&mut self, now_ms: u64) {
        self.previous = None;
        self.current = self.fresh();
        self.current_minted_ms = now_ms;
        self.rotated_at_ms = now_ms;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_stays_live_for_one_period() {
        let mut c = Challenges::new(30_000, 0);
        let first = c.current();
        c.refresh(30_000);
        assert!(c.is_live(&first));
        assert_ne!(c.current(), first);
        c.refresh(60_000);
        assert!(!c.is_live(&first));
    }

    #[test]
    fn long_silence_retires_both() {
        let mut c = Challenges::new(30_000, 0);
        let first = c.current();
        c.refresh(65_000);
        assert!(!c.is_live(&first));
        assert_eq!(c.live().count(), 1);
    }

    #[test]
    fn consuming_current_rotates_it() {
        let mut c = Challenges::new(30_000, 0);
        let first = c.current();
        c.consume(&first, 10);
        assert!(!c.is_live(&first));
    }
}
