//! Fast repeat unlock: FAST → FAST_RESULT, one round trip, HMAC only (zero
//! asymmetric operations on the lock).
//!
//! FAST (38 bytes): type 0x03 ‖ key id (8) ‖ counter (4) ‖ command (1) ‖
//! command id (8) ‖ MAC (16), where the MAC is HMAC-SHA256(fast key,
//! "latchkey/v1/fast" ‖ lock id ‖ epoch ‖ challenge ‖ key id ‖ counter ‖
//! command ‖ command id) truncated to 16 bytes. The counter stops replays;
//! the challenge stops a captured-and-jammed request from being delivered
//! later.
//!
//! FAST_RESULT (25 bytes): type 0x04 ‖ code (bit 7: replayed) ‖ compact
//! status (3) ‖ lock time (4) ‖ MAC (16) = HMAC(fast key,
//! "latchkey/v1/fast-result" ‖ request MAC ‖ body) truncated.
//!
//! The challenge is not sent: the lock tries the (at most two) challenges it
//! has live. When it holds no fast key for the key id (`unknown_fast_key`)
//! or the MAC fails under every live challenge (`bad_mac`: a stale
//! challenge, or a fast key the lock no longer has), it cannot authenticate
//! its answer; the phone takes
//! such an unauthenticated answer only as a reason to fall back to AUTH,
//! which an attacker could force anyway by jamming.

use crate::auth::{FastKey, LockContext, SessionSecrets, REPLAYED_BIT};
use crate::codec::{Reader, Writer};
use crate::crypto::{ct_eq, hkdf, mac16};
use crate::error::{ProtocolError, Result};
use crate::ids::{CommandId, KeyId};
use crate::result_code::ResultCode;
use crate::status::{Command, CompactStatus};

pub(crate) const TYPE_FAST: u8 = 0x03;
pub(crate) const TYPE_FAST_RESULT: u8 = 0x04;

/// The phone's repeat-unlock request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FastRequest {
    /// Which fast key (the key id it was derived for).
    pub key_id: KeyId,
    /// Strictly increasing per key id.
    pub counter: u32,
    /// What to do.
    pub command: Command,
    /// Idempotency id.
    pub command_id: CommandId,
    /// Truncated HMAC.
    pub mac: [u8; 16],
}

fn request_mac(
    key: &FastKey,
    ctx: &LockContext,
    key_id: &KeyId,
    counter: u32,
    command: Command,
    command_id: &CommandId,
) -> [u8; 16] {
    mac16(
        &key.0,
        &[
            b"latchkey/v1/fast",
            &ctx.lock_id.0,
            &ctx.epoch.to_be_bytes(),
            &ctx.challenge.0,
            &key_id.0,
            &counter.to_be_bytes(),
            &[command as u8],
            &command_id.0,
        ],
    )
}

impl FastRequest {
    /// Length on the wire.
    pub const LEN: usize = 38;

    /// Builds and MACs a request (phone side).
    pub fn build(
        key: &FastKey,
        ctx: &LockContext,
        key_id: KeyId,
        counter: u32,
        command: Command,
        command_id: CommandId,
    ) -> Self {
        Self {
            key_id,
            counter,
            command,
            command_id,
            mac: request_mac(key, ctx, &key_id, counter, command, &command_id),
        }
    }

    /// Checks the MAC (lock side), in constant time.
    pub fn verify(&self, key: &FastKey, ctx: &LockContext) -> bool {
        let expected = request_mac(key, ctx, &self.key_id, self.counter, self.command, &self.command_id);
        ct_eq(&expected, &self.mac)
    }

    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::LEN);
        out.put_u8(TYPE_FAST);
        out.put(&self.key_id.0);
        out.put_u32(self.counter);
        out.put_u8(self.command as u8);
        out.put(&self.command_id.0);
        out.put(&self.mac);
        out
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        let key_id = KeyId(r.array("key_id")?);
        let counter = r.u32("counter")?;
        let command = Command::from_u8(r.u8("command")?).ok_or_else(|| r.invalid("command", "unknown command"))?;
        Ok(Self {
            key_id,
            counter,
            command,
            command_id: CommandId(r.array("command_id")?),
            mac: r.array("mac")?,
        })
    }

    /// Session keys for follow-on commands after a successful FAST, with no
    /// asymmetric operation.
    pub fn session_secrets(&self, key: &FastKey, ctx: &LockContext) -> Result<SessionSecrets> {
        let mut okm = [0u8; 32];
        hkdf(
            &[ctx.challenge.0.as_slice(), &self.counter.to_be_bytes()].concat(),
            &key.0,
            &[b"latchkey/v1/fast-session", &ctx.lock_id.0, &self.key_id.0],
            &mut okm,
        )?;
        let mut s = SessionSecrets {
            phone_to_lock: [0; 16],
            lock_to_phone: [0; 16],
        };
        s.phone_to_lock.copy_from_slice(&okm[..16]);
        s.lock_to_phone.copy_from_slice(&okm[16..]);
        Ok(s)
    }
}

/// The lock's answer to FAST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FastResult {
    /// What happened.
    pub code: ResultCode,
    /// Whether this is the stored outcome of an earlier identical command.
    pub replayed: bool,
    /// Bolt, door, battery, faults.
    pub status: CompactStatus,
    /// The lock's clock (for skew measurement).
    pub lock_time: u32,
    /// Truncated HMAC, or zeros when the lock could not authenticate.
    pub mac: [u8; 16],
}

impl FastResult {
    /// Length on the wire.
    pub const LEN: usize = 25;

    fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::LEN);
        out.put_u8(TYPE_FAST_RESULT);
        out.put_u8(self.code as u8 | if self.replayed { REPLAYED_BIT } else { 0 });
        self.status.write(&mut out);
        out.put_u32(self.lock_time);
        out
    }

    fn compute_mac(&self, key: &FastKey, request_mac: &[u8; 16]) -> [u8; 16] {
        mac16(&key.0, &[b"latchkey/v1/fast-result", request_mac, &self.body()])
    }

    /// Builds a result; MACs it when the lock holds the key.
    pub fn build(
        key: Option<&FastKey>,
        request_mac: &[u8; 16],
        code: ResultCode,
        replayed: bool,
        status: CompactStatus,
        lock_time: u32,
    ) -> Self {
        let mut r = Self {
            code,
            replayed,
            status,
            lock_time,
            mac: [0; 16],
        };
        if let Some(k) = key {
            r.mac = r.compute_mac(k, request_mac);
        }
        r
    }

    /// Whether the lock's MAC verifies (phone side).
    pub fn is_authentic(&self, key: &FastKey, request_mac: &[u8; 16]) -> bool {
        ct_eq(&self.compute_mac(key, request_mac), &self.mac)
    }

    /// Phone side: the outcome if authentic; a fallback signal for the two
    /// codes a lock cannot authenticate; otherwise an error.
    pub fn verify(&self, key: &FastKey, request_mac: &[u8; 16]) -> Result<FastOutcome> {
        if self.is_authentic(key, request_mac) {
            return Ok(FastOutcome::Authentic);
        }
        match self.code {
            ResultCode::UnknownFastKey | ResultCode::BadMac => Ok(FastOutcome::FallBackToAuth),
            _ => Err(ProtocolError::BadMac { what: "fast result" }),
        }
    }

    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.body();
        out.put(&self.mac);
        out
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        let code_byte = r.u8("code")?;
        let code =
            ResultCode::from_u8(code_byte & !REPLAYED_BIT).ok_or_else(|| r.invalid("code", "unknown result code"))?;
        Ok(Self {
            code,
            replayed: code_byte & REPLAYED_BIT != 0,
            status: CompactStatus::read(r)?,
            lock_time: r.u32("lock_time")?,
            mac: r.array("mac")?,
        })
    }
}

/// How the phone should treat a fast result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FastOutcome {
    /// The lock authenticated its answer: trust the code.
    Authentic,
    /// The lock could not use the fast key: run a standard AUTH instead.
    FallBackToAuth,
}
