//! The budget for asymmetric work on requests that have not proved a key.
//!
//! Every AUTH makes the lock verify signatures before it knows whether the
//! sender holds a key, and a refusal is answered with a signature. A
//! nearby attacker sending junk could keep the lock's CPU busy with ECDSA
//! and drain a battery-powered lock. So that work comes out of a token
//! bucket: `burst` operations, refilled one per `refill_ms`, and at most
//! `per_connection` in one connection. A request that then proves a key
//! gets its verifications back, so phones that hold keys never use it up;
//! FAST needs none at all. With the bucket empty the lock answers
//! `ERROR(lock_busy)` without checking anything.

/// The bucket. Credit is kept in milliseconds of refill time, so no
/// fractions are needed.
#[derive(Debug)]
pub(crate) struct UnauthBudget {
    credit_ms: u64,
    last_ms: u64,
    burst: u32,
    refill_ms: u64,
    per_connection: u32,
    spent_in_connection: u32,
}

impl UnauthBudget {
    pub(crate) fn new(burst: u32, refill_ms: u64, per_connection: u32, now_ms: u64) -> Self {
        Self {
            credit_ms: u64::from(burst).saturating_mul(refill_ms),
            last_ms: now_ms,
            burst,
            refill_ms,
            per_connection,
            spent_in_connection: 0,
        }
    }

    fn refill(&mut self, now_ms: u64) {
        let cap = u64::from(self.burst).saturating_mul(self.refill_ms);
        self.credit_ms = (self.credit_ms + now_ms.saturating_sub(self.last_ms)).min(cap);
        self.last_ms = now_ms.max(self.last_ms);
    }

    /// Takes one operation's worth; `false`: the work must not be done.
    pub(crate) fn try_spend(&mut self, now_ms: u64) -> bool {
        self.refill(now_ms);
        if self.spent_in_connection >= self.per_connection || self.credit_ms < self.refill_ms {
            return false;
        }
        self.credit_ms -= self.refill_ms;
        self.spent_in_connection += 1;
        true
    }

    /// Gives back `ops` spent on a request that then proved a key.
    pub(crate) fn refund(&mut self, ops: u32) {
        let cap = u64::from(self.burst).saturating_mul(self.refill_ms);
        self.credit_ms = (self.credit_ms + u64::from(ops) * self.refill_ms).min(cap);
        self.spent_in_connection = self.spent_in_connection.saturating_sub(ops);
    }

    /// A new connection starts its own count (the bucket is shared).
    pub(crate) fn new_connection(&mut self) {
        self.spent_in_connection = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_one_per_refill_period() {
        let mut b = UnauthBudget::new(3, 1000, 100, 0);
        assert!((0..3).all(|_| b.try_spend(0)));
        assert!(!b.try_spend(0));
        assert!(!b.try_spend(999));
        assert!(b.try_spend(1000));
        assert!(!b.try_spend(1000));
    }

    #[test]
    fn one_connection_gets_only_its_share_and_a_refund_restores_it() {
        let mut b = UnauthBudget::new(10, 1000, 2, 0);
        assert!(b.try_spend(0) && b.try_spend(0));
        assert!(!b.try_spend(0), "per-connection limit");
        b.refund(2);
        assert!(b.try_spend(0));
        b.new_connection();
        assert!(b.try_spend(0) && b.try_spend(0));
    }
}
