//! The keypad's attempt limiter: how many wrong entries a lock lets anyone
//! type, whoever they are.
//!
//! A keypad can't tell who is typing, so there is no per-person account.
//! What it does know is time, from its monotonic timer. So the limiter is a
//! budget over time, shared by everyone: each refused entry is a *strike*;
//! strikes are forgiven one per [`KEYPAD_STRIKE_FORGIVEN_S`] (the rate the
//! capped schedule allows anyway, 5 an hour); the
//! [`KEYPAD_FAILURES_BEFORE_LOCKOUT`]th strike not yet forgiven locks the
//! keypad out, for 60 s doubling with each lockout up to an hour; the
//! doubling starts over only after [`KEYPAD_LEVEL_RESET_S`] without a
//! refused entry.
//!
//! An accepted PIN changes nothing. If it reset the count (as a "wrong
//! entries in a row" limiter does), anyone holding one valid PIN could type
//! four guesses, then their own PIN, and repeat forever without a lockout.
//! Residents who mistype now and then are not hurt: their strikes are
//! forgiven within the hour.

/// Strikes (refused entries not yet forgiven) that lock the keypad out.
pub const KEYPAD_FAILURES_BEFORE_LOCKOUT: u32 = 5;
/// Length of the first lockout, in seconds.
pub const KEYPAD_LOCKOUT_BASE_S: u32 = 60;
/// Longest lockout, in seconds (each further lockout doubles the previous
/// one up to this).
pub const KEYPAD_LOCKOUT_MAX_S: u32 = 3_600;
/// One strike is forgiven per this many seconds without a lockout running:
/// 5 an hour, the rate the capped schedule allows.
pub const KEYPAD_STRIKE_FORGIVEN_S: u32 = 720;
/// The lockout schedule starts over (60 s again) after this long without a
/// refused entry.
pub const KEYPAD_LEVEL_RESET_S: u32 = 86_400;

/// Length of lockout number `level` (0 for the first since the schedule
/// started over): 60 s, 120 s, 240 s, … capped at one hour.
pub fn keypad_lockout_s(level: u32) -> u32 {
    let doubled = u64::from(KEYPAD_LOCKOUT_BASE_S) << level.min(32);
    doubled.min(u64::from(KEYPAD_LOCKOUT_MAX_S)) as u32
}

/// An upper bound on the entries anyone can have refused within `window_s`
/// seconds, starting from a clean keypad and typing instantly: the figure
/// the brute-force margin in `docs/protocol.md` uses.
///
/// With `k` lockouts started in the window, the first `k − 1` of them run
/// to their end inside it (entries are not taken meanwhile), so at most
/// `W − T(k − 1)` seconds are left for forgiveness, where `T(n)` is the
/// length of the first `n` lockouts together. Refusals are then at most
/// `5k` (the strikes lockouts consumed) `+ 4` (strikes left) `+` the
/// strikes forgiven; the bound is the largest of these over `k`.
pub fn keypad_max_guesses(window_s: u64) -> u64 {
    let per_lockout = u64::from(KEYPAD_FAILURES_BEFORE_LOCKOUT);
    let forgiven = |free_s: u64| free_s / u64::from(KEYPAD_STRIKE_FORGIVEN_S);
    // k = 0: no lockout at all.
    let mut best = per_lockout - 1 + forgiven(window_s);
    let mut before = 0u64; // T(k − 1)
    let mut k = 1u64;
    while before < window_s {
        best = best.max(per_lockout * k + per_lockout - 1 + forgiven(window_s - before));
        before += u64::from(keypad_lockout_s((k - 1) as u32));
        k += 1;
    }
    best
}

/// The limiter's state (in flash on a real lock, so pulling the batteries
/// does not reset it). Times are the lock's monotonic milliseconds, never
/// its RTC: setting the clock cannot shorten a lockout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeypadLimiter {
    strikes: u32,
    /// Forgiveness is counted from here (the first strike after none, or
    /// the last strike forgiven).
    forgive_from_ms: u64,
    level: u32,
    last_refusal_ms: Option<u64>,
    locked_until_ms: Option<u64>,
}

impl KeypadLimiter {
    /// A clean keypad.
    pub fn new() -> Self {
        Self::default()
    }

    /// Milliseconds of lockout left at `now_ms` (`None`: taking entries).
    pub fn lockout_left_ms(&self, now_ms: u64) -> Option<u64> {
        self.locked_until_ms
            .filter(|until| *until > now_ms)
            .map(|until| until - now_ms)
    }

    /// Strikes not yet forgiven at `now_ms`: refused entries that count
    /// toward the next lockout.
    pub fn strikes(&self, now_ms: u64) -> u32 {
        let mut view = self.clone();
        view.forgive(now_ms);
        view.strikes
    }

    /// Counts a refused entry at `now_ms`; returns the lockout it starts
    /// (seconds), if any. Call only while [`Self::lockout_left_ms`] is
    /// `None`: entries during a lockout are not checked at all.
    pub fn refused(&mut self, now_ms: u64) -> Option<u32> {
        self.forgive(now_ms);
        let quiet_ms = self.last_refusal_ms.map(|last| now_ms.saturating_sub(last));
        if quiet_ms.is_some_and(|q| q >= u64::from(KEYPAD_LEVEL_RESET_S) * 1000) {
            self.level = 0;
        }
        self.last_refusal_ms = Some(now_ms);
        if self.strikes == 0 {
            self.forgive_from_ms = now_ms;
        }
        self.strikes += 1;
        if self.strikes < KEYPAD_FAILURES_BEFORE_LOCKOUT {
            return None;
        }
        self.strikes = 0;
        let seconds = keypad_lockout_s(self.level);
        self.level = self.level.saturating_add(1);
        self.locked_until_ms = Some(now_ms + u64::from(seconds) * 1000);
        Some(seconds)
    }

    /// Forgives the strikes whose time has come.
    fn forgive(&mut self, now_ms: u64) {
        if self.strikes == 0 {
            return;
        }
        let period_ms = u64::from(KEYPAD_STRIKE_FORGIVEN_S) * 1000;
        let due = now_ms.saturating_sub(self.forgive_from_ms) / period_ms;
        if due >= u64::from(self.strikes) {
            self.strikes = 0;
        } else {
            self.strikes -= due as u32;
            self.forgive_from_ms += due * period_ms;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_doubles_up_to_an_hour() {
        let s: Vec<u32> = (0..9).map(keypad_lockout_s).collect();
        assert_eq!(s, [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(keypad_lockout_s(u32::MAX), 3600);
    }

    #[test]
    fn five_quick_refusals_lock_out_and_a_strike_is_forgiven_in_12_minutes() {
        let mut l = KeypadLimiter::new();
        for i in 0..4 {
            assert_eq!(l.refused(i * 1000), None);
        }
        assert_eq!(l.strikes(4_000), 4);
        assert_eq!(l.strikes(720_000), 3, "one forgiven 720 s after the first");
        assert_eq!(l.refused(4_000), Some(60));
        assert_eq!(l.lockout_left_ms(4_000), Some(60_000));
        assert_eq!(l.lockout_left_ms(64_000), None);
    }

    #[test]
    fn the_schedule_starts_over_after_a_quiet_day_only() {
        let mut l = KeypadLimiter::new();
        let batch = |l: &mut KeypadLimiter, at: u64| (0..5).filter_map(|_| l.refused(at)).last();
        assert_eq!(batch(&mut l, 0), Some(60));
        assert_eq!(batch(&mut l, 61_000), Some(120));
        // An hour later: still doubling.
        assert_eq!(batch(&mut l, 3_600_000), Some(240));
        // A quiet day later: back to a minute.
        assert_eq!(batch(&mut l, 3_600_000 + 86_400_000), Some(60));
    }
}
