//! The lock's real-time clock: it drifts, it forgets the time on power
//! loss, and only an issuer-signed [`TimeToken`] can move it.

use latchkey_protocol::{ChallengeAge, LockId, PublicKey, ResultCode, TimeToken};

/// The firmware's build time (2024-01-01T00:00:00Z): the floor of the
/// clock, for a lock that never knew the time.
pub const RTC_RESET_UNIX: u32 = 1_704_067_200;

/// How often the firmware saves its clock reading to flash (a watermark).
/// After power loss the clock restarts from the last save, so it never
/// restarts earlier than ten minutes before the loss: a time token kept back
/// from before then would move it backwards by more than the token's
/// tolerance and is refused. Without the watermark, a guest could replay a
/// token from their stay after a battery swap and revive an expired key.
pub const RTC_WATERMARK_INTERVAL_S: u32 = 600;

/// RTC state. The reading is `base + elapsed virtual time × (1 + drift)`.
#[derive(Debug)]
pub(crate) struct Rtc {
    base_unix: u32,
    base_ms: u64,
    drift_ppm: i32,
    trusted: bool,
    /// `unix_time` of the newest token ever accepted (0: none). Kept in
    /// flash: it survives power loss, so an old token never works again.
    last_accepted: u32,
    utc_offset_min: i16,
}

impl Rtc {
    /// A clock set (trusted) to `unix` at virtual time `now_ms`.
    pub(crate) fn new(unix: u32, now_ms: u64, drift_ppm: i32, utc_offset_min: i16) -> Self {
        Self {
            base_unix: unix,
            base_ms: now_ms,
            drift_ppm,
            trusted: true,
            last_accepted: 0,
            utc_offset_min,
        }
    }

    /// A clock that never learnt the time (a lock out of the factory):
    /// it starts at `unix`, untrusted.
    pub(crate) fn untrusted(unix: u32, now_ms: u64, drift_ppm: i32, utc_offset_min: i16) -> Self {
        Self {
            trusted: false,
            ..Self::new(unix, now_ms, drift_ppm, utc_offset_min)
        }
    }

    /// The earliest time the clock may be set to by a claimant: never
    /// behind its own reading or the newest token it accepted.
    pub(crate) fn floor(&self, now_ms: u64) -> u32 {
        self.now(now_ms).max(self.last_accepted)
    }

    /// Sets the clock (trusted): a claim, or the bench shortcut.
    pub(crate) fn set(&mut self, unix: u32, now_ms: u64) {
        self.base_unix = unix;
        self.base_ms = now_ms;
        self.trusted = true;
    }

    /// Adopts a local-time offset given at a claim.
    pub(crate) fn set_utc_offset(&mut self, utc_offset_min: i16) {
        self.utc_offset_min = utc_offset_min;
    }

    /// A firmware that does not keep the clock's trust: the reading stays,
    /// untrusted until a token arrives.
    pub(crate) fn untrust(&mut self) {
        self.trusted = false;
    }

    /// The lock's reading at virtual time `now_ms`.
    pub(crate) fn now(&self, now_ms: u64) -> u32 {
        let elapsed_ms = i128::from(now_ms.saturating_sub(self.base_ms));
        let scaled_ms = elapsed_ms * (1_000_000 + i128::from(self.drift_ppm)) / 1_000_000;
        let secs = i128::from(self.base_unix) + scaled_ms.max(0) / 1000;
        u32::try_from(secs).unwrap_or(u32::MAX)
    }

    /// Whether the reading comes from a trusted source.
    pub(crate) fn trusted(&self) -> bool {
        self.trusted
    }

    /// Local-time offset from UTC, in minutes (schedules use it).
    pub(crate) fn utc_offset_min(&self) -> i16 {
        self.utc_offset_min
    }

    /// The oscillator stopped: the clock restarts from the last watermark
    /// saved to flash and is untrusted until a token arrives.
    pub(crate) fn power_loss(&mut self, now_ms: u64) {
        let reading = self.now(now_ms);
        let watermark = reading - reading % RTC_WATERMARK_INTERVAL_S;
        self.base_unix = watermark.max(self.last_accepted).max(RTC_RESET_UNIX);
        self.base_ms = now_ms;
        self.trusted = false;
    }

    /// Applies a token if [`TimeToken::evaluate`] accepts it; returns the
    /// new reading. This is the only way the clock moves.
    pub(crate) fn apply_token(
        &mut self,
        token: &TimeToken,
        issuer: &PublicKey,
        lock_id: &LockId,
        minted: &[ChallengeAge],
        now_ms: u64,
    ) -> Result<u32, ResultCode> {
        let decision = token.evaluate(issuer, lock_id, self.now(now_ms), self.last_accepted, minted)?;
        self.base_unix = decision.new_time;
        self.base_ms = now_ms;
        self.trusted = true;
        self.last_accepted = token.unix_time;
        self.utc_offset_min = token.utc_offset_min;
        Ok(decision.new_time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_scales_elapsed_time() {
        let rtc = Rtc::new(1000, 0, 100_000, 0);
        assert_eq!(rtc.now(10_000_000), 1000 + 11_000);
        let slow = Rtc::new(1000, 0, -100_000, 0);
        assert_eq!(slow.now(10_000_000), 1000 + 9_000);
    }

    #[test]
    fn power_loss_restarts_untrusted() {
        let mut rtc = Rtc::new(1_750_000_000, 0, 0, 0);
        rtc.power_loss(5_000);
        assert!(!rtc.trusted());
        // 1_750_000_005 rounded down to the last 10-minute save.
        assert_eq!(rtc.now(7_000), 1_749_999_600 + 2);
    }
}
