//! Standard unlock (first contact): AUTH → AUTH_RESULT, one round trip.
//!
//! The phone signs, with its holder key, the lock id, epoch and challenge,
//! the certificate hash, its ephemeral ECDH key and the command. The lock
//! verifies everything, acts, and answers with its own ephemeral key and a
//! signature over the request's digest and its answer. Both sides then run
//! ECDH + HKDF over the transcript to get the session keys and the
//! persistent fast key.
//!
//! AUTH: type 0x01 ‖ flags (bit 0: full certificate follows) ‖ challenge
//! (8) ‖ certificate
//! (length u8 + bytes) or certificate hash (16) ‖ ephemeral key (64) ‖
//! command (1) ‖ command id (8) ‖ holder signature (64).
//!
//! AUTH_RESULT: type 0x02 ‖ code (bit 7: replayed stored outcome) ‖ next
//! challenge (8) ‖ status (22) ‖ has key (1) ‖ lock ephemeral key (64, if
//! has key) ‖ lock signature (64) over `lock id ‖ SHA-256(AUTH) ‖ body`.

use crate::cert::DigitalKey;
use crate::codec::{Reader, Writer};
use crate::crypto::{hkdf, sha256, EphemeralKey, PublicKey, SigDomain, Signature, SigningKey};
use crate::error::Result;
use crate::ids::{CertHash, Challenge, CommandId, KeyId, LockId};
use crate::result_code::ResultCode;
use crate::status::{Command, LockStatus};

pub(crate) const TYPE_AUTH: u8 = 0x01;
pub(crate) const TYPE_AUTH_RESULT: u8 = 0x02;
pub(crate) const REPLAYED_BIT: u8 = 0x80;

/// What both sides know before the request: the lock's identity and the
/// challenge from its advertisement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockContext {
    /// The lock.
    pub lock_id: LockId,
    /// Its epoch (a reset lock refuses requests made for its old life).
    pub epoch: u32,
    /// The challenge being answered.
    pub challenge: Challenge,
}

/// How the certificate travels: whole, or as a hash the lock has cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertRef {
    /// The whole certificate (first contact with this lock).
    Full(DigitalKey),
    /// Its hash (the lock verified it before).
    Hash(CertHash),
}

impl CertRef {
    /// The certificate hash, whichever form.
    pub fn hash(&self) -> CertHash {
        match self {
            CertRef::Full(c) => c.hash(),
            CertRef::Hash(h) => *h,
        }
    }
}

/// The phone's first-contact request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest {
    /// The certificate or its hash.
    pub cert: CertRef,
    /// The phone's ephemeral ECDH key.
    pub ephemeral: PublicKey,
    /// What to do.
    pub command: Command,
    /// Idempotency id.
    pub command_id: CommandId,
    /// The challenge answered (lets the lock say `stale_challenge` instead
    /// of `bad_holder_signature` for a replay).
    pub challenge: Challenge,
    /// Holder signature over [`AuthRequest::signing_body`].
    pub signature: Signature,
}

impl AuthRequest {
    /// The bytes the holder signs (in [`SigDomain::Auth`]).
    pub fn signing_body(
        ctx: &LockContext,
        cert_hash: &CertHash,
        ephemeral: &PublicKey,
        command: Command,
        command_id: &CommandId,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + 4 + 8 + 16 + 64 + 1 + 8);
        out.put(&ctx.lock_id.0);
        out.put_u32(ctx.epoch);
        out.put(&ctx.challenge.0);
        out.put(&cert_hash.0);
        out.put(&ephemeral.0);
        out.put_u8(command as u8);
        out.put(&command_id.0);
        out
    }

    /// Builds a request; `sign` signs the domain-separated message (a
    /// platform signer, or [`SigningKey::sign_message`] in software).
    pub fn build(
        ctx: &LockContext,
        cert: CertRef,
        ephemeral: PublicKey,
        command: Command,
        command_id: CommandId,
        sign: impl FnOnce(&[u8]) -> Result<Signature>,
    ) -> Result<Self> {
        let body = Self::signing_body(ctx, &cert.hash(), &ephemeral, command, &command_id);
        let signature = sign(&SigDomain::Auth.message(&body))?;
        Ok(Self {
            cert,
            ephemeral,
            command,
            command_id,
            challenge: ctx.challenge,
            signature,
        })
    }

    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(320);
        out.put_u8(TYPE_AUTH);
        out.put_u8(u8::from(matches!(self.cert, CertRef::Full(_))));
        out.put(&self.challenge.0);
        match &self.cert {
            CertRef::Full(c) => {
                let bytes = c.encode();
                out.put_u8(bytes.len() as u8);
                out.put(&bytes);
            }
            CertRef::Hash(h) => out.put(&h.0),
        }
        out.put(&self.ephemeral.0);
        out.put_u8(self.command as u8);
        out.put(&self.command_id.0);
        out.put(&self.signature.0);
        out
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        let full = match r.u8("flags")? {
            0 => false,
            1 => true,
            _ => return Err(r.invalid("flags", "only bit 0 may be set")),
        };
        let challenge = Challenge(r.array("challenge")?);
        let cert = match full {
            true => {
                let len = usize::from(r.u8("certificate_length")?);
                CertRef::Full(DigitalKey::decode(r.bytes(len, "certificate")?)?)
            }
            false => CertRef::Hash(CertHash(r.array("certificate_hash")?)),
        };
        let ephemeral = PublicKey(r.array("ephemeral_key")?);
        let command = Command::from_u8(r.u8("command")?).ok_or_else(|| r.invalid("command", "unknown command"))?;
        Ok(Self {
            cert,
            ephemeral,
            command,
            command_id: CommandId(r.array("command_id")?),
            challenge,
            signature: Signature(r.array("signature")?),
        })
    }

    /// Verifies the holder signature against the (already verified)
    /// certificate.
    pub fn verify_holder(&self, ctx: &LockContext, cert: &DigitalKey) -> std::result::Result<(), ResultCode> {
        let body = Self::signing_body(ctx, &cert.hash(), &self.ephemeral, self.command, &self.command_id);
        cert.grant
            .holder
            .verify(SigDomain::Auth, &body, &self.signature)
            .map_err(|_| ResultCode::BadHolderSignature)
    }
}

/// The lock's answer to AUTH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthResult {
    /// What happened.
    pub code: ResultCode,
    /// Whether this is the stored outcome of an earlier identical command.
    pub replayed: bool,
    /// The challenge the next request must answer.
    pub next_challenge: Challenge,
    /// The lock's state after the command.
    pub status: LockStatus,
    /// The lock's ephemeral key (present when authentication succeeded).
    pub lock_ephemeral: Option<PublicKey>,
    /// Lock signature.
    pub signature: Signature,
}

impl AuthResult {
    fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(160);
        out.put_u8(TYPE_AUTH_RESULT);
        out.put_u8(self.code as u8 | if self.replayed { REPLAYED_BIT } else { 0 });
        out.put(&self.next_challenge.0);
        self.status.write(&mut out);
        match &self.lock_ephemeral {
            Some(k) => {
                out.put_u8(1);
                out.put(&k.0);
            }
            None => out.put_u8(0),
        }
        out
    }

    fn signed(lock_id: &LockId, request: &[u8], body: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + 32 + body.len());
        out.put(&lock_id.0);
        out.put(&sha256(&[request]));
        out.put(body);
        out
    }

    /// An unsigned result (lock side); finish with [`AuthResult::sign`].
    pub fn unsigned(
        code: ResultCode,
        replayed: bool,
        next_challenge: Challenge,
        status: LockStatus,
        lock_ephemeral: Option<PublicKey>,
    ) -> Self {
        Self {
            code,
            replayed,
            next_challenge,
            status,
            lock_ephemeral,
            signature: Signature([0; 64]),
        }
    }

    /// Signs the result (lock side). `request` is the AUTH frame's bytes
    /// (empty when the request could not be decoded at all).
    pub fn sign(mut self, lock_key: &SigningKey, lock_id: &LockId, request: &[u8]) -> Result<Self> {
        self.signature = lock_key.sign(SigDomain::AuthResult, &Self::signed(lock_id, request, &self.body()))?;
        Ok(self)
    }

    /// The wire encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.body();
        out.put(&self.signature.0);
        out
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self> {
        let code_byte = r.u8("code")?;
        let code =
            ResultCode::from_u8(code_byte & !REPLAYED_BIT).ok_or_else(|| r.invalid("code", "unknown result code"))?;
        let next_challenge = Challenge(r.array("next_challenge")?);
        let status = LockStatus::read(r)?;
        let lock_ephemeral = match r.u8("has_key")? {
            0 => None,
            1 => Some(PublicKey(r.array("lock_ephemeral_key")?)),
            _ => return Err(r.invalid("has_key", "must be 0 or 1")),
        };
        Ok(Self {
            code,
            replayed: code_byte & REPLAYED_BIT != 0,
            next_challenge,
            status,
            lock_ephemeral,
            signature: Signature(r.array("signature")?),
        })
    }

    /// Verifies the lock's signature (phone side).
    pub fn verify(&self, lock_key: &PublicKey, lock_id: &LockId, request: &[u8]) -> Result<()> {
        lock_key.verify(
            SigDomain::AuthResult,
            &Self::signed(lock_id, request, &self.body()),
            &self.signature,
        )
    }

    /// The bytes the transcript hash covers (everything but the signature).
    pub fn transcript_part(&self) -> Vec<u8> {
        self.body()
    }
}

/// Keys both sides derive from a successful AUTH.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionSecrets {
    /// AES-128-GCM key for phone → lock session frames.
    pub phone_to_lock: [u8; 16],
    /// AES-128-GCM key for lock → phone session frames.
    pub lock_to_phone: [u8; 16],
}

impl std::fmt::Debug for SessionSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionSecrets(..)")
    }
}

/// The persistent key for fast repeat unlocks, bound to one key id.
#[derive(Clone, PartialEq, Eq)]
pub struct FastKey(pub [u8; 32]);

impl std::fmt::Debug for FastKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FastKey(..)")
    }
}

/// Derives the session keys and the fast key after AUTH. `shared` is the
/// ECDH secret; `request` the AUTH frame; `result` the AUTH_RESULT.
pub fn derive_auth_keys(
    shared: &[u8; 32],
    lock_id: &LockId,
    key_id: &KeyId,
    request: &[u8],
    result: &AuthResult,
) -> Result<(SessionSecrets, FastKey)> {
    let transcript = sha256(&[request, &result.transcript_part()]);
    let mut okm = [0u8; 64];
    hkdf(
        &transcript,
        shared,
        &[b"latchkey/v1/auth-keys", &lock_id.0, &key_id.0],
        &mut okm,
    )?;
    let mut s = SessionSecrets {
        phone_to_lock: [0; 16],
        lock_to_phone: [0; 16],
    };
    s.phone_to_lock.copy_from_slice(&okm[..16]);
    s.lock_to_phone.copy_from_slice(&okm[16..32]);
    let mut fast = [0u8; 32];
    fast.copy_from_slice(&okm[32..]);
    Ok((s, FastKey(fast)))
}

/// Phone side: completes ECDH with the lock's ephemeral key.
pub fn phone_agree(ephemeral: EphemeralKey, result: &AuthResult) -> Result<Option<[u8; 32]>> {
    match &result.lock_ephemeral {
        Some(k) => Ok(Some(ephemeral.agree(k)?)),
        None => Ok(None),
    }
}
