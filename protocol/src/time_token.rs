//! Issuer-signed trusted-time tokens: the only way a lock's clock moves.
//!
//! Layout: version (1) ‖ issuer id (4) ‖ lock id (16) ‖ unix time (4) ‖
//! valid for (2, seconds) ‖ UTC offset (2, signed minutes) ‖ nonce (8) ‖
//! issuer signature (64) = 101 bytes.
//!
//! A lock accepts a token only if it is newer than every token it accepted
//! before. A token with a zero nonce was fetched ahead of time: it only
//! moves the clock forward to the token's time (or keeps it, when the clock
//! is at most `valid_for` seconds ahead of the token); a clock further ahead
//! refuses it. A token whose nonce is a challenge the lock minted `age`
//! seconds ago was signed after that challenge existed, so true time now
//! lies within `[token time, token time + age]`: the lock clamps its clock
//! into that interval. It may move back, but never to before true time, so
//! no token (however long a connection was held open to keep its
//! challenge) can roll a clock back to revive an expired key.

use crate::codec::{Reader, Writer};
use crate::crypto::{PublicKey, SigDomain, Signature, SigningKey};
use crate::error::Result;
use crate::ids::{Challenge, IssuerId, LockId};
use crate::result_code::ResultCode;

const VERSION: u8 = 1;

/// A trusted-time token for one lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeToken {
    /// The issuer that signed it.
    pub issuer_id: IssuerId,
    /// The lock it is for.
    pub lock_id: LockId,
    /// The time when the issuer signed it (unix seconds).
    pub unix_time: u32,
    /// How far back (seconds) an unbound token may move a lock's clock.
    pub valid_for: u16,
    /// The lock's local-time offset from UTC, in minutes (carries DST changes).
    pub utc_offset_min: i16,
    /// Zero, or the lock challenge this token was fetched for.
    pub nonce: Challenge,
    /// Issuer signature.
    pub signature: Signature,
}

/// A challenge a token may be bound to, and how long ago (seconds, by the
/// lock's monotonic timer) the lock minted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChallengeAge {
    /// The challenge.
    pub challenge: Challenge,
    /// Seconds since the lock minted it (rounded up).
    pub age_s: u32,
}

/// What a lock should do with a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeDecision {
    /// The clock's new value.
    pub new_time: u32,
}

impl TimeToken {
    /// Length on the wire.
    pub const LEN: usize = 101;

    /// Signs a token.
    pub fn issue(
        issuer: &SigningKey,
        lock_id: LockId,
        unix_time: u32,
        valid_for: u16,
        utc_offset_min: i16,
        nonce: Challenge,
    ) -> Result<Self> {
        let mut t = Self {
            issuer_id: issuer.public_key().issuer_id(),
            lock_id,
            unix_time,
            valid_for,
            utc_offset_min,
            nonce,
            signature: Signature([0; 64]),
        };
        t.signature = issuer.sign(SigDomain::TimeToken, &t.body())?;
        Ok(t)
    }

    fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::LEN);
        out.put_u8(VERSION);
        out.put(&self.issuer_id.0);
        out.put(&self.lock_id.0);
        out.put_u32(self.unix_time);
        out.put_u16(self.valid_for);
        out.put_i16(self.utc_offset_min);
        out.put(&self.nonce.0);
        out
    }

    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.body();
        out.put(&self.signature.0);
        out
    }

    /// Decodes a token (no trailing bytes). Does not verify the signature.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new("time token", bytes);
        r.version(VERSION)?;
        let t = Self {
            issuer_id: IssuerId(r.array("issuer_id")?),
            lock_id: LockId(r.array("lock_id")?),
            unix_time: r.u32("unix_time")?,
            valid_for: r.u16("valid_for")?,
            utc_offset_min: r.i16("utc_offset_min")?,
            nonce: Challenge(r.array("nonce")?),
            signature: Signature(r.array("signature")?),
        };
        r.finish()?;
        Ok(t)
    }

    /// The lock's decision. `lock_now` is its clock, `last_accepted` the
    /// `unix_time` of the newest token it ever accepted (0: none),
    /// `minted` the challenges a token may be bound to (the one that opened
    /// the session and the live ones) with their ages.
    pub fn evaluate(
        &self,
        issuer: &PublicKey,
        lock_id: &LockId,
        lock_now: u32,
        last_accepted: u32,
        minted: &[ChallengeAge],
    ) -> std::result::Result<TimeDecision, ResultCode> {
        if self.lock_id != *lock_id || self.issuer_id != issuer.issuer_id() {
            return Err(ResultCode::TimeTokenRejected);
        }
        issuer
            .verify(SigDomain::TimeToken, &self.body(), &self.signature)
            .map_err(|_| ResultCode::TimeTokenRejected)?;
        if self.unix_time <= last_accepted {
            return Err(ResultCode::TimeTokenRejected);
        }
        let bound = minted
            .iter()
            .find(|m| self.nonce != Challenge::default() && m.challenge == self.nonce);
        let new_time = if let Some(m) = bound {
            // Signed after the challenge was minted: true time is in
            // [token, token + age]. Clamp into it, so a fast clock comes
            // back only as far as true time allows.
            lock_now.clamp(self.unix_time, self.unix_time.saturating_add(m.age_s))
        } else if lock_now < self.unix_time {
            // Forward moves never pass real time (the token's time was true
            // when signed).
            self.unix_time
        } else if lock_now - self.unix_time <= u32::from(self.valid_for) {
            // The clock agrees with the token within its delivery window:
            // keep it (the token is older than the clock's reading).
            lock_now
        } else {
            return Err(ResultCode::TimeTokenRejected);
        };
        Ok(TimeDecision { new_time })
    }
}
