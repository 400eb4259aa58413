//! The cryptographic primitives, all from ring: ECDSA P-256 with SHA-256,
//! ephemeral ECDH P-256, HKDF-SHA256, HMAC-SHA256 and SHA-256.
//!
//! Every signature is made over a domain-separated message (a tag naming the
//! message kind, then the body), so a signature made for one kind of message
//! can never be presented as another.

use crate::error::{ProtocolError, Result};
pub use crate::random::random_array;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair};
use ring::{agreement, digest, hkdf, hmac};

/// What a signature is for. The tag is prefixed to the signed bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigDomain {
    /// Issuer signs a digital key.
    Certificate,
    /// Issuer signs a revocation list.
    Revocations,
    /// Issuer signs a trusted-time token.
    TimeToken,
    /// Holder signs an AUTH request.
    Auth,
    /// Lock signs an AUTH result.
    AuthResult,
    /// Lock signs a batch of events.
    EventBatch,
    /// Issuer signs a keypad PIN list.
    PinList,
    /// Lock signs the receipt of its claim.
    ClaimReceipt,
    /// Vendor signs a firmware manifest.
    Firmware,
}

impl SigDomain {
    fn tag(self) -> &'static [u8] {
        match self {
            SigDomain::Certificate => b"latchkey/v1/certificate\0",
            SigDomain::Revocations => b"latchkey/v1/revocations\0",
            SigDomain::TimeToken => b"latchkey/v1/time-token\0",
            SigDomain::Auth => b"latchkey/v1/auth\0",
            SigDomain::AuthResult => b"latchkey/v1/auth-result\0",
            SigDomain::EventBatch => b"latchkey/v1/event-batch\0",
            SigDomain::PinList => b"latchkey/v1/pin-list\0",
            SigDomain::ClaimReceipt => b"latchkey/v1/claim-receipt\0",
            SigDomain::Firmware => b"latchkey/v1/firmware\0",
        }
    }

    /// The exact bytes an ECDSA-SHA256 signer signs for `body` in this
    /// domain. Hardware signers (Android Keystore, Secure Enclave) sign this.
    pub fn message(self, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.tag().len() + body.len());
        out.extend_from_slice(self.tag());
        out.extend_from_slice(body);
        out
    }
}

/// A P-256 public key as the raw 64-byte `x || y` (the SEC1 uncompressed
/// form without its constant 0x04 prefix).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(pub [u8; 64]);

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({}…)", crate::hex::encode(&self.0[..8]))
    }
}

impl PublicKey {
    /// Length on the wire.
    pub const LEN: usize = 64;

    /// From SEC1 uncompressed bytes (65 bytes starting with 0x04).
    pub fn from_sec1(bytes: &[u8]) -> Result<Self> {
        match bytes {
            [0x04, rest @ ..] if rest.len() == 64 => {
                let mut out = [0u8; 64];
                out.copy_from_slice(rest);
                Ok(Self(out))
            }
            _ => Err(ProtocolError::BadPublicKey {
                what: "SEC1 public key",
            }),
        }
    }

    /// SEC1 uncompressed bytes, as ring and platform keystores use them.
    pub fn to_sec1(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[0] = 0x04;
        out[1..].copy_from_slice(&self.0);
        out
    }

    /// The issuer id of this key, when it is an issuer key.
    pub fn issuer_id(&self) -> crate::IssuerId {
        let h = sha256(&[&self.0]);
        crate::IssuerId([h[0], h[1], h[2], h[3]])
    }

    /// Verifies a fixed-size `r || s` signature over `body` in `domain`.
    pub fn verify(&self, domain: SigDomain, body: &[u8], sig: &Signature) -> Result<()> {
        let what = match domain {
            SigDomain::Certificate => "certificate",
            SigDomain::Revocations => "revocation list",
            SigDomain::TimeToken => "time token",
            SigDomain::Auth => "AUTH request",
            SigDomain::AuthResult => "AUTH result",
            SigDomain::EventBatch => "event batch",
            SigDomain::PinList => "PIN list",
            SigDomain::ClaimReceipt => "claim receipt",
            SigDomain::Firmware => "firmware manifest",
        };
        let key = signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, self.to_sec1());
        key.verify(&domain.message(body), &sig.0)
            .map_err(|_| ProtocolError::BadSignature { what })
    }
}

/// A fixed-size ECDSA P-256 signature `r || s`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature(pub [u8; 64]);

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signature({}…)", crate::hex::encode(&self.0[..8]))
    }
}

impl Signature {
    /// Length on the wire.
    pub const LEN: usize = 64;
}

/// A software P-256 signing key (issuer, lock, or the phone's default
/// software signer), kept as PKCS#8 so it can be stored sealed.
pub struct SigningKey {
    pair: EcdsaKeyPair,
    pkcs8: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({:?})", self.public_key())
    }
}

impl SigningKey {
    /// A fresh key from the system's secure generator.
    pub fn generate() -> Result<Self> {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| ProtocolError::Crypto("P-256 key generation failed"))?;
        Self::from_pkcs8(doc.as_ref())
    }

    /// Loads a key from its PKCS#8 v1/v2 encoding.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self> {
        let rng = SystemRandom::new();
        let pair = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, &rng)
            .map_err(|_| ProtocolError::Crypto("PKCS#8 document is not a P-256 key"))?;
        Ok(Self {
            pair,
            pkcs8: pkcs8.to_vec(),
        })
    }

    /// The PKCS#8 encoding (secret: seal it before storing).
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        // ring always returns the 65-byte uncompressed form for P-256.
        PublicKey::from_sec1(self.pair.public_key().as_ref()).unwrap_or(PublicKey([0; 64]))
    }

    /// Signs `body` in `domain`.
    pub fn sign(&self, domain: SigDomain, body: &[u8]) -> Result<Signature> {
        self.sign_message(&domain.message(body))
    }

    /// Signs bytes that are already domain-separated (the output of
    /// [`SigDomain::message`]), exactly as a platform signer does: the
    /// software counterpart of the closure [`crate::AuthRequest::build`] takes.
    pub fn sign_message(&self, message: &[u8]) -> Result<Signature> {
        let sig = self
            .pair
            .sign(&SystemRandom::new(), message)
            .map_err(|_| ProtocolError::Crypto("ECDSA signing failed"))?;
        let mut out = [0u8; 64];
        out.copy_from_slice(sig.as_ref());
        Ok(Signature(out))
    }
}

/// One side's ephemeral ECDH P-256 key for a single AUTH exchange.
pub struct EphemeralKey {
    private: agreement::EphemeralPrivateKey,
    public: PublicKey,
}

impl EphemeralKey {
    /// A fresh ephemeral key.
    pub fn generate() -> Result<Self> {
        let private = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &SystemRandom::new())
            .map_err(|_| ProtocolError::Crypto("ephemeral key generation failed"))?;
        let public = private
            .compute_public_key()
            .map_err(|_| ProtocolError::Crypto("ephemeral public key computation failed"))?;
        Ok(Self {
            private,
            public: PublicKey::from_sec1(public.as_ref())?,
        })
    }

    /// The public half, sent to the peer.
    pub fn public_key(&self) -> PublicKey {
        self.public
    }

    /// The ECDH shared secret with `peer` (consumes the key: one use only).
    pub fn agree(self, peer: &PublicKey) -> Result<[u8; 32]> {
        let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, peer.to_sec1());
        agreement::agree_ephemeral(self.private, &peer, |shared| {
            let mut out = [0u8; 32];
            out.copy_from_slice(shared);
            out
        })
        .map_err(|_| ProtocolError::BadPublicKey {
            what: "peer ephemeral key",
        })
    }
}

/// SHA-256 over the concatenation of `parts`.
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut ctx = digest::Context::new(&digest::SHA256);
    for p in parts {
        ctx.update(p);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// HMAC-SHA256 over the concatenation of `parts`, truncated to 16 bytes.
pub fn mac16(key: &[u8], parts: &[&[u8]]) -> [u8; 16] {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut ctx = hmac::Context::with_key(&key);
    for p in parts {
        ctx.update(p);
    }
    let mut out = [0u8; 16];
    out.copy_from_slice(&ctx.sign().as_ref()[..16]);
    out
}

/// Constant-time equality, for comparing MACs.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

struct OkmLen(usize);

impl hkdf::KeyType for OkmLen {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-SHA256: extract with `salt` from `ikm`, expand with `info` into `out`.
pub fn hkdf(salt: &[u8], ikm: &[u8], info: &[&[u8]], out: &mut [u8]) -> Result<()> {
    hkdf::Salt::new(hkdf::HKDF_SHA256, salt)
        .extract(ikm)
        .expand(info, OkmLen(out.len()))
        .and_then(|okm| okm.fill(out))
        .map_err(|_| ProtocolError::Crypto("HKDF output too long"))
}
